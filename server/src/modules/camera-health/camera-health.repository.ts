// SQL of the camera-health module; nothing else touches its tables.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type {
  CameraHealthEventsTable,
  CameraHealthReferencesTable,
  CameraHealthSchema,
  CameraHealthSettingsTable,
  CameraHealthStatesTable,
} from '../../platform/db/schema.ts';

type Handle = Kysely<CameraHealthSchema>;

export type ReferenceRow = Selectable<CameraHealthReferencesTable>;
export type HealthEventRow = Selectable<CameraHealthEventsTable>;
export type StateRow = Selectable<CameraHealthStatesTable>;
export type SettingsRow = Selectable<CameraHealthSettingsTable>;

export class CameraHealthRepository {
  constructor(private readonly db: Handle) {}

  transaction<T>(work: (trx: Transaction<CameraHealthSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async references(cameraId?: string): Promise<ReferenceRow[]> {
    let query = this.db.selectFrom('camera_health_references').selectAll();
    if (cameraId) query = query.where('camera_id', '=', cameraId);
    return query.orderBy('camera_id').orderBy('preset_token').execute();
  }

  /** Which references exist and when each was captured (without their pictures). */
  async referenceStamps(): Promise<Pick<ReferenceRow, 'camera_id' | 'preset_token' | 'captured_at'>[]> {
    return this.db.selectFrom('camera_health_references').select(['camera_id', 'preset_token', 'captured_at']).execute();
  }

  async reference(cameraId: string, presetToken: string): Promise<ReferenceRow | undefined> {
    return this.db
      .selectFrom('camera_health_references')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('preset_token', '=', presetToken)
      .executeTakeFirst();
  }

  async saveReference(trx: Handle, row: CameraHealthReferencesTable): Promise<void> {
    await trx.deleteFrom('camera_health_references').where('camera_id', '=', row.camera_id).where('preset_token', '=', row.preset_token).execute();
    await trx.insertInto('camera_health_references').values(row).execute();
  }

  async saveLearnt(cameraId: string, presetToken: string, capturedAt: string, learnt: string): Promise<void> {
    // Only the reference it was learnt on: a capture in between starts the learning again.
    await this.db
      .updateTable('camera_health_references')
      .set({ learnt })
      .where('camera_id', '=', cameraId)
      .where('preset_token', '=', presetToken)
      .where('captured_at', '=', capturedAt)
      .execute();
  }

  async states(cameraId?: string): Promise<StateRow[]> {
    let query = this.db.selectFrom('camera_health_states').selectAll();
    if (cameraId) query = query.where('camera_id', '=', cameraId);
    return query.execute();
  }

  async recordTransition(event: CameraHealthEventsTable, state: CameraHealthStatesTable): Promise<void> {
    await this.transaction(async (trx) => {
      await trx.insertInto('camera_health_events').values(event).execute();
      await trx.deleteFrom('camera_health_states').where('camera_id', '=', state.camera_id).where('check_name', '=', state.check_name).execute();
      await trx.insertInto('camera_health_states').values(state).execute();
    });
  }

  async events(filter: { cameraId: string; from?: string; to?: string; limit: number }): Promise<HealthEventRow[]> {
    let query = this.db.selectFrom('camera_health_events').selectAll().where('camera_id', '=', filter.cameraId);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }

  async event(id: string): Promise<HealthEventRow | undefined> {
    return this.db.selectFrom('camera_health_events').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async settings(cameraId?: string, handle: Handle = this.db): Promise<SettingsRow[]> {
    let query = handle.selectFrom('camera_health_settings').selectAll();
    if (cameraId) query = query.where('camera_id', '=', cameraId);
    return query.execute();
  }

  async saveSettings(trx: Handle, row: CameraHealthSettingsTable): Promise<void> {
    await trx.deleteFrom('camera_health_settings').where('camera_id', '=', row.camera_id).execute();
    await trx.insertInto('camera_health_settings').values(row).execute();
  }
}
