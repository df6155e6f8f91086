// What the retention purge and legal holds need to know of cameras and communes. The cameras
// and communes modules own those tables; `databaseInventory` reads them (read-only, two
// queries) until the cameras module exports an equivalent, and tests or other callers may
// inject their own.
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { RetentionSettings } from './retention.rules.ts';

export interface CameraRetentionFacts extends RetentionSettings {
  cameraId: string;
  communeInsee: string;
}

export interface RecordingInventory {
  /** Retention settings of every camera in the inventory. */
  retentionSettings(db: DbOrTx): Promise<CameraRetentionFacts[]>;
  /** Commune of each camera id that exists; unknown ids are absent. */
  communesOfCameras(cameraIds: readonly string[], db: DbOrTx): Promise<Map<string, string>>;
}

export function databaseInventory(defaultDb: Db): RecordingInventory {
  return {
    async retentionSettings(db = defaultDb) {
      const rows = await db
        .selectFrom('cameras')
        .innerJoin('communes', 'communes.insee', 'cameras.commune_insee')
        .select(['cameras.id', 'cameras.commune_insee', 'cameras.retention_days as camera_days', 'communes.retention_days as commune_days'])
        .execute();
      return rows.map((row) => ({
        cameraId: row.id, communeInsee: row.commune_insee,
        cameraRetentionDays: row.camera_days === null ? null : Number(row.camera_days), communeRetentionDays: row.commune_days === null ? null : Number(row.commune_days),
      }));
    },
    async communesOfCameras(cameraIds, db = defaultDb) {
      if (cameraIds.length === 0) return new Map();
      const rows = await db.selectFrom('cameras').select(['id', 'commune_insee']).where('id', 'in', [...cameraIds]).execute();
      return new Map(rows.map((row) => [row.id, row.commune_insee]));
    },
  };
}
