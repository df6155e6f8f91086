import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countdown, moveStep, newStep, stepInput } from './procedure-steps.ts';

describe('procedure steps in the console', () => {
  it('count down to the deadline, then up past it (red)', () => {
    const due = '2026-12-07T10:00:30.000Z';
    const at = (iso: string) => Date.parse(iso);
    assert.deepEqual(countdown(due, at('2026-12-07T10:00:00.000Z')), { text: '0:30', overdue: false });
    assert.deepEqual(countdown(due, at('2026-12-07T09:58:00.500Z')), { text: '2:30', overdue: false });
    assert.deepEqual(countdown(due, at('2026-12-07T10:01:35.000Z')), { text: '-1:05', overdue: true });
  });

  it('move one step up or down, and not past the ends', () => {
    assert.deepEqual(moveStep(['a', 'b', 'c'], 2, -1), ['a', 'c', 'b']);
    assert.deepEqual(moveStep(['a', 'b', 'c'], 0, 1), ['b', 'a', 'c']);
    assert.deepEqual(moveStep(['a', 'b', 'c'], 0, -1), ['a', 'b', 'c']);
    assert.deepEqual(moveStep(['a', 'b', 'c'], 2, 1), ['a', 'b', 'c']);
  });

  it('send only the fields of the step’s kind, empty texts as none', () => {
    const step = { ...newStep('check'), labelFr: ' Vérifier ', labelEn: ' ', number: '17', service: 'elus', cameraIds: ['c1'] };
    assert.deepEqual(stepInput(step), {
      kind: 'check',
      labelFr: 'Vérifier',
      labelEn: null,
      mandatory: true,
      number: null,
      service: null,
      cameraIds: [],
      deadlineSeconds: null,
    });
    assert.equal(stepInput({ ...step, kind: 'call' }).number, '17');
    assert.equal(stepInput({ ...step, id: 's1' }).id, 's1');
  });
});
