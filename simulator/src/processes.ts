// The one place of the simulator that starts child processes (ffmpeg). Every child is known
// by the PID it was given, stopped gracefully ('q', then SIGTERM, then SIGKILL), and killed
// when its deadline passes so that nothing outlives its caller.
import { spawn, type ChildProcess } from 'node:child_process';

export const FFMPEG = process.env.VIGIE_FFMPEG ?? '/usr/bin/ffmpeg';
export const FFPROBE = process.env.VIGIE_FFPROBE ?? '/usr/bin/ffprobe';

const running = new Set<ChildProcess>();

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

export interface RunOptions {
  stdin?: Buffer;
  timeoutMs?: number;
  /** Resolve (with the exit code) instead of rejecting when the tool fails: tests expect failures. */
  allowFailure?: boolean;
}

/** Runs ffmpeg to completion; rejects on a non-zero exit or after `timeoutMs`. */
export function runFfmpeg(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runTool(FFMPEG, args, options);
}

/** Runs ffprobe to completion (used by tests and the bench to read streams as a client would). */
export function runFfprobe(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runTool(FFPROBE, args, options);
}

function runTool(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    running.add(child);
    const stdout: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 120_000);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 64_000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0 || options.allowFailure) resolve({ stdout: Buffer.concat(stdout), stderr, code });
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
    if (options.stdin && child.stdin) {
      child.stdin.on('error', () => undefined); // ffmpeg may stop reading once it has its frame
      child.stdin.end(options.stdin);
    }
  });
}

export interface LiveProcess {
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts a long-running ffmpeg whose stdout is streamed to `onData`. */
export function startFfmpeg(args: string[], onData: (chunk: Buffer) => void, onExit: (code: number | null) => void): LiveProcess {
  const child = spawn(FFMPEG, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  running.add(child);
  child.stdout?.on('data', onData);
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<void>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      onExit(code);
      resolve();
    }),
  );
  child.on('error', () => undefined);
  return { pid: child.pid, stop: () => stopGracefully(child, exited) };
}

async function stopGracefully(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const waitFor = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
  child.stdin?.end('q');
  if (await waitFor(1000)) return;
  child.kill('SIGTERM');
  if (await waitFor(1000)) return;
  child.kill('SIGKILL');
  await exited;
}

/** Kills whatever this module started and is still running (used on abrupt shutdown). */
export function killAllStarted(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface NodeChild {
  pid: number | undefined;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry point in its own Node process (the bench measures the simulator
 * this way, apart from its own clients). Lines of stdout and stderr go to the callbacks.
 */
export function startNodeScript(
  script: string,
  args: string[],
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
  /** Added to this process's environment (a child Vigie server's settings). */
  env: Record<string, string> = {},
): NodeChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  for (const name of ['stdout', 'stderr'] as const) {
    let pending = '';
    child[name]?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line, name);
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  child.on('error', () => undefined);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 8000).unref())]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { pid: child.pid, exited, stop };
}
