// SQL of the audit chain. Appends lock the head row (PostgreSQL: SELECT ... FOR UPDATE;
// SQLite: one writer at a time) so that two writers can never fork the chain; the primary key
// on seq and the unique prev_hash are a second line of defence.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChainMac } from '../../platform/chain-keys.ts';
import { inTransaction, type Dialect } from '../../platform/db/database.ts';
import type { AuditRow, AuditSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import { chainHash, type ChainedFields } from './audit.chain.ts';
import type { AuditSearch } from './audit.types.ts';

export class AuditRepository {
  /** `key`: the chain's HMAC key; absent only where plain SHA-256 rows are wanted (tests). */
  constructor(
    private readonly db: Kysely<AuditSchema>,
    private readonly dialect: Dialect,
    private readonly key?: ChainMac,
  ) {}

  /** A transaction on the audit tables (retried on contention). */
  transaction<T>(work: (trx: Transaction<AuditSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /** `handle`: the caller's transaction, on any module's tables (the row commits with its change). */
  async append(handle: AnyHandle, fields: Omit<ChainedFields, 'seq'>): Promise<{ seq: number; hash: string }> {
    return this.appendMany(handle, [fields]);
  }

  /** Appends rows in order under one lock of the head, with multi-row inserts (bulk imports). */
  async appendMany(handle: AnyHandle, fieldsList: readonly Omit<ChainedFields, 'seq'>[]): Promise<{ seq: number; hash: string }> {
    const trx = tablesOf<AuditSchema>(handle);
    let headQuery = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    if (this.dialect === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    let previous = head.hash;
    const rows = fieldsList.map((fields) => {
      const row: ChainedFields = { ...fields, seq: ++seq };
      const hash = chainHash(previous, row, this.key);
      const chained = { ...row, prev_hash: previous, hash };
      previous = hash;
      return chained;
    });
    for (let start = 0; start < rows.length; start += 200) {
      await trx
        .insertInto('audit_log')
        .values(rows.slice(start, start + 200))
        .execute();
    }
    if (rows.length > 0) await trx.updateTable('audit_head').set({ seq, hash: previous }).where('id', '=', 1).execute();
    return { seq, hash: previous };
  }

  async head(handle: AnyHandle = this.db): Promise<{ seq: number; hash: string; anchorSeq: number; anchorPrevHash: string }> {
    const head = await tablesOf<AuditSchema>(handle).selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    return { seq: Number(head.seq), hash: head.hash, anchorSeq: Number(head.anchor_seq), anchorPrevHash: head.anchor_prev_hash };
  }

  /** Rows in seq order, page by page, for the verifier (constant memory on millions of rows). */
  async *iterate(batchSize = 2000): AsyncGenerator<AuditRow> {
    let after = -1;
    for (;;) {
      const rows = await this.db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(batchSize).execute();
      for (const row of rows) yield { ...row, seq: Number(row.seq) };
      if (rows.length < batchSize) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  async search(filter: AuditSearch, scope: { allCommunes: boolean; communes: readonly string[] }): Promise<{ rows: AuditRow[]; total: number }> {
    let query = this.db.selectFrom('audit_log');
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    if (filter.action) query = query.where('action', 'like', `${filter.action}%`);
    if (filter.actorLogin) query = query.where('actor_login', '=', filter.actorLogin);
    if (filter.communeInsee) query = query.where('commune_insee', '=', filter.communeInsee);
    if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
    if (!scope.allCommunes) {
      query = scope.communes.length > 0 ? query.where('commune_insee', 'in', [...scope.communes]) : query.where('seq', '<', 0);
    }
    const total = await query.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0)
      .execute();
    return { rows, total: Number(total.count) };
  }

  /**
   * The rows about one alarm (incident report, issue 14): those targeting it, those whose details
   * name it (`"alarmId":"<id>"`: procedure steps, on-call notifications), and the image accesses
   * of its cameras within `[from, to]`; in chain order, at most `limit`.
   */
  aboutAlarm(filter: { alarmId: string; cameraIds: readonly string[]; from: string; to: string; limit: number }): Promise<AuditRow[]> {
    const named = `%${JSON.stringify({ alarmId: filter.alarmId })
      .slice(1, -1)
      .replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    return this.db
      .selectFrom('audit_log')
      .selectAll()
      .where((eb) => {
        const about = [eb.and([eb('target_type', '=', 'alarm'), eb('target_id', '=', filter.alarmId)]), sql<boolean>`details like ${named} escape '\\'`];
        if (filter.cameraIds.length > 0)
          about.push(
            eb.and([
              eb('target_type', '=', 'camera'),
              eb('target_id', 'in', [...filter.cameraIds]),
              eb('action', 'like', 'image.%'),
              eb('at', '>=', filter.from),
              eb('at', '<=', filter.to),
            ]),
          );
        return eb.or(about);
      })
      .orderBy('seq')
      .limit(filter.limit)
      .execute();
  }

  /** Deletes rows older than `before` and moves the verification anchor past them. */
  async purgeBefore(handle: AnyHandle, before: string): Promise<number> {
    const trx = tablesOf<AuditSchema>(handle);
    const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).where('at', '<', before).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!last) return 0;
    const lastSeq = Number(last.seq);
    const deleted = await trx.deleteFrom('audit_log').where('seq', '<=', lastSeq).executeTakeFirst();
    await trx
      .updateTable('audit_head')
      .set({ anchor_seq: lastSeq + 1, anchor_prev_hash: last.hash })
      .where('id', '=', 1)
      .execute();
    return Number(deleted.numDeletedRows);
  }
}
