// Pure logic of the evidence-package screens: the builder's draft (the requisition's ranges
// pre-filled, edited in Paris time to the second), what it sends, the limits the server checks,
// a range's small timeline laid out as fractions, who may download, and how sizes and the
// server's bilingual texts read. Unit-tested (exports.test.ts).
import { utcIsoToParisLocal, parisLocalToUtcIso } from '../../lib/dates.ts';

/** The server's limits (server/src/modules/exports/exports.schemas.ts: MAX_PACKAGE_ITEMS, MAX_ITEM_HOURS). */
export const maxPackageItems = 50;
export const maxItemHours = 24;

export interface DraftItem {
  /** A stable key for the list (items have no id before the package exists). */
  key: number;
  cameraId: string;
  /** UTC ISO instants, kept exact (a pre-filled range keeps its milliseconds until edited). */
  from: string;
  to: string;
}

let nextKey = 1;

export function draftItem(cameraId: string, from: string, to: string): DraftItem {
  nextKey += 1;
  return { key: nextKey, cameraId, from, to };
}

/** The requisition's ranges as the builder's first draft. */
export function draftOf(ranges: readonly { cameraId: string; from: string; to: string }[]): DraftItem[] {
  return ranges.slice(0, maxPackageItems).map((range) => draftItem(range.cameraId, range.from, range.to));
}

/** A new item after the last one: same camera and range, or the last 10 minutes when the draft is empty. */
export function addedItem(items: readonly DraftItem[], cameraId: string, nowMs: number): DraftItem {
  const last = items.at(-1);
  if (last) return draftItem(cameraId || last.cameraId, last.from, last.to);
  return draftItem(cameraId, new Date(nowMs - 600_000).toISOString(), new Date(nowMs).toISOString());
}

/** UTC ISO to a `datetime-local` value with seconds, in Paris time ("2026-12-07T15:29:16"). */
export function parisLocalSeconds(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  // Paris's offset is whole minutes: the seconds of the UTC instant are those of the Paris wall clock.
  return `${utcIsoToParisLocal(iso)}:${String(date.getUTCSeconds()).padStart(2, '0')}`;
}

/** A typed Paris time back to UTC ISO; null while the input is incomplete. */
export function fromParisLocal(local: string): string | null {
  return parisLocalToUtcIso(local);
}

export type ItemProblem = 'camera' | 'order' | 'tooLong' | 'future' | 'count' | 'empty';

/** The first problem of the draft (index of the item), or null: the server checks again and has the last word. */
export function problemOf(items: readonly DraftItem[], nowMs: number): { problem: ItemProblem; index: number } | null {
  if (items.length === 0) return { problem: 'empty', index: 0 };
  if (items.length > maxPackageItems) return { problem: 'count', index: maxPackageItems };
  for (const [index, item] of items.entries()) {
    const from = Date.parse(item.from);
    const to = Date.parse(item.to);
    if (!item.cameraId) return { problem: 'camera', index };
    if (!(from < to)) return { problem: 'order', index };
    if (to - from > maxItemHours * 3_600_000) return { problem: 'tooLong', index };
    if (to > nowMs) return { problem: 'future', index };
  }
  return null;
}

/** The request's body: the items as asked. */
export function packageBody(items: readonly DraftItem[]): { items: { cameraId: string; from: string; to: string }[] } {
  return { items: items.map(({ cameraId, from, to }) => ({ cameraId, from, to })) };
}

export interface Span {
  /** Fractions of the timeline's width, 0..1. */
  left: number;
  width: number;
}

/** The window a range's timeline shows: the range with a quarter of its length either side (a minute at least). */
export function timelineWindow(fromIso: string, toIso: string): { from: number; to: number } {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const pad = Math.max(60_000, Math.round((to - from) / 4));
  return { from: from - pad, to: to + pad };
}

/** A range of instants as a span of the window, clipped; null when outside. */
export function spanIn(window: { from: number; to: number }, fromIso: string, toIso: string): Span | null {
  const total = window.to - window.from;
  const from = Math.max(window.from, Date.parse(fromIso));
  const to = Math.min(window.to, Date.parse(toIso));
  if (!(total > 0) || !(to > from)) return null;
  return { left: (from - window.from) / total, width: (to - from) / total };
}

/** The requisition's recipients: its filer if a police user, and the supervisors (the server decides; this only hides the button). */
export function mayDownload(me: { role: string; login: string }, requisition: { filedBy: string }): boolean {
  if (me.role === 'supervisor') return true;
  return me.role === 'police' && me.login === requisition.filedBy;
}

/** Package states whose progress is followed live. */
export function isBuilding(state: string): boolean {
  return state === 'queued' || state === 'building';
}

/** "1,4 Mo" style sizes (decimal units, as file managers show them). */
export function formatBytes(bytes: number, locale: string): string {
  const units = locale.startsWith('fr') ? ['o', 'ko', 'Mo', 'Go', 'To'] : ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** The server writes some texts "français / english": the reader's half, or the whole text. */
export function halfOf(text: string, language: 'fr' | 'en'): string {
  const parts = text.split(' / ');
  if (parts.length !== 2) return text;
  return language === 'en' ? parts[1]! : parts[0]!;
}
