// Playback of a session's segments, pure: segments on the wall clock, the mapping between a
// video's currentTime and wall-clock time, which segment to fetch next and which to drop from
// the buffer, the window a new session covers, the speeds, gaps. Tested by session.test.ts.
import type { PlaybackSession, RecordedTimeline } from '../../api/types.ts';
import { HOUR, type TimeWindow } from './timeline.ts';

export interface TimedSegment {
  id: string;
  url: string;
  startMs: number;
  endMs: number;
  bytes: number;
}

/** The session's segments on the wall clock, in time order. */
export function timedSegments(session: Pick<PlaybackSession, 'segments'>): TimedSegment[] {
  return session.segments
    .map((segment) => ({ id: String(segment.id), url: segment.url, startMs: Date.parse(segment.start), endMs: Date.parse(segment.end), bytes: segment.bytes }))
    .filter((segment) => Number.isFinite(segment.startMs) && segment.endMs > segment.startMs)
    .sort((a, b) => a.startMs - b.startMs);
}

/**
 * The wall-clock instant at video time 0. Each segment's timestamps start at 0 and are shifted
 * by (segment start - origin); the origin is the session's start, or the first segment's start
 * when that segment began before it, so that no shifted timestamp is negative.
 */
export function sessionOrigin(session: Pick<PlaybackSession, 'from'>, segments: readonly TimedSegment[]): number {
  const from = Date.parse(session.from);
  const first = segments[0]?.startMs ?? from;
  return Math.min(from, first);
}

/** Video currentTime (seconds) of a wall-clock instant. */
export function mediaTimeOf(originMs: number, wallMs: number): number {
  return (wallMs - originMs) / 1000;
}

/** Wall-clock instant of a video currentTime. */
export function wallTimeOf(originMs: number, mediaSeconds: number): number {
  return originMs + mediaSeconds * 1000;
}

/** Index of the segment covering `wallMs` (start inclusive, end exclusive), or -1. */
export function segmentIndexAt(segments: readonly TimedSegment[], wallMs: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const segment = segments[middle]!;
    if (wallMs < segment.startMs) high = middle - 1;
    else if (wallMs >= segment.endMs) low = middle + 1;
    else return middle;
  }
  return -1;
}

/** Index of the first segment starting after `wallMs`, or -1. */
export function nextSegmentIndex(segments: readonly TimedSegment[], wallMs: number): number {
  return segments.findIndex((segment) => segment.startMs > wallMs);
}

/** Index of the last segment ending at or before `wallMs`, or -1. */
export function previousSegmentIndex(segments: readonly TimedSegment[], wallMs: number): number {
  for (let index = segments.length - 1; index >= 0; index--) if (segments[index]!.endMs <= wallMs) return index;
  return -1;
}

export interface SegmentPlan {
  /** The segment to fetch and append now (one at a time), or null. */
  fetch: TimedSegment | null;
  /** Appended segments to remove from the buffer. */
  evict: TimedSegment[];
}

export interface PlanInput {
  segments: readonly TimedSegment[];
  playheadMs: number;
  /** Ids of the segments now in the SourceBuffer. */
  appended: ReadonlySet<string>;
  /** A fetch or append in progress: nothing new is fetched until it ends. */
  busy: boolean;
  forward: boolean;
  /** Kept behind the playhead for a few frame steps back. */
  keepBehindMs?: number;
}

/**
 * What to load: the segment under the playhead (or the next one when the playhead is in a
 * gap), then one ahead in the direction of play; everything else older than `keepBehindMs`
 * or beyond the one ahead leaves the buffer, so that memory stays at about three segments.
 */
export function planSegments(input: PlanInput): SegmentPlan {
  const { segments, playheadMs, appended, forward } = input;
  const keepBehindMs = input.keepBehindMs ?? 30_000;
  let current = segmentIndexAt(segments, playheadMs);
  if (current < 0) current = forward ? nextSegmentIndex(segments, playheadMs) : previousSegmentIndex(segments, playheadMs);
  const wanted: TimedSegment[] = [];
  if (current >= 0) {
    wanted.push(segments[current]!);
    const ahead = segments[current + (forward ? 1 : -1)];
    if (ahead) wanted.push(ahead);
  }
  const wantedIds = new Set(wanted.map((segment) => segment.id));
  const fetch = input.busy ? null : (wanted.find((segment) => !appended.has(segment.id)) ?? null);
  const low = Math.min(playheadMs - keepBehindMs, ...wanted.map((segment) => segment.startMs));
  const high = Math.max(playheadMs + (forward ? 0 : keepBehindMs), ...wanted.map((segment) => segment.endMs));
  const evict = segments.filter((segment) => appended.has(segment.id) && !wantedIds.has(segment.id) && (segment.endMs <= low || segment.startMs >= high));
  return { fetch, evict };
}

/**
 * The window a new playback session covers: the visible window of the timeline when it holds
 * the playhead, widened to at least an hour (so zooming in and panning a little open no new
 * audited session) and at most 24 hours (the server's limit); otherwise the same span starting
 * a little before the playhead.
 */
export function sessionWindowFor(playheadMs: number, visible: TimeWindow, minSpanMs = HOUR, maxSpanMs = 24 * HOUR): TimeWindow {
  const span = Math.min(maxSpanMs, Math.max(minSpanMs, visible.to - visible.from));
  const centred = (visible.from + visible.to) / 2 - span / 2;
  if (playheadMs >= centred && playheadMs < centred + span) return { from: centred, to: centred + span };
  const from = playheadMs - Math.min(5 * 60_000, span / 10);
  return { from, to: from + span };
}

/** True when `wallMs` lies in the session's window, `marginMs` away from its end. */
export function sessionCovers(session: { from: string; to: string } | null, wallMs: number, marginMs = 0): boolean {
  if (!session) return false;
  return wallMs >= Date.parse(session.from) && wallMs < Date.parse(session.to) - marginMs;
}

/** The start of the first segment after `wallMs` among several cameras, or null. */
export function nextRecordedStart(lists: readonly (readonly TimedSegment[])[], wallMs: number): number | null {
  let best: number | null = null;
  for (const segments of lists) {
    const index = nextSegmentIndex(segments, wallMs);
    if (index >= 0 && (best === null || segments[index]!.startMs < best)) best = segments[index]!.startMs;
  }
  return best;
}

/** The end of the last segment before `wallMs` among several cameras (for reverse play), or null. */
export function previousRecordedEnd(lists: readonly (readonly TimedSegment[])[], wallMs: number): number | null {
  let best: number | null = null;
  for (const segments of lists) {
    const index = previousSegmentIndex(segments, wallMs);
    if (index >= 0 && (best === null || segments[index]!.endMs > best)) best = segments[index]!.endMs;
  }
  return best;
}

/** The speeds offered, slowest first (video playbackRate, sound muted). */
export const playbackSpeeds = [0.25, 0.5, 1, 2, 4, 8, 16] as const;

export function speedLabel(rate: number): string {
  const magnitude = Math.abs(rate);
  const text = magnitude >= 1 ? `x${magnitude}` : `x1/${Math.round(1 / magnitude)}`;
  return rate < 0 ? `-${text}` : text;
}

/** The next faster (+1) or slower (-1) speed, staying within the list. */
export function stepSpeed(rate: number, direction: 1 | -1): number {
  const magnitude = Math.abs(rate);
  const index = playbackSpeeds.findIndex((speed) => speed >= magnitude - 1e-9);
  const current = index < 0 ? playbackSpeeds.length - 1 : index;
  const next = playbackSpeeds[Math.min(playbackSpeeds.length - 1, Math.max(0, current + direction))]!;
  return rate < 0 ? -next : next;
}

/** A frame's duration from successive frame times (seconds): the median step, 1/25 s by default. */
export function estimateFrameDuration(frameTimes: readonly number[], fallback = 0.04): number {
  const steps: number[] = [];
  for (let index = 1; index < frameTimes.length; index++) {
    const step = frameTimes[index]! - frameTimes[index - 1]!;
    if (step > 0.004 && step < 1.01) steps.push(step);
  }
  if (steps.length < 3) return fallback;
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)]!;
}

/** How far a player may drift from the shared clock before it is put back in place (seconds). */
export function driftTolerance(rate: number): number {
  return Math.max(0.35, Math.abs(rate) * 0.25);
}

/** A recorded range of the server's timeline (GET /api/cameras/{id}/recording/timeline). */
type Range = Pick<RecordedTimeline['recorded'][number], 'from' | 'to'>;

export type GapStep = { kind: 'inside' } | { kind: 'jump'; toMs: number } | { kind: 'end' };

/**
 * While playing, what to do at `wallMs` given each camera's recorded ranges: go on when one of
 * them recorded that instant, otherwise jump over the gap to where the first one resumes (or,
 * in reverse, to just before where the last one stopped); `end` when nothing is left.
 */
export function gapStep(rangeLists: readonly (readonly Range[])[], wallMs: number, forward: boolean): GapStep {
  let best: number | null = null;
  for (const ranges of rangeLists) {
    for (const range of ranges) {
      const from = Date.parse(range.from);
      const to = Date.parse(range.to);
      if (from <= wallMs && wallMs < to) return { kind: 'inside' };
      if (forward && from > wallMs && (best === null || from < best)) best = from;
      if (!forward && to <= wallMs && (best === null || to > best)) best = to;
    }
  }
  if (best === null) return { kind: 'end' };
  return { kind: 'jump', toMs: forward ? best : best - 40 };
}

/**
 * Where the playhead starts on a day: today, shortly before the end of the latest recording
 * (the likeliest thing to look at); another day, at its first recording; the day's start when
 * nothing was recorded.
 */
export function defaultPlayhead(recorded: readonly Range[], day: TimeWindow, nowMs: number): number {
  if (recorded.length === 0) return day.from;
  if (nowMs >= day.from && nowMs < day.to) {
    const last = recorded[recorded.length - 1]!;
    return Math.max(Date.parse(last.from), Date.parse(last.to) - 5 * 60_000);
  }
  return Date.parse(recorded[0]!.from);
}

const knownGapReasons = [
  'stream_lost',
  'stream_stalled',
  'recorder_stopped',
  'recorder_started',
  'recorder_crashed',
  'mask_changed',
  'no_data',
  // The native engine's (issue 12): a lost packet drops pictures to the next keyframe; a slow disk or encoder drops media.
  'packet_loss',
  'disk_too_slow',
  'encoder_too_slow',
] as const;
export type GapReasonCode = (typeof knownGapReasons)[number] | 'unknown';

/** The recorder's gap reason ("stream_lost (code 1)") as one of the codes the console words. */
export function gapReasonCode(reason: string | null | undefined): GapReasonCode {
  const code = (reason ?? '').split(/[\s(]/, 1)[0]!;
  return (knownGapReasons as readonly string[]).includes(code) ? (code as GapReasonCode) : 'unknown';
}
