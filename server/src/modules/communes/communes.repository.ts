// SQL of communes; nothing else touches the `communes` table (other modules ask the communes api).
import type { Kysely, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import type { CommuneRow, CommunesSchema, CommunesTable } from '../../platform/db/schema.ts';

export class CommunesRepository {
  constructor(private readonly db: Kysely<CommunesSchema>) {}

  transaction<T>(work: (trx: Transaction<CommunesSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  find(insee: string, handle: AnyHandle = this.db): Promise<CommuneRow | undefined> {
    return tablesOf<CommunesSchema>(handle).selectFrom('communes').selectAll().where('insee', '=', insee).executeTakeFirst();
  }

  /** Communes of this list (null: all), by name. */
  list(communes: readonly string[] | null): Promise<CommuneRow[]> {
    let query = this.db.selectFrom('communes').selectAll();
    if (communes) query = communes.length > 0 ? query.where('insee', 'in', [...communes]) : query.where('insee', '=', '');
    return query.orderBy('name').execute();
  }

  async insert(trx: AnyHandle, row: CommuneRow): Promise<void> {
    await tablesOf<CommunesSchema>(trx).insertInto('communes').values(row).execute();
  }

  async update(trx: AnyHandle, insee: string, changes: Updateable<CommunesTable>): Promise<void> {
    await tablesOf<CommunesSchema>(trx).updateTable('communes').set(changes).where('insee', '=', insee).execute();
  }

  async retentionOf(insee: string, handle: AnyHandle = this.db): Promise<number | null> {
    const row = await tablesOf<CommunesSchema>(handle).selectFrom('communes').select('retention_days').where('insee', '=', insee).executeTakeFirst();
    return row ? row.retention_days : null;
  }

  /** Retention of every commune, by INSEE code. */
  async retentions(handle: AnyHandle = this.db): Promise<Map<string, number>> {
    const rows = await tablesOf<CommunesSchema>(handle).selectFrom('communes').select(['insee', 'retention_days']).execute();
    return new Map(rows.map((row) => [row.insee, Number(row.retention_days)]));
  }

  /** Which of these communes exist. */
  async existing(insees: readonly string[], handle: AnyHandle = this.db): Promise<Set<string>> {
    if (insees.length === 0) return new Set();
    const rows = await tablesOf<CommunesSchema>(handle)
      .selectFrom('communes')
      .select('insee')
      .where('insee', 'in', [...insees])
      .execute();
    return new Set(rows.map((row) => row.insee));
  }
}
