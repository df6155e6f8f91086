// SQL of the devices module; nothing else touches camera_devices (one row per camera, created
// on the first read or the first quirk learnt or set).
import type { Kysely, Selectable, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { CameraDevicesTable, DevicesSchema } from '../../platform/db/schema.ts';

export type DeviceRow = Selectable<CameraDevicesTable>;
export type DevicesDb = Kysely<DevicesSchema>;

const emptyRow = (cameraId: string, at: string): CameraDevicesTable => ({
  camera_id: cameraId,
  manufacturer: null,
  model: null,
  firmware_version: null,
  serial_number: null,
  hardware_id: null,
  mac_addresses: '[]',
  clock_offset_ms: null,
  auth_mode: null,
  read_at: null,
  read_source: null,
  attempted_at: null,
  read_error: null,
  model_mismatch: 0,
  mac_mismatch: 0,
  quirks_learned: '{}',
  quirks_override: '{}',
  updated_at: at,
});

export class DevicesRepository {
  constructor(private readonly db: DevicesDb) {}

  transaction<T>(work: (trx: Transaction<DevicesSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  find(cameraId: string, db: DevicesDb = this.db): Promise<DeviceRow | undefined> {
    return db.selectFrom('camera_devices').selectAll().where('camera_id', '=', cameraId).executeTakeFirst();
  }

  async all(): Promise<DeviceRow[]> {
    return this.db.selectFrom('camera_devices').selectAll().execute();
  }

  /** Writes some columns of a camera's row, creating it when missing. */
  async upsert(cameraId: string, changes: Partial<Omit<CameraDevicesTable, 'camera_id'>>, at: string, db: DevicesDb = this.db): Promise<void> {
    const values = { ...changes, updated_at: at };
    const updated = await db.updateTable('camera_devices').set(values).where('camera_id', '=', cameraId).executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    await db
      .insertInto('camera_devices')
      .values({ ...emptyRow(cameraId, at), ...values })
      .onConflict((conflict) => conflict.column('camera_id').doUpdateSet(values))
      .execute();
  }
}
