// Reads back where PTZ cameras point (LEGAL 4), so the masks of a preset follow the camera and
// not only Vigie's own commands: after a restart, a move by another client (the camera's web
// page, a keyboard), a camera returning home by itself, and in a recorder-only process that
// never hears of a command. Every `intervalMs` each watched camera is asked GetStatus (its
// presets, with their stored positions, are asked once a minute); the preset whose position
// matches within a small tolerance is where it is, none while it reports MOVING. The result
// goes into the same `PtzPositions` registry as the commands (a change only), whose followers
// (the recorder role, the live sub-streams) switch masks.
//
// Only cameras whose burnt-in picture depends on the position are watched: enabled, authorised
// PTZ cameras with an ONVIF URL, in `server` mask mode with at least one mask of a preset.
// Every other camera burns in the same polygons wherever it points, so reading its position
// would be camera traffic for nothing.
import type { Job } from '../../platform/jobs.ts';
import type { OnvifCamera, OnvifPtzClient, PtzPresetPosition } from '../../platform/onvif/index.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { CameraView, StreamCredentials } from '../cameras/index.ts';
import type { PositionChange } from './ptz-positions.ts';
import { observePreset, PRESET_POSITION_TOLERANCE } from './ptz-watch.rules.ts';

export interface PtzWatcherDeps {
  cameras: {
    list(principal: null): Promise<Array<Pick<CameraView, 'id' | 'kind' | 'onvifUrl' | 'state'>>>;
    streamCredentials(cameraId: string): Promise<StreamCredentials | null>;
  };
  masks: { presetMaskedCameras(cameraIds: readonly string[]): Promise<Set<string>> };
  device: Pick<OnvifPtzClient, 'status' | 'presetPositions'>;
  positions: { presetOf(cameraId: string): string | null; set(cameraId: string, presetToken: string | null): boolean };
  /** The PTZ commands of this process (`PtzService.onPositionChanged`): their word stands for a short while. */
  commands?: { onPositionChanged(listener: PositionChange): () => void };
  log?: ProcessLog;
}

export interface PtzWatcherOptions {
  /** How often each watched camera is read, and the watch list (inventory, masks) refreshed (10 s). */
  intervalMs?: number;
  /** A camera seen MOVING is read again this soon (1 s), so its arrival at a preset is seen quickly. */
  movingRecheckMs?: number;
  /** How long a camera's presets (and their positions) are kept before GetPresets again (1 min). */
  presetCacheMs?: number;
  /**
   * After a command of this process (go-to, save, move), the camera is not read for this long
   * (5 s): the command said where it goes, and a read during its travel would drop the preset's
   * masks (MOVING) only to bring them back on arrival: two recorder restarts for nothing.
   */
  commandGraceMs?: number;
  tolerance?: number;
  /** Cameras read at once (4); each request has the ONVIF client's own 3 s deadline. */
  concurrency?: number;
  /** Real time for the per-camera schedule, not the business clock. */
  nowMs?: () => number;
}

interface Watched {
  id: string;
  target: OnvifCamera;
}

interface CameraWatch {
  nextDueMs: number;
  presets?: { readAtMs: number; list: PtzPresetPosition[] };
  lastCommandMs?: number;
  /** Set once a read failed, so the failure is logged once, not at every tick. */
  failing: boolean;
  noPositionLogged: boolean;
}

export class PtzPositionWatcher {
  private readonly intervalMs: number;
  private readonly movingRecheckMs: number;
  private readonly presetCacheMs: number;
  private readonly commandGraceMs: number;
  private readonly tolerance: number;
  private readonly concurrency: number;
  private readonly nowMs: () => number;
  private readonly log: ProcessLog;
  private readonly states = new Map<string, CameraWatch>();
  private watched: Watched[] = [];
  private listedAtMs: number | undefined;
  private passing: Promise<void> | undefined;
  private unfollowCommands: (() => void) | undefined;
  private running = false;
  /** Set by stop: a pass under way reads no further camera. */
  private stopped = false;
  private listFailing = false;

  constructor(
    private readonly deps: PtzWatcherDeps,
    options: PtzWatcherOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.movingRecheckMs = Math.min(options.movingRecheckMs ?? 1000, this.intervalMs);
    this.presetCacheMs = options.presetCacheMs ?? 60_000;
    this.commandGraceMs = options.commandGraceMs ?? 5000;
    this.tolerance = options.tolerance ?? PRESET_POSITION_TOLERANCE;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.nowMs = options.nowMs ?? Date.now;
    this.log = deps.log ?? silentLog;
  }

  /** Follows this process's PTZ commands; the passes are run by the job registry (`ptz.position-watch`). */
  follow(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.unfollowCommands = this.deps.commands?.onPositionChanged((cameraId) => this.noteCommand(cameraId));
  }

  /** Stops following and waits for the pass under way (each of its reads is bounded by the client's deadline). */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.unfollowCommands?.();
    this.unfollowCommands = undefined;
    await this.passing;
  }

  /** Cameras watched after the last refresh of the list (for tests and logs). */
  watchedCameras(): string[] {
    return this.watched.map((camera) => camera.id);
  }

  /** A command of this process reached the camera: trust it for the grace period, and read its presets afresh (a save adds one). */
  noteCommand(cameraId: string): void {
    const now = this.nowMs();
    const state = this.stateOf(cameraId);
    state.lastCommandMs = now;
    state.presets = undefined;
    state.nextDueMs = Math.max(state.nextDueMs, now + this.commandGraceMs);
  }

  /** One pass: refreshes the watch list when due, then reads every camera that is due (the job's run; tests call it). */
  pass(): Promise<void> {
    const pass = this.runPass().finally(() => {
      if (this.passing === pass) this.passing = undefined;
    });
    this.passing = pass;
    return pass;
  }

  private async runPass(): Promise<void> {
    const now = this.nowMs();
    if (this.listedAtMs === undefined || now - this.listedAtMs >= this.intervalMs) await this.refreshOrKeepWatchList(now);
    const due = this.watched.filter((camera) => this.stateOf(camera.id).nextDueMs <= now);
    let next = 0;
    const worker = async () => {
      while (next < due.length && !this.stopped) await this.read(due[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
  }

  /** The database failing: the cameras already watched stay watched, tried again at the next interval, logged once. */
  private async refreshOrKeepWatchList(now: number): Promise<void> {
    try {
      await this.refreshWatchList(now);
      this.listFailing = false;
    } catch (error) {
      this.listedAtMs = now;
      if (!this.listFailing)
        this.log.warn(
          { error: error instanceof Error ? error.message : String(error), watched: this.watched.length },
          'PTZ cameras to watch not listed: the previous list is kept',
        );
      this.listFailing = true;
    }
  }

  private async refreshWatchList(now: number): Promise<void> {
    const steerable = (await this.deps.cameras.list(null)).filter(
      (camera) => camera.kind === 'ptz' && camera.onvifUrl !== null && camera.state !== 'disabled' && camera.state !== 'unauthorised',
    );
    const followed = await this.deps.masks.presetMaskedCameras(steerable.map((camera) => camera.id));
    const watched: Watched[] = [];
    for (const camera of steerable) {
      if (!followed.has(camera.id)) continue;
      try {
        watched.push({
          id: camera.id,
          target: { cameraId: camera.id, deviceUrl: camera.onvifUrl!, credentials: await this.deps.cameras.streamCredentials(camera.id) },
        });
      } catch (error) {
        this.failed(camera.id, this.stateOf(camera.id), error, now);
      }
    }
    const ids = new Set(watched.map((camera) => camera.id));
    for (const cameraId of this.states.keys()) if (!ids.has(cameraId) && !followed.has(cameraId)) this.states.delete(cameraId);
    this.watched = watched;
    this.listedAtMs = now;
  }

  private async read(camera: Watched): Promise<void> {
    const state = this.stateOf(camera.id);
    const startedAt = this.nowMs();
    try {
      const status = await this.deps.device.status(camera.target);
      const presets = status.moving || !status.position ? [] : await this.presetsOf(camera, state, startedAt);
      this.recovered(camera.id, state);
      const done = this.nowMs();
      // A command sent while this read was under way (or just before it) knows better.
      if (state.lastCommandMs !== undefined && state.lastCommandMs > startedAt - this.commandGraceMs) {
        state.nextDueMs = state.lastCommandMs + this.commandGraceMs;
        return;
      }
      state.nextDueMs = done + (status.moving ? this.movingRecheckMs : this.intervalMs);
      const observation = observePreset(status, presets, this.tolerance);
      if (observation.kind === 'unknown') {
        if (!state.noPositionLogged)
          this.log.warn({ camera: camera.id }, 'PTZ camera reports no position: the preset it is at is known from Vigie’s commands only');
        state.noPositionLogged = true;
        return;
      }
      const before = this.deps.positions.presetOf(camera.id);
      if (this.deps.positions.set(camera.id, observation.presetToken)) {
        this.log.info(
          { camera: camera.id, from: before, preset: observation.presetToken, moving: status.moving },
          'PTZ position read back from the camera changed',
        );
      }
    } catch (error) {
      this.failed(camera.id, state, error, this.nowMs());
    }
  }

  private async presetsOf(camera: Watched, state: CameraWatch, now: number): Promise<PtzPresetPosition[]> {
    if (state.presets && now - state.presets.readAtMs < this.presetCacheMs) return state.presets.list;
    const list = await this.deps.device.presetPositions(camera.target);
    state.presets = { readAtMs: now, list };
    return list;
  }

  /** An unreachable camera keeps its last known position (its masks stay as they are); logged once until it answers again. */
  private failed(cameraId: string, state: CameraWatch, error: unknown, now: number): void {
    state.nextDueMs = now + this.intervalMs;
    if (state.failing) return;
    state.failing = true;
    const reason = (error as { reason?: string } | null)?.reason ?? (error instanceof Error ? error.message : String(error));
    this.log.warn({ camera: cameraId, error: reason, preset: this.deps.positions.presetOf(cameraId) }, 'PTZ position not read: the last known one is kept');
  }

  private recovered(cameraId: string, state: CameraWatch): void {
    if (!state.failing) return;
    state.failing = false;
    this.log.info({ camera: cameraId }, 'PTZ position read again');
  }

  private stateOf(cameraId: string): CameraWatch {
    let state = this.states.get(cameraId);
    if (!state) {
      state = { nextDueMs: 0, failing: false, noPositionLogged: false };
      this.states.set(cameraId, state);
    }
    return state;
  }
}

/**
 * The watcher as a job of the recorder role: a pass every `recheckMs` (1 s: a camera seen
 * moving is read again that soon); each camera is read when it is due (every `intervalMs`).
 */
export function positionWatchJob(watcher: PtzPositionWatcher, recheckMs = 1000): Job {
  return {
    name: 'ptz.position-watch',
    role: 'recorder',
    intervalMs: recheckMs,
    start: () => watcher.follow(),
    run: () => watcher.pass(),
    stop: () => watcher.stop(),
  };
}
