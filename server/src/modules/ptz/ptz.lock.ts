// The PTZ control lock, pure: who may steer a camera now. One holder per camera; the holder
// renews it with each command; it expires after an idle time (60 s, 10 min for a police
// take-over). A claim of higher priority pre-empts the holder: patrol tour 0 < operator,
// administrator, partner 1 < supervisor 2 < police take-over 3 (a police officer steering
// without take-over is 1). The pre-empted holder is remembered on the lock, so that their next
// command is told it was taken over rather than merely locked.
import type { Role } from '../access/index.ts';

export const PATROL_ROLE = 'patrol';
export type HolderRole = Role | typeof PATROL_ROLE;

export const IDLE_EXPIRY_MS = 60_000;
export const TAKEOVER_EXPIRY_MS = 10 * 60_000;

export const PRIORITY = { patrol: 0, standard: 1, supervisor: 2, takeover: 3 } as const;

export type PtzCommand = 'move' | 'stop' | 'preset_call' | 'preset_save';
export type SessionEnd = 'released' | 'expired' | 'preempted' | 'upgraded' | 'tour_stopped';

export interface PtzHolder {
  /** A user id, or `patrol:<instance>` for the tour runner of one API process. */
  holderId: string;
  login: string;
  role: HolderRole;
}

export interface SessionCounts {
  moves: number;
  presetCalls: number;
  presetsSaved: number;
}

export interface PtzLock extends PtzHolder {
  cameraId: string;
  communeInsee: string;
  /** One control session: from the take to the release; its audit rows carry this id. */
  sessionId: string;
  priority: number;
  takeover: boolean;
  acquiredAt: string;
  renewedAt: string;
  expiresAt: string;
  /** The holder this session pre-empted, while it lasts. */
  preempted: PtzHolder | null;
  /** The tour a patrol lock runs. */
  tourId: string | null;
  counts: SessionCounts;
}

export interface PtzClaim extends PtzHolder {
  cameraId: string;
  communeInsee: string;
  takeover: boolean;
  tourId?: string | null;
  /** Idle expiry of the lock once taken or renewed (patrol: its dwell and a margin). */
  idleMs?: number;
  /** The command that comes with the claim, counted in the session. */
  command?: PtzCommand | null;
}

export type ClaimDecision =
  /** The claimant already holds the lock: renewed (and counted). */
  | { kind: 'renewed'; lock: PtzLock }
  /** A new session starts; `ended` is the session it replaces, if any. */
  | { kind: 'granted'; lock: PtzLock; ended: { lock: PtzLock; cause: SessionEnd } | null }
  | { kind: 'refused'; code: 'ptz_locked' | 'ptz_taken_over'; lock: PtzLock };

/** A police take-over needs the `ptz.takeover` action; the caller checks it before claiming. */
export function priorityOf(role: HolderRole, takeover: boolean): number {
  if (role === PATROL_ROLE) return PRIORITY.patrol;
  if (takeover) return PRIORITY.takeover;
  return role === 'supervisor' ? PRIORITY.supervisor : PRIORITY.standard;
}

export function isExpired(lock: PtzLock, now: Date): boolean {
  return Date.parse(lock.expiresAt) <= now.getTime();
}

function idleMsOf(claim: PtzClaim, takeover: boolean): number {
  return claim.idleMs ?? (takeover ? TAKEOVER_EXPIRY_MS : IDLE_EXPIRY_MS);
}

export function countCommand(counts: SessionCounts, command: PtzCommand | null | undefined): SessionCounts {
  if (command === 'move') return { ...counts, moves: counts.moves + 1 };
  if (command === 'preset_call') return { ...counts, presetCalls: counts.presetCalls + 1 };
  if (command === 'preset_save') return { ...counts, presetsSaved: counts.presetsSaved + 1 };
  return counts;
}

const noCounts: SessionCounts = { moves: 0, presetCalls: 0, presetsSaved: 0 };

/** Decides a claim (a lock request, or a command that takes the lock implicitly). */
export function decideClaim(current: PtzLock | null, claim: PtzClaim, now: Date, newSessionId: string): ClaimDecision {
  const at = now.toISOString();
  const priority = priorityOf(claim.role, claim.takeover);
  const grant = (ended: { lock: PtzLock; cause: SessionEnd } | null, preempted: PtzHolder | null): ClaimDecision => ({
    kind: 'granted',
    ended,
    lock: {
      cameraId: claim.cameraId,
      communeInsee: claim.communeInsee,
      sessionId: newSessionId,
      holderId: claim.holderId,
      login: claim.login,
      role: claim.role,
      priority,
      takeover: claim.takeover,
      acquiredAt: at,
      renewedAt: at,
      expiresAt: new Date(now.getTime() + idleMsOf(claim, claim.takeover)).toISOString(),
      preempted,
      tourId: claim.tourId ?? null,
      counts: countCommand(noCounts, claim.command),
    },
  });
  if (current === null) return grant(null, null);
  if (isExpired(current, now)) return grant({ lock: current, cause: 'expired' }, null);
  if (current.holderId === claim.holderId) {
    // Asking for a take-over while steering normally starts a take-over session of its own.
    if (priority > current.priority) return grant({ lock: current, cause: 'upgraded' }, current.preempted);
    return {
      kind: 'renewed',
      lock: {
        ...current,
        renewedAt: at,
        expiresAt: new Date(now.getTime() + idleMsOf(claim, current.takeover)).toISOString(),
        tourId: claim.tourId ?? current.tourId,
        counts: countCommand(current.counts, claim.command),
      },
    };
  }
  if (priority > current.priority) {
    return grant({ lock: current, cause: 'preempted' }, { holderId: current.holderId, login: current.login, role: current.role });
  }
  return { kind: 'refused', code: current.preempted?.holderId === claim.holderId ? 'ptz_taken_over' : 'ptz_locked', lock: current };
}

/** Whether `holderId` may release the lock (only its holder does; anyone may clear an expired one). */
export function mayRelease(current: PtzLock | null, holderId: string): boolean {
  return current !== null && current.holderId === holderId;
}

export function sessionSeconds(lock: PtzLock, endedAt: Date): number {
  return Math.max(0, Math.round((endedAt.getTime() - Date.parse(lock.acquiredAt)) / 1000));
}

/** What the 409 answers carry: who holds the lock, how, and until when. */
export function lockRefusalDetails(lock: PtzLock) {
  return { holder: { login: lock.login, role: lock.role, priority: lock.priority }, takeover: lock.takeover, expiresAt: lock.expiresAt };
}
