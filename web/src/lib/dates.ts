// Dates as the operators read them: Europe/Paris whatever the workstation's zone, and back to
// UTC ISO for the API. Pure (Intl only), tested by dates.test.ts.
import { localeOf, type Language } from '../i18n/translate.ts';

export const parisTimeZone = 'Europe/Paris';

/** An instant (ISO UTC) as a Paris date and time, e.g. "23/11/2026 11:05:09". */
export function formatParisDateTime(iso: string | null | undefined, language: Language): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(language), {
    timeZone: parisTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** An instant as a short Paris time with its date, e.g. "23/11/2026 11:05". */
export function formatParisMinute(iso: string | null | undefined, language: Language): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(language), {
    timeZone: parisTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** A calendar date (YYYY-MM-DD, already a Paris date) in the reader's format, e.g. "01/03/2031". */
export function formatCalendarDate(isoDate: string | null | undefined, language: Language): string {
  if (!isoDate) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
  return new Intl.DateTimeFormat(localeOf(language), { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function parisWallClock(at: Date): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: parisTimeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return { year: value('year'), month: value('month'), day: value('day'), hour: value('hour'), minute: value('minute'), second: value('second') };
}

/** Offset of Paris from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
function parisOffsetAt(epochMs: number): number {
  const wall = parisWallClock(new Date(epochMs));
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * A Paris wall-clock time from a `datetime-local` input ("2026-11-23T08:30") to UTC ISO. In
 * the autumn's repeated hour the first (summer) instant is taken; in the spring's skipped
 * hour the time is read with the winter offset (i.e. one hour later on the clock).
 */
export function parisLocalToUtcIso(local: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  const asUtc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  const candidates = [asUtc - parisOffsetAt(asUtc - 3 * 3_600_000), asUtc - parisOffsetAt(asUtc + 3 * 3_600_000)];
  const exact = candidates.filter((candidate) => candidate + parisOffsetAt(candidate) === asUtc).sort((a, b) => a - b);
  const chosen = exact[0] ?? asUtc - parisOffsetAt(asUtc - 3 * 3_600_000);
  return new Date(chosen).toISOString();
}

/** Today's calendar date in Paris (YYYY-MM-DD), the legal date of the centre. */
export function parisToday(now: Date = new Date()): string {
  return utcIsoToParisLocal(now.toISOString()).slice(0, 10);
}

/** The same calendar date `years` earlier or later (29 February becomes 1 March). */
export function shiftYears(isoDate: string, years: number): string {
  const date = new Date(`${isoDate}T12:00:00.000Z`);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.toISOString().slice(0, 10);
}

/** UTC ISO to the value of a `datetime-local` input showing Paris time ("2026-11-23T08:30"). */
export function utcIsoToParisLocal(iso: string): string {
  const wall = parisWallClock(new Date(iso));
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}
