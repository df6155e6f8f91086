// The messages between the recording role's thread and a recorder shard (a worker thread that
// runs NativeRecorders, issue 12 item 6). Everything here crosses `postMessage` (structured
// clone): plain data, Dates, and typed arrays; live pictures travel in an ArrayBuffer of their
// own, transferred, never a slice of a shared pool.
import type { BackoffPolicy } from '../../../platform/processes.ts';
import type { RecorderCamera, RecorderEvents } from '../recorder.ts';
import type { IndexedSegment, StorageVolume } from '../recording.types.ts';
import type { SegmentToIndex } from '../segment-indexer.ts';
import type { NativeRecorderStats } from './native-recorder.ts';

/** What a NativeRecorder of a shard is made with: its options, less what cannot cross a thread (indexer, clock, log, client factory). */
export interface ShardRecorderOptions {
  camera: RecorderCamera;
  volume: StorageVolume;
  segmentSeconds?: number;
  spreadSegments?: boolean;
  timeoutMs?: number;
  transport?: 'tcp' | 'udp';
  backoff?: BackoffPolicy;
  failAfterRuns?: number;
}

/** The role's thread to a shard. `call` numbers a request that is answered by `done`. */
export type ToShard =
  | { t: 'create'; id: number; options: ShardRecorderOptions }
  | { t: 'start'; id: number; call: number }
  | { t: 'stop'; id: number; call: number }
  | { t: 'idle'; id: number; call: number }
  /** Someone watches the camera live (on) or nobody does any more (off): its pictures cross only while watched. */
  | { t: 'watch'; id: number; on: boolean }
  | { t: 'indexed'; call: number; segment: IndexedSegment | null; error?: string };

/** A shard to the role's thread. */
export type FromShard =
  | { t: 'ready' }
  | { t: 'done'; call: number; error?: string }
  | { t: 'state'; id: number; change: RecorderEvents['state'] }
  | { t: 'segment'; id: number; segment: IndexedSegment }
  | { t: 'indexError'; id: number; error: RecorderEvents['indexError'] }
  /** The recorder asks the role's thread to index a closed file (the database lives there); answered by `indexed`. */
  | { t: 'index'; call: number; segment: SegmentToIndex }
  | { t: 'liveInit'; id: number; data: Uint8Array; codecString: string; width: number; height: number }
  | { t: 'liveFragment'; id: number; data: Uint8Array; keyframe: boolean }
  /** Every recorder's counters, every STATS_INTERVAL_MS and when one stops. */
  | { t: 'stats'; stats: Array<[number, NativeRecorderStats]> }
  | { t: 'log'; level: 'info' | 'warn'; fields: object; message: string };

/** How often a shard sends its recorders' counters. */
export const STATS_INTERVAL_MS = 5000;
