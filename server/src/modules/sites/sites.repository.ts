// SQL of sites; nothing else touches the `sites` table.
import type { Insertable, Updateable } from 'kysely';
import type { Db, DbOrTx, Tx } from '../../platform/db/database.ts';
import type { SiteRow, SitesTable } from '../../platform/db/schema.ts';

/** Rows per multi-row INSERT: far below PostgreSQL's 65,535 bound parameters. */
const insertChunk = 200;
const selectChunk = 500;

export class SitesRepository {
  constructor(private readonly db: Db) {}

  find(id: string, db: DbOrTx = this.db): Promise<SiteRow | undefined> {
    return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByName(communeInsee: string, name: string, db: DbOrTx = this.db): Promise<SiteRow | undefined> {
    return db.selectFrom('sites').selectAll().where('commune_insee', '=', communeInsee).where('name', '=', name).executeTakeFirst();
  }

  /** Sites of these communes (null: every commune), by commune then name. */
  list(communes: readonly string[] | null, db: DbOrTx = this.db): Promise<SiteRow[]> {
    let query = db.selectFrom('sites').selectAll();
    if (communes) query = communes.length > 0 ? query.where('commune_insee', 'in', [...communes]) : query.where('id', '=', '');
    return query.orderBy('commune_insee').orderBy('name').execute();
  }

  async findMany(ids: readonly string[], db: DbOrTx = this.db): Promise<SiteRow[]> {
    const rows: SiteRow[] = [];
    for (let start = 0; start < ids.length; start += selectChunk) {
      rows.push(...(await db.selectFrom('sites').selectAll().where('id', 'in', ids.slice(start, start + selectChunk)).execute()));
    }
    return rows;
  }

  async insert(trx: Tx, rows: readonly Insertable<SitesTable>[]): Promise<void> {
    for (let start = 0; start < rows.length; start += insertChunk) {
      await trx.insertInto('sites').values(rows.slice(start, start + insertChunk)).execute();
    }
  }

  async update(trx: Tx, id: string, changes: Updateable<SitesTable>): Promise<void> {
    await trx.updateTable('sites').set(changes).where('id', '=', id).execute();
  }

  async delete(trx: Tx, id: string): Promise<void> {
    await trx.deleteFrom('sites').where('id', '=', id).execute();
  }
}
