// The recorder role: one Recorder per camera that may be recorded (enabled, and covered by a
// valid prefectoral authorisation, LEGAL 1), reconciled against the inventory. A camera that
// becomes unauthorised or disabled has its recorder stopped at the next reconcile; a changed
// stream URL, credentials, recording engine, RTSP transport or privacy mask restarts it (a restart for a mask
// alone leaves a gap whose reason is `mask_changed`). Recorder state changes are forwarded, tagged.
//
// A reconcile never leaves a stale recorder running (LEGAL 4): a camera whose configuration
// (credentials, masks) cannot be read has its recorder stopped and is reported (a critical
// technical event, once until it is readable again) while the other cameras are reconciled;
// an inventory that cannot be read at all stops every recorder (what is masked is then not known).
import type { StreamCredentials } from '../../platform/media/ffmpeg-args.ts';
import { silentLog, type ProcessLog, type TypedEvents } from '../../platform/processes.ts';
import { NO_MASK_VERSION, type FleetMask, type RecorderMasking } from '../masks/index.ts';
import type { RecorderCamera, RecorderEvents } from './recorder.ts';
import type { RecorderState, RecorderStateChange, StorageVolume } from './recording.types.ts';

/** What the fleet needs to know of a camera (CameraView fits). */
export interface FleetCamera {
  id: string;
  communeInsee: string;
  mainStreamUrl: string;
  /** The inventory's effective state: 'disabled' and 'unauthorised' are never recorded. */
  state: string;
  /** What records it: Vigie's own RTSP client and MP4 writer (`native`) or one ffmpeg (`ffmpeg`, the fallback); a change restarts the recorder. Absent: `native`. */
  engine?: 'native' | 'ffmpeg';
  /** How its RTSP stream is received: `tcp`, `udp` or `auto` (UDP, TCP if UDP does not work); a change restarts the recorder. Absent: `tcp`. */
  rtspTransport?: 'tcp' | 'udp' | 'auto';
  /** Where its segments go (a change restarts the recorder); the fleet's default volume if absent. */
  volume?: StorageVolume;
  /** Privacy mask Vigie burns in (LEGAL 4, `server` mode); a new version restarts the recorder. */
  mask?: FleetMask | null;
  /** The masking written on its segments (what is burnt in, the mask revisions accounted for); a new version restarts the recorder. Absent: no mask. */
  masking?: RecorderMasking;
  /** Set when part of its configuration (its masks) could not be read: the camera is not recorded. */
  configError?: string;
}

/** A camera (null: the whole inventory) that is not recorded because its configuration could not be read or applied. */
export interface UnreadableConfiguration {
  cameraId: string | null;
  communeInsee: string | null;
  stage: 'inventory' | 'credentials' | 'masks' | 'mask_image';
  error: string;
}

/** The reason of the gap a restart for a new mask leaves (a mask edited, a PTZ preset with masks reached or left). */
export const MASK_CHANGED_GAP_REASON = 'mask_changed';

/** What a recorder burns in: the polygons in force and their version (MasksService.recorderMasks). */

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
  /** Told once when a camera (or the inventory) stops being recorded for an unreadable configuration, until it is readable again. */
  onUnreadable?(report: UnreadableConfiguration): unknown;
  log?: ProcessLog;
}

interface Running {
  recorder: FleetRecorder;
  /** Commune, URL, credentials, engine, RTSP transport and volume it was started with: a change restarts it. */
  fingerprint: string;
  /** The masking it runs with (version of its segments' masking and of what it burns in): a change restarts it too. */
  maskKey: string;
  unsubscribe: () => void;
}

export function isRecordable(camera: FleetCamera): boolean {
  return camera.state !== 'disabled' && camera.state !== 'unauthorised';
}

export class RecorderFleet {
  private readonly running = new Map<string, Running>();
  private reconciling: Promise<{ started: string[]; stopped: string[] }> | undefined;
  /** Cameras (and '*' for the inventory) reported unreadable, until readable again. */
  private readonly reported = new Set<string>();

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
    this.reconciling ??= this.reconcileOnce().finally(() => {
      this.reconciling = undefined;
    });
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
    let listed: readonly FleetCamera[];
    try {
      listed = await this.deps.listCameras();
      this.reported.delete('*');
    } catch (error) {
      // Nothing says what each camera must burn in now: no recorder keeps running on what it last knew.
      const stopped = this.cameraIds;
      for (const id of stopped)
        await this.stopOne(id).catch((stopError: unknown) => log.warn({ camera: id, error: messageOf(stopError) }, 'recorder did not stop'));
      await this.report('*', { cameraId: null, communeInsee: null, stage: 'inventory', error: messageOf(error) });
      return { started: [], stopped };
    }
    const wanted = new Map<string, { camera: FleetCamera; credentials: StreamCredentials | null; fingerprint: string; maskKey: string }>();
    const unreadable = new Map<string, UnreadableConfiguration>();
    for (const camera of listed) {
      if (!isRecordable(camera)) continue;
      if (camera.configError !== undefined) {
        unreadable.set(camera.id, { cameraId: camera.id, communeInsee: camera.communeInsee, stage: 'masks', error: camera.configError });
        continue;
      }
      let credentials: StreamCredentials | null;
      try {
        credentials = await this.deps.credentials(camera.id);
      } catch (error) {
        // Not the message: a parse error of decrypted text may quote it (the password).
        unreadable.set(camera.id, {
          cameraId: camera.id,
          communeInsee: camera.communeInsee,
          stage: 'credentials',
          error: `credentials not readable (${error instanceof Error ? error.name : typeof error})`,
        });
        continue;
      }
      // The fingerprint is compared, never logged: it holds the credentials.
      const fingerprint = JSON.stringify([
        camera.communeInsee,
        camera.mainStreamUrl,
        credentials,
        camera.engine ?? 'native',
        camera.rtspTransport ?? 'tcp',
        camera.volume ?? null,
      ]);
      wanted.set(camera.id, {
        camera,
        credentials,
        fingerprint,
        maskKey: JSON.stringify([camera.masking?.version ?? NO_MASK_VERSION, camera.mask?.version ?? null]),
      });
    }
    const stopped: string[] = [];
    /** Why the successor of a stopped recorder starts, when that is only its mask (the gap's reason). */
    const gapReasons = new Map<string, string>();
    for (const [id, running] of [...this.running]) {
      const next = wanted.get(id);
      if (next?.fingerprint === running.fingerprint && next.maskKey === running.maskKey) continue;
      try {
        await this.stopOne(id);
      } catch (error) {
        log.warn({ camera: id, error: messageOf(error) }, 'recorder did not stop cleanly');
      }
      stopped.push(id);
      if (next?.fingerprint === running.fingerprint) gapReasons.set(id, MASK_CHANGED_GAP_REASON);
    }
    for (const [id, report] of unreadable) await this.report(id, report);
    const started: string[] = [];
    for (const [id, { camera, credentials, fingerprint, maskKey }] of wanted) {
      if (this.running.has(id)) {
        this.reported.delete(id);
        continue;
      }
      let mask: RecorderCamera['mask'];
      if (camera.mask) {
        // The unmasked picture is never recorded nor shown (LEGAL 4): no mask image, no recorder.
        try {
          if (!this.deps.writeMaskImage) throw new Error('no mask image writer configured');
          mask = { imagePath: await this.deps.writeMaskImage(camera, camera.mask) };
        } catch (error) {
          log.warn({ camera: id, error: messageOf(error) }, 'privacy mask image not written: camera not recorded');
          await this.report(id, { cameraId: id, communeInsee: camera.communeInsee, stage: 'mask_image', error: messageOf(error) });
          continue;
        }
      }
      this.reported.delete(id);
      const gapReason = gapReasons.get(id);
      const recorder = this.deps.createRecorder(
        {
          id,
          communeInsee: camera.communeInsee,
          rtspUrl: camera.mainStreamUrl,
          credentials: credentials ?? undefined,
          engine: camera.engine ?? 'native',
          rtspTransport: camera.rtspTransport ?? 'tcp',
          ...(mask ? { mask } : {}),
          ...(gapReason ? { gapReason } : {}),
          ...(camera.masking ? { masking: camera.masking } : {}),
        },
        camera,
      );
      const unsubscribe = recorder.events.on('state', (change) => this.deps.onState?.(change));
      this.running.set(id, { recorder, fingerprint, maskKey, unsubscribe });
      try {
        await recorder.start();
        started.push(id);
      } catch (error) {
        log.warn({ camera: id, error: messageOf(error) }, 'recorder did not start');
        this.running.delete(id);
        unsubscribe();
      }
    }
    return { started, stopped };
  }

  /** Tells of an unreadable configuration once per episode; a failing listener changes nothing. */
  private async report(key: string, report: UnreadableConfiguration): Promise<void> {
    const log = this.deps.log ?? silentLog;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    log.warn({ camera: report.cameraId, stage: report.stage, error: report.error }, 'configuration unreadable: camera not recorded');
    try {
      await this.deps.onUnreadable?.(report);
    } catch (error) {
      log.warn({ camera: report.cameraId, error: messageOf(error) }, 'unreadable configuration not reported');
    }
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
