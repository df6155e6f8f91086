// The rota's week view in Paris time: the days from a Paris date, and the part of each shift
// that falls in a day. Pure (Intl only), tested by week.test.ts.
export interface WeekShift {
  personName: string;
  level: number;
  from: string;
  to: string;
  replacing: string | null;
}

const parisDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Paris calendar date (YYYY-MM-DD) of an instant. */
export function parisDay(ms: number): string {
  return parisDate.format(new Date(ms));
}

/** The instant a Paris date begins (UTC+1 in winter, UTC+2 in summer). */
export function parisMidnight(day: string): number {
  const utc = Date.parse(`${day}T00:00:00.000Z`);
  for (const hours of [2, 1]) {
    const candidate = utc - hours * 3_600_000;
    if (parisDay(candidate) === day && parisDay(candidate - 1) !== day) return candidate;
  }
  return utc - 3_600_000;
}

/** `count` consecutive Paris days from the one holding `fromMs`, each with its start and end. */
export function weekDays(fromMs: number, count = 7): { day: string; startMs: number; endMs: number }[] {
  const days: { day: string; startMs: number; endMs: number }[] = [];
  let day = parisDay(fromMs);
  for (let index = 0; index < count; index += 1) {
    const startMs = parisMidnight(day);
    const next = parisDay(startMs + 30 * 3_600_000);
    const endMs = parisMidnight(next);
    days.push({ day, startMs, endMs });
    day = next;
  }
  return days;
}

/** The shifts overlapping a day, clipped to it, by level then start. */
export function shiftsOfDay<T extends WeekShift>(shifts: readonly T[], startMs: number, endMs: number): (T & { fromMs: number; toMs: number })[] {
  return shifts
    .map((shift) => ({ ...shift, fromMs: Math.max(Date.parse(shift.from), startMs), toMs: Math.min(Date.parse(shift.to), endMs) }))
    .filter((shift) => shift.toMs > shift.fromMs)
    .sort((a, b) => a.level - b.level || a.fromMs - b.fromMs);
}
