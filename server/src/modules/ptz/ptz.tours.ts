// The patrol runner (virtual patrol): one timer for every tour of the process, bounded work
// per tick, time from the injectable clock. Each tick it ends the expired lock sessions
// nobody touched (so they get their release row), reloads the enabled tours when they changed
// (at once in this process, every `reloadMs` for changes made by others), and moves each due
// tour's camera to its next preset, holding the lock at priority 0 as "patrol". A person
// taking the lock pauses the tour; it resumes once the lock expires or is released. Several
// API processes each run one: the lock lets only one of them steer a camera at a time.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../../platform/clock.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { planTick, progressAfter, type PatrolTour, type StepOutcome, type TourProgress } from './ptz.tours.rules.ts';

export interface PatrolPort {
  enabledTours(limit: number): Promise<PatrolTour[]>;
  patrolStep(tour: PatrolTour, stepIndex: number, patrolId: string): Promise<StepOutcome>;
  endPatrol(cameraId: string, patrolId: string): Promise<void>;
  endPatrols(patrolId: string): Promise<void>;
  sweepExpiredLocks(limit: number): Promise<number>;
  onToursChanged?(listener: () => void): () => void;
}

export interface PatrolRunnerOptions {
  tickMs?: number;
  /** Camera commands per tick at most (run together). */
  maxStepsPerTick?: number;
  reloadMs?: number;
  sweepMs?: number;
  maxTours?: number;
  log?: ProcessLog;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class PatrolRunner {
  /** This process's patrol identity in the lock table. */
  readonly patrolId = `patrol:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly progress = new Map<string, TourProgress>();
  private tours: PatrolTour[] = [];
  private toursLoadedAtMs = Number.NEGATIVE_INFINITY;
  private toursStale = true;
  private lastSweepAtMs = Number.NEGATIVE_INFINITY;
  private current: Promise<void> | null = null;
  private unsubscribe: (() => void) | undefined;
  private readonly options: Required<Omit<PatrolRunnerOptions, 'log'>> & { log: ProcessLog | undefined };

  constructor(
    private readonly port: PatrolPort,
    private readonly clock: Clock,
    options: PatrolRunnerOptions = {},
  ) {
    this.options = {
      tickMs: options.tickMs ?? 1000,
      maxStepsPerTick: options.maxStepsPerTick ?? 8,
      reloadMs: options.reloadMs ?? 15_000,
      sweepMs: options.sweepMs ?? 10_000,
      maxTours: options.maxTours ?? 2000,
      log: options.log,
    };
    this.unsubscribe = port.onToursChanged?.(() => {
      this.toursStale = true;
    });
  }

  /** Waits for the tick under way and gives back the cameras it holds (the `ptz.patrol` job's stop). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.current;
    this.progress.clear();
    await this.port.endPatrols(this.patrolId).catch((error: unknown) => this.options.log?.warn({ error: errorText(error) }, 'patrol locks not released'));
  }

  /** Where each running tour is (for tests and diagnostics). */
  progressOf(tourId: string): TourProgress | undefined {
    return this.progress.get(tourId);
  }

  /** One tick; a tick still running when the next is due is not doubled. */
  tick(): Promise<void> {
    this.current ??= this.runTick()
      .catch((error: unknown) => this.options.log?.warn({ error: errorText(error) }, 'patrol tick failed'))
      .finally(() => {
        this.current = null;
      });
    return this.current;
  }

  private async runTick(): Promise<void> {
    const nowMs = this.clock.now().getTime();
    if (nowMs - this.lastSweepAtMs >= this.options.sweepMs) {
      this.lastSweepAtMs = nowMs;
      await this.port.sweepExpiredLocks(50);
    }
    if (this.toursStale || nowMs - this.toursLoadedAtMs >= this.options.reloadMs) {
      this.toursStale = false;
      this.toursLoadedAtMs = nowMs;
      this.tours = await this.port.enabledTours(this.options.maxTours);
    }
    const plan = planTick(this.tours, this.progress, this.clock.now(), this.options.maxStepsPerTick);
    for (const stopped of plan.stopped) {
      this.progress.delete(stopped.tourId);
      // Another tour of the same camera may start in this tick: it renews the patrol's lock.
      if (!plan.due.some((step) => step.tour.cameraId === stopped.cameraId)) await this.port.endPatrol(stopped.cameraId, this.patrolId);
    }
    await Promise.all(
      plan.due.map(async ({ tour, stepIndex }) => {
        const outcome = await this.port.patrolStep(tour, stepIndex, this.patrolId).catch((error: unknown): StepOutcome => {
          this.options.log?.warn({ tourId: tour.id, error: errorText(error) }, 'patrol step failed');
          return 'failed';
        });
        this.progress.set(tour.id, progressAfter(tour, stepIndex, outcome, this.clock.now()));
      }),
    );
  }
}
