// SQL of cameras and their position history; nothing else touches these tables.
import type { Insertable, Selectable } from 'kysely';
import type { Db, DbOrTx, Tx } from '../../platform/db/database.ts';
import type { CameraPositionsTable, CameraRow, CameraUpdate, NewCameraRow } from '../../platform/db/schema.ts';

/** Rows per multi-row INSERT: 200 x 23 columns stays far below PostgreSQL's 65,535 parameters. */
const insertChunk = 200;
const selectChunk = 500;

export type CameraPositionRow = Insertable<CameraPositionsTable>;

export class CamerasRepository {
  constructor(private readonly db: Db) {}

  find(id: string, db: DbOrTx = this.db): Promise<CameraRow | undefined> {
    return db.selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findMany(ids: readonly string[], db: DbOrTx = this.db): Promise<CameraRow[]> {
    const rows: CameraRow[] = [];
    for (let start = 0; start < ids.length; start += selectChunk) {
      rows.push(...(await db.selectFrom('cameras').selectAll().where('id', 'in', ids.slice(start, start + selectChunk)).execute()));
    }
    return rows;
  }

  /** Cameras of these communes (null: all), optionally of one site, by commune and name. */
  list(filter: { communes: readonly string[] | null; siteId?: string }, db: DbOrTx = this.db): Promise<CameraRow[]> {
    let query = db.selectFrom('cameras').selectAll();
    const { communes } = filter;
    if (communes) query = communes.length > 0 ? query.where('commune_insee', 'in', [...communes]) : query.where('id', '=', '');
    if (filter.siteId) query = query.where('site_id', '=', filter.siteId);
    return query.orderBy('commune_insee').orderBy('name').execute();
  }

  async insert(trx: Tx, rows: readonly NewCameraRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += insertChunk) {
      await trx.insertInto('cameras').values(rows.slice(start, start + insertChunk)).execute();
    }
  }

  async update(trx: Tx, id: string, changes: CameraUpdate): Promise<void> {
    await trx.updateTable('cameras').set(changes).where('id', '=', id).execute();
  }

  /** Runtime state from the recorder: not a configuration change, so `updated_at` stays. */
  async setOperationalState(id: string, state: string): Promise<boolean> {
    const result = await this.db.updateTable('cameras').set({ operational_state: state }).where('id', '=', id).where('operational_state', '!=', state).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async insertPositions(trx: Tx, rows: readonly CameraPositionRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += insertChunk) {
      await trx.insertInto('camera_positions').values(rows.slice(start, start + insertChunk)).execute();
    }
  }

  positions(cameraId: string, db: DbOrTx = this.db): Promise<Selectable<CameraPositionsTable>[]> {
    return db.selectFrom('camera_positions').selectAll().where('camera_id', '=', cameraId).orderBy('changed_at', 'desc').execute();
  }
}
