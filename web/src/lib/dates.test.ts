import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCalendarDate, formatParisDateTime, parisLocalToUtcIso, parisToday, shiftYears, utcIsoToParisLocal } from './dates.ts';

describe('Paris dates', () => {
  it('shows instants in Paris time, winter and summer, in French and English', () => {
    assert.equal(formatParisDateTime('2026-11-23T10:05:09.000Z', 'fr'), '23/11/2026 11:05:09');
    assert.equal(formatParisDateTime('2026-07-14T20:00:00.000Z', 'fr'), '14/07/2026 22:00:00');
    assert.equal(formatParisDateTime('2026-11-23T23:30:00.000Z', 'en'), '24/11/2026, 00:30:00');
    assert.equal(formatParisDateTime(null, 'fr'), '');
  });

  it('shows calendar dates without shifting the day', () => {
    assert.equal(formatCalendarDate('2031-03-01', 'fr'), '01/03/2031');
    assert.equal(formatCalendarDate('2026-12-31', 'en'), '31/12/2026');
    assert.equal(formatCalendarDate('not a date', 'fr'), 'not a date');
  });

  it('converts a Paris wall-clock input to UTC, across both DST changes', () => {
    assert.equal(parisLocalToUtcIso('2026-11-23T08:30'), '2026-11-23T07:30:00.000Z');
    assert.equal(parisLocalToUtcIso('2026-07-14T22:00'), '2026-07-14T20:00:00.000Z');
    // 25 October 2026: 02:00-03:00 happens twice; the first (summer, UTC+2) is taken.
    assert.equal(parisLocalToUtcIso('2026-10-25T02:30'), '2026-10-25T00:30:00.000Z');
    assert.equal(parisLocalToUtcIso('2026-10-25T03:30'), '2026-10-25T02:30:00.000Z');
    // 29 March 2026: 02:00-03:00 does not exist.
    assert.equal(parisLocalToUtcIso('2026-03-29T01:59'), '2026-03-29T00:59:00.000Z');
    assert.equal(parisLocalToUtcIso('2026-03-29T03:00'), '2026-03-29T01:00:00.000Z');
    assert.equal(parisLocalToUtcIso('2026-03-29T02:30'), '2026-03-29T01:30:00.000Z');
    assert.equal(parisLocalToUtcIso(''), null);
    assert.equal(parisLocalToUtcIso('23/11/2026'), null);
  });

  it('round-trips UTC to the Paris input value', () => {
    assert.equal(utcIsoToParisLocal('2026-11-23T07:30:00.000Z'), '2026-11-23T08:30');
    assert.equal(utcIsoToParisLocal('2026-07-14T20:00:00.000Z'), '2026-07-14T22:00');
    for (const iso of ['2026-01-01T00:00:00.000Z', '2026-06-30T23:59:00.000Z', '2026-10-25T02:15:00.000Z']) {
      assert.equal(parisLocalToUtcIso(utcIsoToParisLocal(iso)), iso);
    }
  });
});

describe('Paris calendar helpers', () => {
  it('takes today in Paris, not in UTC', () => {
    assert.equal(parisToday(new Date('2026-12-31T23:30:00.000Z')), '2027-01-01');
    assert.equal(parisToday(new Date('2026-07-01T21:59:00.000Z')), '2026-07-01');
    assert.equal(shiftYears('2026-11-23', -5), '2021-11-23');
    assert.equal(shiftYears('2028-02-29', 1), '2029-03-01');
  });
});
