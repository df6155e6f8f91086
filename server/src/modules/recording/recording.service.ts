// Recording use cases behind the API (issue 4 item 9): status per camera, recorded ranges and
// gaps over a window (timeline), and the segment listing that playback and exports read. The
// listing gives access to images: it needs `image.playback` on the camera's commune (approval
// and training valid, LEGAL 9) and every call is audited as `image.playback` with its window
// and reason. Status and timeline carry no image (`recording.read`).
import { parisDate, type Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import type { CameraView } from '../cameras/index.ts';
import type { StorageService } from '../storage/index.ts';
import type { CameraQuality } from './quality.monitor.ts';
import { coverage } from './recorded-ranges.ts';
import type { RecordingRepository } from './recording.repository.ts';
import type { RecorderState, SegmentSpan, TimeRange } from './recording.types.ts';

export type Acting = { actor: Actor; principal: Principal };

/** What the service needs of the cameras module. */
export interface RecordingCameras {
  get(cameraId: string, principal: Principal | null): Promise<CameraView>;
  list(principal: Principal | null, filter?: { commune?: string }): Promise<CameraView[]>;
}

/** A legal hold as the timeline shows it. */
export interface TimelineHold {
  id: string;
  fromMs: number;
  toMs: number;
  procedureReference: string | null;
}

/** The unreleased legal holds naming a camera of a commune (the retention module's, given at construction). */
export interface RecordingHolds {
  holdsOf(cameraId: string, communeInsee: string): Promise<readonly TimelineHold[]>;
}

/** What the recorder role of this process knows live (absent in an API-only process). */
export interface LiveRecordingFacts {
  recorderState(cameraId: string): RecorderState | undefined;
  quality(cameraId: string): CameraQuality | undefined;
  viewers(cameraId: string): number;
}

export const MAX_TIMELINE_MS = 31 * 86_400_000;
export const MAX_SEGMENT_LISTING_MS = 24 * 3_600_000;

export interface CameraRecordingStatus {
  cameraId: string;
  name: string;
  communeInsee: string;
  /** The inventory's effective state (disabled, unauthorised, or what the recorder reported). */
  state: string;
  /** This process's recorder, when it runs here. */
  recorder: RecorderState | null;
  lastSegmentEnd: string | null;
  volume: string | null;
  quality: CameraQuality | null;
  liveViewers: number;
}

export interface Timeline {
  cameraId: string;
  from: string;
  to: string;
  recorded: Array<{ from: string; to: string }>;
  recordedSeconds: number;
  gaps: Array<{ from: string; to: string; reason: string | null }>;
  holds: Array<{ id: string; from: string; to: string; procedureReference: string | null }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function parseWindow(from: string, to: string, maxMs: number): TimeRange {
  const startMs = Date.parse(from);
  const endMs = Date.parse(to);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs >= endMs) {
    throw new DomainError('recording_range_invalid', { fr: 'Le début doit précéder la fin.', en: 'The start must precede the end.' });
  }
  if (endMs - startMs > maxMs) {
    const hours = Math.round(maxMs / 3_600_000);
    throw new DomainError('recording_range_invalid', { fr: `Période de ${hours} h au plus.`, en: `A window of at most ${hours} h.` });
  }
  return { startMs, endMs };
}

export class RecordingService {
  constructor(
    private readonly repository: RecordingRepository,
    private readonly holds: RecordingHolds,
    private readonly storage: Pick<StorageService, 'allCameraSettings'>,
    private readonly cameras: RecordingCameras,
    private readonly audit: Pick<AuditApi, 'recordImageAccess'>,
    private readonly clock: Clock,
    /** The recorder role of this process, when it runs here (null: none, e.g. an API-only process). */
    private readonly liveFacts: () => LiveRecordingFacts | null = () => null,
  ) {}

  private get live(): LiveRecordingFacts | null {
    return this.liveFacts();
  }

  async status(principal: Principal, filter: { commune?: string } = {}): Promise<CameraRecordingStatus[]> {
    const cameras = await this.cameras.list(principal, filter);
    const settings = await this.storage.allCameraSettings();
    const heads = await this.repository.heads(cameras.map((camera) => camera.id));
    return cameras.map((camera) => ({
      cameraId: camera.id,
      name: camera.name,
      communeInsee: camera.communeInsee,
      state: camera.state,
      recorder: this.live?.recorderState(camera.id) ?? null,
      lastSegmentEnd: heads.has(camera.id) ? iso(heads.get(camera.id)!) : null,
      volume: settings.get(camera.id)?.volumeName ?? null,
      quality: this.live?.quality(camera.id) ?? null,
      liveViewers: this.live?.viewers(camera.id) ?? 0,
    }));
  }

  async timeline(cameraId: string, from: string, to: string, principal: Principal): Promise<Timeline> {
    const camera = await this.cameras.get(cameraId, principal);
    assertAllowed(principal, 'recording.read', camera.communeInsee, parisDate(this.clock.now()));
    const window = parseWindow(from, to, MAX_TIMELINE_MS);
    // The summary of recorded time, not the segments: ~24 rows a day of window instead of 1,440.
    const recorded = await this.repository.recordedRanges(cameraId, window.startMs, window.endMs);
    const gaps = await this.repository.gapsOverlapping(cameraId, window.startMs, window.endMs);
    // The future is neither recorded nor a gap.
    const computed = coverage(recorded, { startMs: window.startMs, endMs: Math.max(window.startMs, Math.min(window.endMs, this.clock.now().getTime())) });
    const reasons = (range: TimeRange) => gaps.find((gap) => gap.startMs < range.endMs && gap.endMs > range.startMs)?.reason ?? null;
    const holds = await this.holds.holdsOf(cameraId, camera.communeInsee);
    return {
      cameraId,
      from: iso(window.startMs),
      to: iso(window.endMs),
      recorded: computed.ranges.map((range) => ({ from: iso(range.startMs), to: iso(range.endMs) })),
      recordedSeconds: Math.round(computed.recordedMs / 1000),
      gaps: computed.gaps.map((range) => ({ from: iso(range.startMs), to: iso(range.endMs), reason: reasons(range) })),
      holds: holds
        .filter((hold) => hold.fromMs < window.endMs && hold.toMs > window.startMs)
        .map((hold) => ({ id: hold.id, from: iso(hold.fromMs), to: iso(hold.toMs), procedureReference: hold.procedureReference })),
    };
  }

  /** Segments for playback or export: an access to images, audited whatever the result. */
  async segments(cameraId: string, from: string, to: string, reason: string | null, acting: Acting): Promise<{ cameraId: string; segments: SegmentSpan[] }> {
    const camera = await this.cameras.get(cameraId, acting.principal);
    assertAllowed(acting.principal, 'image.playback', camera.communeInsee, parisDate(this.clock.now()));
    const window = parseWindow(from, to, MAX_SEGMENT_LISTING_MS);
    const segments = await this.repository.segmentsOverlapping(cameraId, window.startMs, window.endMs);
    await this.audit.recordImageAccess(acting.actor, {
      kind: 'playback',
      cameraId,
      communeInsee: camera.communeInsee,
      reason,
      details: { step: 'segments_listed', from: iso(window.startMs), to: iso(window.endMs), segments: segments.length },
    });
    return { cameraId, segments };
  }
}
