// Pure rules of procedures (no IO): steps checked and given ids in order, the site's procedure
// winning over the type's, due times, the steps blocking a closing, the escalation level due.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../platform/errors.ts';
import { procedureCreateSchema, type StepInput } from './alarms.procedures.schemas.ts';
import { dueAt, escalationServiceOf, missingMandatory, normaliseSteps, pickProcedure, stepDueLevel } from './alarms.procedures.steps.ts';

const check = (labelFr: string, extra: Partial<StepInput> = {}): StepInput => ({ kind: 'check', labelFr, mandatory: false, ...extra });

describe('procedure steps', () => {
  it('keep their order and the ids sent, and give fresh ids (s1, s2, ...) not already taken to the others', () => {
    const steps = normaliseSteps([check('a'), check('b', { id: 's1' }), check('c'), check('d', { id: 'appel' })]);
    assert.deepEqual(
      steps.map((step) => [step.id, step.labelFr]),
      [
        ['s2', 'a'],
        ['s1', 'b'],
        ['s3', 'c'],
        ['appel', 'd'],
      ],
    );
    assert.deepEqual(steps[0], {
      id: 's2',
      kind: 'check',
      labelFr: 'a',
      labelEn: null,
      mandatory: false,
      number: null,
      service: null,
      cameraIds: [],
      deadlineSeconds: null,
    });
  });

  it('are refused with every reason at once: a call without number, a number or service on the wrong kind, an id used twice', () => {
    try {
      normaliseSteps([
        { kind: 'call', labelFr: 'Appeler', mandatory: true },
        { kind: 'notify_oncall', labelFr: 'Astreinte', mandatory: true },
        check('x', { number: '17', id: 'dup' }),
        check('y', { service: 'elus', id: 'dup' }),
        check('z', { cameraIds: ['cam-1'] }),
      ]);
      assert.fail('refused');
    } catch (error) {
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, 'procedure_invalid');
      assert.equal((error.details as { reasons: string[] }).reasons.length, 6);
    }
  });

  it('open_cameras keeps its named cameras once each', () => {
    const [step] = normaliseSteps([{ kind: 'open_cameras', labelFr: 'Caméras', mandatory: true, cameraIds: ['a', 'b', 'a'] }]);
    assert.deepEqual(step?.cameraIds, ['a', 'b']);
  });

  it('are bounded by the schema: 1 to 30 steps, labels of 300 characters, deadlines of 5 s to a day', () => {
    const base = { alarmType: 'pti_sos', name: 'PTI' };
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: Array.from({ length: 30 }, () => check('a')) }).success, true);
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: Array.from({ length: 31 }, () => check('a')) }).success, false);
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: [] }).success, false);
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: [check('x'.repeat(300))] }).success, true);
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: [check('x'.repeat(301))] }).success, false);
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: [check('a', { deadlineSeconds: 4 })] }).success, false);
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: [check('a', { deadlineSeconds: 86_401 })] }).success, false);
    assert.equal(procedureCreateSchema.safeParse({ ...base, steps: [{ ...check('a'), extra: 1 }] }).success, false, 'unknown fields refused');
  });
});

describe('which procedure, when due, what blocks', () => {
  const typeWide = { id: 'type', siteId: null };
  const school = { id: 'school', siteId: 'site-1' };

  it('a site’s procedure wins over its type’s; another site, or none, gets the type’s', () => {
    assert.equal(pickProcedure([typeWide, school], 'site-1')?.id, 'school');
    assert.equal(pickProcedure([school, typeWide], 'site-2')?.id, 'type');
    assert.equal(pickProcedure([school, typeWide], null)?.id, 'type');
    assert.equal(pickProcedure([school], null), null);
  });

  it('a step is due its deadline after the alarm’s first receipt', () => {
    assert.equal(dueAt('2026-12-07T10:00:00.000Z', 30), '2026-12-07T10:00:30.000Z');
    assert.equal(dueAt('2026-12-07T10:00:00.000Z', null), null);
  });

  it('only mandatory steps not done block a closing', () => {
    const steps = [
      { id: 'a', mandatory: true, doneAt: null },
      { id: 'b', mandatory: true, doneAt: '2026-12-07T10:00:00.000Z' },
      { id: 'c', mandatory: false, doneAt: null },
    ];
    assert.deepEqual(
      missingMandatory(steps).map((step) => step.id),
      ['a'],
    );
  });

  it('a mandatory step not done is at level 1 past its deadline, 2 past twice, never more; optional or done ones never', () => {
    const start = '2026-12-07T10:00:00.000Z';
    const at = (seconds: number) => Date.parse(start) + seconds * 1000;
    const step = { mandatory: true, doneAt: null, deadlineSeconds: 30 };
    assert.deepEqual(
      [0, 29, 30, 59, 60, 600].map((seconds) => stepDueLevel(step, start, at(seconds))),
      [0, 0, 1, 1, 2, 2],
    );
    assert.equal(stepDueLevel({ ...step, mandatory: false }, start, at(600)), 0);
    assert.equal(stepDueLevel({ ...step, doneAt: start }, start, at(600)), 0);
    assert.equal(stepDueLevel({ ...step, deadlineSeconds: null }, start, at(600)), 0);
  });

  it('the on-call service told at level 2 is the procedure’s, else its first notify_oncall step’s', () => {
    const steps = [
      { kind: 'check' as const, service: null },
      { kind: 'notify_oncall' as const, service: 'elus' },
    ];
    assert.equal(escalationServiceOf('dg', steps), 'dg');
    assert.equal(escalationServiceOf(null, steps), 'elus');
    assert.equal(escalationServiceOf(null, []), null);
  });
});
