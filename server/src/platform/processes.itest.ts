// Supervision with real child processes (tiny `node -e` scripts): restart after exit code 0,
// the stall watchdog, and the q -> SIGTERM -> SIGKILL escalation. Every child is stopped in
// `after`, by the handle of the PID this test started. runStreaming with real ffmpeg (Debian's
// /usr/bin/ffmpeg when installed, else the same behaviour from `node -e` children): streamed
// output, non-zero exit, abort by q and by SIGKILL, stall, a command that does not exist; the
// operating system is asked (kill(pid, 0) answering ESRCH) that every child has really gone.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { SupervisedProcess, type SupervisedEvents, type SupervisedProcessOptions } from './processes.ts';
import { ProcessRunError, runStreaming, type StreamingProcess } from './process-runs.ts';

const started: SupervisedProcess[] = [];

function supervise(script: string, overrides: Partial<SupervisedProcessOptions> = {}): SupervisedProcess {
  const supervised = new SupervisedProcess({
    name: 'itest',
    command: process.execPath,
    buildArgs: () => ['-e', script],
    activity: 'stdout',
    stallTimeoutMs: 0,
    backoff: { initialMs: 100, maxMs: 1000, stableAfterMs: 10_000 },
    quitCommand: 'q',
    quitGraceMs: 300,
    termGraceMs: 300,
    ...overrides,
  });
  started.push(supervised);
  return supervised;
}

function next<K extends keyof SupervisedEvents>(supervised: SupervisedProcess, name: K, timeoutMs = 10_000): Promise<SupervisedEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(name)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = supervised.events.on(name, (event) => {
      clearTimeout(timer);
      off();
      resolve(event);
    });
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

/** The operating system's answer, not our bookkeeping: ESRCH once the child has exited and been reaped. */
function assertGone(pid: number | undefined): void {
  assert.ok(pid !== undefined && pid > 0, 'the child had a PID');
  assert.throws(
    () => process.kill(pid, 0),
    (error: NodeJS.ErrnoException) => error.code === 'ESRCH',
    `process ${pid} still exists`,
  );
}

const FFMPEG = '/usr/bin/ffmpeg';
const hasFfmpeg = existsSync(FFMPEG);
const streamed: StreamingProcess[] = [];
const stream = (...args: Parameters<typeof runStreaming>) => {
  const run = runStreaming(...args);
  streamed.push(run);
  return run;
};
after(async () => {
  await Promise.all(streamed.map((run) => run.stop()));
});

async function readAll(run: StreamingProcess): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of run.stdout) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('runStreaming with real processes', { timeout: 60_000 }, () => {
  it("streams a tool's stdout to its end after exit code 0", async () => {
    const run = hasFfmpeg
      ? stream(FFMPEG, [
          '-hide_banner',
          '-loglevel',
          'error',
          '-nostdin',
          '-f',
          'lavfi',
          '-i',
          'testsrc=size=64x48:rate=10',
          '-t',
          '1',
          '-f',
          'mpegts',
          'pipe:1',
        ])
      : stream(process.execPath, ['-e', 'for (let i = 0; i < 100; i++) process.stdout.write(Buffer.alloc(188, 0x47))']);
    const output = await readAll(run);
    assert.ok(output.length > 0 && output.length % 188 === 0, `whole MPEG-TS packets (${output.length} bytes)`);
    assert.equal(output[0], 0x47, 'starts with a sync byte');
    const result = await run.done;
    assert.deepEqual(
      { ok: result.ok, reason: result.reason, exitCode: result.exitCode, signal: result.signal },
      { ok: true, reason: 'exited', exitCode: 0, signal: null },
    );
    assertGone(run.pid);
  });

  it('fails with the exit code and stderr of a child that exits non-zero', async () => {
    const node = stream(process.execPath, ['-e', "process.stderr.write('cannot open rtsp://admin:S3cret@127.0.0.1/x\\n'); process.exit(3)"]);
    await assert.rejects(node.firstOutput, (error: unknown) => {
      assert.ok(error instanceof ProcessRunError);
      assert.deepEqual([error.reason, error.exitCode, error.signal], ['exited', 3, null]);
      assert.equal(error.stderrTail, 'cannot open rtsp://***:***@127.0.0.1/x');
      return true;
    });
    assertGone(node.pid);
    if (!hasFfmpeg) return;
    const missing = '/nonexistent/vigie-missing.mp4';
    const ffmpeg = stream(FFMPEG, ['-hide_banner', '-nostdin', '-i', missing, '-f', 'mp4', 'pipe:1']);
    await assert.rejects(ffmpeg.firstOutput, (error: unknown) => {
      assert.ok(error instanceof ProcessRunError);
      assert.equal(error.reason, 'exited');
      assert.ok(typeof error.exitCode === 'number' && error.exitCode !== 0, `exit code ${error.exitCode}`);
      assert.match(error.stderrTail, /No such file or directory/);
      return true;
    });
    assertGone(ffmpeg.pid);
  });

  it('an abort ends the child with q when it honours it', async () => {
    const controller = new AbortController();
    const run = hasFfmpeg
      ? stream(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-f', 'mpegts', 'pipe:1'], {
          signal: controller.signal,
          quitCommand: 'q',
          quitGraceMs: 5000,
          termGraceMs: 5000,
        })
      : stream(
          process.execPath,
          ['-e', "process.stdin.on('data', (d) => { if (String(d).includes('q')) process.exit(0); }); setInterval(() => process.stdout.write('x'), 20)"],
          { signal: controller.signal, quitCommand: 'q', quitGraceMs: 5000, termGraceMs: 5000 },
        );
    run.stdout.resume();
    await run.firstOutput;
    assert.doesNotThrow(() => process.kill(run.pid!, 0), 'the child runs while it streams');
    controller.abort();
    const result = await run.done;
    assert.equal(result.reason, 'aborted');
    assert.equal(result.signal, null, 'left on q, before any signal');
    assert.ok(result.runMs < 5000, 'before the quit grace ran out');
    assertGone(run.pid);
  });

  it('escalates to SIGKILL when the child ignores q and SIGTERM', async () => {
    const run = stream(process.execPath, ['-e', "process.on('SIGTERM', () => {}); process.stdout.write('ready'); setInterval(() => {}, 1000)"], {
      quitCommand: 'q',
      quitGraceMs: 200,
      termGraceMs: 200,
    });
    run.stdout.resume();
    await run.firstOutput;
    const begun = Date.now();
    const result = await run.stop();
    assert.deepEqual([result.reason, result.signal], ['aborted', 'SIGKILL']);
    assert.ok(Date.now() - begun >= 350, 'waited the q and SIGTERM grace delays first');
    assertGone(run.pid);
  });

  it('ends a child whose output stalls', async () => {
    const run = stream(process.execPath, ['-e', "process.stdout.write('one frame'); setInterval(() => {}, 1000)"], { stallTimeoutMs: 400 });
    run.stdout.resume();
    await run.firstOutput;
    const result = await run.done;
    assert.deepEqual([result.reason, result.signal], ['stalled', 'SIGTERM']);
    assert.equal(result.error?.reason, 'stalled');
    assertGone(run.pid);
  });

  it('reports a command that does not exist', async () => {
    const run = stream('/nonexistent/ffmpeg', ['-version']);
    await assert.rejects(
      run.firstOutput,
      (error: unknown) => error instanceof ProcessRunError && error.reason === 'spawn_failed' && /ENOENT/.test(error.message),
    );
    assert.equal((await run.done).reason, 'spawn_failed');
  });
});
