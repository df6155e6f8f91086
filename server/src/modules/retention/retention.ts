// The retention purge (LEGAL 6-8). Per camera: effective retention (camera override, else
// commune, never above 30 days), segments whose first frame has reached now - retention, minus
// those a confirmed legal hold keeps. Files go first (made writable, then unlinked; one
// already missing is fine), then, in one transaction, their index rows, the purged chain runs
// (verification anchor), one `destroyed` register row per contiguous range and one audit row.
// A crash between the two leaves rows whose files are gone, which the next purge completes;
// never a file on disk without its row. "Already missing" is trusted only on a volume whose
// marker file is in place (storage.marker.ts): on an unmounted disk nothing is destroyed nor
// registered. Files a crash left in `.incoming` go by their file name's time
// (retention.incoming.ts). A failure on one camera is reported (critical technical event +
// `recording.purge_failed` audit row) and the other cameras go on.
import { dirname, join } from 'node:path';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import { systemActor } from '../audit/index.ts';
import type { MarkerCheck, StorageVolume } from '../storage/index.ts';
import type { CameraRetentionFacts } from './retention.inventory.ts';
import { IncomingOrphanPurge } from './retention.incoming.ts';
import type { RetentionRepository } from './retention.repository.ts';
import {
  describeError,
  nodePurgeFileSystem,
  type EarlyDestructionReport,
  type PurgeCandidate,
  type PurgeFileSystem,
  type PurgeReport,
  type RetentionPurgeDeps,
  type TechnicalEvent,
  type CameraPurgeResult,
} from './retention.types.ts';
import { effectiveRetention, mergeRanges, planPurge, purgeCutoffMs, purgedRuns } from './retention.rules.ts';

export {
  nodePurgeFileSystem,
  type CameraPurgeResult,
  type EarlyDestructionReport,
  type PurgeFileSystem,
  type PurgeReport,
  type RetentionPurgeDeps,
  type TechnicalEvent,
} from './retention.types.ts';

/** While a volume's marker stays missing (or a camera's purge keeps failing), its event and audit row are repeated at most this often, not at every 30-s pass. */
export const ALERT_REPEAT_MS = 3_600_000;

/** What one destruction writes: register kind, audit action, their details. */
interface DestructionRecord {
  kind: 'destroyed' | 'destroyed_early';
  action: 'recording.purged' | 'recording.destroyed_early';
  details: Record<string, unknown>;
  auditDetails: Record<string, unknown>;
  /** Gap rows ending before this instant go with the footage (retention only). */
  gapsBeforeMs: number | null;
}

export class RetentionPurge {
  private readonly fileSystem: PurgeFileSystem;
  private readonly log: ProcessLog;
  private readonly maxSegmentsPerCamera: number;
  private running: Promise<PurgeReport> | null = null;
  private volumes: readonly StorageVolume[] = [];
  private earlyQueue: Promise<unknown> | null = null;
  private readonly orphans: IncomingOrphanPurge;
  /** Conditions that last (a volume without marker, a camera failing, a clamped retention) and when each was last raised. */
  private readonly alerts = new Map<string, number>();

  constructor(private readonly deps: RetentionPurgeDeps) {
    this.fileSystem = deps.fileSystem ?? nodePurgeFileSystem;
    this.log = deps.log ?? silentLog;
    this.maxSegmentsPerCamera = deps.maxSegmentsPerCamera ?? 20_000;
    this.orphans = new IncomingOrphanPurge({ repository: deps.repository, audit: deps.audit });
  }

  /** One pass over every camera with footage; a second call while one runs joins it. */
  run(now: Date = this.deps.clock.now()): Promise<PurgeReport> {
    // An early destruction in progress finishes first: two passes must not destroy the same segment.
    this.running ??= (this.earlyQueue ?? Promise.resolve())
      .then(() => this.runOnce(now))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async runOnce(now: Date): Promise<PurgeReport> {
    const report: PurgeReport = { at: now.toISOString(), cameras: [], unmarkedVolumes: [], unindexed: [], failures: 0 };
    let settings: Map<string, CameraRetentionFacts>;
    let cameraIds: string[];
    try {
      await this.loadVolumes();
      report.unmarkedVolumes = await this.unmarkedVolumes(now);
      settings = new Map((await this.deps.inventory.retentionSettings()).map((facts) => [facts.cameraId, facts]));
      cameraIds = (await this.deps.footage.camerasWithFootage()).map((row) => row.cameraId);
    } catch (error) {
      report.failures++;
      await this.reportFailure(null, null, error, now);
      return report;
    }
    report.failures += report.unmarkedVolumes.length;
    for (const cameraId of cameraIds) {
      const facts = settings.get(cameraId);
      const result = await this.purgeCamera(cameraId, facts, now, report.unmarkedVolumes);
      if (result.error) report.failures++;
      report.cameras.push(result);
    }
    const markedVolumes = this.volumes.filter((volume) => !report.unmarkedVolumes.includes(volume.name));
    const retentionOf = (cameraId: string) => effectiveRetention(settings.get(cameraId) ?? { cameraRetentionDays: null, communeRetentionDays: null });
    try {
      report.unindexed = await this.orphans.run(now, markedVolumes, retentionOf);
    } catch (error) {
      report.failures++;
      await this.reportFailure(null, null, error, now);
    }
    for (const result of report.unindexed.filter((candidate) => candidate.error)) {
      report.failures++;
      await this.reportFailure(result.cameraId, result.communeInsee, result.error, now);
    }
    return report;
  }

  /**
   * Volumes whose marker is not in place: nothing on them is destroyed (every file would look
   * "already missing" on an unmounted disk). Raised as a critical event with a
   * `recording.purge_failed` audit row when it starts, then at most hourly while it lasts.
   */
  private async unmarkedVolumes(now: Date): Promise<string[]> {
    const unmarked: string[] = [];
    for (const volume of this.volumes) {
      if (await this.markerInPlace(volume, now)) continue;
      unmarked.push(volume.name);
    }
    return unmarked;
  }

  private async markerInPlace(volume: StorageVolume, now: Date): Promise<boolean> {
    const check: MarkerCheck = await this.deps.markers
      .check(volume)
      .catch(
        (error: unknown) =>
          ({ present: false, reason: 'unreadable', message: `marker of volume ${volume.name} not checked: ${describeError(error)}` }) as const,
      );
    if (check.present) {
      this.alerts.delete(`marker:${volume.name}`);
      return true;
    }
    if (this.alertDue(`marker:${volume.name}`, now)) {
      const message = `volume ${volume.name} (${volume.root}): no footage destroyed on it: ${check.message}`;
      const event: TechnicalEvent = {
        severity: 'critical',
        code: 'volume_marker_missing',
        cameraId: null,
        communeInsee: null,
        volume: volume.name,
        message,
        at: now.toISOString(),
        details: { root: volume.root, reason: check.reason },
      };
      this.log.warn({ volume: volume.name, reason: check.reason }, 'volume marker missing: nothing destroyed on it');
      try {
        await this.deps.audit.recordAlone(systemActor, {
          action: 'recording.purge_failed',
          communeInsee: null,
          targetType: 'storage_volume',
          targetId: volume.name,
          details: { message, reason: check.reason, root: volume.root },
        });
      } catch (auditError) {
        event.message += ` (audit row not written: ${describeError(auditError)})`;
      }
      this.emit(event);
    }
    return false;
  }

  /**
   * A pass runs every 30 s: a condition that lasts is raised (event and audit row) when it
   * starts, then at most every ALERT_REPEAT_MS, not at every pass; the log has each.
   */
  private alertDue(key: string, now: Date): boolean {
    const lastMs = this.alerts.get(key);
    if (lastMs !== undefined && now.getTime() - lastMs < ALERT_REPEAT_MS && now.getTime() >= lastMs) return false;
    this.alerts.set(key, now.getTime());
    return true;
  }

  private async purgeCamera(
    cameraId: string,
    facts: CameraRetentionFacts | undefined,
    now: Date,
    unmarkedVolumes: readonly string[],
  ): Promise<CameraPurgeResult> {
    const retention = effectiveRetention(facts ?? { cameraRetentionDays: null, communeRetentionDays: null });
    const cutoffMs = purgeCutoffMs(now.getTime(), retention.days);
    const result: CameraPurgeResult = {
      cameraId,
      communeInsee: facts?.communeInsee ?? null,
      retentionDays: retention.days,
      cutoff: new Date(cutoffMs).toISOString(),
      destroyedSegments: 0,
      destroyedBytes: 0,
      heldSegments: 0,
      lapsedHoldSegments: 0,
      registerIds: [],
      error: null,
    };
    if (retention.clampedFrom === null) this.alerts.delete(`clamped:${cameraId}`);
    else if (this.alertDue(`clamped:${cameraId}`, now)) {
      // LEGAL 6: 30 days at most whatever the data says; settings are checked on save, so this is a data problem.
      this.log.warn({ cameraId, stored: retention.clampedFrom, applied: retention.days, source: retention.source }, 'retention outside 1..30 days clamped');
      this.emit({
        severity: 'warning',
        code: 'retention_clamped',
        cameraId,
        communeInsee: result.communeInsee,
        at: now.toISOString(),
        message: `stored ${retention.source} retention ${retention.clampedFrom} d applied as ${retention.days} d`,
      });
    }
    try {
      const candidates = await this.deps.footage.candidates(cameraId, cutoffMs, this.maxSegmentsPerCamera, unmarkedVolumes);
      if (candidates.length === 0) return result;
      result.communeInsee = candidates[0]!.communeInsee;
      const holds = await this.deps.repository.activeHoldsOf(cameraId, now.toISOString());
      const plan = planPurge(candidates, cutoffMs, holds);
      result.heldSegments = plan.held.length;
      result.lapsedHoldSegments = plan.lapsedHoldSegments;
      const { destroyed, failure } = await this.removeFiles(plan.purgeable);
      if (destroyed.length > 0) {
        const retentionFacts = {
          retentionDays: retention.days,
          retentionSource: retention.source,
          retentionClampedFrom: retention.clampedFrom,
          cutoff: result.cutoff,
        };
        result.registerIds = await this.commit(
          cameraId,
          destroyed,
          {
            kind: 'destroyed',
            action: 'recording.purged',
            details: { ...retentionFacts, cause: 'retention' },
            auditDetails: { ...retentionFacts, heldSegments: result.heldSegments, lapsedHoldSegments: result.lapsedHoldSegments },
            gapsBeforeMs: cutoffMs,
          },
          now,
        );
        result.destroyedSegments = destroyed.length;
        result.destroyedBytes = destroyed.reduce((sum, segment) => sum + segment.bytes, 0);
        await this.removeEmptyFolders(destroyed);
      }
      if (failure) throw failure;
      this.alerts.delete(`failed:${cameraId}`);
    } catch (error) {
      result.error = describeError(error);
      await this.reportFailure(cameraId, result.communeInsee, error, now);
    }
    return result;
  }

  /** Unlinks files in chain order and stops at the first one that cannot be removed. */
  private async removeFiles(segments: readonly PurgeCandidate[]): Promise<{ destroyed: PurgeCandidate[]; failure: Error | null }> {
    const destroyed: PurgeCandidate[] = [];
    for (const segment of segments) {
      try {
        await this.fileSystem.remove(this.absolutePath(segment));
        destroyed.push(segment);
      } catch (error) {
        return { destroyed, failure: new Error(`segment ${segment.id} (${segment.volume}:${segment.path}) not destroyed: ${describeError(error)}`) };
      }
    }
    return { destroyed, failure: null };
  }

  private absolutePath(segment: PurgeCandidate): string {
    const volume = this.volumes.find((candidate) => candidate.name === segment.volume);
    if (!volume) throw new Error(`unknown storage volume ${segment.volume}`);
    return join(volume.root, segment.path);
  }

  private commit(cameraId: string, destroyed: readonly PurgeCandidate[], what: DestructionRecord, now: Date): Promise<number[]> {
    const at = now.toISOString();
    const communeInsee = destroyed[0]!.communeInsee;
    const runs = purgedRuns(destroyed);
    const ranges = mergeRanges(destroyed);
    const bytes = destroyed.reduce((sum, segment) => sum + segment.bytes, 0);
    return this.deps.repository.transaction(async (trx) => {
      const deleted = await this.deps.footage.deleteSegments(
        trx,
        destroyed.map((segment) => segment.id),
      );
      // Another purge got there first: roll back rather than register the destruction twice.
      if (deleted !== destroyed.length) throw new Error(`expected to delete ${destroyed.length} index rows, deleted ${deleted}`);
      if (what.gapsBeforeMs !== null) await this.deps.footage.deleteGapsBefore(trx, cameraId, what.gapsBeforeMs);
      await this.deps.footage.insertPurgedRuns(trx, cameraId, communeInsee, runs, at);
      const registerIds = await this.deps.repository.insertRegisterEntries(
        trx,
        ranges.map((range) => ({
          at,
          communeInsee,
          cameraId,
          kind: what.kind,
          fromMs: range.startMs,
          toMs: range.endMs,
          segments: range.segments,
          bytes: range.bytes,
          reference: null,
          details: what.details,
        })),
      );
      await this.deps.audit.record(trx, systemActor, {
        action: what.action,
        communeInsee,
        targetType: 'camera',
        targetId: cameraId,
        details: {
          ...what.auditDetails,
          segments: destroyed.length,
          bytes,
          ranges: ranges.map((range) => ({ from: new Date(range.startMs).toISOString(), to: new Date(range.endMs).toISOString(), segments: range.segments })),
          chainRuns: runs.map((run) => ({
            firstSegmentId: run.firstSegmentId,
            lastSegmentId: run.lastSegmentId,
            prevHash: run.prevHash,
            lastChainHash: run.lastChainHash,
          })),
          registerIds,
        },
      });
      return registerIds;
    });
  }

  /**
   * Destroys a volume's oldest footage before its retention because the volume runs out of
   * space (issue 4 item 6): oldest first across its cameras, never a segment under any active
   * legal hold (with or without a procedure reference), until `bytesToFree` are freed or nothing
   * destroyable is left. Each camera's destruction is one transaction with `destroyed_early`
   * register rows and a `recording.destroyed_early` audit row; the caller raises the events.
   * Runs under the same lock as the retention pass.
   */
  destroyEarly(volume: string, bytesToFree: number, now: Date = this.deps.clock.now()): Promise<EarlyDestructionReport> {
    const work = async (): Promise<EarlyDestructionReport> => {
      await this.running?.catch(() => undefined);
      return this.destroyEarlyOnce(volume, bytesToFree, now);
    };
    const next = (this.earlyQueue ?? Promise.resolve()).then(work, work);
    this.earlyQueue = next.catch(() => undefined);
    return next;
  }

  private async loadVolumes(): Promise<void> {
    this.volumes = typeof this.deps.volumes === 'function' ? await this.deps.volumes() : this.deps.volumes;
  }

  private async destroyEarlyOnce(volume: string, bytesToFree: number, now: Date): Promise<EarlyDestructionReport> {
    await this.loadVolumes();
    const report: EarlyDestructionReport = {
      volume,
      requestedBytes: bytesToFree,
      destroyedBytes: 0,
      destroyedSegments: 0,
      heldSegments: 0,
      cameras: [],
      errors: [],
    };
    // An unmounted disk looks empty and small: nothing on it is destroyed early either.
    const storage = this.volumes.find((candidate) => candidate.name === volume);
    if (storage && !(await this.markerInPlace(storage, now))) {
      report.errors.push(`volume ${volume}: marker missing, nothing destroyed`);
      return report;
    }
    const holdsByCamera = new Map<string, Awaited<ReturnType<RetentionRepository['activeHoldsOf']>>>();
    let cursorMs = Number.MIN_SAFE_INTEGER;
    const seen = new Set<number>();
    while (report.destroyedBytes < bytesToFree) {
      const batch = (await this.deps.footage.oldestOnVolume(volume, cursorMs, 500)).filter((segment) => !seen.has(segment.id));
      if (batch.length === 0) break;
      const chosen = new Map<string, PurgeCandidate[]>();
      let planned = report.destroyedBytes;
      for (const segment of batch) {
        seen.add(segment.id);
        cursorMs = segment.startMs;
        if (planned >= bytesToFree) break;
        if (!holdsByCamera.has(segment.cameraId))
          holdsByCamera.set(segment.cameraId, await this.deps.repository.activeHoldsOf(segment.cameraId, now.toISOString()));
        if (holdsByCamera.get(segment.cameraId)!.some((hold) => segment.startMs < hold.toMs && segment.endMs > hold.fromMs)) {
          report.heldSegments++;
          continue;
        }
        chosen.set(segment.cameraId, [...(chosen.get(segment.cameraId) ?? []), segment]);
        planned += segment.bytes;
      }
      for (const [cameraId, segments] of chosen) {
        segments.sort((a, b) => a.id - b.id);
        try {
          const { destroyed, failure } = await this.removeFiles(segments);
          if (destroyed.length > 0) {
            const bytes = destroyed.reduce((sum, segment) => sum + segment.bytes, 0);
            const details = { cause: 'storage_low', volume, requestedBytes: bytesToFree };
            const registerIds = await this.commit(
              cameraId,
              destroyed,
              { kind: 'destroyed_early', action: 'recording.destroyed_early', details, auditDetails: details, gapsBeforeMs: null },
              now,
            );
            await this.removeEmptyFolders(destroyed);
            report.destroyedBytes += bytes;
            report.destroyedSegments += destroyed.length;
            report.cameras.push({
              cameraId,
              communeInsee: destroyed[0]!.communeInsee,
              segments: destroyed.length,
              bytes,
              fromMs: destroyed[0]!.startMs,
              toMs: destroyed.at(-1)!.endMs,
              registerIds,
            });
          }
          if (failure) throw failure;
        } catch (error) {
          report.errors.push(`${cameraId}: ${describeError(error)}`);
          await this.reportFailure(cameraId, segments[0]!.communeInsee, error, now);
        }
      }
      if (report.errors.length > 0) break;
    }
    return report;
  }

  private async removeEmptyFolders(destroyed: readonly PurgeCandidate[]): Promise<void> {
    const folders = new Set(destroyed.map((segment) => dirname(this.absolutePath(segment))));
    for (const folder of folders) await this.fileSystem.removeEmptyDirectory(folder);
  }

  private async reportFailure(cameraId: string | null, communeInsee: string | null, error: unknown, now: Date): Promise<void> {
    const event: TechnicalEvent = { severity: 'critical', code: 'purge_failed', cameraId, communeInsee, message: describeError(error), at: now.toISOString() };
    this.log.warn({ cameraId, error: event.message }, 'retention purge failed');
    if (!this.alertDue(`failed:${cameraId ?? '*'}`, now)) return;
    try {
      await this.deps.audit.recordAlone(systemActor, {
        action: 'recording.purge_failed',
        communeInsee,
        targetType: cameraId ? 'camera' : null,
        targetId: cameraId,
        details: { message: event.message },
      });
    } catch (auditError) {
      event.message += ` (audit row not written: ${describeError(auditError)})`;
    }
    this.emit(event);
  }

  private emit(event: TechnicalEvent): void {
    try {
      this.deps.onTechnicalEvent?.(event);
    } catch (listenerError) {
      this.log.warn({ error: describeError(listenerError) }, 'technical event listener failed');
    }
  }
}
