// Recorded ranges and gaps over a window, pure: what playback's timeline and the availability
// figures show. Segments closer than `toleranceMs` are one range (a keyframe cut is contiguous).
import type { TimeRange } from './recording.types.ts';

export interface Coverage {
  ranges: TimeRange[];
  gaps: TimeRange[];
  recordedMs: number;
}

export function coverage(segments: ReadonlyArray<TimeRange>, window: TimeRange, toleranceMs = 1000): Coverage {
  const sorted = segments
    .map((segment) => ({ startMs: Math.max(segment.startMs, window.startMs), endMs: Math.min(segment.endMs, window.endMs) }))
    .filter((segment) => segment.endMs > segment.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  const ranges: TimeRange[] = [];
  for (const segment of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && segment.startMs <= last.endMs + toleranceMs) last.endMs = Math.max(last.endMs, segment.endMs);
    else ranges.push({ ...segment });
  }
  const gaps: TimeRange[] = [];
  let cursor = window.startMs;
  for (const range of ranges) {
    if (range.startMs > cursor) gaps.push({ startMs: cursor, endMs: range.startMs });
    cursor = Math.max(cursor, range.endMs);
  }
  if (cursor < window.endMs) gaps.push({ startMs: cursor, endMs: window.endMs });
  return { ranges, gaps, recordedMs: ranges.reduce((total, range) => total + range.endMs - range.startMs, 0) };
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
