// What the retention purge and legal holds need to know of cameras and communes (the cameras
// module's tables): given at construction, implemented in services.ts by the cameras module's
// api; tests give their own.
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { RetentionSettings } from './retention.rules.ts';

export interface CameraRetentionFacts extends RetentionSettings {
  cameraId: string;
  communeInsee: string;
}

export interface RecordingInventory {
  /** Retention settings of every camera in the inventory. */
  retentionSettings(handle?: AnyHandle): Promise<CameraRetentionFacts[]>;
  /** Commune of each camera id that exists (in the caller's transaction if given); unknown ids are absent. */
  communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>>;
}
