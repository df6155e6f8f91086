// One-shot tools over the spawner of processes.ts (the only place that starts a child process):
// `runToCompletion` (ffprobe, a frame grab: output collected, killed at a deadline) and
// `runStreaming` (a re-encode served while it runs: stall watchdog, deadline, output cap, abort
// with the same escalation as supervised processes). Command lines are logged with credentials
// redacted, stderr is kept redacted.
import { Readable } from 'node:stream';
import {
  nodeSpawner,
  type ProcessLog,
  realTimers,
  redactedCommandLine,
  type SpawnedChild,
  type Spawner,
  silentLog,
  type TimerHandle,
  type Timers,
} from './processes.ts';
import { redactText } from './redact.ts';

export interface CompletedProcess {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunToCompletionOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  spawner?: Spawner;
  log?: ProcessLog;
  /** Nice value of the child (0..19): background work below recording. */
  niceness?: number;
}

/** Runs a tool to its end and collects its output; SIGKILL at the deadline (rejects then). */
export function runToCompletion(command: string, args: readonly string[], options: RunToCompletionOptions = {}): Promise<CompletedProcess> {
  const spawner = options.spawner ?? nodeSpawner;
  const maxOutput = options.maxOutputBytes ?? 8 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawner(command, args, options.niceness ? { niceness: options.niceness } : {});
    (options.log ?? silentLog).info({ pid: child.pid, command: redactedCommandLine(command, args) }, 'tool started');
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.onStdout((chunk) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes <= maxOutput) stdout.push(chunk);
    });
    child.onStderr((chunk) => {
      if (stderr.length < 64_000) stderr += chunk.toString('utf8');
    });
    child.onExit((code, signal, error) => {
      clearTimeout(timer);
      if (error) return reject(error);
      if (timedOut) return reject(new Error(`${command} killed after ${timeoutMs} ms`));
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: redactText(stderr) });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// One-shot tools whose output is streamed while they run (a re-encode served to a client).

/** Why a streamed run ended: on its own (`exited`, `spawn_failed`) or ended by this module. */
export type StreamingEndReason = 'exited' | 'spawn_failed' | 'stalled' | 'timeout' | 'aborted' | 'overflow';

/** A streamed run that did not end with exit code 0 on its own. */
export class ProcessRunError extends Error {
  constructor(
    message: string,
    readonly reason: StreamingEndReason,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    /** The end of the child's stderr, credentials redacted. */
    readonly stderrTail: string,
  ) {
    super(message);
    this.name = 'ProcessRunError';
  }
}

export interface StreamingResult {
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  reason: StreamingEndReason;
  /** Exit code 0, on its own. */
  ok: boolean;
  stderrTail: string;
  runMs: number;
  /** Set when not ok: the error the stdout stream was destroyed with. */
  error?: ProcessRunError;
}

export interface StreamingRunOptions {
  /** For logs and errors: "playback re-encode". */
  name?: string;
  /** The child is ended past this; 0 or absent: no deadline. */
  timeoutMs?: number;
  /** Silence longer than this (no stdout, or no output at all with activity 'any') ends the child; 0 or absent disables the watchdog. */
  stallTimeoutMs?: number;
  activity?: 'stdout' | 'any';
  /** Output not read by the consumer beyond this ends the child (memory stays bounded); absent: no bound. */
  maxBufferedBytes?: number;
  /** Aborting ends the child (the consumer left). */
  signal?: AbortSignal;
  /** Written to stdin to ask for a clean exit ('q' for ffmpeg reading stdin); absent: stopping starts at SIGTERM. */
  quitCommand?: string;
  quitGraceMs?: number;
  termGraceMs?: number;
  /** How much of the end of stderr is kept for errors (characters). */
  stderrTailChars?: number;
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  spawner?: Spawner;
  timers?: Timers;
  log?: ProcessLog;
}

export interface StreamingProcess {
  readonly pid: number | undefined;
  /**
   * The child's stdout (a Readable, so also an async iterable of Buffers): ends when the child
   * exits with code 0, is destroyed with a ProcessRunError otherwise. Destroying it ends the child.
   */
  readonly stdout: Readable;
  /** Resolves at the first stdout bytes; rejects with a ProcessRunError when the run ends before any. */
  readonly firstOutput: Promise<void>;
  /** Resolves once the child has exited and its pipes are closed; never rejects. */
  readonly done: Promise<StreamingResult>;
  /** The end of stderr so far, credentials redacted. */
  stderrTail(): string;
  /** Ends the child (quit command, SIGTERM, SIGKILL) unless it has already exited; resolves once it has. */
  stop(): Promise<StreamingResult>;
}

/**
 * Runs a tool whose stdout is consumed while it runs. The child is ended, by its own handle,
 * when the deadline passes, its output stalls, the consumer leaves (abort signal or stream
 * destroyed), or too much output waits unread: quit command, then SIGTERM, then SIGKILL.
 */
export function runStreaming(command: string, args: readonly string[], options: StreamingRunOptions = {}): StreamingProcess {
  const spawner = options.spawner ?? nodeSpawner;
  const timers = options.timers ?? realTimers;
  const log = options.log ?? silentLog;
  const name = options.name ?? command;
  const tailChars = options.stderrTailChars ?? 8000;
  const quitGrace = options.quitGraceMs ?? 3000;
  const termGrace = options.termGraceMs ?? 3000;
  const pendingTimers = new Set<TimerHandle>();
  const schedule = (callback: () => void, ms: number) => {
    const handle = timers.setTimeout(() => {
      pendingTimers.delete(handle);
      callback();
    }, ms);
    pendingTimers.add(handle);
    return handle;
  };

  let child: SpawnedChild | undefined;
  let exited = false;
  let endedBy: StreamingEndReason | undefined; // set when this module ends the child
  let hadOutput = false;
  let stderr = '';
  let startedAt = timers.now();
  let lastActivityAt = startedAt;
  const tail = () => redactText(stderr.trim()).slice(-tailChars);

  let resolveFirst: () => void = () => undefined;
  let rejectFirst: (error: ProcessRunError) => void = () => undefined;
  const firstOutput = new Promise<void>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  firstOutput.catch(() => undefined); // also in `done` and on the stream: not unhandled when nobody awaits it
  let resolveDone: (result: StreamingResult) => void = () => undefined;
  const done = new Promise<StreamingResult>((resolve) => {
    resolveDone = resolve;
  });

  const stdout = new Readable({
    read: () => undefined,
    destroy: (error, callback) => {
      if (!exited && endedBy === undefined) end('aborted');
      callback(error);
    },
  });
  // The error reaches whoever reads (async iteration, pipe) and `done`; unread, it must not crash the process.
  stdout.on('error', () => undefined);

  const failure = (reason: StreamingEndReason, exitCode: number | null, signal: NodeJS.Signals | null, detail?: string) => {
    const how =
      reason === 'exited'
        ? `exit ${exitCode ?? signal}`
        : reason === 'spawn_failed'
          ? `did not start${detail ? ` (${detail})` : ''}`
          : reason === 'timeout'
            ? `past its deadline of ${options.timeoutMs} ms`
            : reason === 'stalled'
              ? `no output for ${options.stallTimeoutMs} ms`
              : reason === 'overflow'
                ? `more than ${options.maxBufferedBytes} bytes of output unread`
                : 'aborted';
    const stderrTail = tail();
    return new ProcessRunError(`${name} ${how}${stderrTail ? `: ${stderrTail.slice(-500)}` : ''}`, reason, exitCode, signal, stderrTail);
  };

  /** This module ends the run: the consumer learns it now, the child is asked to leave. */
  function end(reason: StreamingEndReason): void {
    if (exited || endedBy !== undefined) return;
    endedBy = reason;
    const error = failure(reason, null, null);
    if (!hadOutput) rejectFirst(error);
    if (!stdout.destroyed) stdout.destroy(error);
    if (reason !== 'aborted') log.warn({ process: name, pid: child?.pid, reason }, 'process ended');
    const target = child;
    if (!target) return;
    const terminate = () => {
      target.kill('SIGTERM');
      schedule(() => target.kill('SIGKILL'), termGrace);
    };
    if (options.quitCommand !== undefined) {
      target.writeStdin(options.quitCommand);
      schedule(terminate, quitGrace);
    } else {
      terminate();
    }
  }

  const onExit = (exitCode: number | null, signal: NodeJS.Signals | null, error?: Error) => {
    if (exited) return;
    exited = true;
    for (const handle of pendingTimers) timers.clearTimeout(handle);
    pendingTimers.clear();
    options.signal?.removeEventListener('abort', onAbort);
    const reason: StreamingEndReason = endedBy ?? (error ? 'spawn_failed' : 'exited');
    const ok = reason === 'exited' && exitCode === 0;
    const runError = ok ? undefined : failure(reason, exitCode, signal, error?.message);
    if (ok) stdout.push(null);
    else if (!stdout.destroyed) stdout.destroy(runError);
    if (!hadOutput) rejectFirst(runError ?? new ProcessRunError(`${name} ended without output`, 'exited', exitCode, signal, tail()));
    const result: StreamingResult = { pid: child?.pid, exitCode, signal, reason, ok, stderrTail: tail(), runMs: timers.now() - startedAt, error: runError };
    const fields = { process: name, pid: child?.pid, code: exitCode, signal, reason, runMs: result.runMs, error: error?.message };
    if (ok || reason === 'aborted') log.info(fields, 'process exited');
    else log.warn(fields, 'process failed');
    resolveDone(result);
  };

  const onAbort = () => end('aborted');

  if (options.signal?.aborted) {
    // Never started: nothing to end.
    endedBy = 'aborted';
    const error = failure('aborted', null, null);
    rejectFirst(error);
    stdout.destroy(error);
    exited = true;
    resolveDone({ pid: undefined, exitCode: null, signal: null, reason: 'aborted', ok: false, stderrTail: '', runMs: 0, error });
  } else {
    startedAt = timers.now();
    lastActivityAt = startedAt;
    child = spawner(command, args, { env: options.env, cwd: options.cwd });
    log.info({ process: name, pid: child.pid, command: redactedCommandLine(command, args) }, 'process started');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const activity = options.activity ?? 'stdout';
    child.onStdout((chunk) => {
      lastActivityAt = timers.now();
      if (stdout.destroyed || endedBy !== undefined) return;
      stdout.push(chunk);
      if (!hadOutput) {
        hadOutput = true;
        resolveFirst();
      }
      if (options.maxBufferedBytes !== undefined && stdout.readableLength > options.maxBufferedBytes) end('overflow');
    });
    child.onStderr((chunk) => {
      if (activity === 'any') lastActivityAt = timers.now();
      stderr += chunk.toString('utf8');
      if (stderr.length > 2 * tailChars) {
        // Keep whole lines where possible: a URL cut in its middle would escape the redaction.
        const cut = stderr.lastIndexOf('\n', stderr.length - tailChars - 1);
        stderr = stderr.slice(cut + 1);
        if (stderr.length > 2 * tailChars) stderr = stderr.slice(-tailChars);
      }
    });
    child.onExit(onExit);
    if (!exited && options.timeoutMs !== undefined && options.timeoutMs > 0) schedule(() => end('timeout'), options.timeoutMs);
    const stallLimit = options.stallTimeoutMs ?? 0;
    if (!exited && stallLimit > 0) {
      const check = () => {
        if (exited || endedBy !== undefined) return;
        const silentMs = timers.now() - lastActivityAt;
        if (silentMs < stallLimit) schedule(check, stallLimit - silentMs);
        else end('stalled');
      };
      schedule(check, stallLimit);
    }
  }

  return {
    pid: child?.pid,
    stdout,
    firstOutput,
    done,
    stderrTail: tail,
    stop: () => {
      end('aborted');
      return done;
    },
  };
}
