// The logbook's hash chain (issue 14 item 6: "its rows chained like the audit"), the statutory
// register's machinery (platform/register-chain.ts, retention/register.chain.ts) over the
// logbook's own fields: each row's HMAC-SHA-256 (logbook subkey of the chain key) covers the
// previous row's hash and a canonical encoding of the row; rows are appended under a lock of the
// head row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: one writer at a time), and the
// verification walks the rows in seq order, naming each edited, deleted or reordered row, and a
// removed tail against the head. The table was born keyed: no row is plain SHA-256.
import { PostgresAdapter } from 'kysely';
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { LogbookEntriesTable, LogbookSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import { REGISTER_GENESIS_HASH, registerStorableText } from '../../platform/register-chain.ts';

export type LogbookRow = LogbookEntriesTable;
export type ChainedLogbookFields = Omit<LogbookRow, 'prev_hash' | 'hash'>;

export interface LogbookChainProblem {
  kind: 'edited' | 'deleted' | 'reordered' | 'tail_removed';
  seq: number;
  /** The entry concerned, when it still exists. */
  entryId: string | null;
  message: string;
}

export interface LogbookVerifyReport {
  ok: boolean;
  rowsChecked: number;
  lastSeq: number;
  keyId: string;
  problems: LogbookChainProblem[];
  problemCount: number;
}

const MAX_LISTED = 1000;
const isPostgres = (handle: AnyHandle) => handle.getExecutor().adapter instanceof PostgresAdapter;

export function logbookCanonicalEncoding(row: ChainedLogbookFields): string {
  return JSON.stringify([
    row.id,
    Number(row.seq),
    row.recorded_at,
    row.occurred_at,
    row.commune_insee,
    row.type,
    row.origin,
    row.text,
    row.offence_category,
    row.alarm_id,
    row.site_id,
    row.camera_ids,
    row.author,
    row.author_id,
    row.corrects_id,
    row.auto_key,
  ]);
}

export function logbookChainHash(prevHash: string, row: ChainedLogbookFields, key: ChainMac): string {
  return key.mac(`${prevHash}\n${logbookCanonicalEncoding(row)}`);
}

/** Text as both databases store it (no NUL, well-formed Unicode): what is read back is what was hashed. */
export const logbookStorableText = registerStorableText;

export class LogbookChain {
  constructor(private readonly key: ChainMac) {}

  get keyId(): string {
    return this.key.keyId;
  }

  /** Locks the head in the caller's transaction (before any check that must not race, e.g. an automatic entry's key). */
  async lockHead(handle: AnyHandle): Promise<{ seq: number; hash: string }> {
    let query = tablesOf<LogbookSchema>(handle).selectFrom('logbook_head').select(['seq', 'hash']).where('id', '=', 1);
    if (isPostgres(handle)) query = query.forUpdate();
    const head = await query.executeTakeFirstOrThrow();
    return { seq: Number(head.seq), hash: head.hash };
  }

  /** Appends one entry after the locked head; returns the stored row. */
  async append(handle: AnyHandle, head: { seq: number; hash: string }, entry: Omit<ChainedLogbookFields, 'seq'>): Promise<LogbookRow> {
    const trx = tablesOf<LogbookSchema>(handle);
    const fields: ChainedLogbookFields = { ...entry, seq: head.seq + 1, text: logbookStorableText(entry.text) };
    const row: LogbookRow = { ...fields, prev_hash: head.hash, hash: logbookChainHash(head.hash, fields, this.key) };
    await trx.insertInto('logbook_entries').values(row).execute();
    await trx.updateTable('logbook_head').set({ seq: row.seq, hash: row.hash }).where('id', '=', 1).execute();
    return row;
  }

  async head(db: AnyHandle): Promise<{ seq: number; hash: string }> {
    const head = await tablesOf<LogbookSchema>(db).selectFrom('logbook_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { seq: Number(head.seq), hash: head.hash };
  }

  /** Walks the whole chain (every problem counted, the first MAX_LISTED listed). */
  async verify(db: AnyHandle): Promise<LogbookVerifyReport> {
    const tables = tablesOf<LogbookSchema>(db);
    const head = await this.head(db);
    const problems: LogbookChainProblem[] = [];
    let problemCount = 0;
    const report = (problem: LogbookChainProblem) => {
      problemCount++;
      if (problems.length < MAX_LISTED) problems.push(problem);
    };
    let expected = 1;
    let previous = REGISTER_GENESIS_HASH;
    let checked = 0;
    let after = 0;
    for (;;) {
      const batch = await tables.selectFrom('logbook_entries').selectAll().where('seq', '>', after).orderBy('seq').limit(2000).execute();
      for (const stored of batch) {
        checked++;
        const row = { ...stored, seq: Number(stored.seq) };
        const sound = logbookChainHash(row.prev_hash, row, this.key) === row.hash;
        const linked = row.prev_hash === previous;
        if (row.seq > expected) {
          const missing = row.seq - 1 === expected ? `entry ${expected} is missing` : `entries ${expected} to ${row.seq - 1} are missing`;
          report({ kind: 'deleted', seq: expected, entryId: null, message: `${missing} (next entry found: seq ${row.seq})` });
          if (!sound) report({ kind: 'edited', seq: row.seq, entryId: row.id, message: `entry ${row.seq} was edited: its hash does not match its content` });
        } else if (!linked) {
          report(
            sound
              ? { kind: 'reordered', seq: row.seq, entryId: row.id, message: `entry ${row.seq} does not chain to the entry before it (rewritten or moved)` }
              : { kind: 'edited', seq: row.seq, entryId: row.id, message: `entry ${row.seq} was altered: its chain link does not match` },
          );
        } else if (!sound) {
          report({ kind: 'edited', seq: row.seq, entryId: row.id, message: `entry ${row.seq} was edited: its hash does not match its content` });
        }
        previous = row.hash;
        expected = row.seq + 1;
      }
      if (batch.length < 2000) break;
      after = Number(batch[batch.length - 1]!.seq);
    }
    const lastSeq = expected - 1;
    if (head.seq > lastSeq)
      report({
        kind: 'tail_removed',
        seq: lastSeq + 1,
        entryId: null,
        message: `entries ${lastSeq + 1} to ${head.seq} were removed from the end of the logbook`,
      });
    else if (head.seq !== lastSeq || head.hash !== previous)
      report({ kind: 'edited', seq: head.seq, entryId: null, message: `the logbook's chain head does not match entry ${head.seq}` });
    return { ok: problemCount === 0, rowsChecked: checked, lastSeq: head.seq, keyId: this.key.keyId, problems, problemCount };
  }
}
