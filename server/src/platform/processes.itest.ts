// Supervision with real child processes (tiny `node -e` scripts): restart after exit code 0,
// the stall watchdog, and the q -> SIGTERM -> SIGKILL escalation. Every child is stopped in
// `after`, by the handle of the PID this test started.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SupervisedProcess, type SupervisedEvents, type SupervisedProcessOptions } from './processes.ts';

const started: SupervisedProcess[] = [];

function supervise(script: string, overrides: Partial<SupervisedProcessOptions> = {}): SupervisedProcess {
  const supervised = new SupervisedProcess({
    name: 'itest', command: process.execPath, buildArgs: () => ['-e', script], activity: 'stdout', stallTimeoutMs: 0,
    backoff: { initialMs: 100, maxMs: 1000, stableAfterMs: 10_000 }, quitCommand: 'q', quitGraceMs: 300, termGraceMs: 300, ...overrides,
  });
  started.push(supervised);
  return supervised;
}

function next<K extends keyof SupervisedEvents>(supervised: SupervisedProcess, name: K, timeoutMs = 10_000): Promise<SupervisedEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no ${String(name)} event within ${timeoutMs} ms`)); }, timeoutMs);
    const off = supervised.events.on(name, (event) => { clearTimeout(timer); off(); resolve(event); });
  });
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0); // signal 0: existence check on our own child's PID, sends nothing
    return true;
  } catch {
    return false;
  }
}

after(async () => {
  await Promise.all(started.map((supervised) => supervised.stop()));
});

describe('SupervisedProcess with real processes', () => {
  it('restarts a child that exits with code 0', async () => {
    const supervised = supervise("process.stdout.write('up'); setTimeout(() => process.exit(0), 50)");
    const pids: Array<number | undefined> = [];
    supervised.events.on('spawned', ({ pid }) => pids.push(pid));
    const firstExit = next(supervised, 'exited');
    supervised.start();
    const exit = await firstExit;
    assert.equal(exit.code, 0);
    assert.equal(exit.reason, 'exited');
    assert.equal(exit.hadActivity, true);
    await next(supervised, 'spawned');
    assert.equal(pids.length, 2);
    assert.notEqual(pids[0], pids[1]);
    await supervised.stop();
    assert.equal(supervised.currentState, 'stopped');
  });

  it('kills a child that stops writing, then restarts it', async () => {
    const supervised = supervise("process.stdout.write('one frame'); setInterval(() => {}, 1000)", { stallTimeoutMs: 600 });
    const stalled = next(supervised, 'stalled');
    const exited = next(supervised, 'exited');
    supervised.start();
    const firstPid = (await next(supervised, 'active')).pid;
    assert.ok((await stalled).silentMs >= 600);
    const exit = await exited;
    assert.equal(exit.reason, 'stalled');
    assert.equal(exit.signal, 'SIGTERM');
    assert.equal(isAlive(firstPid), false);
    await next(supervised, 'spawned');
    await supervised.stop();
  });

  it('stops with q when the child honours it', async () => {
    const supervised = supervise("process.stdin.on('data', (d) => { if (String(d).includes('q')) process.exit(0); }); process.stdout.write('ready')");
    supervised.start();
    const { pid } = await next(supervised, 'active');
    const exited = next(supervised, 'exited');
    await supervised.stop();
    const exit = await exited;
    assert.deepEqual([exit.code, exit.signal, exit.reason], [0, null, 'stopped']);
    assert.equal(isAlive(pid), false);
  });

  it('escalates to SIGKILL when the child ignores q and SIGTERM', async () => {
    const supervised = supervise("process.on('SIGTERM', () => {}); process.stdout.write('ready'); setInterval(() => {}, 1000)");
    supervised.start();
    const { pid } = await next(supervised, 'active');
    const exited = next(supervised, 'exited');
    const begun = Date.now();
    await supervised.stop();
    const exit = await exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(Date.now() - begun >= 550, 'waited the q and SIGTERM grace delays first');
    assert.equal(isAlive(pid), false);
  });
});
