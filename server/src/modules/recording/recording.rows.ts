// Rows of recording_segments as the repository returns them (bigint columns come back as
// strings from PostgreSQL: every read goes through Number() here).
import type { Selectable } from 'kysely';
import type { RecordingSegmentsTable } from '../../platform/db/schema.ts';
import type { IndexedSegment, SegmentSpan, SegmentStatus } from './recording.types.ts';

/** What the purge reads of a segment: its place in time, storage and chain. */
export type PurgeCandidate = Pick<
  IndexedSegment,
  'id' | 'cameraId' | 'communeInsee' | 'volume' | 'path' | 'startMs' | 'endMs' | 'bytes' | 'prevHash' | 'chainHash'
>;

export const candidateColumns = ['id', 'camera_id', 'commune_insee', 'volume', 'path', 'start_ms', 'end_ms', 'bytes', 'prev_hash', 'chain_hash'] as const;

export function toCandidate(row: Pick<Selectable<RecordingSegmentsTable>, (typeof candidateColumns)[number]>): PurgeCandidate {
  return {
    id: Number(row.id),
    cameraId: row.camera_id,
    communeInsee: row.commune_insee,
    volume: row.volume,
    path: row.path,
    startMs: Number(row.start_ms),
    endMs: Number(row.end_ms),
    bytes: Number(row.bytes),
    prevHash: row.prev_hash,
    chainHash: row.chain_hash,
  };
}

export function toSegment(row: Selectable<RecordingSegmentsTable>): IndexedSegment {
  return {
    id: Number(row.id),
    cameraId: row.camera_id,
    communeInsee: row.commune_insee,
    volume: row.volume,
    path: row.path,
    startMs: Number(row.start_ms),
    endMs: Number(row.end_ms),
    durationMs: Number(row.duration_ms),
    bytes: Number(row.bytes),
    codec: row.codec,
    width: Number(row.width),
    height: Number(row.height),
    fps: Number(row.fps),
    frameCount: Number(row.frame_count),
    sha256: row.sha256,
    prevHash: row.prev_hash,
    chainHash: row.chain_hash,
    status: row.status as SegmentStatus,
    maskVersion: row.mask_version,
  };
}

export function toSpan(row: Pick<Selectable<RecordingSegmentsTable>, 'id' | 'volume' | 'path' | 'start_ms' | 'end_ms' | 'status'>): SegmentSpan {
  return {
    id: Number(row.id),
    volume: row.volume,
    path: row.path,
    startMs: Number(row.start_ms),
    endMs: Number(row.end_ms),
    status: row.status as SegmentStatus,
  };
}
