// The recorder role: one Recorder per camera that may be recorded (enabled, and covered by a
// valid prefectoral authorisation, LEGAL 1), reconciled against the inventory. A camera that
// becomes unauthorised or disabled has its recorder stopped at the next reconcile; a changed
// stream URL, credentials or privacy mask restarts it (a restart for a mask alone leaves a gap
// whose reason is `mask_changed`). Recorder state changes are forwarded, tagged.
import type { StreamCredentials } from '../../platform/media/ffmpeg-args.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { silentLog, type ProcessLog, type TypedEvents } from '../../platform/processes.ts';
import type { RecorderCamera, RecorderEvents } from './recorder.ts';
import type { RecorderState, RecorderStateChange, StorageVolume } from './recording.types.ts';

/** What the fleet needs to know of a camera (CameraView fits). */
export interface FleetCamera {
  id: string;
  communeInsee: string;
  mainStreamUrl: string;
  /** The inventory's effective state: 'disabled' and 'unauthorised' are never recorded. */
  state: string;
  /** Where its segments go (a change restarts the recorder); the fleet's default volume if absent. */
  volume?: StorageVolume;
  /** Privacy mask Vigie burns in (LEGAL 4, `server` mode); a new version restarts the recorder. */
  mask?: FleetMask | null;
}

/** The reason of the gap a restart for a new mask leaves (a mask edited, a PTZ preset with masks reached or left). */
export const MASK_CHANGED_GAP_REASON = 'mask_changed';

/** What a recorder burns in: the polygons in force and their version (MasksService.recorderMasks). */
export interface FleetMask {
  version: string;
  polygons: readonly MaskPolygon[];
}

export interface FleetRecorder {
  readonly events: TypedEvents<RecorderEvents>;
  readonly state: RecorderState;
  readonly pid?: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RecorderFleetDeps {
  listCameras(): Promise<readonly FleetCamera[]>;
  credentials(cameraId: string): Promise<StreamCredentials | null>;
  /** `inventory` is the FleetCamera the recorder is made for (volume, and what else it carries). */
  createRecorder(camera: RecorderCamera, inventory: FleetCamera): FleetRecorder;
  onState?(change: RecorderStateChange): void;
  /** Writes the camera's mask image and returns its path; a masked camera is never recorded without it. */
  writeMaskImage?(camera: FleetCamera, mask: FleetMask): Promise<string>;
  log?: ProcessLog;
}

interface Running {
  recorder: FleetRecorder;
  /** Commune, URL, credentials and volume it was started with: a change restarts it. */
  fingerprint: string;
  /** The mask version it burns in (null: none): a change restarts it too. */
  maskVersion: string | null;
  unsubscribe: () => void;
}

export function isRecordable(camera: FleetCamera): boolean {
  return camera.state !== 'disabled' && camera.state !== 'unauthorised';
}

export class RecorderFleet {
  private readonly running = new Map<string, Running>();
  private reconciling: Promise<{ started: string[]; stopped: string[] }> | undefined;

  constructor(private readonly deps: RecorderFleetDeps) {}

  get cameraIds(): string[] {
    return [...this.running.keys()].sort();
  }

  /** The PID of the camera's ffmpeg, when its recorder runs one. */
  pidOf(cameraId: string): number | undefined {
    return this.running.get(cameraId)?.recorder.pid;
  }

  stateOf(cameraId: string): RecorderState | undefined {
    return this.running.get(cameraId)?.recorder.state;
  }

  /** Starts and stops recorders to match the inventory; concurrent calls share one pass. */
  reconcile(): Promise<{ started: string[]; stopped: string[] }> {
    this.reconciling ??= this.reconcileOnce().finally(() => { this.reconciling = undefined; });
    return this.reconciling;
  }

  /**
   * Resolves once the pass under way (if any) is over: a pass that may have read the inventory
   * before a change (a PTZ preset reached) is waited for before asking for a fresh one.
   */
  async passOver(): Promise<void> {
    await this.reconciling?.catch(() => undefined);
  }

  async stopAll(): Promise<void> {
    await this.reconciling?.catch(() => undefined);
    await Promise.all([...this.running.keys()].map((id) => this.stopOne(id)));
  }

  private async reconcileOnce(): Promise<{ started: string[]; stopped: string[] }> {
    const log = this.deps.log ?? silentLog;
    const wanted = new Map<string, { camera: FleetCamera; credentials: StreamCredentials | null; fingerprint: string; maskVersion: string | null }>();
    for (const camera of await this.deps.listCameras()) {
      if (!isRecordable(camera)) continue;
      const credentials = await this.deps.credentials(camera.id);
      // The fingerprint is compared, never logged: it holds the credentials.
      const fingerprint = JSON.stringify([camera.communeInsee, camera.mainStreamUrl, credentials, camera.volume ?? null]);
      wanted.set(camera.id, { camera, credentials, fingerprint, maskVersion: camera.mask?.version ?? null });
    }
    const stopped: string[] = [];
    /** Why the successor of a stopped recorder starts, when that is only its mask (the gap's reason). */
    const gapReasons = new Map<string, string>();
    for (const [id, running] of this.running) {
      const next = wanted.get(id);
      if (next?.fingerprint === running.fingerprint && next.maskVersion === running.maskVersion) continue;
      await this.stopOne(id);
      stopped.push(id);
      if (next?.fingerprint === running.fingerprint) gapReasons.set(id, MASK_CHANGED_GAP_REASON);
    }
    const started: string[] = [];
    for (const [id, { camera, credentials, fingerprint, maskVersion }] of wanted) {
      if (this.running.has(id)) continue;
      let mask: RecorderCamera['mask'];
      if (camera.mask) {
        // The unmasked picture is never recorded nor shown (LEGAL 4): no mask image, no recorder.
        try {
          if (!this.deps.writeMaskImage) throw new Error('no mask image writer configured');
          mask = { imagePath: await this.deps.writeMaskImage(camera, camera.mask) };
        } catch (error) {
          log.warn({ camera: id, error: error instanceof Error ? error.message : String(error) }, 'privacy mask image not written: camera not recorded');
          continue;
        }
      }
      const gapReason = gapReasons.get(id);
      const recorder = this.deps.createRecorder({
        id, communeInsee: camera.communeInsee, rtspUrl: camera.mainStreamUrl, credentials: credentials ?? undefined, ...(mask ? { mask } : {}), ...(gapReason ? { gapReason } : {}),
      }, camera);
      const unsubscribe = recorder.events.on('state', (change) => this.deps.onState?.(change));
      this.running.set(id, { recorder, fingerprint, maskVersion, unsubscribe });
      try {
        await recorder.start();
        started.push(id);
      } catch (error) {
        log.warn({ camera: id, error: error instanceof Error ? error.message : String(error) }, 'recorder did not start');
        this.running.delete(id);
        unsubscribe();
      }
    }
    return { started, stopped };
  }

  private async stopOne(id: string): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    this.running.delete(id);
    try {
      await running.recorder.stop();
    } finally {
      running.unsubscribe();
    }
  }
}
