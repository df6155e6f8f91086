// The periodic check that privacy masks are in force (LEGAL 4). For each camera with
// camera-wide masks, one frame of its newest recorded segment is decoded to gray and every
// masked polygon must be uniform there: a camera in `in_camera` mode must have masked its
// picture itself, one in `server` mode proves that the recorder burnt the mask in. A failure
// is a critical technical event `mask_not_in_force` and a `recording.mask_check_failed` audit
// row; a frame that cannot be read is a warning `mask_check_failed`. A picture uniform outside
// the masks as well (black, covered lens) proves nothing and counts as inconclusive. Masks of
// a PTZ preset are not checked: the index does not say where the camera was pointing.
import { join } from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import { grabGrayFrameArgs } from '../../platform/media/ffmpeg-args.ts';
import { maskedAreasUniform, type MaskedAreaStatistics } from '../../platform/media/mask-image.ts';
import { FFMPEG_PATH, silentLog, type ProcessLog } from '../../platform/processes.ts';
import { runToCompletion } from '../../platform/process-runs.ts';
import { systemActor, type AuditApi } from '../audit/index.ts';
import type { StorageVolume } from '../storage/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import type { MasksRepository } from './masks.repository.ts';
import type { MaskMode } from './masks.rules.ts';
import type { MasksService } from './masks.service.ts';

/** Gray levels: a masked area varies by less than this (encoder noise on a flat fill is below 1). */
export const DEFAULT_MASK_TOLERANCE = 3;
/** Footage older than this says nothing about the masks in force now. */
export const DEFAULT_MASK_FOOTAGE_AGE_MS = 60 * 60_000;
/** Frames wider than this are scaled down before the check (uniformity survives scaling). */
export const MASK_CHECK_MAX_WIDTH = 960;

export type GrabFrame = (path: string, width: number, height: number) => Promise<Uint8Array>;

/** A recorded segment, as the check needs it. */
export interface CheckedSegment {
  id: number;
  volume: string;
  path: string;
  startMs: number;
  endMs: number;
  width: number;
  height: number;
}

/** What the check reads of the segment index (the recording module's): each camera's newest segment. */
export interface MaskFootage {
  newestSegment(cameraId: string): Promise<CheckedSegment | undefined>;
}

export interface MaskCheckDeps {
  repository: Pick<MasksRepository, 'maskedCameras'>;
  masks: Pick<MasksService, 'effectiveMask'>;
  footage: MaskFootage;
  volumes(): Promise<readonly StorageVolume[]>;
  audit: Pick<AuditApi, 'recordAlone'>;
  clock: Clock;
  /** Decodes one frame to 8-bit gray (default: ffmpeg through runToCompletion). */
  grabFrame?: GrabFrame;
  /** ffmpeg's command for the default grabFrame (config.ts's `tools.ffmpegPath`); default: `ffmpeg` on PATH. */
  ffmpegPath?: string;
  onTechnicalEvent?: (event: TechnicalEvent) => unknown;
  log?: ProcessLog;
  tolerance?: number;
  maxFootageAgeMs?: number;
}

export type MaskCheckOutcome = 'passed' | 'failed' | 'inconclusive' | 'skipped' | 'error';

export interface CameraMaskCheck {
  cameraId: string;
  communeInsee: string;
  mode: MaskMode | null;
  outcome: MaskCheckOutcome;
  segmentId: number | null;
  detail: string;
  polygons: MaskedAreaStatistics[];
}

export interface MaskCheckReport {
  at: string;
  passed: number;
  failed: number;
  inconclusive: number;
  skipped: number;
  errors: number;
  cameras: CameraMaskCheck[];
}

export const ffmpegGrabFrame = async (path: string, width: number, height: number, ffmpegPath = FFMPEG_PATH): Promise<Uint8Array> => {
  const result = await runToCompletion(ffmpegPath, grabGrayFrameArgs(path, width, height), { timeoutMs: 30_000, maxOutputBytes: width * height * 2 });
  if (result.code !== 0) throw new Error(`ffmpeg could not decode a frame of ${path}: ${result.stderr.trim().slice(0, 300)}`);
  if (result.stdout.length < width * height) throw new Error(`ffmpeg gave ${result.stdout.length} bytes for a ${width}x${height} frame`);
  return result.stdout;
};

/** The size the frame is decoded at: the recorded size, at most MASK_CHECK_MAX_WIDTH wide, even. */
export function checkFrameSize(segment: Pick<CheckedSegment, 'width' | 'height'>): { width: number; height: number } {
  if (!(segment.width >= 2 && segment.height >= 2)) return { width: 640, height: 360 };
  const scale = Math.min(1, MASK_CHECK_MAX_WIDTH / segment.width);
  const even = (value: number) => Math.max(2, 2 * Math.round(value / 2));
  return { width: even(segment.width * scale), height: even(segment.height * scale) };
}

export class MaskCheck {
  private running: Promise<MaskCheckReport> | null = null;
  private readonly log: ProcessLog;

  constructor(private readonly deps: MaskCheckDeps) {
    this.log = deps.log ?? silentLog;
  }

  /** One pass over every masked camera, one at a time; a second call while one runs joins it. */
  run(now: Date = this.deps.clock.now()): Promise<MaskCheckReport> {
    this.running ??= this.runOnce(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(now: Date): Promise<MaskCheckReport> {
    const report: MaskCheckReport = { at: now.toISOString(), passed: 0, failed: 0, inconclusive: 0, skipped: 0, errors: 0, cameras: [] };
    const volumes = new Map((await this.deps.volumes()).map((volume) => [volume.name, volume.root]));
    for (const { cameraId, communeInsee } of await this.deps.repository.maskedCameras()) {
      const result = await this.checkCamera(cameraId, communeInsee, volumes, now);
      report.cameras.push(result);
      if (result.outcome === 'error') report.errors++;
      else report[result.outcome]++;
    }
    return report;
  }

  private async checkCamera(cameraId: string, communeInsee: string, volumes: Map<string, string>, now: Date): Promise<CameraMaskCheck> {
    const result: CameraMaskCheck = { cameraId, communeInsee, mode: null, outcome: 'skipped', segmentId: null, detail: '', polygons: [] };
    try {
      const mask = await this.deps.masks.effectiveMask(cameraId, null);
      result.mode = mask.mode;
      if (mask.polygons.length === 0) return { ...result, detail: 'only PTZ preset masks: the position of the recorded footage is unknown' };
      const segment = await this.deps.footage.newestSegment(cameraId);
      const maxAge = this.deps.maxFootageAgeMs ?? DEFAULT_MASK_FOOTAGE_AGE_MS;
      if (!segment || segment.endMs < now.getTime() - maxAge) return { ...result, detail: 'no recent footage' };
      result.segmentId = segment.id;
      const root = volumes.get(segment.volume);
      if (root === undefined) throw new Error(`unknown storage volume ${segment.volume}`);
      const { width, height } = checkFrameSize(segment);
      const file = join(root, segment.path);
      const pixels = await (this.deps.grabFrame ? this.deps.grabFrame(file, width, height) : ffmpegGrabFrame(file, width, height, this.deps.ffmpegPath));
      const tolerance = this.deps.tolerance ?? DEFAULT_MASK_TOLERANCE;
      const uniformity = maskedAreasUniform(pixels, width, height, mask.polygons, tolerance);
      result.polygons = uniformity.polygons;
      if (uniformity.uniform) {
        const blank = uniformity.outsidePixels > 0 && uniformity.outsideStandardDeviation <= tolerance;
        return {
          ...result,
          outcome: blank ? 'inconclusive' : 'passed',
          detail: blank ? 'the whole picture is uniform: nothing to compare with' : 'masked areas uniform',
        };
      }
      const worst = uniformity.polygons
        .filter((area) => area.pixels === 0 || area.standardDeviation > tolerance)
        .sort((a, b) => b.standardDeviation - a.standardDeviation)[0]!;
      result.outcome = 'failed';
      result.detail = `masked areas not uniform in segment ${segment.id} (polygon ${worst.polygon + 1}: standard deviation ${worst.standardDeviation} over ${worst.pixels} pixels, tolerance ${tolerance}; mode ${mask.mode})`;
      await this.reportFailure(result, segment, tolerance, now);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn({ camera: cameraId, error: message }, 'privacy mask check failed');
      await this.emit({
        severity: 'warning',
        code: 'mask_check_failed',
        cameraId,
        communeInsee,
        message: `privacy mask of camera ${cameraId} not checked: ${message}`,
        at: now.toISOString(),
      });
      return { ...result, outcome: 'error', detail: message };
    }
  }

  private async reportFailure(result: CameraMaskCheck, segment: CheckedSegment, tolerance: number, now: Date): Promise<void> {
    let auditNote = '';
    try {
      await this.deps.audit.recordAlone(systemActor, {
        action: 'recording.mask_check_failed',
        communeInsee: result.communeInsee,
        targetType: 'camera',
        targetId: result.cameraId,
        details: { mode: result.mode, segmentId: segment.id, segmentStart: new Date(segment.startMs).toISOString(), tolerance, polygons: result.polygons },
      });
    } catch (error) {
      auditNote = ` (audit row NOT written: ${error instanceof Error ? error.message : String(error)})`;
    }
    this.log.warn({ camera: result.cameraId, detail: result.detail }, 'privacy mask not in force');
    await this.emit({
      severity: 'critical',
      code: 'mask_not_in_force',
      cameraId: result.cameraId,
      communeInsee: result.communeInsee,
      message: `privacy mask of camera ${result.cameraId} not in force: ${result.detail}${auditNote}`,
      at: now.toISOString(),
    });
  }

  private async emit(event: TechnicalEvent): Promise<void> {
    try {
      await this.deps.onTechnicalEvent?.(event);
    } catch (error) {
      this.log.warn({ camera: event.cameraId, error: error instanceof Error ? error.message : String(error) }, 'technical event not delivered');
    }
  }
}
