// PTZ use cases: the status of a camera (lock, presets, position, tours), the control lock
// (take, renew with each command, release, pre-emption, police take-over), the commands
// (continuous move with a short camera-side timeout, stop, go to and save presets), and what
// the patrol runner needs. Each control session is audited twice, never per nudge: one
// `image.ptz.take` row when it starts and one `image.ptz.release` row with its counts when it
// ends (release, expiry found lazily or by the sweep, pre-emption). The lock decision and its
// audit rows share one transaction; camera traffic happens after it commits.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { PtzDb } from './ptz.repository.ts';
import { DomainError } from '../../platform/errors.ts';
import { OnvifError, type OnvifCamera, type OnvifPtzClient, type PtzVector } from '../../platform/onvif/index.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { assertAllowed, roleLabels, type Action, type Principal, type Role } from '../access/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import type { CameraView, StreamCredentials } from '../cameras/index.ts';
import {
  decideClaim,
  isExpired,
  lockRefusalDetails,
  mayRelease,
  PATROL_ROLE,
  sessionSeconds,
  type ClaimDecision,
  type PtzClaim,
  type PtzCommand,
  type PtzLock,
  type SessionEnd,
} from './ptz.lock.ts';
import type { PtzRepository } from './ptz.repository.ts';
import type { LockView, PtzStatusView } from './ptz.schemas.ts';
import { tourView, type PatrolTour, type StepOutcome } from './ptz.tours.rules.ts';

/** The camera stops by itself this long after a move command unless the next one comes. */
export const MOVE_TIMEOUT_MS = 1000;
/** A patrol lock outlives its dwell by this margin, so it is renewed by the next step. */
const PATROL_LOCK_MARGIN_MS = 60_000;

export const patrolActor: Actor = Object.freeze({ type: 'system', id: null, login: 'patrol' });

export type Acting = { actor: Actor; principal: Principal };
export type PositionListener = (cameraId: string, presetToken: string | null) => void;

export interface PtzCameras {
  get(id: string, principal: null): Promise<CameraView>;
  requireOperable(id: string, principal: null): Promise<CameraView>;
  streamCredentials(id: string): Promise<StreamCredentials | null>;
}

export type PtzDevice = Pick<OnvifPtzClient, 'continuousMove' | 'stop' | 'status' | 'presets' | 'setPreset' | 'gotoPreset'>;

export interface PtzServiceDeps {
  repository: PtzRepository;
  audit: AuditService;
  clock: Clock;
  cameras: PtzCameras;
  device: PtzDevice;
  log?: ProcessLog;
}

export function isSteerable(camera: Pick<CameraView, 'kind' | 'onvifUrl'>): boolean {
  return camera.kind === 'ptz' && camera.onvifUrl !== null;
}

const holderName = (lock: PtzLock, language: 'fr' | 'en') =>
  `${lock.login} (${lock.role === PATROL_ROLE ? (language === 'fr' ? 'ronde virtuelle' : 'patrol tour') : roleLabels[lock.role as Role][language]})`;

function refusal(code: 'ptz_locked' | 'ptz_taken_over', lock: PtzLock): DomainError {
  const [fr, en] =
    code === 'ptz_taken_over'
      ? [
          `Le pilotage de la caméra a été repris par ${holderName(lock, 'fr')}${lock.takeover ? ' (prise de main)' : ''}.`,
          `Control of the camera was taken over by ${holderName(lock, 'en')}.`,
        ]
      : [`La caméra est pilotée par ${holderName(lock, 'fr')}.`, `The camera is controlled by ${holderName(lock, 'en')}.`];
  return new DomainError(code, { fr, en, details: lockRefusalDetails(lock) });
}

function cameraFailure(error: unknown): unknown {
  if (!(error instanceof OnvifError)) return error;
  if (error.kind === 'unsupported') return new DomainError('ptz_unsupported', { details: { reason: error.reason } });
  return new DomainError('ptz_camera_error', {
    fr: `La caméra n’a pas exécuté la commande PTZ : ${error.reason}`,
    en: `The camera did not carry out the PTZ command: ${error.reason}`,
    details: { reason: error.reason, kind: error.kind, subcode: error.subcode },
  });
}

function holderActor(lock: PtzLock): Actor {
  return lock.role === PATROL_ROLE ? patrolActor : { type: 'user', id: lock.holderId, login: lock.login };
}

export class PtzService {
  private readonly listeners = new Set<PositionListener>();

  constructor(private readonly deps: PtzServiceDeps) {}

  /**
   * Called after a command sent by this process moved a camera: to a preset (its token, after a
   * go-to by a person or a patrol tour, or a preset saved where the camera is), or elsewhere
   * (null, after a continuous move). The recorder role and live sub-streams follow it to burn in
   * the masks of a PTZ preset (masks carry `presetToken`; services.ts feeds `PtzPositions`).
   */
  onPositionChanged(listener: PositionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async status(cameraId: string, principal: Principal | null): Promise<PtzStatusView> {
    const camera = await this.authorise(cameraId, principal, 'ptz.control');
    const unsupported: PtzStatusView = { supported: false, lock: null, presets: [], position: null, tours: [], cameraError: null };
    if (!isSteerable(camera)) return unsupported;
    const lock = await this.currentLock(cameraId);
    const now = this.deps.clock.now();
    const tours = (await this.deps.repository.toursOfCamera(cameraId)).map((tour) => tourView(tour, lock, now));
    const view: PtzStatusView = { supported: true, lock: lock && this.lockView(lock, principal), presets: [], position: null, tours, cameraError: null };
    try {
      const target = await this.target(camera);
      const [presets, status] = await Promise.all([this.deps.device.presets(target), this.deps.device.status(target)]);
      return { ...view, presets, position: status.position };
    } catch (error) {
      if (error instanceof OnvifError && error.kind === 'unsupported') return unsupported;
      if (error instanceof OnvifError) return { ...view, cameraError: error.reason };
      throw error;
    }
  }

  /** Takes (or renews) the lock; `takeover` is a police take-over ("prise de main"). */
  async lock(cameraId: string, takeover: boolean, acting: Acting): Promise<LockView> {
    const camera = await this.steerable(cameraId, acting.principal, takeover ? 'ptz.takeover' : 'ptz.control');
    return this.lockView(await this.claimOrThrow(this.userClaim(camera, acting, takeover, null), acting.actor), acting.principal);
  }

  /** Gives the lock back (nothing happens when someone else holds it). */
  async release(cameraId: string, acting: Acting): Promise<void> {
    await this.authorise(cameraId, acting.principal, 'ptz.control');
    await this.endSession(
      cameraId,
      (lock, now) => (isExpired(lock, now) ? 'expired' : mayRelease(lock, acting.principal.id) ? 'released' : null),
      acting.actor,
    );
  }

  async move(cameraId: string, velocity: PtzVector, acting: Acting): Promise<LockView> {
    return this.command(cameraId, acting, 'move', async (target) => {
      await this.deps.device.continuousMove(target, velocity, MOVE_TIMEOUT_MS);
      this.positionChanged(cameraId, null);
    });
  }

  async stop(cameraId: string, acting: Acting): Promise<LockView> {
    return this.command(cameraId, acting, 'stop', (target) => this.deps.device.stop(target));
  }

  async gotoPreset(cameraId: string, presetToken: string, acting: Acting): Promise<LockView> {
    return this.command(cameraId, acting, 'preset_call', async (target) => {
      await this.deps.device.gotoPreset(target, presetToken);
      this.positionChanged(cameraId, presetToken);
    });
  }

  /** Saves the current position as a preset on the camera. */
  async savePreset(cameraId: string, name: string, acting: Acting): Promise<{ token: string; name: string }> {
    let token = '';
    await this.command(cameraId, acting, 'preset_save', async (target) => {
      token = await this.deps.device.setPreset(target, name);
      // The camera is at the preset it just saved: masks drawn for it now apply without a go-to.
      this.positionChanged(cameraId, token);
    });
    return { token, name };
  }

  // For the patrol runner (ptz.tours.ts).

  /** Moves a tour's camera to one of its presets, holding the lock at priority 0; paused while a person steers. */
  async patrolStep(tour: PatrolTour, stepIndex: number, patrolId: string): Promise<StepOutcome> {
    const step = tour.steps[stepIndex];
    const camera = await this.deps.cameras.get(tour.cameraId, null).catch(() => null);
    if (!step || !camera || camera.state === 'disabled' || camera.state === 'unauthorised' || !isSteerable(camera)) return 'failed';
    const decision = await this.claim(
      {
        cameraId: camera.id,
        communeInsee: camera.communeInsee,
        holderId: patrolId,
        login: 'patrol',
        role: PATROL_ROLE,
        takeover: false,
        tourId: tour.id,
        idleMs: step.dwellSeconds * 1000 + PATROL_LOCK_MARGIN_MS,
        command: 'preset_call',
      },
      patrolActor,
    );
    if (decision.kind === 'refused') return 'paused';
    try {
      await this.deps.device.gotoPreset(await this.target(camera), step.presetToken);
    } catch (error) {
      if (!(error instanceof OnvifError)) throw error;
      this.deps.log?.warn({ cameraId: camera.id, tourId: tour.id, preset: step.presetToken, error: error.reason }, 'patrol step failed');
      return 'failed';
    }
    this.positionChanged(camera.id, step.presetToken);
    return 'moved';
  }

  /** Ends the patrol's session on a camera (tour stopped, out of its window, runner stopping). */
  async endPatrol(cameraId: string, patrolId: string): Promise<void> {
    await this.endSession(cameraId, (lock, now) => (lock.holderId !== patrolId ? null : isExpired(lock, now) ? 'expired' : 'tour_stopped'));
  }

  async endPatrols(patrolId: string): Promise<void> {
    for (const lock of await this.deps.repository.locksOf(patrolId)) await this.endPatrol(lock.cameraId, patrolId);
  }

  /** Ends (and audits) expired sessions nobody has touched since, at most `limit` per call. */
  async sweepExpiredLocks(limit = 50): Promise<number> {
    const now = this.deps.clock.now();
    let ended = 0;
    for (const cameraId of await this.deps.repository.expiredLockCameras(now.toISOString(), limit)) {
      if (await this.endSession(cameraId, (lock, at) => (isExpired(lock, at) ? 'expired' : null))) ended++;
    }
    return ended;
  }

  /** The camera's lock now; an expired one is ended (and audited) on the way. */
  async currentLock(cameraId: string): Promise<PtzLock | null> {
    const lock = await this.deps.repository.findLock(cameraId);
    if (!lock || !isExpired(lock, this.deps.clock.now())) return lock;
    await this.endSession(cameraId, (current, now) => (isExpired(current, now) ? 'expired' : null));
    return this.deps.repository.findLock(cameraId);
  }

  // Inside.

  private async command(cameraId: string, acting: Acting, command: PtzCommand, send: (target: OnvifCamera) => Promise<void>): Promise<LockView> {
    const camera = await this.steerable(cameraId, acting.principal, 'ptz.control');
    const lock = await this.claimOrThrow(this.userClaim(camera, acting, false, command), acting.actor);
    try {
      await send(await this.target(camera));
    } catch (error) {
      throw cameraFailure(error);
    }
    return this.lockView(lock, acting.principal);
  }

  /** The camera, once the principal may do `action` on its commune and the camera may be shown (LEGAL 1). */
  private async authorise(cameraId: string, principal: Principal | null, action: Action): Promise<CameraView> {
    const camera = await this.deps.cameras.get(cameraId, null);
    if (principal) assertAllowed(principal, action, camera.communeInsee, parisDate(this.deps.clock.now()));
    if (camera.state === 'disabled' || camera.state === 'unauthorised') await this.deps.cameras.requireOperable(cameraId, null);
    return camera;
  }

  private async steerable(cameraId: string, principal: Principal, action: Action): Promise<CameraView> {
    const camera = await this.authorise(cameraId, principal, action);
    if (!isSteerable(camera)) throw new DomainError('ptz_unsupported');
    return camera;
  }

  private userClaim(camera: CameraView, acting: Acting, takeover: boolean, command: PtzCommand | null): PtzClaim {
    const { principal } = acting;
    return { cameraId: camera.id, communeInsee: camera.communeInsee, holderId: principal.id, login: principal.login, role: principal.role, takeover, command };
  }

  private async target(camera: CameraView): Promise<OnvifCamera> {
    return { cameraId: camera.id, deviceUrl: camera.onvifUrl ?? '', credentials: await this.deps.cameras.streamCredentials(camera.id) };
  }

  private async claimOrThrow(claim: PtzClaim, actor: Actor): Promise<PtzLock> {
    const decision = await this.claim(claim, actor);
    if (decision.kind === 'refused') throw refusal(decision.code, decision.lock);
    return decision.lock;
  }

  private async claim(claim: PtzClaim, actor: Actor): Promise<ClaimDecision> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.repository.transaction(async (trx) => {
          const current = await this.deps.repository.findLock(claim.cameraId, trx, true);
          const now = this.deps.clock.now();
          const decision = decideClaim(current, claim, now, randomUUID());
          if (decision.kind === 'refused') return decision;
          await this.deps.repository.putLock(trx, decision.lock, current !== null);
          if (decision.kind === 'granted') {
            if (decision.ended) await this.auditEnd(trx, decision.ended.lock, decision.ended.cause, now, decision.lock);
            await this.auditTake(trx, actor, decision.lock, decision.ended, claim.command ?? null);
          }
          return decision;
        });
      } catch (error) {
        // Two processes inserting the first lock of a camera at once: the loser reads the winner's.
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  /** Ends the camera's session when `causeOf` gives a cause; returns whether one ended. */
  private endSession(cameraId: string, causeOf: (lock: PtzLock, now: Date) => SessionEnd | null, requestActor?: Actor): Promise<boolean> {
    return this.deps.repository.transaction(async (trx) => {
      const current = await this.deps.repository.findLock(cameraId, trx, true);
      const now = this.deps.clock.now();
      const cause = current && causeOf(current, now);
      if (!current || !cause) return false;
      await this.deps.repository.deleteLock(trx, cameraId, current.sessionId);
      await this.auditEnd(trx, current, cause, now, null, cause === 'released' ? requestActor : undefined);
      return true;
    });
  }

  private async auditTake(
    trx: PtzDb,
    actor: Actor,
    lock: PtzLock,
    ended: { lock: PtzLock; cause: SessionEnd } | null,
    command: PtzCommand | null,
  ): Promise<void> {
    const preempted =
      ended?.cause === 'preempted' ? { login: ended.lock.login, role: ended.lock.role, takeover: ended.lock.takeover, sessionId: ended.lock.sessionId } : null;
    await this.deps.audit.recordImageAccess(
      actor,
      {
        kind: 'ptz.take',
        cameraId: lock.cameraId,
        communeInsee: lock.communeInsee,
        details: { sessionId: lock.sessionId, takeover: lock.takeover, priority: lock.priority, command, preempted, tourId: lock.tourId },
      },
      trx,
    );
  }

  /** One row per session, with its counts; the actor is the session's holder (or who released it). */
  private async auditEnd(trx: PtzDb, lock: PtzLock, cause: SessionEnd, now: Date, by: PtzLock | null, actor?: Actor): Promise<void> {
    const endedAt = cause === 'expired' ? new Date(Math.min(now.getTime(), Date.parse(lock.expiresAt))) : now;
    await this.deps.audit.recordImageAccess(
      actor ?? holderActor(lock),
      {
        kind: 'ptz.release',
        cameraId: lock.cameraId,
        communeInsee: lock.communeInsee,
        details: {
          sessionId: lock.sessionId,
          cause,
          ...lock.counts,
          durationSeconds: sessionSeconds(lock, endedAt),
          endedAt: endedAt.toISOString(),
          takeover: lock.takeover,
          priority: lock.priority,
          endedBy: by && by.holderId !== lock.holderId ? { login: by.login, role: by.role, takeover: by.takeover } : null,
          tourId: lock.tourId,
        },
      },
      trx,
    );
  }

  private lockView(lock: PtzLock, principal: Principal | null): LockView {
    return {
      holderLogin: lock.login,
      holderRole: lock.role,
      takeover: lock.takeover,
      priority: lock.priority,
      acquiredAt: lock.acquiredAt,
      expiresAt: lock.expiresAt,
      mine: principal !== null && principal.id === lock.holderId,
    };
  }

  private positionChanged(cameraId: string, presetToken: string | null): void {
    for (const listener of this.listeners) {
      try {
        listener(cameraId, presetToken);
      } catch (error) {
        this.deps.log?.warn({ cameraId, error: error instanceof Error ? error.message : String(error) }, 'PTZ position listener failed');
      }
    }
  }
}
