import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countdownOf, emptyIntake, intakeBody, transitionButtons } from './requisitions.ts';

describe('requisitions screen logic', () => {
  it('shows the time left, or how late, in hours and minutes', () => {
    assert.deepEqual(countdownOf({ remainingMs: 47 * 3_600_000 + 5 * 60_000 + 30_000, answeredAt: null }), {
      hours: 47,
      minutes: 5,
      late: false,
      answered: false,
    });
    assert.deepEqual(countdownOf({ remainingMs: -(90 * 60_000), answeredAt: '2026-11-25T11:30:00Z' }), { hours: 1, minutes: 30, late: true, answered: true });
  });

  it('turns the intake form into the API body, Paris times to UTC', () => {
    const draft = {
      ...emptyIntake('38185'),
      officerName: ' Karim Benali ',
      officerRank: 'OPJ',
      officerUnit: 'Commissariat central',
      officerContact: '04 76 00 00 00',
      procedureNumber: 'PV 2026/1',
      requisitionDate: '2026-11-23T09:30',
      ranges: [{ cameraId: 'cam-1', from: '2026-07-14T21:00', to: '2026-07-14T23:00' }],
    };
    const result = intakeBody(draft);
    assert.ok('body' in result);
    assert.equal(result.body.officerName, 'Karim Benali');
    assert.equal(result.body.requisitionDate, '2026-11-23T08:30:00.000Z');
    assert.deepEqual(result.body.ranges, [{ cameraId: 'cam-1', from: '2026-07-14T19:00:00.000Z', to: '2026-07-14T21:00:00.000Z' }]);
    assert.equal(result.body.freeText, null);
  });

  it('names the first problem of an incomplete form', () => {
    assert.deepEqual(intakeBody(emptyIntake('38185')), { problem: 'required' });
    const filled = { ...emptyIntake('38185'), officerName: 'a', officerRank: 'b', officerUnit: 'c', officerContact: 'd', procedureNumber: 'e' };
    assert.deepEqual(intakeBody(filled), { problem: 'date' });
    const dated = { ...filled, requisitionDate: '2026-11-23T09:30' };
    assert.deepEqual(intakeBody(dated), { problem: 'camera', index: 0 });
    assert.deepEqual(intakeBody({ ...dated, ranges: [{ cameraId: 'c', from: '2026-11-23T09:30', to: '2026-11-23T09:00' }] }), {
      problem: 'rangeOrder',
      index: 0,
    });
  });

  it('shows state buttons to supervisors only', () => {
    assert.deepEqual(transitionButtons(['in_review', 'cancelled'], ['requisition.read', 'requisition.review']), ['in_review', 'cancelled']);
    assert.deepEqual(transitionButtons(['in_review', 'cancelled'], ['requisition.read', 'requisition.file']), []);
  });
});
