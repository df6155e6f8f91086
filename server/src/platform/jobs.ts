// One registry of periodic jobs (issue 10). Each module declares its jobs (name, role, interval,
// run); the process starts those of its roles. A job never overlaps its previous run (a tick that
// finds it running is skipped and counted), errors are logged and handed to `onError` (a
// technical event), and the last run, its duration and the last error are kept for /api/health.
// Timers are injectable, so unit tests drive them with node:test's mock timers.
import type { ProcessRole } from '../config.ts';
import type { Clock } from './clock.ts';
import type { ProcessLog } from './processes.ts';

export interface Job {
  /** Stable, unique across the process: `<module>.<what>` (e.g. `retention.purge`). */
  readonly name: string;
  /** The role that runs it: a process runs the jobs of its roles only. */
  readonly role: ProcessRole;
  readonly intervalMs: number;
  /** Also run once when the role starts (after the jobs marked `beforeStart`, before the others' first tick). */
  readonly runAtStart?: boolean;
  run(): Promise<unknown>;
  /** Called once when the registry starts the job, before any run (e.g. subscribe to what it follows). */
  start?(): void;
  /** Called once when the registry stops, after the job's last run ended (e.g. give back locks it holds). */
  stop?(): Promise<void>;
}

export interface JobStatus {
  name: string;
  role: ProcessRole;
  intervalMs: number;
  running: boolean;
  runs: number;
  failures: number;
  /** Ticks skipped because the previous run had not ended. */
  skipped: number;
  lastStartedAt: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface JobTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const nodeTimers: JobTimers = {
  setInterval: (callback, ms) => {
    const timer = setInterval(callback, ms);
    timer.unref();
    return timer;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface JobRegistryOptions {
  clock: Clock;
  log?: ProcessLog;
  /** A job's failure, e.g. raised as a technical event (the registry itself knows no module). */
  onError?: (job: Job, error: unknown) => unknown;
  timers?: JobTimers;
}

interface Entry {
  job: Job;
  status: JobStatus;
  current: Promise<void> | null;
  timer: unknown;
}

export class JobRegistry {
  private readonly entries = new Map<string, Entry>();
  private started = false;

  constructor(private readonly options: JobRegistryOptions) {}

  /** Adds jobs; a second job with the same name, or an interval under 100 ms, is refused at start-up. */
  add(jobs: readonly Job[]): void {
    for (const job of jobs) {
      if (this.entries.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
      if (!Number.isFinite(job.intervalMs) || job.intervalMs < 100) throw new Error(`job ${job.name}: interval ${job.intervalMs} ms is under 100 ms`);
      this.entries.set(job.name, {
        job,
        current: null,
        timer: null,
        status: {
          name: job.name,
          role: job.role,
          intervalMs: job.intervalMs,
          running: false,
          runs: 0,
          failures: 0,
          skipped: 0,
          lastStartedAt: null,
          lastDurationMs: null,
          lastError: null,
          lastErrorAt: null,
        },
      });
    }
  }

  /** Starts the jobs of these roles: those marked `runAtStart` run once first (awaited), then every interval. */
  async start(roles: readonly ProcessRole[]): Promise<void> {
    if (this.started) throw new Error('the job registry is already started');
    this.started = true;
    const timers = this.options.timers ?? nodeTimers;
    const mine = [...this.entries.values()].filter((entry) => roles.includes(entry.job.role));
    for (const entry of mine) entry.job.start?.();
    for (const entry of mine) if (entry.job.runAtStart) await this.runEntry(entry);
    for (const entry of mine) entry.timer = timers.setInterval(() => void this.tick(entry), entry.job.intervalMs);
  }

  /** Stops the timers, waits for the runs in progress, then lets the started jobs clean up. */
  async stop(): Promise<void> {
    const timers = this.options.timers ?? nodeTimers;
    const started = [...this.entries.values()].filter((entry) => entry.timer !== null);
    for (const entry of started) {
      timers.clearInterval(entry.timer);
      entry.timer = null;
    }
    this.started = false;
    await Promise.all([...this.entries.values()].map((entry) => entry.current));
    for (const entry of started) {
      await entry.job
        .stop?.()
        .catch((error: unknown) => this.options.log?.warn({ job: entry.job.name, error: String(error) }, `job ${entry.job.name} did not stop cleanly`));
    }
  }

  /** Runs a job now (a command, a test, a last run at shutdown), unless it is already running: then waits for that run. */
  async runNow(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no job named ${name}`);
    await (entry.current ?? this.runEntry(entry));
  }

  status(): JobStatus[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.status })).sort((a, b) => a.name.localeCompare(b.name));
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  private tick(entry: Entry): void {
    if (entry.current) {
      entry.status.skipped += 1;
      return;
    }
    void this.runEntry(entry);
  }

  private runEntry(entry: Entry): Promise<void> {
    const { clock, log, onError } = this.options;
    const startedAt = clock.now();
    entry.status.running = true;
    entry.status.lastStartedAt = startedAt.toISOString();
    const started = performance.now();
    entry.current = (async () => {
      try {
        await entry.job.run();
        entry.status.runs += 1;
      } catch (error) {
        entry.status.runs += 1;
        entry.status.failures += 1;
        entry.status.lastError = error instanceof Error ? error.message : String(error);
        entry.status.lastErrorAt = clock.now().toISOString();
        log?.warn({ job: entry.job.name, error: entry.status.lastError }, `job ${entry.job.name} failed`);
        try {
          await onError?.(entry.job, error);
        } catch (raiseError) {
          log?.warn({ job: entry.job.name, error: String(raiseError) }, `job ${entry.job.name}: its failure could not be raised`);
        }
      } finally {
        entry.status.lastDurationMs = Math.round(performance.now() - started);
        entry.status.running = false;
        entry.current = null;
      }
    })();
    return entry.current;
  }
}
