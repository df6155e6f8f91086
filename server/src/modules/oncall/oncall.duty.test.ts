// Who is on duty, across the DST changes of 2026 in Paris (29 March 02:00 -> 03:00, 25 October
// 03:00 -> 02:00), with overrides and the escalation order; RRULE validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escalationList, onDuty, parisInstantMs, rotaProblem, shiftsBetween, type RotaRule } from './oncall.duty.ts';

const at = (iso: string) => Date.parse(iso);
const weekA: RotaRule = {
  id: 'a',
  personId: 'alice',
  level: 1,
  startsAt: '2026-03-23T08:00',
  rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO',
  durationMinutes: 7 * 1440,
};
const weekB: RotaRule = { ...weekA, id: 'b', personId: 'bob', startsAt: '2026-03-30T08:00' };
const backup: RotaRule = { id: 'c', personId: 'carol', level: 2, startsAt: '2026-01-01T00:00', rrule: 'FREQ=DAILY', durationMinutes: 1440 };
const who = (rotas: RotaRule[], iso: string) => onDuty(rotas, [], at(iso)).map((shift) => shift.personId);

describe('on-call duty (Paris time, DST)', () => {
  it('hands a weekly duty over at 08:00 Paris on both sides of the spring change', () => {
    // Monday 23 March 08:00 CET = 07:00Z; Monday 30 March 08:00 CEST = 06:00Z.
    assert.deepEqual(who([weekA, weekB], '2026-03-23T06:59:00Z'), []);
    assert.deepEqual(who([weekA, weekB], '2026-03-23T07:00:00Z'), ['alice']);
    assert.deepEqual(who([weekA, weekB], '2026-03-29T01:30:00Z'), ['alice']);
    assert.deepEqual(who([weekA, weekB], '2026-03-30T05:59:59Z'), ['alice']);
    assert.deepEqual(who([weekA, weekB], '2026-03-30T06:00:00Z'), ['bob']);
    assert.deepEqual(who([weekA, weekB], '2026-04-06T05:59:00Z'), ['bob']);
    assert.deepEqual(who([weekA, weekB], '2026-04-06T06:00:00Z'), ['alice']);
    // The week over the change lasts 167 h of real time.
    const [first] = shiftsBetween([weekA], [], at('2026-03-23T07:00:00Z'), at('2026-03-23T08:00:00Z'));
    assert.equal(((first?.toMs ?? 0) - (first?.fromMs ?? 0)) / 3_600_000, 167);
  });

  it('keeps a night shift 20:00-08:00 on the wall clock over the autumn change (13 h that night)', () => {
    const night: RotaRule = { id: 'n', personId: 'nina', level: 1, startsAt: '2026-10-01T20:00', rrule: 'FREQ=DAILY', durationMinutes: 720 };
    // 24 October 20:00 CEST = 18:00Z; 25 October 08:00 CET = 07:00Z.
    assert.deepEqual(who([night], '2026-10-24T17:59:00Z'), []);
    assert.deepEqual(who([night], '2026-10-24T18:00:00Z'), ['nina']);
    assert.deepEqual(who([night], '2026-10-25T06:59:00Z'), ['nina']);
    assert.deepEqual(who([night], '2026-10-25T07:00:00Z'), []);
    // 25 October 20:00 CET = 19:00Z.
    assert.deepEqual(who([night], '2026-10-25T18:59:00Z'), []);
    assert.deepEqual(who([night], '2026-10-25T19:00:00Z'), ['nina']);
  });

  it('reads a time that does not exist (spring) with the winter offset and takes the first of a repeated hour (autumn)', () => {
    assert.equal(new Date(parisInstantMs(Date.parse('2026-03-29T02:30:00Z'))).toISOString(), '2026-03-29T01:30:00.000Z');
    assert.equal(new Date(parisInstantMs(Date.parse('2026-10-25T02:30:00Z'))).toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(new Date(parisInstantMs(Date.parse('2026-07-14T12:00:00Z'))).toISOString(), '2026-07-14T10:00:00.000Z');
  });

  it('applies an override for its period only and orders the escalation list by level', () => {
    const overrides = [{ replacedPersonId: 'alice', replacementPersonId: 'dan', fromMs: at('2026-03-24T10:00:00Z'), toMs: at('2026-03-25T10:00:00Z') }];
    assert.deepEqual(escalationList([backup, weekA], overrides, at('2026-03-24T09:59:00Z')), ['alice', 'carol']);
    assert.deepEqual(escalationList([backup, weekA], overrides, at('2026-03-24T10:00:00Z')), ['dan', 'carol']);
    const replaced = onDuty([weekA], overrides, at('2026-03-24T12:00:00Z'))[0];
    assert.equal(replaced?.replacing, 'alice');
    assert.deepEqual(escalationList([backup, weekA], overrides, at('2026-03-25T10:00:00Z')), ['alice', 'carol']);
    // The same person on two levels appears once, at the first.
    assert.deepEqual(escalationList([weekA, { ...backup, personId: 'alice' }], [], at('2026-03-24T12:00:00Z')), ['alice']);
  });

  it('ends a rota at its UNTIL or COUNT', () => {
    const limited: RotaRule = { ...backup, rrule: 'FREQ=DAILY;COUNT=2' };
    assert.deepEqual(who([limited], '2026-01-02T12:00:00Z'), ['carol']);
    assert.deepEqual(who([limited], '2026-01-03T12:00:00Z'), []);
  });

  it('refuses malformed or unbounded rules with a reason, and accepts RFC 5545 ones', () => {
    const base = { startsAt: '2026-03-23T08:00', durationMinutes: 60 };
    for (const rrule of [
      'FREQ=DAILY;INTERVAL=abc',
      'FREQ=SECONDLY',
      'FREQ=HOURLY',
      'BYDAY=MO',
      'garbage',
      'FREQ=DAILY;DTSTART=20260101T000000Z',
      'FREQ=DAILY;TZID=UTC',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30',
      'FREQ=DAILY;FREQ=WEEKLY',
      'FREQ=WEEKLY;BYDAY=XX',
      'FREQ=DAILY;COUNT=0',
      `FREQ=DAILY;${'BYHOUR=1;'.repeat(40)}`,
    ]) {
      assert.notEqual(rotaProblem({ ...base, rrule }), null, rrule);
    }
    assert.notEqual(rotaProblem({ ...base, rrule: 'FREQ=DAILY', durationMinutes: 5 }), null);
    assert.notEqual(rotaProblem({ ...base, rrule: 'FREQ=DAILY', startsAt: '2026-13-01T08:00' }), null);
    for (const rrule of [
      'FREQ=WEEKLY;BYDAY=MO,TU',
      'RRULE:FREQ=MONTHLY;BYDAY=1MO',
      'FREQ=DAILY;UNTIL=20270101T000000Z',
      'FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14',
    ]) {
      assert.equal(rotaProblem({ ...base, rrule }), null, rrule);
    }
  });
});
