// CPU time and memory of a process read from /proc (Linux), for benchmarks.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every mainstream Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface CpuSample {
  atMs: number;
  cpuSeconds: number;
}

export function cpuSample(pid: number): CpuSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return { atMs: performance.now(), cpuSeconds: (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND };
}

/** CPU used between two samples, in percent of one core. */
export function cpuPercent(from: CpuSample, to: CpuSample): number {
  return ((to.cpuSeconds - from.cpuSeconds) / ((to.atMs - from.atMs) / 1000)) * 100;
}

export interface MemorySample {
  rssMiB: number;
  pssMiB: number | undefined;
}

export function memorySample(pid: number): MemorySample {
  const kib = (text: string, key: string) => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) / 1024 : undefined;
  };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  let pssMiB: number | undefined;
  try {
    pssMiB = kib(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    pssMiB = undefined;
  }
  return { rssMiB: kib(status, 'VmRSS') ?? 0, pssMiB };
}

/** CPU time of the children a process has waited for (short-lived tools it ran, e.g. ffprobe). */
export function reapedChildrenCpuSample(pid: number): CpuSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { atMs: performance.now(), cpuSeconds: (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND };
}

/** CPU time the whole machine spent busy (every process, every user), from /proc/stat. */
export function machineCpuSample(): CpuSample {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return { atMs: performance.now(), cpuSeconds: (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND };
}

/** The CPU sample of each pid (undefined for none, or one that is gone). */
export function cpuSamples(pids: ReadonlyArray<number | undefined>): Array<ReturnType<typeof cpuSample> | undefined> {
  return pids.map((pid) => {
    try {
      return pid === undefined ? undefined : cpuSample(pid);
    } catch {
      return undefined;
    }
  });
}
