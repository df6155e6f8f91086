// Wall-clock time, injectable so tests can move it (retention, expiry, lockout).
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock tests can set and advance. A running one also flows with real time from the instant
 * it was last set (end-to-end tests with real processes, which still move it to prove expiry).
 */
export class ManualClock implements Clock {
  private current: Date;
  private setAtMs = Date.now();
  constructor(
    start: Date | string = '2026-11-23T10:00:00.000Z',
    private readonly options: { running?: boolean } = {},
  ) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current.getTime() + (this.options.running ? Date.now() - this.setAtMs : 0));
  }
  set(at: Date | string): void {
    this.current = new Date(at);
    this.setAtMs = Date.now();
  }
  advance(milliseconds: number): void {
    this.set(new Date(this.now().getTime() + milliseconds));
  }
}

/** Calendar date (YYYY-MM-DD) of an instant in Europe/Paris, the legal time of the centre. */
export function parisDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function addYears(isoDate: string, years: number): string {
  const date = new Date(`${isoDate}T00:00:00.000Z`);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.toISOString().slice(0, 10);
}

/** The instant (epoch ms) a calendar date begins in Europe/Paris (UTC+1 in winter, UTC+2 in summer). */
export function parisMidnightMs(isoDate: string): number {
  const utcMidnight = Date.parse(`${isoDate}T00:00:00.000Z`);
  for (const offsetHours of [1, 2]) {
    const candidate = utcMidnight - offsetHours * 3_600_000;
    if (parisDate(new Date(candidate)) === isoDate && parisDate(new Date(candidate - 1)) !== isoDate) return candidate;
  }
  throw new Error(`no Paris midnight found for ${isoDate}`);
}
