// One PullPoint subscription per ONVIF camera in service, kept alive by a job tick: each tick
// pulls every live subscription (a short long-poll, all cameras at once up to a bound), opens
// the missing ones (with a backoff for cameras that refuse), and turns what the cameras report
// into technical events. A live subscription that fails (reboot, network, expiry) raises
// `onvif_events_lost` for that camera; the next subscription that works raises
// `onvif_events_restored` with how long events may have been missed.
import type { Clock } from '../../platform/clock.ts';
import type { OnvifCamera } from '../../platform/onvif/index.ts';
import { PullPoint, type CameraEvent, type OnvifCaller, type PullPointOptions } from '../../platform/onvif/index.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { CameraView, StreamCredentials } from '../cameras/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { technicalEventOf } from './onvif-events.rules.ts';

export interface EventCameras {
  list(principal: null): Promise<Array<Pick<CameraView, 'id' | 'name' | 'communeInsee' | 'onvifUrl' | 'state'>>>;
  streamCredentials(cameraId: string): Promise<StreamCredentials | null>;
}

export interface OnvifEventsOptions {
  /** How often the list of cameras is read again (30 s). */
  refreshMs?: number;
  /** Longest wait between two attempts at a camera that refuses a subscription (60 s). */
  maxBackoffMs?: number;
  /**
   * At most this many cameras are pulled at the same time (1024): each pull may be held by its
   * camera up to the pull timeout, so a tick lasts about that long for up to this many cameras.
   */
  concurrency?: number;
  pullPoint?: PullPointOptions;
}

export interface SubscriptionStatus {
  cameraId: string;
  state: 'subscribing' | 'active' | 'lost' | 'unavailable';
  since: string;
  lastError: string | null;
  eventsReceived: number;
}

interface Entry {
  camera: { id: string; name: string; communeInsee: string };
  target: OnvifCamera;
  pullPoint: PullPoint | null;
  state: SubscriptionStatus['state'];
  since: number;
  lostAt: number | null;
  failures: number;
  nextAttemptAt: number;
  lastError: string | null;
  eventsReceived: number;
}

export class OnvifEventsWatcher {
  private readonly entries = new Map<string, Entry>();
  private listedAt = Number.NEGATIVE_INFINITY;
  private readonly refreshMs: number;
  private readonly maxBackoffMs: number;
  private readonly concurrency: number;
  private readonly log: ProcessLog;

  constructor(
    private readonly deps: { cameras: EventCameras; onvif: OnvifCaller; raise: (event: TechnicalEvent) => unknown; clock: Clock; log?: ProcessLog },
    private readonly options: OnvifEventsOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 30_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.concurrency = options.concurrency ?? 1024;
    this.log = deps.log ?? silentLog;
  }

  /** One pass: follow the inventory, pull what is subscribed, subscribe what is not. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now - this.listedAt >= this.refreshMs) {
      await this.refresh();
      this.listedAt = now;
    }
    const entries = [...this.entries.values()];
    for (let index = 0; index < entries.length; index += this.concurrency) {
      await Promise.all(entries.slice(index, index + this.concurrency).map((entry) => this.step(entry)));
    }
  }

  status(): SubscriptionStatus[] {
    return [...this.entries.values()].map((entry) => ({
      cameraId: entry.camera.id,
      state: entry.state,
      since: new Date(entry.since).toISOString(),
      lastError: entry.lastError,
      eventsReceived: entry.eventsReceived,
    }));
  }

  /** Unsubscribes everything (the process stops). */
  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.pullPoint?.close()));
    this.entries.clear();
    this.listedAt = Number.NEGATIVE_INFINITY;
  }

  private async refresh(): Promise<void> {
    const cameras = (await this.deps.cameras.list(null)).filter(
      (camera) => camera.onvifUrl !== null && camera.state !== 'disabled' && camera.state !== 'unauthorised',
    );
    const wanted = new Set(cameras.map((camera) => camera.id));
    for (const [id, entry] of this.entries) {
      if (!wanted.has(id)) {
        this.entries.delete(id);
        await entry.pullPoint?.close();
      }
    }
    for (const camera of cameras) {
      const credentials = await this.deps.cameras.streamCredentials(camera.id);
      const existing = this.entries.get(camera.id);
      const target: OnvifCamera = { cameraId: camera.id, deviceUrl: camera.onvifUrl!, credentials };
      if (existing && sameTarget(existing.target, target)) continue;
      await existing?.pullPoint?.close();
      const now = this.deps.clock.now().getTime();
      this.entries.set(camera.id, {
        camera: { id: camera.id, name: camera.name, communeInsee: camera.communeInsee },
        target,
        pullPoint: null,
        state: 'subscribing',
        since: now,
        lostAt: null,
        failures: 0,
        nextAttemptAt: now,
        lastError: null,
        eventsReceived: 0,
      });
    }
  }

  private async step(entry: Entry): Promise<void> {
    if (entry.pullPoint?.open) {
      try {
        const result = await entry.pullPoint.pull();
        for (const event of result.events) await this.report(entry, event);
        return;
      } catch (error) {
        this.lost(entry, error);
      }
    }
    const now = this.deps.clock.now().getTime();
    if (now < entry.nextAttemptAt) return;
    const pullPoint = new PullPoint(this.deps.onvif, entry.target, this.options.pullPoint);
    try {
      await pullPoint.subscribe();
    } catch (error) {
      entry.failures += 1;
      entry.lastError = reasonOf(error);
      entry.nextAttemptAt = now + Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(entry.failures - 1, 16));
      if (entry.state === 'subscribing') this.setState(entry, 'unavailable');
      return;
    }
    entry.pullPoint = pullPoint;
    entry.failures = 0;
    entry.lastError = null;
    if (entry.lostAt !== null) {
      const lostSeconds = Math.round((now - entry.lostAt) / 1000);
      await this.deps.raise({
        severity: 'info',
        code: 'onvif_events_restored',
        cameraId: entry.camera.id,
        communeInsee: entry.camera.communeInsee,
        message: `${entry.camera.name}: ONVIF events subscribed again after ${lostSeconds} s; events of that time may be missing`,
        details: { lostAt: new Date(entry.lostAt).toISOString(), lostSeconds },
      });
      entry.lostAt = null;
    }
    this.setState(entry, 'active');
  }

  private lost(entry: Entry, error: unknown): void {
    entry.pullPoint = null;
    entry.lastError = reasonOf(error);
    const now = this.deps.clock.now().getTime();
    if (entry.lostAt === null) {
      entry.lostAt = now;
      void this.deps.raise({
        severity: 'warning',
        code: 'onvif_events_lost',
        cameraId: entry.camera.id,
        communeInsee: entry.camera.communeInsee,
        message: `${entry.camera.name}: ONVIF event subscription lost (${entry.lastError}); motion, tamper and input events are not received`,
        details: { reason: entry.lastError },
      });
    }
    entry.nextAttemptAt = now;
    this.setState(entry, 'lost');
  }

  private async report(entry: Entry, event: CameraEvent): Promise<void> {
    entry.eventsReceived += 1;
    const technical = technicalEventOf(event, entry.camera);
    if (!technical) return;
    try {
      await this.deps.raise(technical);
    } catch (error) {
      this.log.warn({ cameraId: entry.camera.id, error: reasonOf(error) }, 'camera event not raised');
    }
  }

  private setState(entry: Entry, state: SubscriptionStatus['state']): void {
    if (entry.state !== state) entry.since = this.deps.clock.now().getTime();
    entry.state = state;
  }
}

function sameTarget(a: OnvifCamera, b: OnvifCamera): boolean {
  return a.deviceUrl === b.deviceUrl && a.credentials?.username === b.credentials?.username && a.credentials?.password === b.credentials?.password;
}

function reasonOf(error: unknown): string {
  const reason =
    error && typeof error === 'object' && 'reason' in error
      ? String((error as { reason: unknown }).reason)
      : error instanceof Error
        ? error.message
        : String(error);
  return reason.slice(0, 300);
}
