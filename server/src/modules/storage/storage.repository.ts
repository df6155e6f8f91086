// SQL of storage volumes and per-camera recording settings; nothing else touches these tables.
import type { Kysely, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { StorageSchema } from '../../platform/db/schema.ts';

type Handle = Kysely<StorageSchema>;

export interface VolumeRow {
  name: string;
  root: string;
  capacityBytes: number | null;
  lowSpacePercent: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  /** When its marker file was written (storage.marker.ts); null for a volume created before markers existed. */
  markedAt: string | null;
}

export interface CameraRecordingSettings {
  cameraId: string;
  volumeName: string | null;
  busyPedestrianPlace: boolean | null;
}

export class StorageRepository {
  constructor(private readonly db: Handle) {}

  /** Runs `work` in one transaction on the storage tables (retried on contention); other modules' writes (audit) join it. */
  transaction<T>(work: (trx: Transaction<StorageSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async volumes(db: Handle = this.db): Promise<VolumeRow[]> {
    const rows = await db.selectFrom('storage_volumes').selectAll().orderBy('name').execute();
    return rows.map((row) => ({
      name: row.name,
      root: row.root,
      capacityBytes: row.capacity_bytes === null ? null : Number(row.capacity_bytes),
      lowSpacePercent: Number(row.low_space_percent),
      enabled: Number(row.enabled) === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
      markedAt: row.marked_at,
    }));
  }

  async insertVolume(trx: Handle, volume: VolumeRow): Promise<void> {
    await trx
      .insertInto('storage_volumes')
      .values({
        name: volume.name,
        root: volume.root,
        capacity_bytes: volume.capacityBytes,
        low_space_percent: volume.lowSpacePercent,
        enabled: volume.enabled ? 1 : 0,
        created_at: volume.createdAt,
        updated_at: volume.updatedAt,
        updated_by: volume.updatedBy,
        marked_at: volume.markedAt,
      })
      .execute();
  }

  async setMarkedAt(trx: Handle, name: string, at: string): Promise<void> {
    await trx.updateTable('storage_volumes').set({ marked_at: at }).where('name', '=', name).execute();
  }

  async updateVolume(trx: Handle, volume: VolumeRow): Promise<void> {
    await trx
      .updateTable('storage_volumes')
      .set({
        capacity_bytes: volume.capacityBytes,
        low_space_percent: volume.lowSpacePercent,
        enabled: volume.enabled ? 1 : 0,
        updated_at: volume.updatedAt,
        updated_by: volume.updatedBy,
      })
      .where('name', '=', volume.name)
      .execute();
  }

  async cameraSettings(cameraId: string, db: Handle = this.db): Promise<CameraRecordingSettings | undefined> {
    const row = await db.selectFrom('recording_camera_settings').selectAll().where('camera_id', '=', cameraId).executeTakeFirst();
    return row
      ? {
          cameraId: row.camera_id,
          volumeName: row.volume_name,
          busyPedestrianPlace: row.busy_pedestrian_place === null ? null : Number(row.busy_pedestrian_place) === 1,
        }
      : undefined;
  }

  async allCameraSettings(db: Handle = this.db): Promise<Map<string, CameraRecordingSettings>> {
    const rows = await db.selectFrom('recording_camera_settings').selectAll().execute();
    return new Map(
      rows.map((row) => [
        row.camera_id,
        {
          cameraId: row.camera_id,
          volumeName: row.volume_name,
          busyPedestrianPlace: row.busy_pedestrian_place === null ? null : Number(row.busy_pedestrian_place) === 1,
        },
      ]),
    );
  }

  async upsertCameraSettings(trx: Handle, settings: CameraRecordingSettings, at: string, by: string): Promise<void> {
    const values = {
      volume_name: settings.volumeName,
      busy_pedestrian_place: settings.busyPedestrianPlace === null ? null : settings.busyPedestrianPlace ? 1 : 0,
      updated_at: at,
      updated_by: by,
    };
    await trx
      .insertInto('recording_camera_settings')
      .values({ camera_id: settings.cameraId, ...values })
      .onConflict((conflict) => conflict.column('camera_id').doUpdateSet(values))
      .execute();
  }
}
