// The periodic picture checks (recorder role, every VIGIE_CAMERA_HEALTH_INTERVAL_SECONDS): for
// each camera the recorder receives, the keyframe of its cached GOP is decoded small and grey
// (one ffmpeg per batch of cameras), measured against the camera's reference for the preset it
// is at and against the previous picture, and each check's hysteresis moves on. A fault raised
// or cleared is stored with the still of the moment and becomes a technical event, which the
// alarms module turns into a "tamper suspected" or "picture fault" alarm (restored when every
// check of that kind is clear again). A GOP that did not change since the previous check (the
// stream stalled) is not judged: frozen means the same picture while the stream moves on.
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { LiveInputFormat } from '../../platform/media/live-args.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import type { CameraHealthRepository } from './camera-health.repository.ts';
import type { FrameDecoder, GopOfCamera } from './frame-grabber.ts';
import {
  type CheckState,
  defaultThresholds,
  judge,
  learn,
  learning,
  type Measures,
  measure,
  type PictureCheck,
  pictureChecks,
  type ReferenceModel,
  referenceModel,
  step,
  tamperChecks,
  type Thresholds,
  type Verdicts,
} from './picture-checks.ts';
import { type GrayImage, grayImage } from './picture-metrics.ts';

export interface HealthRecorder {
  readonly live: { snapshot(cameraId: string, timeoutMs: number): Promise<Buffer | null>; formatOf?(cameraId: string): LiveInputFormat };
  readonly fleet: { readonly cameraIds: readonly string[] };
}

export interface CheckRunnerDeps {
  repository: CameraHealthRepository;
  clock: Clock;
  recorder(): HealthRecorder | null;
  presetOf(cameraId: string): string | null;
  communeOf(cameraId: string): Promise<{ communeInsee: string; name: string } | null>;
  decode: FrameDecoder;
  /** The JPEG still of a GOP (masks burnt in as recorded), stored beside a raised fault. */
  still(gop: GopOfCamera): Promise<Buffer | null>;
  raise(event: TechnicalEvent): Promise<unknown>;
  log?: ProcessLog;
  /** Cameras decoded by one ffmpeg. */
  batchSize?: number;
  /** How long a check waits for a camera's GOP. */
  snapshotTimeoutMs?: number;
}

/** What the process knows of one camera between checks. */
export interface CameraRuntime {
  previous: GrayImage | null;
  gopHash: string | null;
  checkedAt: string | null;
  presetToken: string | null;
  measures: Measures | null;
  verdicts: Verdicts | null;
  states: Map<PictureCheck, CheckState & { since: string | null }>;
}

interface CachedReference {
  capturedAt: string;
  model: ReferenceModel;
}

const raiseCodes: Record<PictureCheck, string> = {
  covered: 'picture_covered',
  blurred: 'picture_blurred',
  moved: 'camera_moved',
  obstructed: 'picture_obstructed',
  frozen: 'picture_frozen',
};
const checkLabels: Record<PictureCheck, string> = {
  covered: 'objectif masqué ou image noire',
  blurred: 'image floue',
  moved: 'caméra déplacée ou tournée',
  obstructed: 'objectif obstrué en partie (peinture, autocollant)',
  frozen: 'image figée',
};

/** Whether a GOP is a new one: its length, head and tail (timestamps live there: PES headers, moof decode times), without hashing every byte. */
function gopFingerprint(gop: Buffer): string {
  const edge = 8192;
  const hash = createHash('sha1').update(String(gop.length));
  if (gop.length <= 2 * edge) return hash.update(gop).digest('hex');
  return hash
    .update(gop.subarray(0, edge))
    .update(gop.subarray(gop.length - edge))
    .digest('hex');
}

export function thresholdsOf(overrides: string | undefined): Thresholds {
  return { ...defaultThresholds, ...(overrides ? (JSON.parse(overrides) as Partial<Thresholds>) : {}) };
}

export function referenceFromRow(row: { width: number; height: number; gray: string; learnt: string | null }): ReferenceModel {
  return referenceModel(grayImage(row.width, row.height, new Uint8Array(Buffer.from(row.gray, 'base64'))), row.learnt ? JSON.parse(row.learnt) : null);
}

export class PictureCheckRunner {
  readonly cameras = new Map<string, CameraRuntime>();
  private readonly references = new Map<string, CachedReference>();
  private statesLoaded = false;
  private readonly log: ProcessLog;

  constructor(private readonly deps: CheckRunnerDeps) {
    this.log = deps.log ?? silentLog;
  }

  /** One round over every camera the recorder receives. */
  async run(): Promise<{ checked: number }> {
    const recorder = this.deps.recorder();
    if (!recorder) return { checked: 0 };
    await this.loadStates();
    const thresholds = new Map((await this.deps.repository.settings()).map((row) => [row.camera_id, thresholdsOf(row.thresholds)]));
    await this.refreshReferences();
    const cameraIds = [...recorder.fleet.cameraIds];
    const batchSize = this.deps.batchSize ?? 16;
    let checked = 0;
    for (let start = 0; start < cameraIds.length; start += batchSize) {
      const batch = cameraIds.slice(start, start + batchSize);
      const gops = (await Promise.all(batch.map((cameraId) => this.gopOf(recorder, cameraId)))).filter((gop) => gop !== null);
      const frames = await this.deps.decode(gops);
      for (const gop of gops) {
        const frame = frames.get(gop.cameraId);
        if (!frame) continue;
        await this.check(gop, frame, thresholds.get(gop.cameraId) ?? defaultThresholds);
        checked++;
      }
    }
    return { checked };
  }

  private async gopOf(recorder: HealthRecorder, cameraId: string): Promise<GopOfCamera | null> {
    const gop = await recorder.live.snapshot(cameraId, this.deps.snapshotTimeoutMs ?? 2000);
    if (!gop) return null;
    const runtime = this.runtime(cameraId);
    const hash = gopFingerprint(gop);
    // The same bytes as last time: the stream did not move on (a stall, not a frozen picture).
    if (hash === runtime.gopHash) return null;
    runtime.gopHash = hash;
    return { cameraId, gop, format: recorder.live.formatOf?.(cameraId) ?? 'mpegts' };
  }

  runtime(cameraId: string): CameraRuntime {
    let runtime = this.cameras.get(cameraId);
    if (!runtime) {
      runtime = { previous: null, gopHash: null, checkedAt: null, presetToken: null, measures: null, verdicts: null, states: new Map() };
      this.cameras.set(cameraId, runtime);
    }
    return runtime;
  }

  private async loadStates(): Promise<void> {
    if (this.statesLoaded) return;
    for (const row of await this.deps.repository.states()) {
      this.runtime(row.camera_id).states.set(row.check_name as PictureCheck, { raised: row.raised === 1, streak: 0, since: row.since });
    }
    this.statesLoaded = true;
  }

  /** Reads again the references captured since the last round (by this process or the API's). */
  private async refreshReferences(): Promise<void> {
    const listed = await this.deps.repository.referenceStamps();
    const present = new Set<string>();
    for (const stamp of listed) {
      const key = `${stamp.camera_id}|${stamp.preset_token}`;
      present.add(key);
      if (this.references.get(key)?.capturedAt === stamp.captured_at) continue;
      const row = await this.deps.repository.reference(stamp.camera_id, stamp.preset_token);
      if (row) this.references.set(key, { capturedAt: row.captured_at, model: referenceFromRow(row) });
    }
    for (const key of this.references.keys()) if (!present.has(key)) this.references.delete(key);
  }

  private async check(gop: GopOfCamera, frame: GrayImage, thresholds: Thresholds): Promise<void> {
    const runtime = this.runtime(gop.cameraId);
    const presetToken = this.deps.presetOf(gop.cameraId);
    const cached = this.references.get(`${gop.cameraId}|${presetToken ?? ''}`) ?? null;
    const reference = cached?.model ?? null;
    const now = this.deps.clock.now().toISOString();
    const measures = measure(frame, reference, runtime.previous, thresholds);
    const verdicts = judge(measures, reference, thresholds);
    Object.assign(runtime, { previous: frame, checkedAt: now, presetToken, measures, verdicts });
    if (cached && learning(cached.model, thresholds) && !verdicts.covered) {
      cached.model = { ...cached.model, learnt: learn(cached.model, measures) };
      await this.deps.repository.saveLearnt(gop.cameraId, presetToken ?? '', cached.capturedAt, JSON.stringify(cached.model.learnt));
    }
    for (const check of pictureChecks) {
      const current = runtime.states.get(check) ?? { raised: false, streak: 0, since: null };
      const { state, transition } = step(current, verdicts[check], check, thresholds);
      runtime.states.set(check, { ...state, since: transition ? now : current.since });
      if (transition) await this.transition(gop, check, transition, measures, presetToken, now, runtime);
    }
  }

  private async transition(
    gop: GopOfCamera,
    check: PictureCheck,
    transition: 'raised' | 'cleared',
    measures: Measures,
    presetToken: string | null,
    at: string,
    runtime: CameraRuntime,
  ): Promise<void> {
    const camera = await this.deps.communeOf(gop.cameraId);
    if (!camera) return;
    const still = transition === 'raised' ? await this.deps.still(gop).catch(() => null) : null;
    const id = randomUUID();
    await this.deps.repository.recordTransition(
      {
        id,
        camera_id: gop.cameraId,
        commune_insee: camera.communeInsee,
        check_name: check,
        transition,
        at,
        preset_token: presetToken ?? '',
        measures: JSON.stringify(measures),
        jpeg: still ? still.toString('base64') : null,
      },
      { camera_id: gop.cameraId, check_name: check, raised: transition === 'raised' ? 1 : 0, since: at, event_id: id },
    );
    const tamper = tamperChecks.has(check);
    const pictures = {
      still: still ? `/api/camera-health/events/${id}/still.jpg` : null,
      reference: `/api/cameras/${gop.cameraId}/health/reference.jpg${presetToken ? `?presetToken=${encodeURIComponent(presetToken)}` : ''}`,
    };
    const details = { check, healthEventId: id, presetToken, measures, pictures };
    if (transition === 'raised') {
      await this.deps.raise({
        severity: 'warning',
        code: raiseCodes[check],
        cameraId: gop.cameraId,
        communeInsee: camera.communeInsee,
        message: `${camera.name} : ${tamper ? 'sabotage suspecté' : 'défaut d’image'} (${checkLabels[check]})`,
        at,
        details,
      });
      return;
    }
    // The alarm of a kind is restored once no check of that kind is raised on the camera.
    const stillRaised = pictureChecks.some((other) => tamperChecks.has(other) === tamper && runtime.states.get(other)?.raised);
    if (stillRaised) return;
    await this.deps.raise({
      severity: 'info',
      code: tamper ? 'picture_tamper_cleared' : 'picture_fault_cleared',
      cameraId: gop.cameraId,
      communeInsee: camera.communeInsee,
      message: `${camera.name} : image redevenue normale (${checkLabels[check]} : fin)`,
      at,
      details,
    });
  }

  /** Forgets what was cached of a camera's reference (a capture in this process). */
  forgetReference(cameraId: string, presetToken: string): void {
    this.references.delete(`${cameraId}|${presetToken}`);
  }
}
