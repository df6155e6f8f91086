// The shapes of the retention purge (retention.ts): its dependencies, its reports, the file
// operations tests can replace, and the technical events it raises.
import { chmod, rmdir, unlink } from 'node:fs/promises';
import type { Clock } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { PurgeCandidate, PurgedRun, RecordingRepository } from '../recording/index.ts';
import type { StorageVolume, VolumeMarkers } from '../storage/index.ts';
import type { RecordingInventory } from './retention.inventory.ts';
import type { OrphanPurgeResult } from './retention.incoming.ts';
import type { RetentionRepository } from './retention.repository.ts';

export type { EarlyDestructionReport } from '../storage/index.ts';

/**
 * What retention reads and destroys of the footage (the recording module's segment index):
 * candidates of the purge and of early destruction, what each day recorded, the oldest footage
 * a hold may cover; deletions in the purge's transaction, with the purged chain runs.
 */
export type RetentionFootage = Pick<RecordingRepository, 'camerasWithFootage' | 'candidates' | 'oldestOnVolume' | 'recordedOn' | 'oldestFootageOf'> & {
  deleteSegments(handle: AnyHandle, ids: readonly number[]): Promise<number>;
  deleteGapsBefore(handle: AnyHandle, cameraId: string, cutoffMs: number): Promise<void>;
  insertPurgedRuns(handle: AnyHandle, cameraId: string, communeInsee: string, runs: readonly PurgedRun[], purgedAt: string): Promise<void>;
};

export type { PurgeCandidate };

/**
 * A technical event for the alarms module; a purge failure is critical (LEGAL 8, L254-1), so
 * is a volume whose marker is missing (its disk not mounted: nothing on it is destroyed) and a
 * privacy mask not in force (LEGAL 4).
 */
export interface TechnicalEvent {
  severity: 'critical' | 'warning';
  code: 'purge_failed' | 'volume_marker_missing' | 'retention_clamped' | 'mask_not_in_force' | 'mask_check_failed';
  cameraId: string | null;
  communeInsee: string | null;
  message: string;
  at: string;
  volume?: string | null;
  details?: Record<string, unknown>;
}

/** The file operations of a purge, injectable so that tests can make one fail. */
export interface PurgeFileSystem {
  /** Removes a (read-only) segment file; resolves if it is already missing. */
  remove(absolutePath: string): Promise<void>;
  /** Removes a folder if it is empty; never throws. */
  removeEmptyDirectory(absolutePath: string): Promise<void>;
}

const isMissing = (error: unknown) => (error as { code?: string } | null)?.code === 'ENOENT';

export const nodePurgeFileSystem: PurgeFileSystem = {
  async remove(absolutePath) {
    try {
      await chmod(absolutePath, 0o640); // segment files are 0440 once indexed
      await unlink(absolutePath);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  },
  async removeEmptyDirectory(absolutePath) {
    await rmdir(absolutePath).catch(() => undefined);
  },
};

export interface RetentionPurgeDeps {
  repository: RetentionRepository;
  footage: RetentionFootage;
  audit: AuditApi;
  clock: Clock;
  inventory: Pick<RecordingInventory, 'retentionSettings'>;
  /** The volumes footage may be on, or a function read at the start of each pass. */
  volumes: readonly StorageVolume[] | (() => Promise<readonly StorageVolume[]>);
  /** Each volume's marker is checked before anything on it is destroyed (issue 11: an unmounted disk destroys nothing). */
  markers: VolumeMarkers;
  onTechnicalEvent?: (event: TechnicalEvent) => void;
  fileSystem?: PurgeFileSystem;
  log?: ProcessLog;
  /** Segments destroyed per camera and run; the rest waits for the next run (bounded transactions). */
  maxSegmentsPerCamera?: number;
}

export interface CameraPurgeResult {
  cameraId: string;
  communeInsee: string | null;
  retentionDays: number;
  cutoff: string;
  destroyedSegments: number;
  destroyedBytes: number;
  heldSegments: number;
  lapsedHoldSegments: number;
  registerIds: number[];
  error: string | null;
}

export interface PurgeReport {
  at: string;
  cameras: CameraPurgeResult[];
  /** Volumes left alone this pass: their marker is missing (disk not mounted) or names another volume. */
  unmarkedVolumes: string[];
  /** Files left in `.incoming` destroyed by their file-name time (per camera). */
  unindexed: OrphanPurgeResult[];
  failures: number;
}

export function describeError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
