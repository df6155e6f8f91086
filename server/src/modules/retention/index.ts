// The retention module (LEGAL 6-8): the retention purge and early destruction, legal holds,
// the statutory register (recordings made, destroyed, handed over). Its constructor is its
// public API, with the types other modules need.
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { StorageService, VolumeMarkers } from '../storage/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { LegalHoldsService, type HoldBounds } from './holds.ts';
import { holdsRoutes } from './holds.routes.ts';
import { RegisterChain, type RegisterCheckpoint } from './register.chain.ts';
import { StatutoryRegister } from './register.ts';
import { RequisitionHolds } from './requisition-holds.ts';
import { RecordedDaysJob } from './register.recorded.ts';
import type { RecordingInventory } from './retention.inventory.ts';
import { RetentionRepository } from './retention.repository.ts';
import { RetentionPurge, type PurgeFileSystem } from './retention.ts';
import type { RetentionFootage } from './retention.types.ts';

export type { RecordingInventory } from './retention.inventory.ts';
export type { PurgeFileSystem, RetentionPurge } from './retention.ts';
export type { RetentionFootage } from './retention.types.ts';
export { defaultHoldBounds, type HoldBounds, type LegalHoldsService } from './holds.ts';
export type { RecordedDaysJob } from './register.recorded.ts';
export type { RequisitionHolds, RequisitionHoldView, RequisitionRangeAsked, RequisitionRangePlaced } from './requisition-holds.ts';
export type { StatutoryRegister } from './register.ts';

/** The register chain's newest seq (the legacy boundary of a chain key created now, chain-keys.ts). */
export async function lastRegisterSeq(database: DatabaseHandle): Promise<number> {
  return (await new RegisterChain().head(database.db)).seq;
}

export interface RetentionModuleDeps {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** The segment index (the recording module's): what may be destroyed, destroyed in the purge's transaction. */
  footage: RetentionFootage;
  /** Each camera's retention and commune (the cameras module). */
  inventory: RecordingInventory;
  /** The volumes footage is on (read at each pass: a volume added later is purged too), their markers, the usage figures a purge makes stale. */
  storage: Pick<StorageService, 'storageVolumes' | 'forgetUsage'>;
  /** No marker at a volume's root (disk not mounted): nothing on it is destroyed (issue 11). */
  markers: VolumeMarkers;
  raise(event: TechnicalEvent): Promise<unknown>;
  log?: ProcessLog;
  /** The purge's file operations (default: node's); tests make one fail. */
  fileSystem?: PurgeFileSystem;
  config: {
    holds: HoldBounds;
    purgeIntervalMs: number;
  };
  /** The register chain's key (chain-keys.ts `register`); absent only in tests of the register alone (plain SHA-256). */
  registerChainKey?: ChainMac;
  /** The newest signed checkpoint's register head (the audit module's checkpoint file), for `register verify`. */
  registerCheckpoint?: () => Promise<RegisterCheckpoint>;
}

export interface RetentionApi {
  purge: RetentionPurge;
  holds: LegalHoldsService;
  register: StatutoryRegister;
  /** The register's `recorded` rows, once a Paris day is over. */
  recordedDays: RecordedDaysJob;
  /** The holds a requisition places at intake and releases at its close (issue 13), in its transaction. */
  requisitionHolds: RequisitionHolds;
}

export function createRetentionModule(deps: RetentionModuleDeps): VigieModule<RetentionApi> {
  const repository = new RetentionRepository(tablesOf<RetentionSchema>(deps.database.db), new RegisterChain(deps.registerChainKey));
  const purge = new RetentionPurge({
    repository,
    footage: deps.footage,
    audit: deps.audit,
    clock: deps.clock,
    inventory: deps.inventory,
    log: deps.log,
    fileSystem: deps.fileSystem,
    volumes: () => deps.storage.storageVolumes(),
    markers: deps.markers,
    onTechnicalEvent: (event) => void deps.raise(event),
  });
  const holds = new LegalHoldsService(repository, deps.footage, deps.audit, deps.clock, deps.inventory, deps.config.holds);
  const register = new StatutoryRegister(repository, deps.clock, deps.registerCheckpoint);
  const recordedDays = new RecordedDaysJob(repository, deps.footage, deps.audit, deps.clock);
  const jobs: Job[] = [
    {
      // The recorder role purges first (awaited at start, before any recorder runs): footage never outlives its legal limit.
      name: 'retention.purge',
      role: 'recorder',
      intervalMs: deps.config.purgeIntervalMs,
      runAtStart: true,
      run: async () => {
        const report = await purge.run();
        if (report.cameras.some((camera) => camera.destroyedBytes > 0)) deps.storage.forgetUsage();
        return report;
      },
    },
    // The register's "recordings made" rows once a Paris day is over (at start too: a day missed while stopped is caught up).
    { name: 'retention.register-recorded', role: 'worker', intervalMs: 3_600_000, runAtStart: true, run: () => recordedDays.run() },
    // Legal holds confirmed and unchanged for the review period are reported (issue 11).
    { name: 'retention.hold-review', role: 'worker', intervalMs: 86_400_000, run: () => holds.reportDueForReview((event) => deps.raise(event)) },
  ];
  const requisitionHolds = new RequisitionHolds(repository, deps.footage, deps.audit, deps.clock, deps.inventory);
  const api: RetentionApi = { purge, holds, register, recordedDays, requisitionHolds };
  return { name: 'retention', api, routes: routesOf(holdsRoutes, { holds, register, audit: deps.audit, clock: deps.clock }), jobs };
}
