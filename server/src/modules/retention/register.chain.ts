// The statutory register's hash chain (LEGAL 7, issue 13 item 7), SQL side: every register row
// is appended here, under a lock of the chain's head row (PostgreSQL: SELECT ... FOR UPDATE;
// SQLite: one writer at a time), as the audit chain is, so two writers never fork it; and the
// verification walks the rows in seq order, reporting each edited, deleted, reordered or
// unchained row by its seq and register number, and a removed tail against the head. Writers
// take this head before the audit head (register rows are written before their audit row), one
// order everywhere; a deadlock would be retried by inTransaction anyway.
import { PostgresAdapter, sql } from 'kysely';
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import { REGISTER_GENESIS_HASH, registerChainHash, registerRowSound, registerStorableText } from '../../platform/register-chain.ts';

/** A row to append (retention.repository.ts's NewRegisterEntry). */
export interface ChainEntry {
  at: string;
  communeInsee: string;
  cameraId: string;
  kind: string;
  fromMs: number;
  toMs: number;
  segments: number;
  bytes: number;
  reference: string | null;
  details: Record<string, unknown>;
}

export interface RegisterChainProblem {
  kind: 'edited' | 'deleted' | 'reordered' | 'tail_removed' | 'unchained' | 'checkpoint_mismatch' | 'checkpoint_invalid';
  seq: number;
  /** The register number (N°) of the row concerned, when it still exists. */
  registerId: number | null;
  message: string;
}

export interface RegisterVerifyReport {
  ok: boolean;
  rowsChecked: number;
  lastSeq: number;
  keyId: string | null;
  problems: RegisterChainProblem[];
  problemCount: number;
}

/**
 * The register head the newest signed checkpoint recorded (audit checkpoints, issue 11): rows cut
 * off the end with the head rewound leave the chain sound, but no longer reaching that row.
 */
export interface RegisterCheckpoint {
  head: { seq: number; hash: string; at: string; line: number } | null;
  /** Lines of the checkpoint file that are not genuine checkpoints. */
  problems: string[];
}

const MAX_LISTED = 1000;
const isPostgres = (handle: AnyHandle) => handle.getExecutor().adapter instanceof PostgresAdapter;

/** `key`: the register's subkey of the chain key; without it (tests of the register alone) rows are plain SHA-256. */
export class RegisterChain {
  constructor(private readonly key?: ChainMac) {}

  /** Appends entries in order in the caller's transaction; returns their register numbers (ids), in order. */
  async append(handle: AnyHandle, entries: readonly ChainEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const trx = tablesOf<RetentionSchema>(handle);
    let headQuery = trx.selectFrom('statutory_register_head').select(['seq', 'hash']).where('id', '=', 1);
    if (isPostgres(handle)) headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    const firstSeq = Number(head.seq) + 1;
    let seq = Number(head.seq);
    let previous = head.hash;
    const rows = entries.map((entry) => {
      const fields = {
        seq: ++seq,
        at: entry.at,
        commune_insee: entry.communeInsee,
        camera_id: entry.cameraId,
        kind: entry.kind,
        from_ms: entry.fromMs,
        to_ms: entry.toMs,
        segments: entry.segments,
        bytes: entry.bytes,
        reference: entry.reference === null ? null : registerStorableText(entry.reference),
        details: registerStorableText(JSON.stringify(entry.details)),
      };
      const hash = this.key ? registerChainHash(previous, fields, this.key) : registerChainHash(previous, fields);
      const row = { ...fields, prev_hash: previous, hash };
      previous = hash;
      return row;
    });
    for (let start = 0; start < rows.length; start += 200) {
      await trx
        .insertInto('statutory_register')
        .values(rows.slice(start, start + 200))
        .execute();
    }
    await trx.updateTable('statutory_register_head').set({ seq, hash: previous }).where('id', '=', 1).execute();
    const ids = await trx.selectFrom('statutory_register').select(['id', 'seq']).where('seq', '>=', firstSeq).where('seq', '<=', seq).orderBy('seq').execute();
    return ids.map((row) => Number(row.id));
  }

  async head(db: AnyHandle): Promise<{ seq: number; hash: string }> {
    const head = await tablesOf<RetentionSchema>(db)
      .selectFrom('statutory_register_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { seq: Number(head.seq), hash: head.hash };
  }

  /** Walks the whole chain (every problem listed, the first MAX_LISTED of them), then checks it against the checkpoint. */
  async verify(db: AnyHandle, checkpoint?: RegisterCheckpoint | null): Promise<RegisterVerifyReport> {
    const tables = tablesOf<RetentionSchema>(db);
    const head = await this.head(db);
    const problems: RegisterChainProblem[] = [];
    let problemCount = 0;
    const report = (problem: RegisterChainProblem) => {
      problemCount++;
      if (problems.length < MAX_LISTED) problems.push(problem);
    };
    let expected = 1;
    let previous = REGISTER_GENESIS_HASH;
    let checked = 0;
    let after = 0;
    let checkpointedHash: string | undefined;
    for (;;) {
      const batch = await tables.selectFrom('statutory_register').selectAll().where('seq', '>', after).orderBy('seq').limit(2000).execute();
      for (const row of batch) {
        checked++;
        const seq = Number(row.seq);
        const registerId = Number(row.id);
        const sound = this.key ? registerRowSound(row, this.key) : registerChainHash(row.prev_hash, row) === row.hash;
        const linked = row.prev_hash === previous;
        if (seq > expected) {
          const missing = seq - 1 === expected ? `row ${expected} is missing` : `rows ${expected} to ${seq - 1} are missing`;
          report({ kind: 'deleted', seq: expected, registerId: null, message: `${missing} (next row found: seq ${seq}, N° ${registerId})` });
          if (!sound) report({ kind: 'edited', seq, registerId, message: `row ${seq} (N° ${registerId}) was edited: its hash does not match its content` });
        } else if (!linked) {
          report(
            sound
              ? {
                  kind: 'reordered',
                  seq,
                  registerId,
                  message: `row ${seq} (N° ${registerId}) does not chain to the row before it (that row was rewritten, or rows were moved)`,
                }
              : { kind: 'edited', seq, registerId, message: `row ${seq} (N° ${registerId}) was altered: its chain link does not match` },
          );
        } else if (!sound) {
          report({ kind: 'edited', seq, registerId, message: `row ${seq} (N° ${registerId}) was edited: its hash does not match its content` });
        }
        if (seq === checkpoint?.head?.seq) checkpointedHash = row.hash;
        previous = row.hash;
        expected = seq + 1;
      }
      if (batch.length < 2000) break;
      after = Number(batch[batch.length - 1]!.seq);
    }
    const lastSeq = expected - 1;
    if (head.seq > lastSeq)
      report({
        kind: 'tail_removed',
        seq: lastSeq + 1,
        registerId: null,
        message: `rows ${lastSeq + 1} to ${head.seq} were removed from the end of the register`,
      });
    else if (head.seq !== lastSeq || head.hash !== previous)
      report({ kind: 'edited', seq: head.seq, registerId: null, message: `the register's chain head does not match row ${head.seq}` });
    for (const message of checkpoint?.problems ?? []) report({ kind: 'checkpoint_invalid', seq: 0, registerId: null, message });
    const signed = checkpoint?.head;
    if (signed && signed.seq > 0) {
      const where = `checkpoint of ${signed.at} (file line ${signed.line})`;
      const mismatch = (message: string) => report({ kind: 'checkpoint_mismatch', seq: signed.seq, registerId: null, message: `${where}: ${message}` });
      if (signed.seq > head.seq)
        mismatch(`names row ${signed.seq}, past the register's end (row ${head.seq}): rows were removed from the end and the head rewound`);
      else if (checkpointedHash === undefined) mismatch(`names row ${signed.seq}, which is no longer in the register`);
      else if (checkpointedHash !== signed.hash)
        mismatch(`row ${signed.seq} had hash ${signed.hash}, it now has ${checkpointedHash}: the chain was rewritten from there on`);
    }
    const unchained = await tables.selectFrom('statutory_register').select('id').where(sql<unknown>`seq`, 'is', null).orderBy('id').limit(MAX_LISTED).execute();
    for (const row of unchained)
      report({ kind: 'unchained', seq: 0, registerId: Number(row.id), message: `register N° ${Number(row.id)} was inserted outside the chain` });
    return { ok: problemCount === 0, rowsChecked: checked, lastSeq: head.seq, keyId: this.key?.keyId ?? null, problems, problemCount };
  }
}
