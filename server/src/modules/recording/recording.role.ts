// The recorder role of a process (issue 4 item 1): one supervised ffmpeg per enabled,
// authorised camera (RecorderFleet), each on its storage volume, feeding the live hub; the
// quality floors and the camera's operational state in the inventory (its changes also on the
// event bus, `recorder.stateChanged`). The retention purge and the space check are jobs of
// their modules, run FIRST when the role starts (JobRegistry.start awaits them before `start`
// here): footage must never outlive its legal limit because a recorder ran without its purge.
// The periodic reconcile is the `recording.reconcile` job; `stop` ends every child process
// gracefully. A PTZ camera reaching or leaving a preset that has privacy masks
// is reconciled at once, so its recorder restarts with the polygons now in force (LEGAL 4).
// A camera whose credentials or masks cannot be read is not recorded (its recorder stopped)
// and raises a critical `recorder_config_unreadable`; the others are reconciled as usual.
import { availableParallelism } from 'node:os';
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { CameraView } from '../cameras/index.ts';
import type { CameraRecorderMasking, FleetMask } from '../masks/index.ts';
import type { StorageService } from '../storage/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { LiveHub } from './live-hub.ts';
import { NativeRecorder } from './native/native-recorder.ts';
import { NativeShards, recorderThreadsFor, ShardedNativeRecorder } from './native/native-shards.ts';
import { PipedRecorder } from './native/piped-recorder.ts';
import { QualityMonitor } from './quality.monitor.ts';
import { busySiteKinds, type FieldClass } from './quality.rules.ts';
import { Recorder, type RecorderOptions } from './recorder.ts';
import { isRecordable, RecorderFleet, type FleetCamera, type FleetRecorder, type UnreadableConfiguration } from './recorder-fleet.ts';
import type { RecordingRepository } from './recording.repository.ts';
import type { LiveRecordingFacts } from './recording.service.ts';
import type { RecorderState, RecorderStateChange } from './recording.types.ts';
import { SegmentIndexer } from './segment-indexer.ts';
import './recording.events.ts';

export interface RecordingRoleOptions {
  /** Root of the default volume, created when no volume exists. */
  defaultVolumeRoot: string;
  segmentSeconds: number;
  /**
   * The role's own periodic reconcile, for tests that run the role without the job registry;
   * unset in a process, where the `recording.reconcile` job reconciles.
   */
  reconcileIntervalMs?: number;
  /** Timeouts and backoff of each recorder (defaults: Recorder's own); tests shorten them. */
  recorderTuning?: Pick<RecorderOptions, 'socketTimeoutSeconds' | 'stallTimeoutMs' | 'backoff' | 'pollIntervalMs' | 'failAfterRuns'>;
  /** Worker threads for the native engine's cameras (`VIGIE_RECORDER_THREADS`): a number (0: this thread), or `auto`. Default 0. */
  recorderThreads?: number | 'auto';
}

/** Where PTZ cameras point (the ptz module's positions): a preset's masks apply there; a change (`ptz.positionChanged`) refreshes that camera at once. */
export interface RecordingPositions {
  presetOf(cameraId: string): string | null;
}

/** What the recorder role needs of the storage module: each camera's volume and settings, the usage figures it moves. */
export type RecordingStorage = Pick<StorageService, 'ensureDefaultVolume' | 'volumeForCamera' | 'cameraSettings' | 'noteBytes'>;

export interface RecordingRoleDeps {
  clock: Clock;
  repository: RecordingRepository;
  /** HMAC key of the segment chain (issue 11): every segment the role indexes is keyed. */
  chainKey: ChainMac;
  cameras: {
    list(principal: null): Promise<CameraView[]>;
    streamCredentials(cameraId: string): Promise<{ username: string; password: string } | null>;
    setOperationalState(cameraId: string, state: 'unknown' | 'starting' | 'recording' | 'reconnecting' | 'failed'): Promise<boolean>;
  };
  siteKinds(): Promise<Map<string, string>>;
  storage: RecordingStorage;
  /** Server-side privacy masks (LEGAL 4): what each camera's recorder burns in, and where its image is written. */
  masks?: { recorderMasking(cameraIds: readonly string[], positions?: Pick<RecordingPositions, 'presetOf'>): Promise<Map<string, CameraRecorderMasking>> };
  /** Where PTZ cameras point (the masks of a preset apply there); a change reconciles that camera at once. */
  ptzPositions?: RecordingPositions;
  maskImages?: { write(cameraId: string, mask: Pick<FleetMask, 'polygons'>): Promise<string> };
  raise(event: TechnicalEvent): Promise<unknown>;
  /** Each state change is emitted as `recorder.stateChanged` (live viewers, health). */
  events?: EventBus;
  log?: ProcessLog;
  /** The recorders' ffmpeg and the indexer's ffprobe (config.ts's `tools`); default: on PATH. */
  tools?: { ffmpegPath?: string; ffprobePath?: string };
  /** Tests inject a recorder factory (fake processes); the default is the real Recorder. */
  createRecorder?: (options: ConstructorParameters<typeof Recorder>[0]) => Recorder;
}

const operationalStateOf = (state: RecorderState) => (state === 'stopped' ? 'unknown' : state);

export class RecordingRole implements LiveRecordingFacts {
  readonly live = new LiveHub();
  readonly qualityMonitor: QualityMonitor;
  readonly fleet: RecorderFleet;
  private readonly indexer: SegmentIndexer;
  private readonly log: ProcessLog;
  private readonly timers: NodeJS.Timeout[] = [];
  private inventory = new Map<string, CameraView>();
  private sites = new Map<string, string>();
  private started = false;
  private stopped = false;
  private unfollowPositions: (() => void) | undefined;
  private readonly stateListeners = new Set<(change: RecorderStateChange) => void>();
  private shardPool: NativeShards | undefined;

  constructor(
    private readonly deps: RecordingRoleDeps,
    private readonly options: RecordingRoleOptions,
  ) {
    this.log = deps.log ?? silentLog;
    this.indexer = new SegmentIndexer(deps.repository, deps.clock, { log: this.log, chainKey: deps.chainKey, ffprobePath: deps.tools?.ffprobePath });
    this.qualityMonitor = new QualityMonitor({ facts: (cameraId) => this.qualityFacts(cameraId), raise: deps.raise });
    this.fleet = new RecorderFleet({
      listCameras: () => this.listCameras(),
      credentials: (cameraId) => deps.cameras.streamCredentials(cameraId),
      createRecorder: (camera, inventory) => this.createRecorder(camera, inventory),
      writeMaskImage: deps.maskImages ? (camera, mask) => deps.maskImages!.write(camera.id, mask) : undefined,
      onUnreadable: (report) => this.onUnreadable(report),
      onState: (change) => {
        for (const listener of this.stateListeners) {
          try {
            listener(change);
          } catch (error) {
            this.log.warn({ camera: change.cameraId, error: String(error) }, 'state listener failed');
          }
        }
        deps.events?.emit('recorder.stateChanged', change);
        void this.onState(change);
      },
      log: this.log,
    });
  }

  recorderState(cameraId: string): RecorderState | undefined {
    return this.fleet.stateOf(cameraId);
  }

  quality(cameraId: string) {
    return this.qualityMonitor.of(cameraId);
  }

  /** Every camera state change (live viewers are told); returns how to stop listening. */
  onStateChange(listener: (change: RecorderStateChange) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  viewers(cameraId: string): number {
    return this.live.viewers(cameraId);
  }

  /**
   * The recorders (the default volume first, when none exists). In a process, the retention
   * purge and the space check (jobs of the recorder role) have run before: JobRegistry.start
   * awaits them, then main.ts starts the role.
   */
  async start(): Promise<void> {
    await this.deps.storage.ensureDefaultVolume(this.options.defaultVolumeRoot);
    this.started = true;
    await this.reconcile();
    // Only now: a position change must not start recorders before the purge has run.
    this.unfollowPositions = this.deps.events?.on('ptz.positionChanged', ({ cameraId }) => {
      this.refreshMasks(cameraId).catch((error: unknown) =>
        this.log.warn({ camera: cameraId, error: error instanceof Error ? error.message : String(error) }, 'masks not refreshed after a PTZ move'),
      );
    });
    if (this.options.reconcileIntervalMs !== undefined) this.every(this.options.reconcileIntervalMs, () => this.reconcile());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unfollowPositions?.();
    for (const timer of this.timers) clearInterval(timer);
    await this.fleet.stopAll();
    await this.shardPool?.close();
  }

  /** Starts and stops recorders to match the inventory now (also after an inventory change); nothing before `start`. */
  async reconcile(): Promise<void> {
    if (!this.started || this.stopped) return;
    const result = await this.fleet.reconcile();
    if (result.started.length + result.stopped.length > 0)
      this.log.info({ started: result.started.length, stopped: result.stopped.length }, 'recorders reconciled');
  }

  /**
   * The polygons in force for the camera may have changed (a PTZ preset reached or left):
   * reconciles now rather than at the next period. Its recorder restarts only if the mask
   * version changed (gap reason `mask_changed`); two presets without masks of their own change nothing.
   */
  async refreshMasks(cameraId: string): Promise<void> {
    // The pass under way may have read the position before it changed: a fresh one is needed.
    await this.fleet.passOver();
    if (!this.started || this.stopped) return;
    const result = await this.fleet.reconcile();
    if (result.stopped.includes(cameraId))
      this.log.info({ camera: cameraId, preset: this.deps.ptzPositions?.presetOf(cameraId) ?? null }, 'recorder restarted for the masks of its PTZ position');
  }

  private every(intervalMs: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) => this.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'recording background task failed'));
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  private async listCameras(): Promise<FleetCamera[]> {
    const cameras = await this.deps.cameras.list(null);
    this.inventory = new Map(cameras.map((camera) => [camera.id, camera]));
    // Site kinds only tune the quality floors: the previous ones serve when they cannot be read.
    this.sites = await this.deps.siteKinds().catch((error: unknown) => {
      this.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'site kinds not read: previous ones kept');
      return this.sites;
    });
    let masks = new Map<string, CameraRecorderMasking>();
    let masksError: string | undefined;
    try {
      if (this.deps.masks)
        masks = await this.deps.masks.recorderMasking(
          cameras.map((camera) => camera.id),
          this.deps.ptzPositions,
        );
    } catch (error) {
      masksError = `privacy masks unreadable: ${error instanceof Error ? error.message : String(error)}`;
    }
    const fleet: FleetCamera[] = [];
    for (const camera of cameras) {
      const entry: FleetCamera = {
        id: camera.id,
        communeInsee: camera.communeInsee,
        mainStreamUrl: camera.mainStreamUrl,
        engine: camera.recordingEngine,
        rtspTransport: camera.rtspTransport,
        state: camera.state,
        mask: null,
      };
      const masking = masks.get(camera.id);
      if (masksError !== undefined) entry.configError = masksError;
      else if (masking && 'unreadable' in masking) entry.configError = masking.unreadable;
      else if (masking) Object.assign(entry, { mask: masking.burn, masking: masking.masking });
      if (isRecordable(entry)) {
        try {
          entry.volume = await this.deps.storage.volumeForCamera(camera.id);
        } catch (error) {
          await this.deps.raise({
            severity: 'critical',
            code: 'storage_unavailable',
            cameraId: camera.id,
            communeInsee: camera.communeInsee,
            message: `camera ${camera.id} not recorded: ${(error as Error).message}`,
          });
          continue;
        }
      }
      fleet.push(entry);
    }
    return fleet;
  }

  private async onUnreadable(report: UnreadableConfiguration): Promise<void> {
    const what =
      report.cameraId === null
        ? 'no camera recorded: the inventory'
        : `camera ${report.cameraId} not recorded: its ${report.stage === 'mask_image' ? 'privacy mask image' : report.stage}`;
    await this.deps.raise({
      severity: 'critical',
      code: 'recorder_config_unreadable',
      cameraId: report.cameraId,
      communeInsee: report.communeInsee,
      message: `${what} could not be ${report.stage === 'mask_image' ? 'written' : 'read'} (${report.error.slice(0, 300)})`,
      details: { stage: report.stage },
    });
  }

  private createRecorder(camera: ConstructorParameters<typeof Recorder>[0]['camera'], inventory: FleetCamera): FleetRecorder {
    const volume = inventory.volume;
    if (!volume) throw new Error(`no volume for camera ${camera.id}`);
    // Native by default (issue 12). A camera whose mask Vigie burns in needs ffmpeg, which re-encodes the pixels: with the
    // native engine, ffmpeg is fed by Vigie's own ingest through a pipe (it never opens the camera); with `ffmpeg`, it pulls it.
    if (camera.engine !== 'ffmpeg' && !camera.mask && !this.deps.createRecorder) return this.createNativeRecorder(camera, volume);
    const options: RecorderOptions = {
      ...this.options.recorderTuning,
      camera,
      volume,
      indexer: this.indexer,
      segmentSeconds: this.options.segmentSeconds,
      clock: this.deps.clock,
      log: this.log,
      ffmpegPath: this.deps.tools?.ffmpegPath,
    };
    const piped = camera.engine !== 'ffmpeg' && camera.mask !== undefined;
    const recorder: FleetRecorder = this.deps.createRecorder
      ? this.deps.createRecorder(options)
      : piped
        ? new PipedRecorder({ ...options, timeoutMs: this.options.recorderTuning?.stallTimeoutMs })
        : new Recorder(options);
    this.live.declareFormat(camera.id, 'mpegts');
    recorder.events.on('live', (chunk) => this.live.publish(camera.id, chunk));
    recorder.events.on('segment', (segment) => {
      this.deps.storage.noteBytes(segment.volume, segment.bytes);
      this.qualityMonitor.onSegment(segment).catch((error: unknown) => this.log.warn({ camera: camera.id, error: String(error) }, 'quality check failed'));
    });
    return recorder;
  }

  private createNativeRecorder(camera: ConstructorParameters<typeof Recorder>[0]['camera'], volume: NonNullable<FleetCamera['volume']>): FleetRecorder {
    const tuning = this.options.recorderTuning;
    const options = {
      camera,
      volume,
      segmentSeconds: this.options.segmentSeconds,
      timeoutMs: tuning?.stallTimeoutMs,
      backoff: tuning?.backoff,
      failAfterRuns: tuning?.failAfterRuns,
    };
    const shards = this.shards();
    const recorder = shards ? shards.create(options) : new NativeRecorder({ ...options, indexer: this.indexer, clock: this.deps.clock, log: this.log });
    this.live.declareFormat(camera.id, 'mp4');
    // A shard's pictures cross threads only while someone watches the camera.
    this.live.setDemand(camera.id, recorder instanceof ShardedNativeRecorder ? (watched) => recorder.watch(watched) : undefined);
    recorder.liveEvents.on('liveInit', (init) => this.live.publishInit(camera.id, init.data));
    recorder.liveEvents.on('liveFragment', (fragment) => this.live.publishFragment(camera.id, fragment.chunks, fragment.keyframe));
    recorder.events.on('segment', (segment) => {
      this.deps.storage.noteBytes(segment.volume, segment.bytes);
      this.qualityMonitor.onSegment(segment).catch((error: unknown) => this.log.warn({ camera: camera.id, error: String(error) }, 'quality check failed'));
    });
    return recorder;
  }

  /**
   * The recorder shards (worker threads) native cameras are given to, or undefined to record
   * them in this thread: `recorderThreads` N > 0 always uses N; `auto` uses some once the
   * inventory holds AUTO_SHARDS_FROM_CAMERAS native cameras (see recorderThreadsFor). Made once.
   */
  private shards(): NativeShards | undefined {
    if (this.shardPool) return this.shardPool;
    const setting = this.options.recorderThreads ?? 0;
    const natives = [...this.inventory.values()].filter((camera) => camera.recordingEngine !== 'ffmpeg').length;
    const threads = setting === 'auto' ? recorderThreadsFor(natives, availableParallelism()) : setting;
    if (threads <= 0) return undefined;
    this.shardPool = new NativeShards({ threads, indexer: this.indexer, log: this.log });
    this.log.info({ threads, cameras: natives }, 'native cameras recorded in worker threads');
    return this.shardPool;
  }

  private async onState(change: RecorderStateChange): Promise<void> {
    try {
      await this.deps.cameras.setOperationalState(change.cameraId, operationalStateOf(change.to));
      if (change.to === 'stopped') this.live.reset(change.cameraId);
      const base = {
        cameraId: change.cameraId,
        communeInsee: change.communeInsee,
        at: change.at.toISOString(),
        details: { from: change.from, to: change.to, detail: change.detail ?? null },
      };
      if (change.to === 'failed') {
        await this.deps.raise({
          ...base,
          severity: 'critical',
          code: 'recorder_failed',
          message: `camera ${change.cameraId} not recorded: ${change.detail ?? 'no video'}`,
        });
      } else if (change.from === 'failed' && change.to === 'recording') {
        await this.deps.raise({ ...base, severity: 'info', code: 'recorder_recovered', message: `camera ${change.cameraId} recorded again` });
      }
    } catch (error) {
      this.log.warn({ camera: change.cameraId, error: error instanceof Error ? error.message : String(error) }, 'recorder state not stored');
    }
  }

  private async qualityFacts(cameraId: string): Promise<{ fieldClass: FieldClass; busyPedestrianPlace: boolean } | undefined> {
    const camera = this.inventory.get(cameraId);
    if (!camera) return undefined;
    const settings = await this.deps.storage.cameraSettings(cameraId);
    const busy = settings.busyPedestrianPlace ?? busySiteKinds.has(this.sites.get(camera.siteId) ?? '');
    return { fieldClass: camera.fieldClass, busyPedestrianPlace: busy };
  }
}
