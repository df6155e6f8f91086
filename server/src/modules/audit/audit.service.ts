// Use cases of the audit log: append (inside the caller's transaction), image-access records,
// verification of the chain, search and CSV export for auditors, retention purge.
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafeRecord } from '../../platform/csv.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditRow } from '../../platform/db/schema.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { ChainMac } from '../../platform/chain-keys.ts';
import { ChainVerifier, canonicalJson, storableNullable, storableText } from './audit.chain.ts';
import type { AuditRepository } from './audit.repository.ts';
import { checkAuditCheckpoints, type CheckpointStore } from './checkpoints.ts';
import type { Actor, AuditEntry, AuditRecord, AuditSearch, ImageAccessKind, VerifyReport } from './audit.types.ts';

/**
 * The keys whose values are secrets, by exact name (case and `_` ignored). An explicit list
 * (issue 11): a pattern such as /token|hash/ also dropped a mask's `presetToken` and a purge's
 * chain hashes, which the log must keep.
 */
export const secretDetailKeys: ReadonlySet<string> = new Set([
  'password',
  'newpassword',
  'currentpassword',
  'passwordhash',
  'passwd',
  'pwd',
  'secret',
  'secretkey',
  'totpsecret',
  'totpsecretsealed',
  'credentials',
  'credentialssealed',
  'token',
  'apitoken',
  'tokenhash',
  'sessiontoken',
  'csrftoken',
  'idhash',
  'recoverycode',
  'recoverycodes',
  'codehash',
  'apikey',
  'privatekey',
]);

const isSecretKey = (key: string) => secretDetailKeys.has(key.toLowerCase().replaceAll('_', '').replaceAll('-', ''));

/** Removes secret keys from details, at any depth: secrets never enter the log. */
export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, inner]) => inner !== undefined)
        .map(([key, inner]) => [key, isSecretKey(key) ? '[redacted]' : scrubSecrets(inner)]),
    );
  }
  return value;
}

/** Before/after pair of the fields that changed, for configuration-change records. */
export function diffForAudit(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Record<string, unknown> {
  if (!before || !after) return { before: scrubSecrets(before), after: scrubSecrets(after) };
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonicalJson(before[key]) !== canonicalJson(after[key])) {
      changedBefore[key] = before[key];
      changedAfter[key] = after[key];
    }
  }
  return { before: scrubSecrets(changedBefore), after: scrubSecrets(changedAfter) };
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorLogin: row.actor_login,
    communeInsee: row.commune_insee,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    reason: row.reason,
    details: JSON.parse(row.details) as Record<string, unknown>,
    ip: row.ip,
    hash: row.hash,
  };
}

/**
 * A chain that starts after row 1 must start where the newest retention purge said it would:
 * otherwise its first rows were removed by hand and the anchor moved over them.
 */
function unattestedAnchor(head: { anchorSeq: number; anchorPrevHash: string }, lastPurge: AuditRow | null): string | null {
  if (head.anchorSeq <= 1) return null;
  const details = lastPurge ? (JSON.parse(lastPurge.details) as { anchorSeq?: unknown; anchorPrevHash?: unknown }) : null;
  // Purge rows written before issue 11 had their anchor hash scrubbed as '[redacted]'.
  const hashAttested = details?.anchorPrevHash === head.anchorPrevHash || details?.anchorPrevHash === '[redacted]';
  if (details && details.anchorSeq === head.anchorSeq && hashAttested) return null;
  return `the log starts at row ${head.anchorSeq}, but no retention purge (audit.purged) recorded that start: rows before it were removed outside a purge`;
}

/** What is not a tampering but weakens the check: no checkpoint yet, or none for a long time. */
function checkpointWarnings(reading: { file: string; checkpoints: readonly { at: string }[] }, store: CheckpointStore, now: Date): string[] {
  const newest = reading.checkpoints.at(-1);
  if (!newest) return [`no signed checkpoint in ${reading.file} yet: the worker role writes one at its start, then every interval`];
  const intervalMs = store.intervalMs;
  if (intervalMs !== undefined && now.getTime() - Date.parse(newest.at) > 2 * intervalMs + 60_000) {
    return [`the newest signed checkpoint is from ${newest.at}: is the worker role running?`];
  }
  return [];
}

export class AuditService {
  /**
   * `chain.key`: the HMAC key of the chain (issue 11), always given in a running Vigie (the
   * repository hashes with the same one); without it rows are plain SHA-256 (tests of the log
   * alone). `chain.checkpoints`: the signed checkpoints that `verify` checks the chain against.
   */
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly chain: { key?: ChainMac; checkpoints?: CheckpointStore } = {},
  ) {}

  /** The chain's head and start, for the signed checkpoints. */
  async chainHead(): Promise<{ seq: number; hash: string; anchorSeq: number }> {
    const head = await this.repository.head();
    return { seq: head.seq, hash: head.hash, anchorSeq: head.anchorSeq };
  }

  private fields(actor: Actor, entry: AuditEntry, at: string) {
    return {
      at,
      actor_type: actor.type,
      actor_id: storableNullable(actor.id),
      actor_login: storableNullable(actor.login),
      commune_insee: storableNullable(entry.communeInsee ?? null),
      action: storableText(entry.action),
      target_type: storableNullable(entry.targetType ?? null),
      target_id: storableNullable(entry.targetId ?? null),
      reason: storableNullable(entry.reason ?? null),
      details: canonicalJson(scrubSecrets(entry.details ?? {})),
      ip: storableNullable(actor.ip ?? null),
    };
  }

  /** Appends one row in the caller's transaction (on any module's tables): the change and its record commit together. */
  async record(trx: AnyHandle, actor: Actor, entry: AuditEntry): Promise<number> {
    const { seq } = await this.repository.append(trx, this.fields(actor, entry, this.clock.now().toISOString()));
    return seq;
  }

  /** Appends several rows at once (bulk changes such as an inventory import), in order. */
  async recordMany(trx: AnyHandle, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.repository.appendMany(
      trx,
      entries.map((entry) => this.fields(actor, entry, at)),
    );
  }

  /** Appends one row in a transaction of its own (events with no other change: failed login, view). */
  recordAlone(actor: Actor, entry: AuditEntry): Promise<number> {
    return this.repository.transaction((trx) => this.record(trx, actor, entry));
  }

  /** The API later modules call for every access to images (live, playback, export, PTZ). */
  recordImageAccess(
    actor: Actor,
    access: { kind: ImageAccessKind; cameraId: string; communeInsee: string; reason?: string | null; details?: Record<string, unknown> },
    trx?: AnyHandle,
  ): Promise<number> {
    const entry: AuditEntry = {
      action: `image.${access.kind}`,
      communeInsee: access.communeInsee,
      targetType: 'camera',
      targetId: access.cameraId,
      reason: access.reason ?? null,
      details: access.details,
    };
    return trx ? this.record(trx, actor, entry) : this.recordAlone(actor, entry);
  }

  /**
   * Walks the whole chain (every problem reported), then checks that its start is one a
   * retention purge recorded, and that it still holds what every signed checkpoint recorded.
   */
  async verify(): Promise<VerifyReport> {
    const head = await this.repository.head();
    const reading = this.chain.checkpoints ? await this.chain.checkpoints.read() : null;
    const named = new Set(reading?.checkpoints.map((checkpoint) => checkpoint.audit.seq));
    const hashesAt = new Map<number, string>();
    let lastPurge: AuditRow | null = null;
    const verifier = new ChainVerifier(head.anchorSeq, head.anchorPrevHash, this.chain.key);
    for await (const row of this.repository.iterate()) {
      verifier.add(row);
      if (named.has(row.seq)) hashesAt.set(row.seq, row.hash);
      if (row.action === 'audit.purged') lastPurge = row;
    }
    verifier.finish({ seq: head.seq, hash: head.hash });
    const anchorProblem = unattestedAnchor(head, lastPurge);
    if (anchorProblem) verifier.addProblem({ kind: 'anchor_unattested', seq: head.anchorSeq, message: anchorProblem });
    const warnings: string[] = [];
    if (reading && this.chain.key) {
      for (const problem of checkAuditCheckpoints(reading, { ...head, keyId: this.chain.key.keyId }, hashesAt)) verifier.addProblem(problem);
      warnings.push(...checkpointWarnings(reading, this.chain.checkpoints!, this.clock.now()));
    }
    const problem = verifier.firstProblem;
    return {
      ok: problem === null,
      rowsChecked: verifier.rowsChecked,
      firstSeq: head.anchorSeq,
      lastSeq: head.seq,
      problem,
      problems: [...verifier.problems],
      problemCount: verifier.problemCount,
      checkpointsChecked: reading?.checkpoints.length ?? 0,
      newestCheckpointAt: reading?.checkpoints.at(-1)?.at ?? null,
      warnings,
    };
  }

  async search(filter: AuditSearch, scope: { allCommunes: boolean; communes: readonly string[] }): Promise<{ records: AuditRecord[]; total: number }> {
    const { rows, total } = await this.repository.search(filter, scope);
    return { records: rows.map(toRecord), total };
  }

  /** The audit rows about one alarm, for its incident report (no scope here: the caller checked the alarm's commune). */
  async aboutAlarm(filter: { alarmId: string; cameraIds: readonly string[]; from: string; to: string }): Promise<AuditRecord[]> {
    return (await this.repository.aboutAlarm({ ...filter, limit: 5000 })).map(toRecord);
  }

  async exportCsv(filter: AuditSearch, scope: { allCommunes: boolean; communes: readonly string[] }): Promise<string> {
    const { rows } = await this.repository.search({ ...filter, limit: Math.min(filter.limit ?? 100_000, 100_000) }, scope);
    const header = ['seq', 'at', 'actor_type', 'actor_login', 'commune_insee', 'action', 'target_type', 'target_id', 'reason', 'details', 'ip', 'hash'];
    return stringify(
      rows.map((row) =>
        spreadsheetSafeRecord([
          row.seq,
          row.at,
          row.actor_type,
          row.actor_login,
          row.commune_insee,
          row.action,
          row.target_type,
          row.target_id,
          row.reason,
          row.details,
          row.ip,
          row.hash,
        ]),
      ),
      { header: true, columns: header },
    );
  }

  /** Deletes audit rows older than the retention (default 3 years); the purge itself is logged. */
  async purgeExpired(retentionDays: number, actor: Actor): Promise<number> {
    const before = new Date(this.clock.now().getTime() - retentionDays * 86_400_000).toISOString();
    return this.repository.transaction(async (trx) => {
      const deleted = await this.repository.purgeBefore(trx, before);
      if (deleted > 0) {
        const head = await this.repository.head(trx);
        await this.record(trx, actor, {
          action: 'audit.purged',
          details: { deletedRows: deleted, before, retentionDays, anchorSeq: head.anchorSeq, anchorPrevHash: head.anchorPrevHash },
        });
      }
      return deleted;
    });
  }
}
