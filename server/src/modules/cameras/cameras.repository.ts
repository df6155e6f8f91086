// SQL of cameras and their position history; nothing else touches these tables.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { CameraPositionsTable, CameraRow, CamerasSchema, CameraUpdate, NewCameraRow } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

/** Rows per multi-row INSERT: 200 x 23 columns stays far below PostgreSQL's 65,535 parameters. */
const insertChunk = 200;
const selectChunk = 500;

export type CameraPositionRow = Insertable<CameraPositionsTable>;

export class CamerasRepository {
  constructor(private readonly db: Kysely<CamerasSchema>) {}

  transaction<T>(work: (trx: Transaction<CamerasSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  find(id: string, handle: AnyHandle = this.db): Promise<CameraRow | undefined> {
    return tablesOf<CamerasSchema>(handle).selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findMany(ids: readonly string[], handle: AnyHandle = this.db): Promise<CameraRow[]> {
    const rows: CameraRow[] = [];
    for (let start = 0; start < ids.length; start += selectChunk) {
      rows.push(
        ...(await tablesOf<CamerasSchema>(handle)
          .selectFrom('cameras')
          .selectAll()
          .where('id', 'in', ids.slice(start, start + selectChunk))
          .execute()),
      );
    }
    return rows;
  }

  /** Cameras of these communes (null: all), optionally of one site, by commune and name. */
  list(filter: { communes: readonly string[] | null; siteId?: string }, handle: AnyHandle = this.db): Promise<CameraRow[]> {
    let query = tablesOf<CamerasSchema>(handle).selectFrom('cameras').selectAll();
    const { communes } = filter;
    if (communes) query = communes.length > 0 ? query.where('commune_insee', 'in', [...communes]) : query.where('id', '=', '');
    if (filter.siteId) query = query.where('site_id', '=', filter.siteId);
    return query.orderBy('commune_insee').orderBy('name').execute();
  }

  async insert(trx: AnyHandle, rows: readonly NewCameraRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += insertChunk) {
      await tablesOf<CamerasSchema>(trx)
        .insertInto('cameras')
        .values(rows.slice(start, start + insertChunk))
        .execute();
    }
  }

  async update(trx: AnyHandle, id: string, changes: CameraUpdate): Promise<void> {
    await tablesOf<CamerasSchema>(trx).updateTable('cameras').set(changes).where('id', '=', id).execute();
  }

  /** Commune and retention override of every camera (the retention purge, legal holds). */
  async retentionRows(handle: AnyHandle = this.db): Promise<{ id: string; commune_insee: string; retention_days: number | null }[]> {
    return tablesOf<CamerasSchema>(handle).selectFrom('cameras').select(['id', 'commune_insee', 'retention_days']).execute();
  }

  /** Commune of each camera id that exists. */
  async communesOf(ids: readonly string[], handle: AnyHandle = this.db): Promise<Map<string, string>> {
    const communes = new Map<string, string>();
    for (let start = 0; start < ids.length; start += selectChunk) {
      const rows = await tablesOf<CamerasSchema>(handle)
        .selectFrom('cameras')
        .select(['id', 'commune_insee'])
        .where('id', 'in', ids.slice(start, start + selectChunk))
        .execute();
      for (const row of rows) communes.set(row.id, row.commune_insee);
    }
    return communes;
  }

  /** Runtime state from the recorder: not a configuration change, so `updated_at` stays. */
  async setOperationalState(id: string, state: string): Promise<boolean> {
    const result = await this.db
      .updateTable('cameras')
      .set({ operational_state: state })
      .where('id', '=', id)
      .where('operational_state', '!=', state)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async insertPositions(trx: AnyHandle, rows: readonly CameraPositionRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += insertChunk) {
      await tablesOf<CamerasSchema>(trx)
        .insertInto('camera_positions')
        .values(rows.slice(start, start + insertChunk))
        .execute();
    }
  }

  positions(cameraId: string, handle: AnyHandle = this.db): Promise<Selectable<CameraPositionsTable>[]> {
    return tablesOf<CamerasSchema>(handle).selectFrom('camera_positions').selectAll().where('camera_id', '=', cameraId).orderBy('changed_at', 'desc').execute();
  }
}
