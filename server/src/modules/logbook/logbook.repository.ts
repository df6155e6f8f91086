// SQL of the logbook; nothing else touches `logbook_entries` and `logbook_head`. Rows are only
// ever appended (through the chain, logbook.chain.ts): there is no update and no delete here.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChainMac } from '../../platform/chain-keys.ts';
import { inTransaction } from '../../platform/db/database.ts';
import type { LogbookSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import { type ChainedLogbookFields, LogbookChain, type LogbookRow, type LogbookVerifyReport } from './logbook.chain.ts';

export interface LogbookFilter {
  /** null: every commune, centre-wide entries included. */
  communes: readonly string[] | null;
  type?: string;
  from?: string;
  to?: string;
  text?: string;
  alarmId?: string;
  limit: number;
  offset?: number;
}

const likeEscaped = (value: string) => value.replace(/[\\%_]/g, (character) => `\\${character}`);

export class LogbookRepository {
  private readonly chain: LogbookChain;

  constructor(
    private readonly db: Kysely<LogbookSchema>,
    key: ChainMac,
  ) {
    this.chain = new LogbookChain(key);
  }

  transaction<T>(work: (trx: Transaction<LogbookSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /**
   * Appends an entry in the caller's transaction, after locking the chain's head; an automatic
   * entry whose key is already stored is not appended again (null), so a repeated event writes once.
   */
  async append(trx: AnyHandle, entry: Omit<ChainedLogbookFields, 'seq'>): Promise<LogbookRow | null> {
    const head = await this.chain.lockHead(trx);
    if (entry.auto_key !== null) {
      const known = await tablesOf<LogbookSchema>(trx).selectFrom('logbook_entries').select('id').where('auto_key', '=', entry.auto_key).executeTakeFirst();
      if (known) return null;
    }
    return this.chain.append(trx, head, entry);
  }

  entry(id: string, handle: AnyHandle = this.db): Promise<LogbookRow | undefined> {
    return tablesOf<LogbookSchema>(handle).selectFrom('logbook_entries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** For each entry id, the ids of the entries that correct it, oldest first. */
  async correctionsOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    for (let start = 0; start < ids.length; start += 500) {
      const rows = await this.db
        .selectFrom('logbook_entries')
        .select(['id', 'corrects_id'])
        .where('corrects_id', 'in', ids.slice(start, start + 500))
        .orderBy('seq')
        .execute();
      for (const row of rows) result.set(row.corrects_id!, [...(result.get(row.corrects_id!) ?? []), row.id]);
    }
    return result;
  }

  /** Entries newest first (by when they happened, then by chain order). */
  search(filter: LogbookFilter): Promise<LogbookRow[]> {
    let query = this.db.selectFrom('logbook_entries').selectAll();
    if (filter.communes) query = query.where('commune_insee', 'in', filter.communes.length > 0 ? [...filter.communes] : ['']);
    if (filter.type) query = query.where('type', '=', filter.type);
    if (filter.from) query = query.where('occurred_at', '>=', filter.from);
    if (filter.to) query = query.where('occurred_at', '<', filter.to);
    if (filter.alarmId) query = query.where('alarm_id', '=', filter.alarmId);
    if (filter.text) {
      const pattern = `%${likeEscaped(filter.text.toLowerCase())}%`;
      query = query.where(sql<boolean>`lower(text) like ${pattern} escape '\\'`);
    }
    return query
      .orderBy('occurred_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(filter.limit)
      .offset(filter.offset ?? 0)
      .execute();
  }

  /** Every entry of an alarm, in the order they happened. */
  ofAlarm(alarmId: string): Promise<LogbookRow[]> {
    return this.db.selectFrom('logbook_entries').selectAll().where('alarm_id', '=', alarmId).orderBy('occurred_at').orderBy('seq').limit(5000).execute();
  }

  verify(): Promise<LogbookVerifyReport> {
    return this.chain.verify(this.db);
  }
}
