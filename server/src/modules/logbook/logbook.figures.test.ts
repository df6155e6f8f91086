// The figures' arithmetic without IO: nearest-rank percentiles (p80, p98.5 in integers), shifts
// parsed and checked, an intake put in its Paris shift across both DST changes, age buckets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeFigures, parseShifts, parisMinuteOfDay, percentile, shiftOf } from './logbook.figures.ts';

describe('logbook figures', () => {
  it('percentile is nearest-rank: the smallest value with at least p % at or below it', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
    assert.equal(percentile(hundred, 80), 80);
    assert.equal(percentile(hundred, 98.5), 99);
    const twoHundred = Array.from({ length: 200 }, (_, index) => index + 1);
    // 0.985 x 200 is 197 exactly (floating point would give 197.00000000000003 and rank 198).
    assert.equal(percentile(twoHundred, 98.5), 197);
    assert.equal(percentile([7], 80), 7);
    assert.equal(percentile([1, 2, 3, 4, 5], 80), 4);
    assert.equal(percentile([1, 2, 3, 4, 5], 98.5), 5);
    assert.equal(percentile([], 80), null);
  });

  it('parses shifts and refuses gaps, overlaps and bad times', () => {
    assert.deepEqual(
      parseShifts('07:00-19:00,19:00-07:00').map((shift) => shift.name),
      ['07:00-19:00', '19:00-07:00'],
    );
    assert.equal(parseShifts('06:00-14:00, 14:00-22:00, 22:00-06:00').length, 3);
    assert.throws(() => parseShifts('07:00-19:00'), /00:00 is covered 0 times/);
    assert.throws(() => parseShifts('07:00-19:00,18:00-07:00'), /18:00 is covered 2 times/);
    assert.throws(() => parseShifts('7h-19h'), /HH:MM-HH:MM/);
    assert.throws(() => parseShifts('07:00-07:00'), /empty/);
  });

  it('puts an intake in the shift of its Paris wall-clock time, summer and winter time alike', () => {
    const shifts = parseShifts('07:00-19:00,19:00-07:00');
    // 29 March 2026, 02:00 -> 03:00 Paris: 05:30 UTC is 07:30 Paris (day), the day before it was 06:30 (night).
    assert.equal(parisMinuteOfDay(new Date('2026-03-29T05:30:00Z')), 7 * 60 + 30);
    assert.equal(shiftOf(shifts, new Date('2026-03-29T05:30:00Z')), '07:00-19:00');
    assert.equal(shiftOf(shifts, new Date('2026-03-28T05:30:00Z')), '19:00-07:00');
    // 25 October 2026, 03:00 -> 02:00: 06:30 UTC is 07:30 Paris (day) after it, 08:30 the day before.
    assert.equal(shiftOf(shifts, new Date('2026-10-25T06:30:00Z')), '07:00-19:00');
    assert.equal(shiftOf(shifts, new Date('2026-10-25T05:30:00Z')), '19:00-07:00');
    assert.equal(shiftOf(shifts, new Date('2026-10-24T05:30:00Z')), '07:00-19:00');
    // Around the boundaries: 18:59 Paris is day, 19:00 night, 06:59 night, 07:00 day (winter: UTC+1).
    assert.equal(shiftOf(shifts, new Date('2026-12-01T17:59:00Z')), '07:00-19:00');
    assert.equal(shiftOf(shifts, new Date('2026-12-01T18:00:00Z')), '19:00-07:00');
    assert.equal(shiftOf(shifts, new Date('2026-12-01T05:59:00Z')), '19:00-07:00');
    assert.equal(shiftOf(shifts, new Date('2026-12-01T06:00:00Z')), '07:00-19:00');
  });

  it('counts open alarms by age, the upper bound of each bucket excluded', () => {
    const now = new Date('2026-07-01T10:00:00Z');
    const open = [0, 299, 300, 899, 900, 3599, 3600, 86_399, 86_400].map((seconds) => ({
      type: 'intrusion',
      site_id: null,
      state: 'new',
      outcome: null,
      first_received_at: new Date(now.getTime() - seconds * 1000).toISOString(),
      acknowledged_at: null,
      closed_at: null,
    }));
    const figures = computeFigures({
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-07-01T00:00:00.000Z',
      communeInsee: null,
      now,
      shifts: parseShifts('00:00-12:00,12:00-00:00'),
      inPeriod: [],
      open,
    });
    assert.deepEqual(
      figures.openByAge.map((bucket) => [bucket.bucket, bucket.count]),
      [
        ['lt5m', 2],
        ['5m-15m', 2],
        ['15m-1h', 2],
        ['1h-4h', 1],
        ['4h-24h', 1],
        ['gt24h', 1],
      ],
    );
    assert.deepEqual(figures.acknowledgement.all, { count: 0, p80Seconds: null, p985Seconds: null });
  });
});
