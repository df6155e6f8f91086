// Retention of the files left in `.incoming` by a crash (issue 11 item 9): no index row knows
// them, so the purge goes by their file name's time (the second ffmpeg opened them: their first
// frame) and the camera's effective retention (30 days for a camera no longer in the inventory).
// A file goes once that time reaches retention, unless a confirmed legal hold covers it. The
// file is removed first, then one transaction per camera writes its `destroyed` register rows
// (details `unindexed: true`) and a `recording.purged_unindexed` audit row; a file already gone
// (indexed by a restarted recorder meanwhile) registers nothing. Walking every camera folder
// at each 30-s pass would be wasteful: the folders are walked every few minutes, and the files
// seen are held against retention at every pass (a new file is opened "now", so it is seen
// long before its retention comes).
import { readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SEGMENT_LIST_SUFFIX } from '../../platform/media/ffmpeg-args.ts';
import { systemActor, type AuditApi } from '../audit/index.ts';
import { incomingFiles, type IncomingFile } from '../recording/index.ts';
import type { StorageVolume } from '../storage/index.ts';
import type { RetentionRepository } from './retention.repository.ts';
import { holdKeepsPastRetention, mergeRanges, purgeCutoffMs, type EffectiveRetention } from './retention.rules.ts';

export const INCOMING_RESCAN_MS = 5 * 60_000;

export interface OrphanPurgeResult {
  volume: string;
  cameraId: string;
  communeInsee: string;
  destroyedFiles: number;
  destroyedBytes: number;
  heldFiles: number;
  registerIds: number[];
  error: Error | null;
}

export interface IncomingOrphanDeps {
  repository: RetentionRepository;
  audit: AuditApi;
  /** Removes a file; resolves false if it was already gone (nothing is then registered). */
  removeFile?: (absolutePath: string) => Promise<boolean>;
  rescanIntervalMs?: number;
}

async function removeIfPresent(absolutePath: string): Promise<boolean> {
  try {
    // Files in `.incoming` were never made read-only (ffmpeg was writing them): unlink needs only the folder.
    await unlink(absolutePath);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
}

export class IncomingOrphanPurge {
  private known: IncomingFile[] = [];
  private scannedAtMs = Number.NEGATIVE_INFINITY;
  private scannedVolumes = '';
  private readonly removeFile: (absolutePath: string) => Promise<boolean>;
  private readonly rescanIntervalMs: number;

  constructor(private readonly deps: IncomingOrphanDeps) {
    this.removeFile = deps.removeFile ?? removeIfPresent;
    this.rescanIntervalMs = deps.rescanIntervalMs ?? INCOMING_RESCAN_MS;
  }

  /** Destroys the due `.incoming` files of these (marked) volumes; one result per camera that had any. */
  async run(now: Date, volumes: readonly StorageVolume[], retentionOf: (cameraId: string) => EffectiveRetention): Promise<OrphanPurgeResult[]> {
    const nowMs = now.getTime();
    const volumesKey = volumes
      .map((volume) => `${volume.name}\u0000${volume.root}`)
      .sort()
      .join('\n');
    if (nowMs - this.scannedAtMs >= this.rescanIntervalMs || nowMs < this.scannedAtMs || volumesKey !== this.scannedVolumes) {
      const seen: IncomingFile[] = [];
      for (const volume of volumes) for await (const file of incomingFiles(volume)) if (file.startMs !== null) seen.push(file);
      this.known = seen;
      this.scannedAtMs = nowMs;
      this.scannedVolumes = volumesKey;
    }
    const groups = new Map<string, { cutoffMs: number; retention: EffectiveRetention; files: IncomingFile[] }>();
    for (const file of this.known) {
      const retention = retentionOf(file.cameraId);
      const cutoffMs = purgeCutoffMs(nowMs, retention.days);
      if (file.startMs! > cutoffMs) continue;
      const key = `${file.volume}\u0000${file.communeInsee}\u0000${file.cameraId}`;
      const group = groups.get(key) ?? { cutoffMs, retention, files: [] };
      group.files.push(file);
      groups.set(key, group);
    }
    const results: OrphanPurgeResult[] = [];
    for (const { cutoffMs, retention, files } of groups.values()) {
      const volume = volumes.find((candidate) => candidate.name === files[0]!.volume)!;
      results.push(await this.purgeCamera(volume, files, retention, cutoffMs, now));
    }
    return results;
  }

  private async purgeCamera(
    volume: StorageVolume,
    files: IncomingFile[],
    retention: EffectiveRetention,
    cutoffMs: number,
    now: Date,
  ): Promise<OrphanPurgeResult> {
    const { cameraId, communeInsee } = files[0]!;
    const result: OrphanPurgeResult = {
      volume: volume.name,
      cameraId,
      communeInsee,
      destroyedFiles: 0,
      destroyedBytes: 0,
      heldFiles: 0,
      registerIds: [],
      error: null,
    };
    const destroyed: IncomingFile[] = [];
    const gone = new Set<IncomingFile>();
    try {
      const holds = await this.deps.repository.activeHoldsOf(cameraId, now.toISOString());
      for (const file of files) {
        if (holds.some((hold) => holdKeepsPastRetention(hold, { startMs: file.startMs!, endMs: file.endMs }))) {
          result.heldFiles++;
          continue;
        }
        if (await this.removeFile(join(volume.root, file.path))) destroyed.push(file);
        gone.add(file);
      }
    } catch (error) {
      result.error = new Error(
        `unindexed file of camera ${cameraId} on ${volume.name} not destroyed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.known = this.known.filter((file) => !gone.has(file));
    if (destroyed.length === 0) return result;
    result.destroyedFiles = destroyed.length;
    result.destroyedBytes = destroyed.reduce((sum, file) => sum + file.bytes, 0);
    try {
      result.registerIds = await this.register(volume, destroyed, retention, cutoffMs, result.heldFiles, now);
    } catch (error) {
      // The files are gone: the failure (critical event, audit row) names them, since no row will.
      const names = destroyed.map((file) => file.path);
      result.error = new Error(
        `${destroyed.length} unindexed file(s) destroyed but not registered (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    await this.removeSegmentLists(volume, destroyed);
    return result;
  }

  private register(
    volume: StorageVolume,
    destroyed: readonly IncomingFile[],
    retention: EffectiveRetention,
    cutoffMs: number,
    heldFiles: number,
    now: Date,
  ): Promise<number[]> {
    const { cameraId, communeInsee } = destroyed[0]!;
    const at = now.toISOString();
    const cutoff = new Date(cutoffMs).toISOString();
    const ranges = mergeRanges(destroyed.map((file) => ({ startMs: file.startMs!, endMs: file.endMs, bytes: file.bytes })));
    const details = { cause: 'retention', unindexed: true, volume: volume.name, retentionDays: retention.days, retentionSource: retention.source, cutoff };
    return this.deps.repository.transaction(async (trx) => {
      const registerIds = await this.deps.repository.insertRegisterEntries(
        trx,
        ranges.map((range) => ({
          at,
          communeInsee,
          cameraId,
          kind: 'destroyed',
          fromMs: range.startMs,
          toMs: range.endMs,
          segments: range.segments,
          bytes: range.bytes,
          reference: null,
          details,
        })),
      );
      await this.deps.audit.record(trx, systemActor, {
        action: 'recording.purged_unindexed',
        communeInsee,
        targetType: 'camera',
        targetId: cameraId,
        details: {
          ...details,
          heldFiles,
          files: destroyed.map((file) => file.path),
          bytes: destroyed.reduce((sum, file) => sum + file.bytes, 0),
          ranges: ranges.map((range) => ({ from: new Date(range.startMs).toISOString(), to: new Date(range.endMs).toISOString(), files: range.segments })),
          registerIds,
        },
      });
      return registerIds;
    });
  }

  /** A crashed run's segment list names only its files: it goes with the last of them. */
  private async removeSegmentLists(volume: StorageVolume, destroyed: readonly IncomingFile[]): Promise<void> {
    const folder = dirname(join(volume.root, destroyed[0]!.path));
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const runTag of new Set(destroyed.map((file) => file.runTag).filter((tag): tag is string => tag !== null))) {
      if (names.some((name) => name.startsWith(`${runTag}-`) && name.endsWith('.mp4'))) continue;
      await unlink(join(folder, `${runTag}${SEGMENT_LIST_SUFFIX}`)).catch(() => undefined);
    }
  }
}
