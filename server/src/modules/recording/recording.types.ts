// Types shared by the recording module's pieces and, through index.ts, by other modules.

/** Where segment files live (the storage module's volumes). */
export type { StorageVolume } from '../storage/index.ts';

/** A camera's recorder state; `unauthorised` and `disabled` are decided before a recorder runs. */
export type RecorderState = 'starting' | 'recording' | 'reconnecting' | 'failed' | 'stopped';

export interface RecorderStateChange {
  cameraId: string;
  communeInsee: string;
  from: RecorderState;
  to: RecorderState;
  at: Date;
  /** Why, in words ("exit code 1", "no data for 10 s"): for logs and the health view. */
  detail?: string;
}

export type SegmentStatus = 'closed' | 'recovered';

export interface IndexedSegment {
  id: number;
  cameraId: string;
  communeInsee: string;
  volume: string;
  path: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  bytes: number;
  codec: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  sha256: string;
  prevHash: string;
  chainHash: string;
  status: SegmentStatus;
  /** The masking it was recorded with (masks.coverage.ts); absent or 'unknown': none known. */
  maskVersion?: string;
}

/** A segment as playback and timelines need it. */
export type SegmentSpan = Pick<IndexedSegment, 'id' | 'volume' | 'path' | 'startMs' | 'endMs' | 'status'>;

export interface RecordingGap {
  cameraId: string;
  startMs: number;
  endMs: number;
  reason: string;
}

export interface TimeRange {
  startMs: number;
  endMs: number;
}
