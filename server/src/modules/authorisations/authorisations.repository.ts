// SQL of prefectoral authorisations and the cameras they cover.
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { AuthorisationRow, AuthorisationsSchema, AuthorisationsTable } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

export class AuthorisationsRepository {
  constructor(private readonly db: Kysely<AuthorisationsSchema>) {}

  transaction<T>(work: (trx: Transaction<AuthorisationsSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  find(id: string, handle: AnyHandle = this.db): Promise<AuthorisationRow | undefined> {
    return tablesOf<AuthorisationsSchema>(handle).selectFrom('authorisations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(communes: readonly string[] | null, handle: AnyHandle = this.db): Promise<AuthorisationRow[]> {
    let query = tablesOf<AuthorisationsSchema>(handle).selectFrom('authorisations').selectAll();
    if (communes) query = communes.length > 0 ? query.where('commune_insee', 'in', [...communes]) : query.where('id', '=', '');
    return query.orderBy('commune_insee').orderBy('end_on').execute();
  }

  /** Authorisations in force on `today` (not revoked, started, not ended). */
  validOn(today: string, filter: { communeInsee?: string } = {}, handle: AnyHandle = this.db): Promise<AuthorisationRow[]> {
    let query = tablesOf<AuthorisationsSchema>(handle)
      .selectFrom('authorisations')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('start_on', '<=', today)
      .where('end_on', '>=', today);
    if (filter.communeInsee) query = query.where('commune_insee', '=', filter.communeInsee);
    return query.execute();
  }

  async camerasOf(ids: readonly string[], handle: AnyHandle = this.db): Promise<Map<string, string[]>> {
    const byAuthorisation = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return byAuthorisation;
    for (let start = 0; start < ids.length; start += 500) {
      const rows = await tablesOf<AuthorisationsSchema>(handle)
        .selectFrom('authorisation_cameras')
        .selectAll()
        .where('authorisation_id', 'in', ids.slice(start, start + 500))
        .execute();
      for (const row of rows) byAuthorisation.get(row.authorisation_id)?.push(row.camera_id);
    }
    return byAuthorisation;
  }

  /** For each camera, the ids of the authorisations covering it (any status). */
  async authorisationsOfCameras(cameraIds: readonly string[] | null, handle: AnyHandle = this.db): Promise<Map<string, string[]>> {
    const byCamera = new Map<string, string[]>();
    const add = (row: { camera_id: string; authorisation_id: string }) => {
      const list = byCamera.get(row.camera_id) ?? [];
      list.push(row.authorisation_id);
      byCamera.set(row.camera_id, list);
    };
    if (cameraIds === null) {
      for (const row of await tablesOf<AuthorisationsSchema>(handle).selectFrom('authorisation_cameras').selectAll().execute()) add(row);
      return byCamera;
    }
    for (let start = 0; start < cameraIds.length; start += 500) {
      const rows = await tablesOf<AuthorisationsSchema>(handle)
        .selectFrom('authorisation_cameras')
        .selectAll()
        .where('camera_id', 'in', cameraIds.slice(start, start + 500))
        .execute();
      for (const row of rows) add(row);
    }
    return byCamera;
  }

  insert(handle: AnyHandle, row: Insertable<AuthorisationsTable>): Promise<unknown> {
    return tablesOf<AuthorisationsSchema>(handle).insertInto('authorisations').values(row).execute();
  }

  update(handle: AnyHandle, id: string, changes: Updateable<AuthorisationsTable>): Promise<unknown> {
    return tablesOf<AuthorisationsSchema>(handle).updateTable('authorisations').set(changes).where('id', '=', id).execute();
  }

  async replaceCameras(handle: AnyHandle, id: string, cameraIds: readonly string[]): Promise<void> {
    const trx = tablesOf<AuthorisationsSchema>(handle);
    await trx.deleteFrom('authorisation_cameras').where('authorisation_id', '=', id).execute();
    for (let start = 0; start < cameraIds.length; start += 500) {
      const chunk = cameraIds.slice(start, start + 500);
      await trx
        .insertInto('authorisation_cameras')
        .values(chunk.map((camera_id) => ({ authorisation_id: id, camera_id })))
        .execute();
    }
  }
}
