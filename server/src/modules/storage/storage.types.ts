// Types of the storage module shared by its pieces and, through index.ts, by other modules;
// and the ports it needs of the modules above it.
import type { AnyHandle } from '../../platform/db/tables.ts';

/** Where segment files live. `root` is an absolute folder; rows store paths relative to it. */
export interface StorageVolume {
  name: string;
  root: string;
}

/** What storage reads of the segment index (the recording module's), per volume. */
export interface StorageFootage {
  /** Bytes of indexed segments on a volume (one aggregate; the monitor keeps it up to date between calls). */
  indexedBytes(volume: string): Promise<number>;
  /** The path of the volume's oldest indexed segment (what the next purge would remove first), or null. */
  oldestSegmentPath(volume: string): Promise<string | null>;
}

/** What storage reads of the inventory (the cameras module): the commune of each known camera. */
export interface StorageCameras {
  communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>>;
}
