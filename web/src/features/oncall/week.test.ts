import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parisMidnight, shiftsOfDay, weekDays } from './week.ts';

describe('on-call week view (Paris time)', () => {
  it('cuts days at Paris midnight across the spring change (a 23-hour day)', () => {
    assert.equal(new Date(parisMidnight('2026-03-29')).toISOString(), '2026-03-28T23:00:00.000Z');
    assert.equal(new Date(parisMidnight('2026-03-30')).toISOString(), '2026-03-29T22:00:00.000Z');
    const days = weekDays(Date.parse('2026-03-28T12:00:00Z'), 3);
    assert.deepEqual(
      days.map((day) => [day.day, (day.endMs - day.startMs) / 3_600_000]),
      [
        ['2026-03-28', 24],
        ['2026-03-29', 23],
        ['2026-03-30', 24],
      ],
    );
  });

  it('clips a shift to the day and orders by level', () => {
    const shifts = [
      { personName: 'B', level: 2, from: '2026-03-23T07:00:00Z', to: '2026-03-30T06:00:00Z', replacing: null },
      { personName: 'A', level: 1, from: '2026-03-29T18:00:00Z', to: '2026-03-30T06:00:00Z', replacing: null },
    ];
    const [day] = weekDays(Date.parse('2026-03-29T12:00:00Z'), 1);
    const cells = shiftsOfDay(shifts, day?.startMs ?? 0, day?.endMs ?? 0);
    assert.deepEqual(
      cells.map((cell) => [cell.personName, new Date(cell.fromMs).toISOString(), new Date(cell.toMs).toISOString()]),
      [
        ['A', '2026-03-29T18:00:00.000Z', '2026-03-29T22:00:00.000Z'],
        ['B', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ],
    );
  });
});
