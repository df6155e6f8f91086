// The queue's rules in the browser, without a DOM: snapshot then numbered changes, the gap that
// makes the console re-fetch, the server's order, closed alarms leaving, the cameras of a PPMS
// alert (the school's site), the age counter and the reconnection backoff.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alarm } from '../../api/types.ts';
import { applyMessage, camerasOf, emptyQueue, formatAge, gridFor, nextAction, reconnectDelay, sortQueue } from './alarm-queue.ts';

const alarm = (id: string, overrides: Partial<Alarm> = {}): Alarm =>
  ({
    id,
    type: 'intrusion',
    priority: 2,
    state: 'new',
    siteId: null,
    cameraIds: [],
    firstReceivedAt: '2026-12-07T10:00:00.000Z',
    escalationLevel: 0,
    ...overrides,
  }) as Alarm;

describe('alarm queue (console)', () => {
  it('applies a snapshot, then changes in seq order; a gap asks for a new snapshot', () => {
    let state = applyMessage(emptyQueue, { type: 'snapshot', seq: 0, at: '', alarms: [alarm('b'), alarm('a', { priority: 1 })] }).state;
    assert.deepEqual(
      state.alarms.map((entry) => entry.id),
      ['a', 'b'],
    );
    const created = applyMessage(state, {
      type: 'change',
      seq: 1,
      at: '',
      change: 'created',
      alarm: alarm('c', { priority: 1, firstReceivedAt: '2026-12-07T09:00:00.000Z' }),
    });
    assert.equal(created.arrived?.id, 'c');
    state = created.state;
    assert.deepEqual(
      state.alarms.map((entry) => entry.id),
      ['c', 'a', 'b'],
      'priority first, then the oldest',
    );
    assert.deepEqual(state.unseen, ['c']);
    const gap = applyMessage(state, { type: 'change', seq: 3, at: '', change: 'take', alarm: alarm('a', { state: 'taken' }) });
    assert.equal(gap.gap, true);
    assert.equal(gap.state, state, 'nothing applied past a gap');
    assert.equal(applyMessage(state, { type: 'heartbeat', seq: 2, at: '' }).gap, true, 'a heartbeat ahead of us shows a lost change');
    assert.equal(applyMessage(state, { type: 'heartbeat', seq: 1, at: '' }).gap, false);
    state = applyMessage(state, { type: 'change', seq: 2, at: '', change: 'close', alarm: alarm('b', { state: 'closed' }) }).state;
    assert.deepEqual(
      state.alarms.map((entry) => entry.id),
      ['c', 'a'],
      'a closed alarm leaves the queue',
    );
  });

  it('sorts like the server and names the next action', () => {
    const sorted = sortQueue([
      alarm('x', { priority: 3 }),
      alarm('y', { priority: 1, firstReceivedAt: '2026-12-07T11:00:00.000Z' }),
      alarm('z', { priority: 1 }),
    ]);
    assert.deepEqual(
      sorted.map((entry) => entry.id),
      ['z', 'y', 'x'],
    );
    assert.equal(nextAction('new'), 'take');
    assert.equal(nextAction('taken'), 'acknowledge');
    assert.equal(nextAction('acknowledged'), 'start');
    assert.equal(nextAction('in_progress'), null);
  });

  it('opens the alarm’s cameras, and every camera of the school’s site for a PPMS alert', () => {
    const cameras = [
      { id: 'c1', siteId: 'school' },
      { id: 'c2', siteId: 'school' },
      { id: 'c3', siteId: 'station' },
    ];
    assert.deepEqual(camerasOf(alarm('p', { type: 'ppms_confinement', siteId: 'school', cameraIds: ['c3'] }), cameras), ['c3', 'c1', 'c2']);
    assert.deepEqual(camerasOf(alarm('i', { type: 'intrusion', siteId: 'school', cameraIds: ['c3', 'unknown'] }), cameras), ['c3']);
    assert.equal(gridFor(1), 1);
    assert.equal(gridFor(3), 4);
    assert.equal(gridFor(10), 16);
  });

  it('counts the age and backs off its reconnections', () => {
    const from = '2026-12-07T10:00:00.000Z';
    assert.equal(formatAge(from, Date.parse(from) + 42_000), '42 s');
    assert.equal(formatAge(from, Date.parse(from) + 185_000), '3 min 05 s');
    assert.equal(formatAge(from, Date.parse(from) + 7_620_000), '2 h 07 min');
    assert.equal(
      reconnectDelay(0, () => 0),
      500,
    );
    assert.equal(
      reconnectDelay(3, () => 0),
      4000,
    );
    assert.equal(
      reconnectDelay(20, () => 0),
      15_000,
    );
    assert.equal(
      reconnectDelay(20, () => 1),
      18_000,
    );
  });
});
