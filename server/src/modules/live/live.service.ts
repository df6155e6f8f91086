// Live viewing (issue 5): who may see which camera live, and the shared sources that serve
// them. Every viewing is checked here, server-side (LEGAL 9, 17, 20): the camera exists, is in
// the viewer's communes, is covered by a valid authorisation (LEGAL 1), a reason is given by
// police and partner viewers, and for them the camera's authorisation names their service as a
// recipient; then it is audited (`image.live.start` / `image.live.stop`, refusals as
// `access.denied`). Sources (built by live-source-factory.ts): the main stream is the
// recorder's single camera connection (no connection of its own); a sub-stream is one
// connection of Vigie's own RTSP client shared by all its viewers, masked like the recording
// when Vigie burns masks in (LEGAL 4: fail closed), by an ffmpeg that never opens the camera.
import { randomUUID } from 'node:crypto';
import { parisDate, type Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import type { StreamCredentials } from '../../platform/media/ffmpeg-args.ts';
import { silentLog, type ProcessLog, type Spawner } from '../../platform/processes.ts';
import type { RtspClient, RtspClientOptions } from '../../platform/rtsp/index.ts';
import { assertAllowed, decide, inScope, type Principal } from '../access/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import type { Recipient } from '../authorisations/index.ts';
import type { CameraView } from '../cameras/index.ts';
import type { FleetMask } from '../masks/index.ts';
import type { PresetPositions } from '../ptz/index.ts';
import type { RecorderState, RecorderStateChange } from '../recording/index.ts';
import { LiveHls } from './hls.ts';
import { LiveSourceFactory, sourceKey } from './live-source-factory.ts';
import { LiveSources } from './live-sources.ts';
import { assertShown, chooseStream, normaliseReason, reasonRequiredRoles, recipientsForRole, unavailable } from './live.rules.ts';
import { SubStreamMasks } from './sub-stream-masks.ts';
import { grabStill } from './live-still.ts';
import { type Acting, Viewing, type ViewingRequest, type ViewingStats } from './viewing.ts';

/** What live needs of the recorder role running in this process. */
export interface LiveRecorder {
  readonly live: {
    subscribe(cameraId: string, listener: (packets: Buffer) => void): () => void;
    snapshot(cameraId: string, timeoutMs: number): Promise<Buffer | null>;
    formatOf?(cameraId: string): 'mpegts' | 'mp4';
  };
  recorderState(cameraId: string): RecorderState | undefined;
  readonly fleet: { readonly cameraIds: readonly string[] };
}

export interface LiveServiceDeps {
  clock: Clock;
  audit: Pick<AuditService, 'recordImageAccess' | 'recordAlone'>;
  cameras: {
    get(id: string, principal: Principal | null): Promise<CameraView>;
    list(principal: Principal | null): Promise<CameraView[]>;
    streamCredentials(id: string): Promise<StreamCredentials | null>;
  };
  /** The recipients named by the valid authorisations covering the camera (LEGAL 17). */
  recipientsOf(cameraId: string): Promise<readonly Recipient[]>;
  masks: { recorderMasks(cameraIds: readonly string[], positions?: PresetPositions): Promise<Map<string, FleetMask>> };
  /** Where PTZ cameras point: the masks of a preset are burnt in there, as the recorder does; a change is followed at once. */
  ptzPositions?: PresetPositions;
  maskImages: { write(cameraId: string, mask: Pick<FleetMask, 'polygons'>): Promise<string> };
  /** The recorder role running in this process (the recording module's; null: none). */
  recorder: { current(): LiveRecorder | null };
  events: EventBus;
  log?: ProcessLog;
  spawner?: Spawner;
  ffmpegPath?: string;
  /** Tests: the sub-streams' RTSP client. */
  createRtspClient?: (options: RtspClientOptions) => RtspClient;
  tuning?: Partial<LiveTuning>;
  monotonicNow?: () => number;
}

export interface LiveTuning {
  /** A source stops this long after its last viewer left. */
  idleStopMs: number;
  /** How often viewed cameras are checked (still shown? mask changed?). */
  checkIntervalMs: number;
  sourceStallMs: number;
  /** A sub-stream silent for this long (or an RTSP request unanswered) is reconnected. */
  socketTimeoutSeconds: number;
  stillTimeoutMs: number;
  /** An HLS session without any fetch for this long ends (audited stop). */
  hlsIdleMs: number;
  hlsFirstSegmentTimeoutMs: number;
}

const defaultTuning: LiveTuning = {
  idleStopMs: 10_000,
  checkIntervalMs: 10_000,
  sourceStallMs: 10_000,
  socketTimeoutSeconds: 10,
  stillTimeoutMs: 10_000,
  hlsIdleMs: 30_000,
  hlsFirstSegmentTimeoutMs: 8000,
};

export type { Acting, ViewingRequest } from './viewing.ts';

export interface LiveCameraStatus {
  cameraId: string;
  viewers: number;
  sources: number;
  cameraConnections: number;
}

export interface LiveStatus {
  cameras: LiveCameraStatus[];
  totals: { cameraConnections: number; viewers: number; sources: number };
}

export class LiveService {
  readonly hls: LiveHls;
  private stopStateListener: (() => void) | undefined;
  private readonly sources: LiveSources;
  private readonly factory: LiveSourceFactory;
  private readonly viewings = new Map<string, Viewing>();
  private readonly tuning: LiveTuning;
  private readonly log: ProcessLog;
  private readonly monotonicNow: () => number;
  private checkTimer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly subStreamMasks: SubStreamMasks;
  private readonly unfollowPositions: (() => void) | undefined;

  constructor(private readonly deps: LiveServiceDeps) {
    this.tuning = { ...defaultTuning, ...deps.tuning };
    this.log = deps.log ?? silentLog;
    this.monotonicNow = deps.monotonicNow ?? (() => performance.now());
    this.sources = new LiveSources(this.tuning.idleStopMs);
    this.factory = new LiveSourceFactory({
      cameras: deps.cameras,
      masks: deps.masks,
      ptzPositions: deps.ptzPositions,
      maskImages: deps.maskImages,
      log: this.log,
      spawner: deps.spawner,
      ffmpegPath: deps.ffmpegPath,
      createRtspClient: deps.createRtspClient,
      sourceStallMs: this.tuning.sourceStallMs,
      socketTimeoutSeconds: this.tuning.socketTimeoutSeconds,
    });
    this.subStreamMasks = new SubStreamMasks(
      this.sources,
      this.factory,
      (key, error) => {
        for (const viewing of this.viewings.values()) if (viewing.sourceKey === key) viewing.end(error);
      },
      this.log,
    );
    this.hls = new LiveHls(this, { idleMs: this.tuning.hlsIdleMs, firstSegmentTimeoutMs: this.tuning.hlsFirstSegmentTimeoutMs });
    // A PTZ preset reached or left: the sub-streams follow at once, not at the next periodic check (LEGAL 4).
    this.unfollowPositions = deps.events.on('ptz.positionChanged', () => void this.subStreamMasks.refreshNow());
    // A recorder's state changed (recording module's event): the viewings of that camera follow.
    this.stopStateListener = deps.events.on('recorder.stateChanged', (change) => this.onRecorderState(change));
  }

  /** The recorder role running in this process, if any (null: live answers `live_unavailable`). */
  private get recorder(): LiveRecorder | null {
    return this.deps.recorder.current();
  }

  /** The periodic check of viewed cameras runs while a viewing is open (started by the first one). */
  private ensureCheckTimer(): void {
    if (this.checkTimer) return;
    this.checkTimer = setInterval(() => void this.checkViewedCameras(), this.tuning.checkIntervalMs);
    this.checkTimer.unref();
  }

  /**
   * Checks that `acting` may see the camera live now, or throws (and traces the refusal):
   * not_found, commune_out_of_scope, the policy's image preconditions, camera_disabled,
   * camera_unauthorised, reason_required, recipient_not_authorised.
   */
  async authorise(cameraId: string, acting: Acting, reason: string | null | undefined): Promise<{ camera: CameraView; reason: string | null }> {
    const { principal } = acting;
    let communeInsee: string | null = null;
    try {
      const found = await this.deps.cameras.get(cameraId, null);
      communeInsee = found.communeInsee;
      if (!inScope(principal, found.communeInsee)) {
        throw new DomainError('commune_out_of_scope', {
          fr: `La caméra est dans la commune ${found.communeInsee}, hors de votre périmètre.`,
          en: `The camera is in commune ${found.communeInsee}, outside your scope.`,
        });
      }
      assertAllowed(principal, 'image.live', found.communeInsee, parisDate(this.deps.clock.now()));
      const camera = assertShown(found);
      const cleanReason = normaliseReason(reason);
      if (reasonRequiredRoles.has(principal.role) && !cleanReason) throw new DomainError('reason_required');
      const needed = recipientsForRole[principal.role];
      if (needed) {
        const named = await this.deps.recipientsOf(cameraId);
        if (!named.some((recipient) => needed.includes(recipient))) throw new DomainError('recipient_not_authorised');
      }
      return { camera, reason: cleanReason };
    } catch (error) {
      if (error instanceof DomainError) {
        await this.deps.audit
          .recordAlone(acting.actor, {
            action: 'access.denied',
            communeInsee,
            targetType: 'camera',
            targetId: cameraId,
            details: { access: 'image.live', code: error.code },
          })
          .catch((auditError: unknown) => this.log.warn({ error: String(auditError) }, 'refusal not audited'));
      }
      throw error;
    }
  }

  /** Authorises, attaches to (or starts) the shared source, audits the start. */
  async openViewing(request: ViewingRequest, acting: Acting): Promise<Viewing> {
    const { camera, reason } = await this.authorise(request.cameraId, acting, request.reason);
    const stream = chooseStream(request.stream, camera);
    this.requireRecorderFor(camera.id);
    const transcode = request.transcode === 'h264';
    const handle = await this.sources.acquire(sourceKey(camera.id, stream, transcode), async () =>
      this.factory.create(camera, stream, transcode, this.requireRecorderFor(camera.id).live),
    );
    const description = {
      viewingId: randomUUID(),
      cameraId: camera.id,
      communeInsee: camera.communeInsee,
      stream,
      transport: request.transport,
      transcoded: handle.source.reencodes,
    };
    try {
      await this.deps.audit.recordImageAccess(acting.actor, {
        kind: 'live.start',
        cameraId: camera.id,
        communeInsee: camera.communeInsee,
        reason,
        details: { viewingId: description.viewingId, stream, transport: request.transport, transcode: transcode ? 'h264' : null },
      });
    } catch (error) {
      handle.release(); // no image without its audit row
      throw error;
    }
    const viewing = new Viewing(
      description,
      request.currentPrincipal,
      handle,
      (closed, stats, durationSeconds) => this.onViewingClosed(closed, acting.actor, reason, stats, durationSeconds),
      this.monotonicNow,
    );
    this.viewings.set(viewing.id, viewing);
    this.ensureCheckTimer();
    return viewing;
  }

  /** The camera's recorder state, for the viewer's first state message. */
  cameraState(cameraId: string): RecorderState | undefined {
    return this.recorder?.recorderState(cameraId);
  }

  /** The current picture of the main stream (masks burnt in as recorded), as JPEG; audited as a snapshot. */
  async still(cameraId: string, reason: string | null | undefined, acting: Acting): Promise<Buffer> {
    const authorised = await this.authorise(cameraId, acting, reason);
    const recorder = this.requireRecorderFor(cameraId);
    const jpeg = await grabStill(recorder.live, cameraId, {
      timeoutMs: this.tuning.stillTimeoutMs,
      spawner: this.deps.spawner,
      ffmpegPath: this.deps.ffmpegPath,
      log: this.log,
    });
    if (!jpeg) throw unavailable('Aucune image reçue de la caméra pour l’instant.', 'No picture received from the camera yet.');
    await this.deps.audit.recordImageAccess(acting.actor, {
      kind: 'snapshot',
      cameraId,
      communeInsee: authorised.camera.communeInsee,
      reason: authorised.reason,
      details: { stream: 'main', purpose: 'live still', bytes: jpeg.length },
    });
    return jpeg;
  }

  /** Viewers, sources and camera connections per camera of the principal's communes, with totals. */
  async status(principal: Principal): Promise<LiveStatus> {
    const recorded = new Set(this.recorder?.fleet.cameraIds ?? []);
    const viewersByCamera = new Map<string, number>();
    for (const viewing of this.viewings.values()) viewersByCamera.set(viewing.cameraId, (viewersByCamera.get(viewing.cameraId) ?? 0) + 1);
    const cameras: LiveCameraStatus[] = [];
    for (const camera of await this.deps.cameras.list(principal)) {
      const sources = this.sources.ofCamera(camera.id);
      if (!recorded.has(camera.id) && sources.length === 0) continue;
      const pulls = sources.filter((source) => source.cameraConnected).length;
      cameras.push({
        cameraId: camera.id,
        viewers: viewersByCamera.get(camera.id) ?? 0,
        sources: sources.length,
        cameraConnections: (recorded.has(camera.id) ? 1 : 0) + pulls,
      });
    }
    const sum = (pick: (row: LiveCameraStatus) => number) => cameras.reduce((total, row) => total + pick(row), 0);
    return {
      cameras,
      totals: { cameraConnections: sum((row) => row.cameraConnections), viewers: sum((row) => row.viewers), sources: sum((row) => row.sources) },
    };
  }

  /** PIDs of the running live ffmpeg processes (benchmarks read their CPU); a direct source has none. */
  sourcePids(): number[] {
    return this.sources
      .all()
      .map((source) => source.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  /** Ends every viewing and stops every source (server shutdown). */
  async stop(): Promise<void> {
    clearInterval(this.checkTimer);
    this.checkTimer = undefined;
    this.stopStateListener?.();
    this.unfollowPositions?.();
    await this.hls.stop();
    const ending = new DomainError('live_unavailable', { fr: 'Le serveur s’arrête.', en: 'The server is stopping.' });
    for (const viewing of this.viewings.values()) viewing.end(ending);
    await Promise.allSettled([...this.viewings.values()].map((viewing) => viewing.close()));
    await this.sources.stopAll();
  }

  private requireRecorderFor(cameraId: string): LiveRecorder {
    if (!this.recorder)
      throw unavailable('Image en direct indisponible : aucun enregistreur dans ce serveur.', 'Live picture unavailable: no recorder in this server.');
    if (this.recorder.recorderState(cameraId) === undefined) {
      throw unavailable(
        'Image en direct indisponible : la caméra n’est pas reçue par l’enregistreur.',
        'Live picture unavailable: the camera is not received by the recorder.',
      );
    }
    return this.recorder;
  }

  private async onViewingClosed(viewing: Viewing, actor: Actor, reason: string | null, stats: ViewingStats, durationSeconds: number): Promise<void> {
    this.viewings.delete(viewing.id);
    const { description } = viewing;
    await this.deps.audit
      .recordImageAccess(actor, {
        kind: 'live.stop',
        cameraId: description.cameraId,
        communeInsee: description.communeInsee,
        reason,
        details: {
          viewingId: description.viewingId,
          stream: description.stream,
          transport: description.transport,
          durationSeconds,
          bytesSent: stats.bytesSent,
          fragmentsSkipped: stats.fragmentsSkipped ?? 0,
        },
      })
      .catch((error: unknown) => this.log.warn({ viewing: description.viewingId, error: String(error) }, 'live stop not audited'));
  }

  private viewingsOf(cameraId: string): Viewing[] {
    return [...this.viewings.values()].filter((viewing) => viewing.cameraId === cameraId);
  }

  private onRecorderState(change: RecorderStateChange): void {
    for (const viewing of this.viewingsOf(change.cameraId)) viewing.notifyState(change.to);
    if (change.to === 'recording') {
      // A new recorder run: its MPEG-TS restarts (timestamps, PAT/PMT); the remux starts over on it.
      for (const source of this.sources.ofCamera(change.cameraId)) if (source.stream === 'main' && source.runs > 0) void source.restart();
    } else if (change.to === 'stopped') {
      void this.checkViewedCameras();
    }
  }

  /** Runs the periodic check at once (after an inventory, authorisation or mask change; tests). */
  checkNow(): Promise<void> {
    return this.checkViewedCameras();
  }

  /** Viewed cameras still shown (authorised, enabled)? Viewers still allowed? Sub-stream masks unchanged? Runs periodically. */
  private async checkViewedCameras(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const viewed = new Set([...this.viewings.values()].map((viewing) => viewing.cameraId).concat(this.sources.all().map((source) => source.cameraId)));
      if (viewed.size === 0) return;
      const inventory = new Map((await this.deps.cameras.list(null)).map((camera) => [camera.id, camera]));
      for (const cameraId of viewed) {
        const camera = inventory.get(cameraId);
        if (!camera || camera.state === 'unauthorised' || camera.state === 'disabled') {
          await this.endCamera(cameraId, camera?.state === 'disabled' ? new DomainError('camera_disabled') : new DomainError('camera_unauthorised'));
        } else if (this.recorder?.recorderState(cameraId) === undefined) {
          // No recorder for it any more (storage lost, mask image unwritable): the main stream has no source of pictures.
          const gone = unavailable(
            'Image en direct interrompue : la caméra n’est plus reçue par l’enregistreur.',
            'Live picture interrupted: the camera is no longer received by the recorder.',
          );
          for (const viewing of this.viewingsOf(cameraId)) if (viewing.description.stream === 'main') viewing.end(gone);
        }
      }
      await this.recheckViewers();
      await this.subStreamMasks.refreshNow();
    } catch (error) {
      this.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'live check failed');
    } finally {
      this.checking = false;
    }
  }

  /** A session signed out or expired, an approval or training that lapsed: the viewing ends (LEGAL 9, 11). */
  private async recheckViewers(): Promise<void> {
    const today = parisDate(this.deps.clock.now());
    for (const viewing of [...this.viewings.values()]) {
      if (!viewing.currentPrincipal || viewing.closed) continue;
      const principal = await viewing.currentPrincipal().catch(() => null);
      if (!principal) {
        viewing.end(new DomainError('session_expired'));
        continue;
      }
      const decision = decide(principal, 'image.live', viewing.description.communeInsee, today);
      if (!decision.allowed) viewing.end(decision.error);
    }
  }

  private async endCamera(cameraId: string, error: DomainError): Promise<void> {
    const viewings = this.viewingsOf(cameraId);
    for (const viewing of viewings) viewing.end(error);
    await this.sources.stopCamera(cameraId);
  }
}
