// The only place of the server that starts child processes (STYLE principle 4). Long-running
// children (ffmpeg per camera) are supervised: restarted on any exit, exit code 0 included
// (a camera that closes its stream cleanly must still be recorded), with capped exponential
// backoff; killed by a stall watchdog when the activity the caller chose stops; stopped
// gracefully ('q' on stdin, then SIGTERM, then SIGKILL). One-shot tools (ffprobe) run through
// `runToCompletion` with a deadline; one-shot tools whose output is streamed (a re-encode served
// while it runs) through `runStreaming`, with the same watchdog and stop escalation. Command lines
// are logged with credentials redacted, and a child is only ever signalled through the handle of
// the PID this module started. Nothing here reads the environment: the tools' paths come from
// config.ts (VIGIE_FFMPEG, VIGIE_FFPROBE), passed down by the callers; these are the defaults.
import { spawn } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { redactText } from './redact.ts';

/** Default ffmpeg and ffprobe commands (looked up on PATH); config.ts's `tools` overrides them. */
export const FFMPEG_PATH = 'ffmpeg';
export const FFPROBE_PATH = 'ffprobe';

// ---------------------------------------------------------------------------------------------
// Adapters: spawner, timers, log. Tests inject fakes; production uses Node's.

export interface SpawnedChild {
  readonly pid: number | undefined;
  onStdout(listener: (chunk: Buffer) => void): void;
  onStderr(listener: (chunk: Buffer) => void): void;
  /** Called once: when the process has exited and its pipes are closed, or failed to start. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null, error?: Error) => void): void;
  /** Text (ffmpeg's `q`) or media bytes piped in (live remux). */
  writeStdin(data: string | Uint8Array): void;
  /** Bytes written to stdin the child has not read yet (backpressure of piped media). */
  stdinBufferedBytes?(): number;
  /** Closes stdin: a child reading media there ends at EOF. */
  endStdin?(): void;
  kill(signal: NodeJS.Signals): void;
}

export interface SpawnOptions {
  /** Variables set for the child on top of the environment it inherits from this process. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Nice value (0..19) set on the child right after it starts: exports yield the CPU to recording. */
  niceness?: number;
}

export type Spawner = (command: string, args: readonly string[], options: SpawnOptions) => SpawnedChild;

export const nodeSpawner: Spawner = (command, args, options) => {
  // Inheriting this process's environment (what Node does when `env` is absent) is not configuration.
  const env = options.env ? { ...process.env, ...options.env } : undefined;
  const child = spawn(command, [...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // EPIPE when the child already left: nothing to do
  if (options.niceness && child.pid !== undefined) {
    try {
      setPriority(child.pid, options.niceness);
    } catch {
      // Already gone, or not permitted: it runs at normal priority.
    }
  }
  let exitListener: ((code: number | null, signal: NodeJS.Signals | null, error?: Error) => void) | undefined;
  let exited = false;
  const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
    if (exited) return;
    exited = true;
    exitListener?.(code, signal, error);
  };
  child.on('error', (error) => {
    if (child.pid === undefined) finish(null, null, error); // never started (ENOENT, EACCES)
  });
  child.on('close', (code, signal) => finish(code, signal));
  return {
    pid: child.pid,
    onStdout: (listener) => child.stdout.on('data', listener),
    onStderr: (listener) => child.stderr.on('data', listener),
    onExit: (listener) => {
      exitListener = listener;
    },
    writeStdin: (data) => {
      if (child.stdin.writable) child.stdin.write(data);
    },
    stdinBufferedBytes: () => child.stdin.writableLength,
    endStdin: () => {
      if (child.stdin.writable) child.stdin.end();
    },
    // Signals go to this child's own PID only (ChildProcess.kill), never to a name or a group.
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
};

export type TimerHandle = unknown;

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Pino-compatible subset (Fastify's logger fits). */
export interface ProcessLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const silentLog: ProcessLog = { info: () => undefined, warn: () => undefined };

/** The command line as it may be logged: quoted where needed, credentials blanked. */
export function redactedCommandLine(command: string, args: readonly string[]): string {
  const quote = (part: string) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`);
  return redactText([command, ...args].map(quote).join(' '));
}

// ---------------------------------------------------------------------------------------------
// Typed events, so that other modules (health, alarms) react to state changes without strings.

export class TypedEvents<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(event: never) => void>>();

  on<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  emit<K extends keyof Events>(name: K, event: Events[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as (event: Events[K]) => void)(event);
      } catch {
        // A faulty listener must not break supervision of the process.
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Backoff policy, pure.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run that lasted this long counts as healthy: the next failure starts over at initialMs. */
  stableAfterMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, stableAfterMs: 60_000 };

/** Delay before restart number `consecutiveFailures` (1 = first failure): doubles, capped. */
export function backoffDelay(consecutiveFailures: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, Math.min(consecutiveFailures - 1, 30));
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}

// ---------------------------------------------------------------------------------------------
// Supervised process.

export type SupervisedState = 'idle' | 'running' | 'backoff' | 'stopping' | 'stopped';
export type ExitReason = 'exited' | 'stalled' | 'spawn_failed' | 'stopped';

export interface SupervisedEvents {
  state: { from: SupervisedState; to: SupervisedState };
  spawned: { pid: number | undefined; run: number; commandLine: string };
  /** The first activity of a run: the child is doing its job. */
  active: { pid: number | undefined; run: number; afterMs: number };
  stdout: Buffer;
  /** stderr, line by line, credentials redacted. */
  stderrLine: string;
  stalled: { pid: number | undefined; silentMs: number };
  exited: {
    pid: number | undefined;
    run: number;
    code: number | null;
    signal: NodeJS.Signals | null;
    runMs: number;
    reason: ExitReason;
    hadActivity: boolean;
    error?: string;
  };
  restartScheduled: { delayMs: number; consecutiveFailures: number };
}

export interface SupervisedProcessOptions {
  /** For logs: "recorder 21038-cam-001". */
  name: string;
  command: string;
  /** Called before every start: arguments may change per run (file names, fresh credentials). */
  buildArgs: () => readonly string[];
  /**
   * Called after buildArgs: a file the run reads at start that holds a secret (a camera's
   * credentials: never on a command line). Written for this account only (0600) just before the
   * spawn, removed when the run exits.
   */
  privateFile?: () => { path: string; content: string } | undefined;
  /** Set on top of the inherited environment. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** What proves the child alive, for the watchdog and the `active` event. */
  activity: 'stdout' | 'stderr' | 'any';
  /** Silence longer than this kills the child (SIGTERM, then SIGKILL); 0 disables the watchdog. */
  stallTimeoutMs: number;
  backoff?: BackoffPolicy;
  /** Written to stdin to ask for a clean exit ('q' for ffmpeg); none: stop starts at SIGTERM. */
  quitCommand?: string;
  /** Closes stdin to ask for a clean exit (a child reading media on stdin, blocked in read(), ignores SIGTERM until EOF). */
  quitByClosingStdin?: boolean;
  /** Waits after the quit command, then after SIGTERM, before escalating. */
  quitGraceMs?: number;
  termGraceMs?: number;
  spawner?: Spawner;
  timers?: Timers;
  log?: ProcessLog;
}

export class SupervisedProcess {
  readonly events = new TypedEvents<SupervisedEvents>();
  private state: SupervisedState = 'idle';
  private child: SpawnedChild | undefined;
  /** The current run's private input file, removed at its exit. */
  private runPrivateFile: string | undefined;
  private run = 0;
  private runStartedAt = 0;
  private lastActivityAt = 0;
  private hadActivity = false;
  private stalledRun = false;
  private consecutiveFailures = 0;
  private restartTimer: TimerHandle | undefined;
  private watchdogTimer: TimerHandle | undefined;
  private escalationTimers: TimerHandle[] = [];
  private stopWaiters: Array<() => void> = [];
  private readonly spawner: Spawner;
  private readonly timers: Timers;
  private readonly log: ProcessLog;
  private readonly backoff: BackoffPolicy;

  constructor(private readonly options: SupervisedProcessOptions) {
    this.spawner = options.spawner ?? nodeSpawner;
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? silentLog;
    this.backoff = options.backoff ?? defaultBackoff;
  }

  get currentState(): SupervisedState {
    return this.state;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Feeds the running child's stdin (media piped in); false when no child runs. */
  writeStdin(data: Uint8Array): boolean {
    if (!this.child || this.state !== 'running') return false;
    this.child.writeStdin(data);
    return true;
  }

  /** What the running child has not read yet from its stdin (0 when none runs). */
  stdinBufferedBytes(): number {
    return this.child?.stdinBufferedBytes?.() ?? 0;
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.consecutiveFailures = 0;
    this.launch();
  }

  /** Asks the child to leave (q, SIGTERM, SIGKILL) and resolves once it has; no restart after. */
  stop(): Promise<void> {
    if (this.restartTimer !== undefined) {
      this.timers.clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    if (this.state === 'idle' || this.state === 'stopped' || this.state === 'backoff' || !this.child) {
      if (this.state !== 'idle') this.setState('stopped');
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (this.state === 'stopping') return done;
    this.setState('stopping');
    this.clearWatchdog();
    const child = this.child;
    const quitGrace = this.options.quitGraceMs ?? 3000;
    const termGrace = this.options.termGraceMs ?? 3000;
    const terminate = () => {
      child.kill('SIGTERM');
      this.escalationTimers.push(this.timers.setTimeout(() => child.kill('SIGKILL'), termGrace));
    };
    if (this.options.quitCommand !== undefined || this.options.quitByClosingStdin) {
      if (this.options.quitCommand !== undefined) child.writeStdin(this.options.quitCommand);
      if (this.options.quitByClosingStdin) child.endStdin?.();
      this.escalationTimers.push(this.timers.setTimeout(terminate, quitGrace));
    } else {
      terminate();
    }
    return done;
  }

  private setState(to: SupervisedState): void {
    const from = this.state;
    if (from === to) return;
    this.state = to;
    this.events.emit('state', { from, to });
  }

  private removePrivateFile(): void {
    if (!this.runPrivateFile) return;
    try {
      unlinkSync(this.runPrivateFile);
    } catch {
      // already gone (its folder removed)
    }
    this.runPrivateFile = undefined;
  }

  private launch(): void {
    this.restartTimer = undefined;
    const args = this.options.buildArgs();
    const privateFile = this.options.privateFile?.();
    if (privateFile) {
      try {
        writeFileSync(privateFile.path, privateFile.content, { mode: 0o600, flag: 'w' });
      } catch (error) {
        this.log.warn({ process: this.options.name, error: error instanceof Error ? error.message : String(error) }, 'private input file not written');
      }
    }
    this.runPrivateFile = privateFile?.path;
    const commandLine = redactedCommandLine(this.options.command, args);
    this.run += 1;
    const run = this.run;
    this.runStartedAt = this.timers.now();
    this.lastActivityAt = this.runStartedAt;
    this.hadActivity = false;
    this.stalledRun = false;
    const child = this.spawner(this.options.command, args, { env: this.options.env, cwd: this.options.cwd });
    this.child = child;
    this.setState('running');
    this.log.info({ process: this.options.name, pid: child.pid, run, command: commandLine }, 'process started');
    this.events.emit('spawned', { pid: child.pid, run, commandLine });

    let stderrPending = '';
    child.onStdout((chunk) => {
      if (this.options.activity !== 'stderr') this.noteActivity(run);
      this.events.emit('stdout', chunk);
    });
    child.onStderr((chunk) => {
      if (this.options.activity !== 'stdout') this.noteActivity(run);
      stderrPending += chunk.toString('utf8');
      const lines = stderrPending.split(/\r?\n|\r/);
      stderrPending = lines.pop() ?? '';
      if (stderrPending.length > 16_384) stderrPending = stderrPending.slice(-16_384); // a line without end must not grow forever
      for (const line of lines) if (line.trim()) this.events.emit('stderrLine', redactText(line));
    });
    child.onExit((code, signal, error) => {
      if (stderrPending.trim()) this.events.emit('stderrLine', redactText(stderrPending));
      this.onChildExit(run, child, code, signal, error);
    });
    this.armWatchdog(run);
  }

  private noteActivity(run: number): void {
    if (run !== this.run) return;
    this.lastActivityAt = this.timers.now();
    if (!this.hadActivity) {
      this.hadActivity = true;
      this.events.emit('active', { pid: this.child?.pid, run, afterMs: this.lastActivityAt - this.runStartedAt });
    }
  }

  // One timer per run, re-armed for the remaining silence budget: cheap even at thousands of
  // chunks per second, and a fake clock can drive it.
  private armWatchdog(run: number): void {
    const limit = this.options.stallTimeoutMs;
    if (limit <= 0) return;
    const check = () => {
      this.watchdogTimer = undefined;
      if (run !== this.run || this.state !== 'running' || !this.child) return;
      const silentMs = this.timers.now() - this.lastActivityAt;
      if (silentMs < limit) {
        this.watchdogTimer = this.timers.setTimeout(check, limit - silentMs);
        return;
      }
      this.stalledRun = true;
      this.log.warn({ process: this.options.name, pid: this.child.pid, silentMs }, 'process stalled, killing it');
      this.events.emit('stalled', { pid: this.child.pid, silentMs });
      const child = this.child;
      child.kill('SIGTERM');
      this.escalationTimers.push(this.timers.setTimeout(() => child.kill('SIGKILL'), this.options.termGraceMs ?? 3000));
    };
    this.watchdogTimer = this.timers.setTimeout(check, limit);
  }

  private clearWatchdog(): void {
    if (this.watchdogTimer !== undefined) this.timers.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  private onChildExit(run: number, child: SpawnedChild, code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    if (run !== this.run) return;
    this.removePrivateFile();
    this.clearWatchdog();
    for (const timer of this.escalationTimers) this.timers.clearTimeout(timer);
    this.escalationTimers = [];
    this.child = undefined;
    const runMs = this.timers.now() - this.runStartedAt;
    const stopping = this.state === 'stopping';
    const reason: ExitReason = stopping ? 'stopped' : error ? 'spawn_failed' : this.stalledRun ? 'stalled' : 'exited';
    const fields = { process: this.options.name, pid: child.pid, run, code, signal, runMs, reason, error: error?.message };
    if (stopping) this.log.info(fields, 'process stopped');
    else this.log.warn(fields, 'process exited; restarting');
    this.events.emit('exited', { pid: child.pid, run, code, signal, runMs, reason, hadActivity: this.hadActivity, error: error?.message });
    if (stopping) {
      this.setState('stopped');
      const waiters = this.stopWaiters;
      this.stopWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    // Any exit, code 0 included, is restarted: the supervisor's job is that the child runs.
    if (runMs >= this.backoff.stableAfterMs) this.consecutiveFailures = 0;
    this.consecutiveFailures += 1;
    const delayMs = backoffDelay(this.consecutiveFailures, this.backoff);
    this.setState('backoff');
    this.events.emit('restartScheduled', { delayMs, consecutiveFailures: this.consecutiveFailures });
    this.restartTimer = this.timers.setTimeout(() => this.launch(), delayMs);
  }
}
