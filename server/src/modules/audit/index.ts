// The audit module (LEGAL 10): the hash-chained log every other module appends to inside its
// own transaction, its search, export and verification routes, its retention purge and the
// signed checkpoints of the chain heads. Other modules import only this file.
import type { ChainKeys } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { AuditSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { AuditRepository } from './audit.repository.ts';
import { auditRoutes } from './audit.routes.ts';
import { AuditService } from './audit.service.ts';
import { systemActor } from './audit.types.ts';
import { CheckpointJob, CheckpointStore, type CheckpointedRecordingHead, type CheckpointedRegisterHead, type CheckpointEvent } from './checkpoints.ts';

export { diffForAudit } from './audit.service.ts';
export { cliActor, systemActor, type Actor } from './audit.types.ts';
export {
  CHECKPOINT_FILE,
  CheckpointJob,
  CheckpointStore,
  newestRecordingHeads,
  newestRegisterHead,
  type CheckpointedRecordingHead,
  type CheckpointedRegisterHead,
  type CheckpointEvent,
} from './checkpoints.ts';
export type { AuditService };

/** What other modules call: `record(trx, ...)` joins the caller's transaction, whatever its tables. */
export type AuditApi = AuditService;

/** The keyed chain and its signed checkpoints, as every running Vigie has them. */
export interface AuditChainDeps {
  keys: ChainKeys;
  checkpoints: { directory: string; intervalMs: number; webhookUrl: string | null };
  /** Each camera's segment chain head, for the checkpoints (the recording module's, given as a port). */
  recordingHeads: () => Promise<CheckpointedRecordingHead[]>;
  /** The statutory register's chain head (the retention module's, given as a port): signed in each checkpoint when given. */
  registerHead?: () => Promise<CheckpointedRegisterHead>;
  /** A checkpoint not written (critical) or not pushed (warning), raised as a technical event. */
  raise?: (event: CheckpointEvent) => unknown;
}

export interface AuditModuleDeps {
  database: Pick<DatabaseHandle, 'db' | 'dialect'>;
  clock: Clock;
  /** Without it: plain SHA-256 rows, no checkpoints (tests of other modules, reading the chain's head before the keys exist). */
  chain?: AuditChainDeps;
  /** Rows older than this are purged daily by the worker role (config.auditRetentionDays); no purge job without it. */
  retentionDays?: number;
  log?: ProcessLog;
}

export interface AuditCheckpoints {
  /** The checkpoint file, read by `recordings verify`. */
  readonly store: CheckpointStore;
  /** Writes one signed checkpoint now (`audit checkpoint`, the worker's job, the last one at shutdown). */
  readonly job: CheckpointJob;
}

export interface AuditModule<Checkpoints extends AuditCheckpoints | null = AuditCheckpoints | null> extends VigieModule<AuditApi> {
  readonly checkpoints: Checkpoints;
}

export function createAuditModule(deps: AuditModuleDeps & { chain: AuditChainDeps }): AuditModule<AuditCheckpoints>;
export function createAuditModule(deps: AuditModuleDeps): AuditModule;
export function createAuditModule(deps: AuditModuleDeps): AuditModule {
  const { database, clock, chain, log, retentionDays } = deps;
  const store = chain
    ? new CheckpointStore({
        directory: chain.checkpoints.directory,
        signer: chain.keys.signer,
        webhookUrl: chain.checkpoints.webhookUrl,
        intervalMs: chain.checkpoints.intervalMs,
        log,
      })
    : undefined;
  const repository = new AuditRepository(tablesOf<AuditSchema>(database.db), database.dialect, chain?.keys.audit);
  const audit = new AuditService(repository, clock, { key: chain?.keys.audit, checkpoints: store });
  const jobs: Job[] = [];
  // Audit rows past their retention (3 years by default), daily.
  if (retentionDays !== undefined)
    jobs.push({ name: 'audit.purge', role: 'worker', intervalMs: 86_400_000, run: () => audit.purgeExpired(retentionDays, systemActor) });
  let checkpoints: AuditCheckpoints | null = null;
  if (chain && store) {
    const job = new CheckpointJob({
      store,
      keys: chain.keys,
      clock,
      raise: chain.raise,
      heads: { audit: () => audit.chainHead(), recordings: chain.recordingHeads, register: chain.registerHead },
    });
    checkpoints = { store, job };
    // Signed checkpoints of the chain heads, outside the database (issue 11): at start, then every interval (at least daily).
    jobs.push({ name: 'audit.checkpoint', role: 'worker', intervalMs: chain.checkpoints.intervalMs, runAtStart: true, run: () => job.run() });
  }
  return { name: 'audit', api: audit, routes: routesOf(auditRoutes, { audit }), jobs, checkpoints };
}
