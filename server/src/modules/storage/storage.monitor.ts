// The space monitor (issue 4 item 6): every pass, each enabled volume's free space is compared
// with its threshold. Below it: a critical `storage_low` event (once per episode), then the
// oldest unheld footage of that volume is destroyed early until free space is back above the
// threshold plus a margin, each destruction registered (`destroyed_early`) and raised as a
// critical `storage_destroyed_early` event. If nothing can be destroyed (all held), the
// volume is `storage_exhausted`: the recorder goes on as long as the disk allows and its
// failures are raised too. An unreadable volume is `storage_unavailable`.
import type { Clock } from '../../platform/clock.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import type { StorageService, VolumeUsage } from './storage.service.ts';

/** Free space is brought back to the threshold plus this many percentage points. */
export const LOW_SPACE_MARGIN_PERCENT = 2;

/** What an early destruction (the retention module's) did on a volume. */
export interface EarlyDestructionReport {
  volume: string;
  requestedBytes: number;
  destroyedBytes: number;
  destroyedSegments: number;
  /** Segments skipped because a legal hold covers them. */
  heldSegments: number;
  cameras: Array<{ cameraId: string; communeInsee: string; segments: number; bytes: number; fromMs: number; toMs: number; registerIds: number[] }>;
  errors: string[];
}

/** Destroys a volume's oldest unheld footage before its retention (the retention module's purge). */
export type DestroyEarly = (volume: string, bytesToFree: number, now: Date) => Promise<EarlyDestructionReport>;

export interface SpaceMonitorDeps {
  storage: Pick<StorageService, 'volumes' | 'usage' | 'forgetUsage' | 'noteBytes'>;
  destroyEarly: DestroyEarly;
  raise(event: TechnicalEvent): Promise<unknown>;
  clock: Clock;
  log?: ProcessLog;
}

export interface VolumeCheck {
  volume: string;
  usage: VolumeUsage;
  destroyed: EarlyDestructionReport | null;
  after: VolumeUsage | null;
}

/** Bytes to destroy so that free space reaches threshold + margin. */
export function bytesToFree(usage: Pick<VolumeUsage, 'totalBytes' | 'freeBytes'>, lowSpacePercent: number): number {
  const target = Math.ceil((usage.totalBytes * (lowSpacePercent + LOW_SPACE_MARGIN_PERCENT)) / 100);
  return Math.max(0, target - usage.freeBytes);
}

export class SpaceMonitor {
  private readonly episodes = new Map<string, 'low' | 'unavailable'>();
  private running: Promise<VolumeCheck[]> | null = null;

  constructor(private readonly deps: SpaceMonitorDeps) {}

  run(now: Date = this.deps.clock.now()): Promise<VolumeCheck[]> {
    this.running ??= this.runOnce(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(now: Date): Promise<VolumeCheck[]> {
    const checks: VolumeCheck[] = [];
    for (const volume of (await this.deps.storage.volumes()).filter((candidate) => candidate.enabled)) {
      let usage = await this.deps.storage.usage(volume);
      if (usage.low && usage.available) {
        // Nothing is destroyed on cached figures: read the index again first.
        this.deps.storage.forgetUsage();
        usage = await this.deps.storage.usage(volume);
      }
      const check: VolumeCheck = { volume: volume.name, usage, destroyed: null, after: null };
      checks.push(check);
      const base = { cameraId: null, communeInsee: null, volume: volume.name, at: now.toISOString() };
      if (!usage.available) {
        if (this.episodes.get(volume.name) !== 'unavailable') {
          await this.deps.raise({
            ...base,
            severity: 'critical',
            code: 'storage_unavailable',
            message: `volume ${volume.name} (${volume.root}) unreadable: ${usage.error}`,
            details: { root: volume.root },
          });
        }
        this.episodes.set(volume.name, 'unavailable');
        continue;
      }
      if (!usage.low) {
        this.episodes.delete(volume.name);
        continue;
      }
      if (this.episodes.get(volume.name) !== 'low') {
        await this.deps.raise({
          ...base,
          severity: 'critical',
          code: 'storage_low',
          message: `volume ${volume.name}: ${usage.freePercent}% free, below its ${volume.lowSpacePercent}% threshold`,
          details: { freeBytes: usage.freeBytes, totalBytes: usage.totalBytes, lowSpacePercent: volume.lowSpacePercent },
        });
        this.episodes.set(volume.name, 'low');
      }
      const need = bytesToFree(usage, volume.lowSpacePercent);
      const report = await this.deps.destroyEarly(volume.name, need, now);
      check.destroyed = report;
      this.deps.storage.noteBytes(volume.name, -report.destroyedBytes);
      for (const camera of report.cameras) {
        await this.deps.raise({
          ...base,
          severity: 'critical',
          code: 'storage_destroyed_early',
          cameraId: camera.cameraId,
          communeInsee: camera.communeInsee,
          message: `${camera.segments} segment(s), ${camera.bytes} bytes of camera ${camera.cameraId} destroyed before their retention to free volume ${volume.name}`,
          details: {
            from: new Date(camera.fromMs).toISOString(),
            to: new Date(camera.toMs).toISOString(),
            segments: camera.segments,
            bytes: camera.bytes,
            registerIds: camera.registerIds,
          },
        });
      }
      check.after = await this.deps.storage.usage(volume);
      if (report.destroyedBytes < need && report.errors.length === 0) {
        await this.deps.raise({
          ...base,
          severity: 'critical',
          code: 'storage_exhausted',
          message: `volume ${volume.name}: only ${report.destroyedBytes} of ${need} bytes could be freed (${report.heldSegments} segment(s) under legal hold)`,
          details: { neededBytes: need, destroyedBytes: report.destroyedBytes, heldSegments: report.heldSegments },
        });
      }
      (this.deps.log ?? silentLog).warn({ volume: volume.name, freed: report.destroyedBytes, needed: need }, 'low space: footage destroyed early');
    }
    return checks;
  }
}
