// The playback timeline's arithmetic, pure: a Paris day as a UTC window, the scale between
// instants and pixels, zoom around a point, pan, following the playhead, ticks on Paris
// wall-clock hours and minutes, and recorded ranges laid out as pixel spans. Instants are epoch
// milliseconds throughout. Tested by timeline.test.ts.
import { parisLocalToUtcIso, parisTimeZone, utcIsoToParisLocal } from '../../lib/dates.ts';

export interface TimeWindow {
  from: number;
  to: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The zoom buttons, widest first. */
export const zoomLevels = [
  { key: '24h', spanMs: DAY },
  { key: '6h', spanMs: 6 * HOUR },
  { key: '1h', spanMs: HOUR },
  { key: '10min', spanMs: 10 * MINUTE },
] as const;
export type ZoomKey = (typeof zoomLevels)[number]['key'];

/** The narrowest the wheel zooms: one minute spans the timeline's width. */
const MIN_SPAN_MS = MINUTE;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** A Paris calendar date (YYYY-MM-DD) as its UTC window: 23, 24 or 25 hours. */
export function parisDayBounds(day: string): TimeWindow {
  const from = Date.parse(parisLocalToUtcIso(`${day}T00:00`) ?? `${day}T00:00:00.000Z`);
  const to = Date.parse(parisLocalToUtcIso(`${shiftDay(day, 1)}T00:00`) ?? `${shiftDay(day, 1)}T00:00:00.000Z`);
  return { from, to };
}

/** The calendar date `days` after (or before) `day`. */
export function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The Paris calendar date of an instant. */
export function parisDayOf(ms: number): string {
  return utcIsoToParisLocal(new Date(ms).toISOString()).slice(0, 10);
}

export function spanOf(view: TimeWindow): number {
  return view.to - view.from;
}

/** Horizontal position of an instant on a timeline `width` pixels wide. */
export function xOf(view: TimeWindow, width: number, ms: number): number {
  const span = spanOf(view);
  return span <= 0 ? 0 : ((ms - view.from) / span) * width;
}

/** The instant under a horizontal position. */
export function msAt(view: TimeWindow, width: number, x: number): number {
  return width <= 0 ? view.from : view.from + (x / width) * spanOf(view);
}

/** Moves a window inside `bounds` without changing its span (shrunk to the bounds if wider). */
export function clampWindow(view: TimeWindow, bounds: TimeWindow): TimeWindow {
  const span = Math.min(spanOf(view), spanOf(bounds));
  const from = clamp(view.from, bounds.from, bounds.to - span);
  return { from, to: from + span };
}

/** A window of `spanMs` that keeps `anchorMs` at the same place on screen (the cursor, the playhead). */
export function zoomTo(view: TimeWindow, spanMs: number, anchorMs: number, bounds: TimeWindow): TimeWindow {
  const span = clamp(spanMs, MIN_SPAN_MS, spanOf(bounds));
  const current = spanOf(view);
  const fraction = current > 0 ? clamp((anchorMs - view.from) / current, 0, 1) : 0.5;
  const from = anchorMs - fraction * span;
  return clampWindow({ from, to: from + span }, bounds);
}

/** Zoom by a factor (above 1 widens: zooms out). */
export function zoomBy(view: TimeWindow, factor: number, anchorMs: number, bounds: TimeWindow): TimeWindow {
  return zoomTo(view, spanOf(view) * factor, anchorMs, bounds);
}

export function panBy(view: TimeWindow, deltaMs: number, bounds: TimeWindow): TimeWindow {
  return clampWindow({ from: view.from + deltaMs, to: view.to + deltaMs }, bounds);
}

/** The zoom button matching a span, if any. */
export function zoomKeyOf(view: TimeWindow): ZoomKey | null {
  const span = spanOf(view);
  return zoomLevels.find((level) => Math.abs(level.spanMs - span) < 1000)?.key ?? null;
}

/**
 * Keeps the playhead in sight while playing: once it leaves the window (or comes within 2 %
 * of its edge), the window moves so that the playhead sits at 10 % (forward) or 90 % (reverse).
 */
export function follow(view: TimeWindow, playheadMs: number, bounds: TimeWindow, forward = true): TimeWindow {
  const span = spanOf(view);
  const margin = span * 0.02;
  if (playheadMs >= view.from + (forward ? 0 : margin) && playheadMs <= view.to - (forward ? margin : 0)) return view;
  const from = playheadMs - span * (forward ? 0.1 : 0.9);
  return clampWindow({ from, to: from + span }, bounds);
}

export interface Tick {
  ms: number;
  label: string;
  /** On a whole hour. */
  major: boolean;
}

const tickSteps = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR];

const hourMinute = new Intl.DateTimeFormat('fr-FR', { timeZone: parisTimeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const parisHourOf = (ms: number) => Number(hourMinute.formatToParts(new Date(ms)).find((part) => part.type === 'hour')?.value ?? 0);

/**
 * Ticks on Paris wall-clock time, at least `minSpacingPx` apart. Paris is a whole number of
 * hours from UTC, so minute steps align on UTC; hour steps are chosen by their Paris hour,
 * which stays right on the days the clocks change.
 */
export function timelineTicks(view: TimeWindow, width: number, minSpacingPx = 80): Tick[] {
  const span = spanOf(view);
  if (span <= 0 || width <= 0) return [];
  const step = tickSteps.find((candidate) => (candidate / span) * width >= minSpacingPx) ?? tickSteps[tickSteps.length - 1]!;
  const ticks: Tick[] = [];
  const unit = Math.min(step, HOUR);
  for (let ms = Math.ceil(view.from / unit) * unit; ms <= view.to; ms += unit) {
    const hour = parisHourOf(ms);
    if (step >= HOUR && hour % (step / HOUR) !== 0) continue;
    ticks.push({ ms, label: hourMinute.format(new Date(ms)), major: ms % HOUR === 0 });
  }
  return ticks;
}

export interface RangeSpan<T> {
  x: number;
  width: number;
  item: T;
}

/**
 * Ranges (ISO `from`/`to`) as pixel spans clipped to the window, at least `minWidthPx` wide so
 * that a short gap or a one-minute hold stays visible on a 24-hour view.
 */
export function layoutRanges<T extends { from: string; to: string }>(ranges: readonly T[], view: TimeWindow, width: number, minWidthPx = 1): RangeSpan<T>[] {
  const spans: RangeSpan<T>[] = [];
  for (const item of ranges) {
    const start = Math.max(Date.parse(item.from), view.from);
    const end = Math.min(Date.parse(item.to), view.to);
    if (!(end > start) && !(end === start && start > view.from && start < view.to)) continue;
    const x = xOf(view, width, start);
    spans.push({ x, width: Math.max(minWidthPx, xOf(view, width, end) - x), item });
  }
  return spans;
}

/** The range (ISO `from`/`to`) containing an instant, if any. */
export function rangeAt<T extends { from: string; to: string }>(ranges: readonly T[], ms: number): T | undefined {
  return ranges.find((range) => Date.parse(range.from) <= ms && ms < Date.parse(range.to));
}
