// Recorded ranges and gaps over a window, pure: what playback's timeline and the availability
// figures show, and the hourly runs recording_ranges keeps (see recording.repository.ts).
import type { TimeRange } from './recording.types.ts';

export interface Coverage {
  ranges: TimeRange[];
  gaps: TimeRange[];
  recordedMs: number;
}

/** Segments closer than this are one recorded range (a keyframe cut is contiguous). */
export const RANGE_TOLERANCE_MS = 1000;
/** recording_ranges holds one row per run per UTC hour (migration 2026-12-03T1200 uses the same figures). */
export const RANGE_BUCKET_MS = 3_600_000;

/** Sorted runs of `spans`, those closer than `toleranceMs` merged. */
export function mergeSpans(spans: ReadonlyArray<TimeRange>, toleranceMs = RANGE_TOLERANCE_MS): TimeRange[] {
  const sorted = spans.filter((span) => span.endMs > span.startMs).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const runs: TimeRange[] = [];
  for (const span of sorted) {
    const last = runs[runs.length - 1];
    if (last && span.startMs <= last.endMs + toleranceMs) last.endMs = Math.max(last.endMs, span.endMs);
    else runs.push({ startMs: span.startMs, endMs: span.endMs });
  }
  return runs;
}

/**
 * Recorded ranges and gaps of `window`. Runs are merged before they are clipped: a cut shorter
 * than the tolerance is no gap, even at the window's edge, so the same footage gives the same
 * answer from segments or from recording_ranges.
 */
export function coverage(segments: ReadonlyArray<TimeRange>, window: TimeRange, toleranceMs = RANGE_TOLERANCE_MS): Coverage {
  const ranges = mergeSpans(segments, toleranceMs)
    .map((run) => ({ startMs: Math.max(run.startMs, window.startMs), endMs: Math.min(run.endMs, window.endMs) }))
    .filter((run) => run.endMs > run.startMs);
  const gaps: TimeRange[] = [];
  let cursor = window.startMs;
  for (const range of ranges) {
    if (range.startMs > cursor) gaps.push({ startMs: cursor, endMs: range.startMs });
    cursor = Math.max(cursor, range.endMs);
  }
  if (cursor < window.endMs) gaps.push({ startMs: cursor, endMs: window.endMs });
  return { ranges, gaps, recordedMs: ranges.reduce((total, range) => total + range.endMs - range.startMs, 0) };
}

/** Start of the UTC hour holding `instantMs`. */
export function rangeBucketOf(instantMs: number): number {
  return Math.floor(instantMs / RANGE_BUCKET_MS) * RANGE_BUCKET_MS;
}

/** The pieces of a span in each UTC hour it touches, in time order. */
export function bucketPieces(span: TimeRange): TimeRange[] {
  const pieces: TimeRange[] = [];
  for (let bucket = rangeBucketOf(span.startMs); bucket < span.endMs; bucket += RANGE_BUCKET_MS) {
    pieces.push({ startMs: Math.max(span.startMs, bucket), endMs: Math.min(span.endMs, bucket + RANGE_BUCKET_MS) });
  }
  return pieces;
}

/** recording_ranges' rows of one hour, from the segments overlapping it. */
export function bucketRuns(segments: ReadonlyArray<TimeRange>, bucketStartMs: number): TimeRange[] {
  const bucket = { startMs: bucketStartMs, endMs: bucketStartMs + RANGE_BUCKET_MS };
  return mergeSpans(segments.map((segment) => ({ startMs: Math.max(segment.startMs, bucket.startMs), endMs: Math.min(segment.endMs, bucket.endMs) })));
}

/**
 * Wall-clock start of a closed segment. ffmpeg names a file with its UTC second when it opens
 * it; within one run, segments follow each other exactly, so a segment starts where the
 * previous one of the same run ended (media durations are exact) unless the two clocks
 * disagree by more than `reanchorMs` (a camera whose clock runs fast or slow), in which case
 * the file name's time wins again.
 */
export function segmentStartMs(openedAtMs: number, previousEndInRunMs: number | undefined, reanchorMs = 2000): number {
  if (previousEndInRunMs === undefined) return openedAtMs;
  return Math.abs(openedAtMs - previousEndInRunMs) <= reanchorMs ? previousEndInRunMs : openedAtMs;
}

/** Where a segment lives on its volume: commune/camera/UTC date/UTC instant. */
export function segmentRelativePath(communeInsee: string, cameraId: string, startMs: number): string {
  for (const part of [communeInsee, cameraId]) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(part) || part.includes('..')) throw new Error(`unsafe path component ${JSON.stringify(part)}`);
  }
  const iso = new Date(startMs).toISOString(); // 2026-11-23T18:43:35.123Z
  const compact = iso.replace(/[-:]/g, '');
  return `${communeInsee}/${cameraId}/${iso.slice(0, 10)}/${compact}.mp4`;
}
