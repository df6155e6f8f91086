import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultScheduler, FaultState, faultSchema, type Fault, type Timers } from './faults.ts';

test('picture faults replace one another, the others combine', () => {
  const state = new FaultState();
  state.set({ kind: 'black' });
  state.set({ kind: 'clock_skew', seconds: 60 });
  state.set({ kind: 'low_fps', fps: 4 });
  assert.deepEqual(
    state
      .list()
      .map((fault) => fault.kind)
      .sort(),
    ['clock_skew', 'low_fps'],
  );
  assert.deepEqual(state.picture(), { kind: 'low_fps', fps: 4 });
  state.clear('low_fps');
  assert.equal(state.picture(), undefined);
  state.clear();
  assert.deepEqual(state.list(), []);
});

test('fault parameters default below the legal floors', () => {
  assert.deepEqual(faultSchema.parse({ kind: 'low_fps' }), { kind: 'low_fps', fps: 4 });
  assert.deepEqual(faultSchema.parse({ kind: 'low_resolution' }), { kind: 'low_resolution', width: 320, height: 240 });
  assert.throws(() => faultSchema.parse({ kind: 'melted' }));
});

test('the scheduler applies then clears faults at their times, and can be cancelled', () => {
  let now = 0;
  const pending: Array<{ at: number; run: () => void; handle: number }> = [];
  let nextHandle = 1;
  const timers: Timers = {
    setTimeout: (run, ms) => {
      const handle = nextHandle++;
      pending.push({ at: now + ms, run, handle });
      return handle;
    },
    clearTimeout: (handle) => {
      const index = pending.findIndex((entry) => entry.handle === handle);
      if (index >= 0) pending.splice(index, 1);
    },
  };
  const advanceTo = (time: number) => {
    for (;;) {
      pending.sort((a, b) => a.at - b.at);
      const next = pending[0];
      if (!next || next.at > time) break;
      pending.shift();
      now = next.at;
      next.run();
    }
    now = time;
  };
  const log: string[] = [];
  const scheduler = new FaultScheduler(
    (fault: Fault) => {
      log.push(`+${fault.kind}@${now}`);
    },
    (kind) => {
      log.push(`-${kind}@${now}`);
    },
    timers,
  );
  scheduler.schedule([
    { atSeconds: 2, durationSeconds: 3, fault: { kind: 'offline' } },
    { atSeconds: 1, fault: { kind: 'black' } },
    { atSeconds: 10, fault: { kind: 'frozen' } },
  ]);
  advanceTo(6000);
  assert.deepEqual(log, ['+black@1000', '+offline@2000', '-offline@5000']);
  assert.equal(scheduler.pending, 1);
  scheduler.cancelAll();
  advanceTo(20_000);
  assert.equal(log.length, 3);
});

test('RTP path faults have bounded parameters and defaults', () => {
  assert.deepEqual(faultSchema.parse({ kind: 'packet_loss' }), { kind: 'packet_loss', percent: 2 });
  assert.deepEqual(faultSchema.parse({ kind: 'reorder' }), { kind: 'reorder', percent: 5, depth: 2 });
  assert.deepEqual(faultSchema.parse({ kind: 'stall' }), { kind: 'stall', seconds: 5 });
  assert.deepEqual(faultSchema.parse({ kind: 'timestamp_jump' }), { kind: 'timestamp_jump', seconds: -5, rtcp: 'consistent' });
  assert.deepEqual(faultSchema.parse({ kind: 'sps_change' }), { kind: 'sps_change' });
  assert.deepEqual(faultSchema.parse({ kind: 'udp_blocked' }), { kind: 'udp_blocked', mode: 'drop' });
  assert.deepEqual(faultSchema.parse({ kind: 'udp_blocked', mode: 'refuse' }), { kind: 'udp_blocked', mode: 'refuse' });
  for (const invalid of [
    { kind: 'packet_loss', percent: 51 },
    { kind: 'packet_loss', percent: -1 },
    { kind: 'reorder', depth: 9 },
    { kind: 'reorder', depth: 0 },
    { kind: 'stall', seconds: 0.2 },
    { kind: 'stall', seconds: 61 },
    { kind: 'timestamp_jump', seconds: 0 },
    { kind: 'timestamp_jump', rtcp: 'sometimes' },
    { kind: 'udp_blocked', mode: 'sometimes' },
  ]) {
    assert.throws(() => faultSchema.parse(invalid), JSON.stringify(invalid));
  }
});

test('a resolution change is a picture fault: it replaces another picture fault', () => {
  const state = new FaultState();
  state.set({ kind: 'black' });
  state.set({ kind: 'packet_loss', percent: 5 });
  state.set({ kind: 'sps_change', width: 640, height: 360 });
  assert.deepEqual(state.picture(), { kind: 'sps_change', width: 640, height: 360 });
  assert.deepEqual(
    state
      .list()
      .map((fault) => fault.kind)
      .sort(),
    ['packet_loss', 'sps_change'],
  );
});
