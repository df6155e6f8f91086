// The chief's figures (issue 14 item 7), pure: acknowledgement time (first receipt to
// acknowledgement) at the 80th and 98.5th percentiles per shift and per alarm type, the
// false-alarm ratio per site, the open alarms by age. Percentiles are nearest-rank (the smallest
// value with at least p % of the values at or below it), computed in integers so 98.5 % of 200
// is rank 197 exactly. A shift is a Paris wall-clock range (DST included): an alarm belongs to
// the shift its intake fell in.
import type { Figures } from './logbook.schemas.ts';

export interface Shift {
  name: string;
  startMinute: number;
  endMinute: number;
}

export interface AlarmFact {
  type: string;
  site_id: string | null;
  state: string;
  outcome: string | null;
  first_received_at: string;
  acknowledged_at: string | null;
  closed_at: string | null;
}

/** Nearest-rank percentile of ascending `sorted` values; `percent` with at most 3 decimals; null when empty. */
export function percentile(sorted: readonly number[], percent: number): number | null {
  if (sorted.length === 0) return null;
  const thousandths = Math.round(percent * 1000);
  const rank = Math.max(1, Math.ceil((thousandths * sorted.length) / 100_000));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const minuteOf = (text: string) => {
  const [hours, minutes] = text.split(':').map(Number);
  return hours! * 60 + minutes!;
};

/**
 * "07:00-19:00,19:00-07:00": the shifts of a day, in Paris time; together they must cover every
 * minute of the day exactly once (a range may cross midnight).
 */
export function parseShifts(text: string): Shift[] {
  const shifts = text.split(',').map((part) => {
    const match = /^\s*([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)\s*$/.exec(part);
    if (!match) throw new Error(`VIGIE_ALARM_SHIFTS: "${part}" is not HH:MM-HH:MM`);
    const [start, end] = [`${match[1]}:${match[2]}`, `${match[3]}:${match[4]}`];
    if (start === end) throw new Error(`VIGIE_ALARM_SHIFTS: "${part}" is empty`);
    return { name: `${start}-${end}`, startMinute: minuteOf(start), endMinute: minuteOf(end) };
  });
  const covered = new Array<number>(1440).fill(0);
  for (const shift of shifts) for (let minute = 0; minute < 1440; minute++) if (inShift(shift, minute)) covered[minute]!++;
  const wrong = covered.findIndex((count) => count !== 1);
  if (wrong >= 0) {
    const at = `${String(Math.floor(wrong / 60)).padStart(2, '0')}:${String(wrong % 60).padStart(2, '0')}`;
    throw new Error(`VIGIE_ALARM_SHIFTS: the shifts must cover each minute of the day once (${at} is covered ${covered[wrong]} times)`);
  }
  return shifts;
}

function inShift(shift: Shift, minute: number): boolean {
  return shift.startMinute < shift.endMinute
    ? minute >= shift.startMinute && minute < shift.endMinute
    : minute >= shift.startMinute || minute < shift.endMinute;
}

const parisClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The Paris wall-clock minute of the day of an instant (summer and winter time alike). */
export function parisMinuteOfDay(at: Date): number {
  return minuteOf(parisClock.format(at));
}

export function shiftOf(shifts: readonly Shift[], at: Date): string {
  const minute = parisMinuteOfDay(at);
  return shifts.find((shift) => inShift(shift, minute))?.name ?? 'unknown';
}

export const ageBuckets = [
  { bucket: 'lt5m', maxSeconds: 300 },
  { bucket: '5m-15m', maxSeconds: 900 },
  { bucket: '15m-1h', maxSeconds: 3600 },
  { bucket: '1h-4h', maxSeconds: 14_400 },
  { bucket: '4h-24h', maxSeconds: 86_400 },
  { bucket: 'gt24h', maxSeconds: Number.POSITIVE_INFINITY },
] as const;

function ackFigures(seconds: number[]) {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { count: sorted.length, p80Seconds: percentile(sorted, 80), p985Seconds: percentile(sorted, 98.5) };
}

function grouped<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

export function computeFigures(input: {
  from: string;
  to: string;
  communeInsee: string | null;
  now: Date;
  shifts: readonly Shift[];
  /** Alarms received or closed in the period. */
  inPeriod: readonly AlarmFact[];
  open: readonly AlarmFact[];
}): Figures {
  const received = input.inPeriod.filter((alarm) => alarm.first_received_at >= input.from && alarm.first_received_at < input.to);
  const acknowledged = received
    .filter((alarm) => alarm.acknowledged_at !== null)
    .map((alarm) => ({
      alarm,
      seconds: (Date.parse(alarm.acknowledged_at!) - Date.parse(alarm.first_received_at)) / 1000,
      shift: shiftOf(input.shifts, new Date(alarm.first_received_at)),
    }));
  const byShift = grouped(acknowledged, (item) => item.shift);
  const byType = grouped(acknowledged, (item) => item.alarm.type);
  const closed = input.inPeriod.filter((alarm) => alarm.closed_at !== null && alarm.closed_at >= input.from && alarm.closed_at < input.to);
  const bySite = grouped(closed, (alarm) => alarm.site_id ?? '');
  const nowMs = input.now.getTime();
  const ages = input.open.map((alarm) => (nowMs - Date.parse(alarm.first_received_at)) / 1000);
  return {
    from: input.from,
    to: input.to,
    communeInsee: input.communeInsee,
    acknowledgement: {
      all: ackFigures(acknowledged.map((item) => item.seconds)),
      byShift: input.shifts.map((shift) => ({ shift: shift.name, ...ackFigures((byShift.get(shift.name) ?? []).map((item) => item.seconds)) })),
      byType: [...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, items]) => ({ type, ...ackFigures(items.map((item) => item.seconds)) })),
    },
    falseAlarms: [...bySite.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([site, alarms]) => {
        const falseAlarms = alarms.filter((alarm) => alarm.outcome === 'false_alarm').length;
        return { siteId: site === '' ? null : site, closed: alarms.length, falseAlarms, ratio: falseAlarms / alarms.length };
      }),
    openByAge: ageBuckets.map((bucket, index) => {
      const min = index === 0 ? Number.NEGATIVE_INFINITY : ageBuckets[index - 1]!.maxSeconds;
      return { bucket: bucket.bucket, count: ages.filter((age) => age >= min && age < bucket.maxSeconds).length };
    }),
  };
}
