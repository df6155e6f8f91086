// SQL of sites; nothing else touches the `sites` table.
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { SiteRow, SitesSchema, SitesTable } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

/** Rows per multi-row INSERT: far below PostgreSQL's 65,535 bound parameters. */
const insertChunk = 200;
const selectChunk = 500;

export class SitesRepository {
  constructor(private readonly db: Kysely<SitesSchema>) {}

  transaction<T>(work: (trx: Transaction<SitesSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  find(id: string, handle: AnyHandle = this.db): Promise<SiteRow | undefined> {
    return tablesOf<SitesSchema>(handle).selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByName(communeInsee: string, name: string, handle: AnyHandle = this.db): Promise<SiteRow | undefined> {
    return tablesOf<SitesSchema>(handle).selectFrom('sites').selectAll().where('commune_insee', '=', communeInsee).where('name', '=', name).executeTakeFirst();
  }

  /** Sites of these communes (null: every commune), by commune then name. */
  list(communes: readonly string[] | null, handle: AnyHandle = this.db): Promise<SiteRow[]> {
    let query = tablesOf<SitesSchema>(handle).selectFrom('sites').selectAll();
    if (communes) query = communes.length > 0 ? query.where('commune_insee', 'in', [...communes]) : query.where('id', '=', '');
    return query.orderBy('commune_insee').orderBy('name').execute();
  }

  async findMany(ids: readonly string[], handle: AnyHandle = this.db): Promise<SiteRow[]> {
    const rows: SiteRow[] = [];
    for (let start = 0; start < ids.length; start += selectChunk) {
      rows.push(
        ...(await tablesOf<SitesSchema>(handle)
          .selectFrom('sites')
          .selectAll()
          .where('id', 'in', ids.slice(start, start + selectChunk))
          .execute()),
      );
    }
    return rows;
  }

  async insert(trx: AnyHandle, rows: readonly Insertable<SitesTable>[]): Promise<void> {
    for (let start = 0; start < rows.length; start += insertChunk) {
      await tablesOf<SitesSchema>(trx)
        .insertInto('sites')
        .values(rows.slice(start, start + insertChunk))
        .execute();
    }
  }

  async update(trx: AnyHandle, id: string, changes: Updateable<SitesTable>): Promise<void> {
    await tablesOf<SitesSchema>(trx).updateTable('sites').set(changes).where('id', '=', id).execute();
  }

  async delete(trx: AnyHandle, id: string): Promise<void> {
    await tablesOf<SitesSchema>(trx).deleteFrom('sites').where('id', '=', id).execute();
  }
}
