// The retention purge (LEGAL 6-8). Per camera: effective retention (camera override, else
// commune, never above 30 days), segments ended before now - retention, minus those a legal
// hold with a procedure reference keeps. Files go first (made writable, then unlinked; one
// already missing is fine), then, in one transaction, their index rows, the purged chain runs
// (verification anchor), one `destroyed` register row per contiguous range and one audit row.
// A crash between the two leaves rows whose files are gone, which the next purge completes;
// never a file on disk without its row. A failure on one camera is reported (critical
// technical event + `recording.purge_failed` audit row) and the other cameras go on.
import { chmod, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import { inTransaction, type Db } from '../../platform/db/database.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { systemActor } from '../audit/audit.types.ts';
import type { CameraRetentionFacts, RecordingInventory } from './recording.inventory.ts';
import type { StorageVolume } from './recording.types.ts';
import type { PurgeCandidate, RetentionRepository } from './retention.repository.ts';
import { effectiveRetention, mergeRanges, planPurge, purgeCutoffMs, purgedRuns } from './retention.rules.ts';

/** A technical event for the alarms module; a purge failure is critical (LEGAL 8, L254-1). */
export interface TechnicalEvent {
  severity: 'critical' | 'warning';
  code: 'purge_failed' | 'retention_clamped';
  cameraId: string | null;
  communeInsee: string | null;
  message: string;
  at: string;
}

/** The file operations of a purge, injectable so that tests can make one fail. */
export interface PurgeFileSystem {
  /** Removes a (read-only) segment file; resolves if it is already missing. */
  remove(absolutePath: string): Promise<void>;
  /** Removes a folder if it is empty; never throws. */
  removeEmptyDirectory(absolutePath: string): Promise<void>;
}

const isMissing = (error: unknown) => (error as { code?: string } | null)?.code === 'ENOENT';

export const nodePurgeFileSystem: PurgeFileSystem = {
  async remove(absolutePath) {
    try {
      await chmod(absolutePath, 0o644); // segment files are 0444 once indexed
      await unlink(absolutePath);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  },
  async removeEmptyDirectory(absolutePath) {
    await rmdir(absolutePath).catch(() => undefined);
  },
};

export interface RetentionPurgeDeps {
  db: Db;
  repository: RetentionRepository;
  audit: AuditService;
  clock: Clock;
  inventory: RecordingInventory;
  volumes: readonly StorageVolume[];
  onTechnicalEvent?: (event: TechnicalEvent) => void;
  fileSystem?: PurgeFileSystem;
  log?: ProcessLog;
  /** Segments destroyed per camera and run; the rest waits for the next run (bounded transactions). */
  maxSegmentsPerCamera?: number;
}

export interface CameraPurgeResult {
  cameraId: string;
  communeInsee: string | null;
  retentionDays: number;
  cutoff: string;
  destroyedSegments: number;
  destroyedBytes: number;
  heldSegments: number;
  lapsedHoldSegments: number;
  registerIds: number[];
  error: string | null;
}

export interface PurgeReport {
  at: string;
  cameras: CameraPurgeResult[];
  failures: number;
}

function describeError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export class RetentionPurge {
  private readonly fileSystem: PurgeFileSystem;
  private readonly log: ProcessLog;
  private readonly maxSegmentsPerCamera: number;
  private running: Promise<PurgeReport> | null = null;

  constructor(private readonly deps: RetentionPurgeDeps) {
    this.fileSystem = deps.fileSystem ?? nodePurgeFileSystem;
    this.log = deps.log ?? silentLog;
    this.maxSegmentsPerCamera = deps.maxSegmentsPerCamera ?? 20_000;
  }

  /** One pass over every camera with footage; a second call while one runs joins it. */
  run(now: Date = this.deps.clock.now()): Promise<PurgeReport> {
    this.running ??= this.runOnce(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(now: Date): Promise<PurgeReport> {
    const report: PurgeReport = { at: now.toISOString(), cameras: [], failures: 0 };
    let settings: Map<string, CameraRetentionFacts>;
    let cameraIds: string[];
    try {
      settings = new Map((await this.deps.inventory.retentionSettings(this.deps.db)).map((facts) => [facts.cameraId, facts]));
      cameraIds = (await this.deps.repository.camerasWithFootage()).map((row) => row.cameraId);
    } catch (error) {
      report.failures++;
      await this.reportFailure(null, null, error, now);
      return report;
    }
    for (const cameraId of cameraIds) {
      const facts = settings.get(cameraId);
      const result = await this.purgeCamera(cameraId, facts, now);
      if (result.error) report.failures++;
      report.cameras.push(result);
    }
    return report;
  }

  private async purgeCamera(cameraId: string, facts: CameraRetentionFacts | undefined, now: Date): Promise<CameraPurgeResult> {
    const retention = effectiveRetention(facts ?? { cameraRetentionDays: null, communeRetentionDays: null });
    const cutoffMs = purgeCutoffMs(now.getTime(), retention.days);
    const result: CameraPurgeResult = {
      cameraId, communeInsee: facts?.communeInsee ?? null, retentionDays: retention.days, cutoff: new Date(cutoffMs).toISOString(),
      destroyedSegments: 0, destroyedBytes: 0, heldSegments: 0, lapsedHoldSegments: 0, registerIds: [], error: null,
    };
    if (retention.clampedFrom !== null) {
      // LEGAL 6: 30 days at most whatever the data says; settings are checked on save, so this is a data problem.
      this.log.warn({ cameraId, stored: retention.clampedFrom, applied: retention.days, source: retention.source }, 'retention outside 1..30 days clamped');
      this.emit({
        severity: 'warning', code: 'retention_clamped', cameraId, communeInsee: result.communeInsee, at: now.toISOString(),
        message: `stored ${retention.source} retention ${retention.clampedFrom} d applied as ${retention.days} d`,
      });
    }
    try {
      const candidates = await this.deps.repository.candidates(cameraId, cutoffMs, this.maxSegmentsPerCamera);
      if (candidates.length === 0) return result;
      result.communeInsee = candidates[0]!.communeInsee;
      const holds = await this.deps.repository.activeHoldsOf(cameraId);
      const plan = planPurge(candidates, cutoffMs, holds);
      result.heldSegments = plan.held.length;
      result.lapsedHoldSegments = plan.lapsedHoldSegments;
      const { destroyed, failure } = await this.removeFiles(plan.purgeable);
      if (destroyed.length > 0) {
        result.registerIds = await this.commit(cameraId, destroyed, { ...result, retentionSource: retention.source, retentionClampedFrom: retention.clampedFrom }, now);
        result.destroyedSegments = destroyed.length;
        result.destroyedBytes = destroyed.reduce((sum, segment) => sum + segment.bytes, 0);
        await this.removeEmptyFolders(destroyed);
      }
      if (failure) throw failure;
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
    const volume = this.deps.volumes.find((candidate) => candidate.name === segment.volume);
    if (!volume) throw new Error(`unknown storage volume ${segment.volume}`);
    return join(volume.root, segment.path);
  }

  private commit(cameraId: string, destroyed: readonly PurgeCandidate[], context: CameraPurgeResult & { retentionSource: string; retentionClampedFrom: number | null }, now: Date): Promise<number[]> {
    const at = now.toISOString();
    const communeInsee = destroyed[0]!.communeInsee;
    const runs = purgedRuns(destroyed);
    const ranges = mergeRanges(destroyed);
    const bytes = destroyed.reduce((sum, segment) => sum + segment.bytes, 0);
    const retention = { retentionDays: context.retentionDays, retentionSource: context.retentionSource, retentionClampedFrom: context.retentionClampedFrom, cutoff: context.cutoff };
    return inTransaction(this.deps.db, async (trx) => {
      const deleted = await this.deps.repository.deleteSegments(trx, destroyed.map((segment) => segment.id));
      // Another purge got there first: roll back rather than register the destruction twice.
      if (deleted !== destroyed.length) throw new Error(`expected to delete ${destroyed.length} index rows, deleted ${deleted}`);
      await this.deps.repository.deleteGapsBefore(trx, cameraId, purgeCutoffMs(now.getTime(), context.retentionDays));
      await this.deps.repository.insertPurgedRuns(trx, cameraId, communeInsee, runs, at);
      const registerIds = await this.deps.repository.insertRegisterEntries(trx, ranges.map((range) => ({
        at, communeInsee, cameraId, kind: 'destroyed' as const, fromMs: range.startMs, toMs: range.endMs, segments: range.segments, bytes: range.bytes,
        reference: null, details: { ...retention, cause: 'retention' },
      })));
      await this.deps.audit.record(trx, systemActor, {
        action: 'recording.purged', communeInsee, targetType: 'camera', targetId: cameraId,
        details: {
          ...retention, segments: destroyed.length, bytes, heldSegments: context.heldSegments, lapsedHoldSegments: context.lapsedHoldSegments,
          ranges: ranges.map((range) => ({ from: new Date(range.startMs).toISOString(), to: new Date(range.endMs).toISOString(), segments: range.segments })),
          chainRuns: runs.map((run) => ({ firstSegmentId: run.firstSegmentId, lastSegmentId: run.lastSegmentId, prevHash: run.prevHash, lastChainHash: run.lastChainHash })),
          registerIds,
        },
      });
      return registerIds;
    });
  }

  private async removeEmptyFolders(destroyed: readonly PurgeCandidate[]): Promise<void> {
    const folders = new Set(destroyed.map((segment) => dirname(this.absolutePath(segment))));
    for (const folder of folders) await this.fileSystem.removeEmptyDirectory(folder);
  }

  private async reportFailure(cameraId: string | null, communeInsee: string | null, error: unknown, now: Date): Promise<void> {
    const event: TechnicalEvent = { severity: 'critical', code: 'purge_failed', cameraId, communeInsee, message: describeError(error), at: now.toISOString() };
    this.log.warn({ cameraId, error: event.message }, 'retention purge failed');
    try {
      await this.deps.audit.recordAlone(systemActor, {
        action: 'recording.purge_failed', communeInsee, targetType: cameraId ? 'camera' : null, targetId: cameraId, details: { message: event.message },
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
