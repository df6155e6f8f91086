// SQL of recording_ranges, the summary of recorded time that timelines read (migration
// 2026-12-03T1200): per camera and UTC hour, the runs of segments closer than 1 s, clipped to
// the hour. Only RecordingRepository calls these, inside the transaction that writes or deletes
// the segments, so the summary and the segments cannot disagree.
import type { Kysely } from 'kysely';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { bucketPieces, bucketRuns, RANGE_BUCKET_MS, RANGE_TOLERANCE_MS, rangeBucketOf } from './recorded-ranges.ts';
import type { TimeRange } from './recording.types.ts';

type Handle = Kysely<RecordingSchema>;

/**
 * Adds a new segment's time: in each hour it touches, the rows it reaches (within the
 * tolerance) and the segment become one row. A segment appended to a camera's footage is one
 * read and one update of the hour's last row.
 */
export async function addToRecordedRanges(trx: Handle, cameraId: string, span: TimeRange): Promise<void> {
  for (const piece of bucketPieces(span)) {
    const bucketStartMs = rangeBucketOf(piece.startMs);
    const reached = await trx
      .selectFrom('recording_ranges')
      .select(['start_ms', 'end_ms'])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '>=', bucketStartMs)
      .where('start_ms', '<', bucketStartMs + RANGE_BUCKET_MS)
      .where('start_ms', '<=', piece.endMs + RANGE_TOLERANCE_MS)
      .where('end_ms', '>=', piece.startMs - RANGE_TOLERANCE_MS)
      .execute();
    const starts = reached.map((row) => Number(row.start_ms));
    const merged = {
      startMs: Math.min(piece.startMs, ...starts),
      endMs: Math.max(piece.endMs, ...reached.map((row) => Number(row.end_ms))),
    };
    if (starts.length === 1 && starts[0] === merged.startMs) {
      await trx
        .updateTable('recording_ranges')
        .set({ end_ms: merged.endMs })
        .where('camera_id', '=', cameraId)
        .where('start_ms', '=', merged.startMs)
        .execute();
      continue;
    }
    if (starts.length > 0) await trx.deleteFrom('recording_ranges').where('camera_id', '=', cameraId).where('start_ms', 'in', starts).execute();
    await trx.insertInto('recording_ranges').values({ camera_id: cameraId, start_ms: merged.startMs, end_ms: merged.endMs }).execute();
  }
}

/** Recomputes the given hours of a camera from its segments (after a purge removed some). */
export async function rebuildRecordedRanges(trx: Handle, cameraId: string, bucketStarts: Iterable<number>, maxSegmentSpanMs: number): Promise<void> {
  for (const bucketStartMs of bucketStarts) {
    const bucketEndMs = bucketStartMs + RANGE_BUCKET_MS;
    await trx
      .deleteFrom('recording_ranges')
      .where('camera_id', '=', cameraId)
      .where('start_ms', '>=', bucketStartMs)
      .where('start_ms', '<', bucketEndMs)
      .execute();
    const segments = await trx
      .selectFrom('recording_segments')
      .select(['start_ms', 'end_ms'])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '>=', bucketStartMs - maxSegmentSpanMs)
      .where('start_ms', '<', bucketEndMs)
      .where('end_ms', '>', bucketStartMs)
      .execute();
    const runs = bucketRuns(
      segments.map((row) => ({ startMs: Number(row.start_ms), endMs: Number(row.end_ms) })),
      bucketStartMs,
    );
    if (runs.length > 0) {
      await trx
        .insertInto('recording_ranges')
        .values(runs.map((run) => ({ camera_id: cameraId, start_ms: run.startMs, end_ms: run.endMs })))
        .execute();
    }
  }
}

/**
 * The rows of a camera that matter to [fromMs, toMs): those overlapping it, and those less than
 * the tolerance outside it (one ending just before joins the first range, one starting just
 * after closes the last range's cut). A row lies within one hour, which bounds start_ms from
 * below: one range of the primary key.
 */
export async function recordedRangeRows(db: Handle, cameraId: string, fromMs: number, toMs: number): Promise<TimeRange[]> {
  const rows = await db
    .selectFrom('recording_ranges')
    .select(['start_ms', 'end_ms'])
    .where('camera_id', '=', cameraId)
    .where('start_ms', '>=', fromMs - RANGE_BUCKET_MS - RANGE_TOLERANCE_MS)
    .where('start_ms', '<=', toMs + RANGE_TOLERANCE_MS)
    .where('end_ms', '>=', fromMs - RANGE_TOLERANCE_MS)
    .orderBy('start_ms')
    .execute();
  return rows.map((row) => ({ startMs: Number(row.start_ms), endMs: Number(row.end_ms) }));
}
