// Who is on duty (issue 14 item 5; docs/oncall.md): pure functions, no IO. A rota's RRULE
// (RFC 5545) is expanded in Paris wall-clock time ("floating" dates handed to rrule as UTC
// fields), then each occurrence's start and end are turned into instants with the Paris
// offset of that day, so a 08:00 shift stays at 08:00 across the DST changes and a 24 h shift
// over a change lasts 23 h or 25 h of real time (the next one starts when it ends).
import rrule from 'rrule';

const { RRule } = rrule;

export interface RotaRule {
  id: string;
  personId: string;
  /** 1: primary, 2: first backup, ... */
  level: number;
  /** Paris wall-clock DTSTART, YYYY-MM-DDTHH:mm. */
  startsAt: string;
  rrule: string;
  durationMinutes: number;
}

export interface OverridePeriod {
  replacedPersonId: string;
  replacementPersonId: string;
  fromMs: number;
  toMs: number;
}

export interface Shift {
  rotaId: string;
  personId: string;
  level: number;
  fromMs: number;
  toMs: number;
  /** The person the rota names, when an override put `personId` in their place. */
  replacing: string | null;
}

export const maxRruleLength = 300;
export const minDurationMinutes = 15;
export const maxDurationMinutes = 31 * 24 * 60;
const frequencies = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const day = '(?:MO|TU|WE|TH|FR|SA|SU)';
const int = (min: number, max: number) => (value: string) => /^[+-]?\d{1,4}$/.test(value) && Number(value) >= min && Number(value) <= max;
const list =
  (check: (value: string) => boolean, nonZero = false) =>
  (value: string) =>
    value.split(',').length <= 31 && value.split(',').every((part) => check(part) && (!nonZero || Number(part) !== 0));
/** The parts Vigie accepts, each checked before rrule sees it (rrule loops forever on some malformed values). */
const partCheckers: Record<string, (value: string) => boolean> = {
  FREQ: (value) => frequencies.has(value),
  INTERVAL: int(1, 99),
  COUNT: int(1, 10_000),
  UNTIL: (value) => /^\d{8}(T\d{6}Z?)?$/.test(value),
  BYDAY: list((value) => new RegExp(`^([+-]?[1-5])?${day}$`).test(value)),
  BYMONTHDAY: list(int(-31, 31), true),
  BYMONTH: list(int(1, 12)),
  BYWEEKNO: list(int(-53, 53), true),
  BYSETPOS: list(int(-366, 366), true),
  BYHOUR: list(int(0, 23)),
  BYMINUTE: list(int(0, 59)),
  WKST: (value) => new RegExp(`^${day}$`).test(value),
};

/** Why this rota cannot be accepted (a message naming the problem), or null. */
export function rotaProblem(rota: Pick<RotaRule, 'startsAt' | 'rrule' | 'durationMinutes'>): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(rota.startsAt) || Number.isNaN(Date.parse(`${rota.startsAt}:00Z`))) return 'startsAt: YYYY-MM-DDTHH:mm (Paris)';
  if (!Number.isInteger(rota.durationMinutes) || rota.durationMinutes < minDurationMinutes || rota.durationMinutes > maxDurationMinutes)
    return `durationMinutes: ${minDurationMinutes} to ${maxDurationMinutes}`;
  const text = rota.rrule.trim().replace(/^RRULE:/i, '');
  if (text.length === 0 || text.length > maxRruleLength) return `rrule: 1 to ${maxRruleLength} characters`;
  const seen = new Set<string>();
  for (const part of text.split(';')) {
    const [key, value, extra] = part.split('=');
    if (!key || value === undefined || extra !== undefined) return `rrule: "${part}" is not NAME=VALUE`;
    const checker = partCheckers[key.toUpperCase()];
    if (!checker) return `rrule: ${key} is not accepted (DTSTART and TZID come from the rota: Paris time)`;
    if (seen.has(key.toUpperCase())) return `rrule: ${key} given twice`;
    seen.add(key.toUpperCase());
    if (!checker(value.toUpperCase())) return `rrule: ${key}=${value} is invalid`;
  }
  if (!seen.has('FREQ')) return 'rrule: FREQ (DAILY, WEEKLY, MONTHLY or YEARLY) is required';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'rrule: COUNT and UNTIL are exclusive';
  const rule = ruleOf(rota as RotaRule);
  const start = floating(rota.startsAt);
  if (rule.between(new Date(start), new Date(start + 2 * 366 * 86_400_000), true).length === 0) return 'rrule: no occurrence in the two years after startsAt';
  return null;
}

/** The shifts of the rotas that overlap [fromMs, toMs), overrides applied, ordered by level then start. */
export function shiftsBetween(rotas: readonly RotaRule[], overrides: readonly OverridePeriod[], fromMs: number, toMs: number): Shift[] {
  const shifts: Shift[] = [];
  for (const rota of rotas) {
    const rule = ruleOf(rota);
    // Floating (wall-clock) bounds, widened by the longest offset and the shift's length.
    const lower = parisWallMs(fromMs) - rota.durationMinutes * 60_000 - 3 * 3_600_000;
    const upper = parisWallMs(toMs) + 3 * 3_600_000;
    for (const occurrence of rule.between(new Date(lower), new Date(upper), true)) {
      const start = parisInstantMs(occurrence.getTime());
      const end = parisInstantMs(occurrence.getTime() + rota.durationMinutes * 60_000);
      if (end <= fromMs || start >= toMs) continue;
      shifts.push(...applyOverrides({ rotaId: rota.id, personId: rota.personId, level: rota.level, fromMs: start, toMs: end, replacing: null }, overrides));
    }
  }
  return shifts.sort((a, b) => a.level - b.level || a.fromMs - b.fromMs || a.rotaId.localeCompare(b.rotaId));
}

/** Who is on duty at `atMs`: the shifts covering that instant, primary first. */
export function onDuty(rotas: readonly RotaRule[], overrides: readonly OverridePeriod[], atMs: number): Shift[] {
  return shiftsBetween(rotas, overrides, atMs, atMs + 1).filter((shift) => shift.fromMs <= atMs && atMs < shift.toMs);
}

/** The ordered escalation list at `atMs`: each person once, by level (primary, then backups). */
export function escalationList(rotas: readonly RotaRule[], overrides: readonly OverridePeriod[], atMs: number): string[] {
  return [...new Set(onDuty(rotas, overrides, atMs).map((shift) => shift.personId))];
}

/** Splits a shift where overrides of its person begin and end. */
function applyOverrides(shift: Shift, overrides: readonly OverridePeriod[]): Shift[] {
  const relevant = overrides
    .filter((override) => override.replacedPersonId === shift.personId && override.fromMs < shift.toMs && override.toMs > shift.fromMs)
    .sort((a, b) => a.fromMs - b.fromMs);
  if (relevant.length === 0) return [shift];
  const pieces: Shift[] = [];
  let cursor = shift.fromMs;
  for (const override of relevant) {
    const from = Math.max(override.fromMs, cursor);
    const to = Math.min(override.toMs, shift.toMs);
    if (to <= from) continue;
    if (from > cursor) pieces.push({ ...shift, fromMs: cursor, toMs: from });
    pieces.push({ ...shift, fromMs: from, toMs: to, personId: override.replacementPersonId, replacing: shift.personId });
    cursor = to;
  }
  if (cursor < shift.toMs) pieces.push({ ...shift, fromMs: cursor, toMs: shift.toMs });
  return pieces;
}

function ruleOf(rota: Pick<RotaRule, 'startsAt' | 'rrule'>): InstanceType<typeof RRule> {
  const options = RRule.parseString(rota.rrule.trim().replace(/^RRULE:/i, ''));
  // UNTIL is read as Paris wall-clock like DTSTART (rrule parses it as UTC fields: floating already).
  return new RRule({ ...options, dtstart: new Date(floating(rota.startsAt)), tzid: null });
}

/** A Paris wall-clock text as floating milliseconds (its fields read as UTC). */
function floating(wallClock: string): number {
  return Date.parse(`${wallClock}:00.000Z`);
}

const parisFields = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The Paris wall-clock of an instant, as floating milliseconds. */
export function parisWallMs(instantMs: number): number {
  const parts = Object.fromEntries(parisFields.formatToParts(new Date(instantMs)).map((part) => [part.type, part.value]));
  return (
    Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) +
    (instantMs % 1000)
  );
}

/**
 * The instant of a Paris wall-clock time. Paris is UTC+1 or UTC+2: in the autumn hour that
 * happens twice the first (summer) one is taken; in the spring hour that does not exist the
 * time is read with the winter offset (02:30 becomes 03:30 summer time).
 */
export function parisInstantMs(wallMs: number): number {
  const summer = wallMs - 2 * 3_600_000;
  if (parisWallMs(summer) === wallMs) return summer;
  return wallMs - 3_600_000;
}
