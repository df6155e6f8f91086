// Small helpers of the integration tests that drive real processes: polling with a deadline,
// and a PID liveness check (signal 0 sends nothing), asked of the operating system.
import { readFile } from 'node:fs/promises';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `intervalMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Whether a process the test started is still alive. */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The operating system's answer for a PID a test saw started: true once no such process exists
 * (kill(pid, 0) fails with ESRCH), false while it does. Any other error (EPERM: a PID reused by
 * another user's process) is thrown, never taken for "gone".
 */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
}

/** The command line of a running process, read from /proc (Linux); null once it has gone. */
export async function commandLineOf(pid: number): Promise<string[] | null> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Fails unless `pid` runs now, per the operating system, as `program` (its argv[0]'s last path part). */
export async function assertRunning(pid: number, program: string): Promise<void> {
  if (processGone(pid)) throw new Error(`process ${pid} (${program}) is not running`);
  const argv = await commandLineOf(pid);
  if (argv === null) throw new Error(`process ${pid} (${program}) has gone`);
  if (argv[0]?.split('/').pop() !== program) throw new Error(`process ${pid} runs '${argv.join(' ')}', not ${program}`);
}
