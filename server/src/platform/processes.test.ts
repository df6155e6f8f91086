// Supervision logic with a fake spawner and a fake clock: restart on every exit (code 0
// included), capped exponential backoff and its reset, the stall watchdog, the q -> SIGTERM ->
// SIGKILL escalation, redacted command lines. No real process here (see processes.itest.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backoffDelay,
  redactedCommandLine,
  SupervisedProcess,
  type SpawnedChild,
  type Spawner,
  type SupervisedProcessOptions,
  type Timers,
} from './processes.ts';
import { ProcessRunError, runStreaming, runToCompletion, type StreamingRunOptions } from './process-runs.ts';

class FakeTimers implements Timers {
  private current = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.current;
  }
  setTimeout(callback: () => void, ms: number): number {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Moves time forward, firing due timers in order (bounded, so a bug cannot hang the test). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.current = due[1].at;
      due[1].callback();
    }
    this.current = target;
  }
}

class FakeChild implements SpawnedChild {
  readonly signals: NodeJS.Signals[] = [];
  readonly stdin: string[] = [];
  private stdoutListener: (chunk: Buffer) => void = () => undefined;
  private stderrListener: (chunk: Buffer) => void = () => undefined;
  private exitListener: (code: number | null, signal: NodeJS.Signals | null, error?: Error) => void = () => undefined;
  exited = false;
  constructor(
    readonly pid: number,
    readonly args: readonly string[],
    private readonly obeys: { quit: boolean; term: boolean },
  ) {}
  onStdout(listener: (chunk: Buffer) => void): void {
    this.stdoutListener = listener;
  }
  onStderr(listener: (chunk: Buffer) => void): void {
    this.stderrListener = listener;
  }
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null, error?: Error) => void): void {
    this.exitListener = listener;
  }
  writeStdin(text: string): void {
    this.stdin.push(text);
    if (text === 'q' && this.obeys.quit) this.exit(0, null);
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || (signal === 'SIGTERM' && this.obeys.term)) this.exit(null, signal);
  }
  stdout(text: string): void {
    this.stdoutListener(Buffer.from(text));
  }
  stderr(text: string): void {
    this.stderrListener(Buffer.from(text));
  }
  exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    this.exitListener(code, signal);
  }
}

function harness(overrides: Partial<SupervisedProcessOptions> = {}, obeys = { quit: true, term: true }) {
  const timers = new FakeTimers();
  const children: FakeChild[] = [];
  const spawner: Spawner = (_command, args) => {
    const child = new FakeChild(1000 + children.length, args, obeys);
    children.push(child);
    return child;
  };
  const logged: string[] = [];
  const log = { info: (fields: object) => logged.push(JSON.stringify(fields)), warn: (fields: object) => logged.push(JSON.stringify(fields)) };
  let runs = 0;
  const process = new SupervisedProcess({
    name: 'test',
    command: 'ffmpeg',
    buildArgs: () => ['-i', 'rtsp://admin:S3cret@127.0.0.1/main', `run-${++runs}`],
    activity: 'stdout',
    stallTimeoutMs: 10_000,
    backoff: { initialMs: 1000, maxMs: 30_000, stableAfterMs: 60_000 },
    quitCommand: 'q',
    quitGraceMs: 2000,
    termGraceMs: 3000,
    spawner,
    timers,
    log,
    ...overrides,
  });
  const states: string[] = [];
  process.events.on('state', ({ to }) => states.push(to));
  const delays: number[] = [];
  process.events.on('restartScheduled', ({ delayMs }) => delays.push(delayMs));
  return { process, timers, children, states, delays, logged, last: () => children[children.length - 1]! };
}

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const policy = { initialMs: 1000, maxMs: 30_000, stableAfterMs: 60_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 50].map((failures) => backoffDelay(failures, policy)),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
  });
});

describe('SupervisedProcess', () => {
  it('restarts after an exit with code 0, with a fresh argument list each run', () => {
    const h = harness();
    h.process.start();
    assert.equal(h.children.length, 1);
    h.last().exit(0, null);
    assert.equal(h.process.currentState, 'backoff');
    h.timers.advance(999);
    assert.equal(h.children.length, 1, 'no restart before the backoff delay');
    h.timers.advance(1);
    assert.equal(h.children.length, 2);
    assert.equal(h.last().args[2], 'run-2');
    assert.deepEqual(h.states, ['running', 'backoff', 'running']);
  });

  it('backs off exponentially up to the cap, and starts over after a stable run', () => {
    const h = harness();
    h.process.start();
    for (let index = 0; index < 7; index++) {
      h.last().exit(1, null);
      h.timers.advance(h.delays[h.delays.length - 1]!);
    }
    assert.deepEqual(h.delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    h.last().stdout('data');
    for (let second = 0; second < 61; second++) {
      h.timers.advance(1000);
      h.last().stdout('more'); // keeps the watchdog quiet during the stable run
    }
    h.last().exit(0, null);
    assert.equal(h.delays[h.delays.length - 1], 1000);
  });

  it('kills a child that goes silent (SIGTERM, then SIGKILL), and restarts it', () => {
    const h = harness({}, { quit: false, term: false });
    const stalls: number[] = [];
    const exits: string[] = [];
    h.process.events.on('stalled', ({ silentMs }) => stalls.push(silentMs));
    h.process.events.on('exited', ({ reason }) => exits.push(reason));
    h.process.start();
    h.timers.advance(6000);
    h.last().stdout('frame');
    h.timers.advance(9999);
    assert.deepEqual(h.last().signals, [], 'activity 9.999 s ago: still alive');
    h.timers.advance(1);
    assert.deepEqual(h.last().signals, ['SIGTERM']);
    assert.deepEqual(stalls, [10_000]);
    h.timers.advance(3000);
    assert.deepEqual(h.last().signals, ['SIGTERM', 'SIGKILL']);
    assert.deepEqual(exits, ['stalled']);
    h.timers.advance(1000);
    assert.equal(h.children.length, 2);
  });

  it('counts only the chosen activity: stderr chatter does not feed a stdout watchdog', () => {
    const h = harness();
    h.process.start();
    for (let index = 0; index < 12; index++) {
      h.timers.advance(1000);
      h.last().stderr('frame= 12 fps= 12\n');
    }
    assert.deepEqual(h.children[0]!.signals, ['SIGTERM']);
  });

  it('stops gracefully with q when the child obeys, and does not restart', async () => {
    const h = harness();
    h.process.start();
    await h.process.stop();
    assert.deepEqual(h.children[0]!.stdin, ['q']);
    assert.deepEqual(h.children[0]!.signals, []);
    assert.equal(h.process.currentState, 'stopped');
    h.timers.advance(60_000);
    assert.equal(h.children.length, 1);
  });

  it('escalates q -> SIGTERM -> SIGKILL for a child that ignores both', async () => {
    const h = harness({}, { quit: false, term: false });
    h.process.start();
    let stopped = false;
    const stopping = h.process.stop().then(() => {
      stopped = true;
    });
    assert.deepEqual(h.children[0]!.stdin, ['q']);
    h.timers.advance(1999);
    assert.deepEqual(h.children[0]!.signals, []);
    h.timers.advance(1);
    assert.deepEqual(h.children[0]!.signals, ['SIGTERM']);
    h.timers.advance(3000);
    assert.deepEqual(h.children[0]!.signals, ['SIGTERM', 'SIGKILL']);
    await stopping;
    assert.equal(stopped, true);
    assert.equal(h.children.length, 1);
  });

  it('stop during the backoff wait cancels the restart', async () => {
    const h = harness();
    h.process.start();
    h.last().exit(1, null);
    await h.process.stop();
    h.timers.advance(60_000);
    assert.equal(h.children.length, 1);
    assert.equal(h.process.currentState, 'stopped');
  });

  it('emits active once per run and redacts credentials from stderr and logs', () => {
    const h = harness();
    const active: number[] = [];
    const lines: string[] = [];
    h.process.events.on('active', ({ run }) => active.push(run));
    h.process.events.on('stderrLine', (line) => lines.push(line));
    h.process.start();
    h.last().stdout('a');
    h.last().stdout('b');
    h.last().stderr("Input #0, rtsp, from 'rtsp://admin:S3cret@127.0.0.1/main':\npartial");
    h.last().exit(1, null);
    assert.deepEqual(active, [1]);
    assert.deepEqual(lines, ["Input #0, rtsp, from 'rtsp://***:***@127.0.0.1/main':", 'partial']);
    assert.ok(h.logged.length >= 2);
    assert.ok(h.logged.every((entry) => !entry.includes('S3cret')));
    assert.ok(h.logged.some((entry) => entry.includes('rtsp://***:***@127.0.0.1/main')));
  });

  it('treats a spawn failure as an exit and retries', () => {
    const timers = new FakeTimers();
    let attempts = 0;
    const spawner: Spawner = () => {
      attempts += 1;
      const child = new FakeChild(0, [], { quit: true, term: true });
      return Object.assign(child, {
        pid: undefined as unknown as number,
        onExit(listener: (code: number | null, signal: NodeJS.Signals | null, error?: Error) => void) {
          listener(null, null, new Error('spawn ffmpeg ENOENT'));
        },
      });
    };
    const reasons: string[] = [];
    const process = new SupervisedProcess({ name: 't', command: 'ffmpeg', buildArgs: () => [], activity: 'stdout', stallTimeoutMs: 0, spawner, timers });
    process.events.on('exited', ({ reason }) => reasons.push(reason));
    process.start();
    timers.advance(1000);
    assert.equal(attempts, 2);
    assert.deepEqual(reasons, ['spawn_failed', 'spawn_failed']);
  });
});

describe('command lines and one-shot tools', () => {
  it('quotes and redacts a command line', () => {
    assert.equal(redactedCommandLine('ffmpeg', ['-i', 'rtsp://u:p%40ss@10.0.0.1:554/a b']), "ffmpeg -i 'rtsp://***:***@10.0.0.1:554/a b'");
  });

  it('collects the output of a one-shot tool and redacts its stderr', async () => {
    const spawner: Spawner = (_command, args) => {
      const child = new FakeChild(7, args, { quit: true, term: true });
      setImmediate(() => {
        child.stdout('{"streams":[]}');
        child.stderr('opening rtsp://a:b@host/x');
        child.exit(0, null);
      });
      return child;
    };
    const result = await runToCompletion('ffprobe', ['x'], { spawner });
    assert.equal(result.stdout.toString(), '{"streams":[]}');
    assert.equal(result.stderr, 'opening rtsp://***:***@host/x');
  });
});

describe('runStreaming (one-shot tool whose output is streamed)', () => {
  function streaming(overrides: Partial<StreamingRunOptions> = {}, obeys = { quit: true, term: true }) {
    const timers = new FakeTimers();
    const children: FakeChild[] = [];
    const spawner: Spawner = (_command, args) => {
      const child = new FakeChild(2000 + children.length, args, obeys);
      children.push(child);
      return child;
    };
    const logged: string[] = [];
    const log = {
      info: (fields: object, message: string) => logged.push(`${message} ${JSON.stringify(fields)}`),
      warn: (fields: object, message: string) => logged.push(`${message} ${JSON.stringify(fields)}`),
    };
    const run = runStreaming('ffmpeg', ['-i', 'rtsp://admin:S3cret@127.0.0.1/main', 'pipe:1'], { name: 'test tool', spawner, timers, log, ...overrides });
    return { run, timers, child: children[0], children, logged };
  }

  const read = async (stream: AsyncIterable<unknown>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  };

  it('streams stdout to its end after exit code 0, and logs the command line redacted', async () => {
    const { run, child, logged } = streaming();
    child!.stdout('ftyp');
    await run.firstOutput;
    child!.stdout('moof');
    child!.exit(0, null);
    assert.equal(await read(run.stdout), 'ftypmoof');
    const result = await run.done;
    assert.deepEqual(
      { ok: result.ok, reason: result.reason, exitCode: result.exitCode, pid: result.pid },
      { ok: true, reason: 'exited', exitCode: 0, pid: 2000 },
    );
    assert.deepEqual(child!.signals, []);
    assert.ok(logged[0]!.includes('rtsp://***:***@127.0.0.1/main'), logged[0]);
    assert.ok(!logged.join('\n').includes('S3cret'));
  });

  it('fails with the exit code and the redacted end of stderr on a non-zero exit', async () => {
    const { run, child } = streaming({ stderrTailChars: 40 });
    child!.stderr(`${'noise line\n'.repeat(20)}rtsp://admin:S3cret@127.0.0.1/main: Connection refused\n`);
    child!.exit(1, null);
    await assert.rejects(run.firstOutput, (error: unknown) => {
      assert.ok(error instanceof ProcessRunError);
      assert.equal(error.reason, 'exited');
      assert.equal(error.exitCode, 1);
      assert.equal(error.stderrTail, '***:***@127.0.0.1/main: Connection refused'.slice(-40));
      assert.match(error.message, /^test tool exit 1: /);
      assert.ok(!error.message.includes('S3cret'));
      return true;
    });
    const result = await run.done;
    assert.deepEqual({ ok: result.ok, reason: result.reason, exitCode: result.exitCode }, { ok: false, reason: 'exited', exitCode: 1 });
    assert.equal(run.stdout.destroyed, true);
  });

  it('a non-zero exit after output destroys the stream with the error', async () => {
    const { run, child } = streaming();
    child!.stdout('ftyp');
    await run.firstOutput;
    child!.exit(187, null);
    await assert.rejects(read(run.stdout), (error: unknown) => error instanceof ProcessRunError && error.reason === 'exited' && error.exitCode === 187);
  });

  it('an abort asks the child to quit, then SIGTERM, then SIGKILL, each after its grace', async () => {
    const controller = new AbortController();
    const { run, child, timers } = streaming(
      { signal: controller.signal, quitCommand: 'q', quitGraceMs: 1000, termGraceMs: 2000 },
      { quit: false, term: false },
    );
    child!.stdout('ftyp');
    await run.firstOutput;
    controller.abort();
    assert.deepEqual(child!.stdin, ['q']);
    assert.deepEqual(child!.signals, []);
    timers.advance(999);
    assert.deepEqual(child!.signals, []);
    timers.advance(1);
    assert.deepEqual(child!.signals, ['SIGTERM']);
    timers.advance(1999);
    assert.deepEqual(child!.signals, ['SIGTERM']);
    timers.advance(1);
    assert.deepEqual(child!.signals, ['SIGTERM', 'SIGKILL']);
    const result = await run.done;
    assert.deepEqual({ reason: result.reason, signal: result.signal, ok: result.ok }, { reason: 'aborted', signal: 'SIGKILL', ok: false });
    assert.equal(result.error?.reason, 'aborted');
  });

  it('without a quit command, stopping starts at SIGTERM; destroying the stream stops the child', async () => {
    const { run, child } = streaming();
    child!.stdout('ftyp');
    await run.firstOutput;
    run.stdout.destroy();
    assert.deepEqual(child!.signals, ['SIGTERM']);
    assert.equal((await run.done).reason, 'aborted');
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { run, children } = streaming({ signal: controller.signal });
    assert.equal(children.length, 0);
    await assert.rejects(run.firstOutput, (error: unknown) => error instanceof ProcessRunError && error.reason === 'aborted');
    assert.equal((await run.done).reason, 'aborted');
  });

  it('ends the child at its deadline', async () => {
    const { run, child, timers } = streaming({ timeoutMs: 5000 });
    child!.stdout('ftyp');
    timers.advance(4999);
    assert.deepEqual(child!.signals, []);
    timers.advance(1);
    assert.deepEqual(child!.signals, ['SIGTERM']);
    const result = await run.done;
    assert.deepEqual({ reason: result.reason, signal: result.signal }, { reason: 'timeout', signal: 'SIGTERM' });
    assert.match(result.error!.message, /past its deadline of 5000 ms/);
  });

  it('the stall watchdog counts stdout only, and ends a silent child', async () => {
    const { run, child, timers } = streaming({ stallTimeoutMs: 3000 });
    timers.advance(2000);
    child!.stdout('ftyp');
    timers.advance(2000);
    child!.stderr('frame= 10'); // stderr chatter is not progress with activity 'stdout'
    timers.advance(999);
    assert.deepEqual(child!.signals, []);
    timers.advance(1);
    assert.deepEqual(child!.signals, ['SIGTERM']);
    const result = await run.done;
    assert.deepEqual({ reason: result.reason, runMs: result.runMs }, { reason: 'stalled', runMs: 5000 });
  });

  it('ends the child when its output piles up unread', async () => {
    const { run, child } = streaming({ maxBufferedBytes: 10 });
    child!.stdout('ftyp');
    await run.firstOutput;
    child!.stdout('0123456789abcdef');
    assert.equal(run.stdout.destroyed, true);
    assert.deepEqual(child!.signals, ['SIGTERM']);
    assert.equal((await run.done).reason, 'overflow');
  });

  it('reports a child that could not start', async () => {
    const spawner: Spawner = (_command, args) =>
      Object.assign(new FakeChild(0, args, { quit: true, term: true }), {
        pid: undefined as unknown as number,
        onExit(listener: (code: number | null, signal: NodeJS.Signals | null, error?: Error) => void) {
          listener(null, null, new Error('spawn ffmpeg ENOENT'));
        },
      });
    const timers = new FakeTimers();
    const run = runStreaming('ffmpeg', [], { spawner, timers, timeoutMs: 1000, stallTimeoutMs: 1000 });
    await assert.rejects(
      run.firstOutput,
      (error: unknown) => error instanceof ProcessRunError && error.reason === 'spawn_failed' && /ENOENT/.test(error.message),
    );
    assert.equal((await run.done).reason, 'spawn_failed');
    timers.advance(5000); // no timer left behind by a run that never started
  });
});
