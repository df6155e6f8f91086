// The job registry: roles, no overlap, errors kept and raised, status, stop (issue 10).
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { ManualClock } from './clock.ts';
import { type Job, JobRegistry } from './jobs.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const flush = async () => {
  for (let index = 0; index < 5; index++) await Promise.resolve();
};

describe('JobRegistry', () => {
  it('starts only the jobs of the process roles, runs `runAtStart` ones first, then every interval', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const runs: string[] = [];
    const registry = new JobRegistry({ clock: new ManualClock() });
    registry.add([
      { name: 'a.worker', role: 'worker', intervalMs: 1000, runAtStart: true, run: async () => void runs.push('worker') },
      { name: 'b.recorder', role: 'recorder', intervalMs: 1000, run: async () => void runs.push('recorder') },
    ]);
    await registry.start(['worker']);
    assert.deepEqual(runs, ['worker']);
    t.mock.timers.tick(1000);
    await flush();
    t.mock.timers.tick(1000);
    await flush();
    assert.deepEqual(runs, ['worker', 'worker', 'worker']);
    await registry.stop();
    t.mock.timers.tick(5000);
    await flush();
    assert.equal(runs.length, 3, 'no run after stop');
  });

  it('never overlaps a run with the previous one: the tick is skipped and counted', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    const registry = new JobRegistry({ clock: new ManualClock() });
    registry.add([
      {
        name: 'slow.job',
        role: 'worker',
        intervalMs: 1000,
        run: async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await gate.promise;
          running -= 1;
        },
      },
    ]);
    await registry.start(['worker']);
    t.mock.timers.tick(1000);
    t.mock.timers.tick(1000);
    t.mock.timers.tick(1000);
    await flush();
    const [status] = registry.status();
    assert.equal(status?.running, true);
    assert.equal(status?.skipped, 2);
    gate.resolve();
    await registry.stop();
    assert.equal(maxRunning, 1);
    assert.equal(registry.status()[0]?.runs, 1);
  });

  it('keeps the last error and its time, raises it, and goes on at the next interval', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const clock = new ManualClock('2026-12-02T10:00:00.000Z');
    const raised: string[] = [];
    const warnings: string[] = [];
    let fail = true;
    const registry = new JobRegistry({
      clock,
      log: { info: () => undefined, warn: (_fields, message) => void warnings.push(message) },
      onError: (job, error) => void raised.push(`${job.name}: ${(error as Error).message}`),
    });
    registry.add([
      {
        name: 'flaky.job',
        role: 'worker',
        intervalMs: 60_000,
        run: async () => {
          if (fail) throw new Error('disk unreachable');
        },
      },
    ]);
    await registry.start(['worker']);
    t.mock.timers.tick(60_000);
    await flush();
    let [status] = registry.status();
    assert.equal(status?.failures, 1);
    assert.equal(status?.lastError, 'disk unreachable');
    assert.equal(status?.lastErrorAt, '2026-12-02T10:00:00.000Z');
    assert.deepEqual(raised, ['flaky.job: disk unreachable']);
    assert.deepEqual(warnings, ['job flaky.job failed']);
    fail = false;
    t.mock.timers.tick(60_000);
    await flush();
    [status] = registry.status();
    assert.equal(status?.runs, 2);
    assert.equal(status?.failures, 1);
    assert.equal(typeof status?.lastDurationMs, 'number');
    await registry.stop();
  });

  it('refuses a job registered twice or an interval under 100 ms, at start-up', () => {
    const registry = new JobRegistry({ clock: new ManualClock() });
    const job: Job = { name: 'x.once', role: 'api', intervalMs: 1000, run: async () => undefined };
    registry.add([job]);
    assert.throws(() => registry.add([job]), /registered twice/);
    assert.throws(() => registry.add([{ ...job, name: 'x.fast', intervalMs: 10 }]), /under 100 ms/);
  });

  it("runNow waits for a run in progress instead of starting a second one; stop calls the jobs' stop once", async () => {
    const gate = deferred();
    const run = mock.fn(async () => gate.promise);
    const stop = mock.fn(async () => undefined);
    const registry = new JobRegistry({ clock: new ManualClock(), timers: { setInterval: () => 1, clearInterval: () => undefined } });
    registry.add([{ name: 'y.job', role: 'api', intervalMs: 1000, run, stop }]);
    await registry.start(['api']);
    const first = registry.runNow('y.job');
    const second = registry.runNow('y.job');
    gate.resolve();
    await Promise.all([first, second]);
    assert.equal(run.mock.callCount(), 1);
    await registry.stop();
    assert.equal(stop.mock.callCount(), 1);
    await assert.rejects(registry.runNow('nope'), /no job named nope/);
  });
});
