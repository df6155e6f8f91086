// PTZ steering without the DOM: the joystick's vector, the mover that turns "held in this
// direction" into throttled, renewed move requests and a stop, the lock's sentence and the
// PTZ errors in words. Tested by ptz-control.test.ts.
import { localeOf, type Language, type Translate } from '../../i18n/translate.ts';
import { ApiError, errorMessage } from '../../lib/errors.ts';
import { parisTimeZone } from '../../lib/dates.ts';
import type { PtzLock, PtzVelocity } from '../../api/types.ts';

const deadZone = 0.12;

/**
 * The pan / tilt velocities of a joystick pointer at (dx, dy) from the pad's centre, for a pad
 * of `radius`: right and up are positive, within the unit circle, a small dead zone around the
 * centre, rounded to 2 decimals.
 */
export function joystickVector(dx: number, dy: number, radius: number): { pan: number; tilt: number } {
  if (!(radius > 0)) return { pan: 0, tilt: 0 };
  let pan = dx / radius;
  let tilt = -dy / radius;
  const length = Math.hypot(pan, tilt);
  if (length < deadZone) return { pan: 0, tilt: 0 };
  if (length > 1) {
    pan /= length;
    tilt /= length;
  }
  const round = (value: number) => Math.round(value * 100) / 100 || 0;
  return { pan: round(pan), tilt: round(tilt) };
}

export const isStill = (velocity: PtzVelocity) => velocity.pan === 0 && velocity.tilt === 0 && velocity.zoom === 0;

export interface PtzMoverTransport {
  move(velocity: PtzVelocity): Promise<unknown>;
  stop(): Promise<unknown>;
  onError(error: unknown): void;
  /** The first move of a hold was accepted (the lock may have changed hands: show it). */
  onStarted?(): void;
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

/** At most 5 requests a second. */
export const minSendIntervalMs = 200;
/** The server stops a move after a short timeout: a held direction is sent again this often. */
export const renewIntervalMs = 500;
/** A quick click still moves this long, so that a nudge shows on the picture. */
export const minHoldMs = 400;

/**
 * Turns a held direction into move requests: the first at once, a changed direction after at
 * most 200 ms, the same one renewed every 500 ms; release sends a stop (after 400 ms for a
 * quick click). A refused move (lock held by someone else) ends the hold and reports it.
 */
export class PtzMover {
  private velocity: PtzVelocity | null = null;
  private sentVelocity: PtzVelocity | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pressedAt = 0;
  private timer: unknown = null;
  private stopTimer: unknown = null;
  private moving = false;

  constructor(private readonly transport: PtzMoverTransport) {}

  get holding(): boolean {
    return this.velocity !== null;
  }

  press(velocity: PtzVelocity): void {
    if (isStill(velocity)) {
      this.release();
      return;
    }
    if (this.stopTimer !== null) {
      this.transport.clearTimer(this.stopTimer);
      this.stopTimer = null;
    }
    if (this.velocity === null) this.pressedAt = this.transport.now();
    this.velocity = velocity;
    this.tick();
  }

  release(): void {
    if (this.velocity === null) return;
    this.velocity = null;
    this.clearTick();
    const held = this.transport.now() - this.pressedAt;
    if (held >= minHoldMs) this.sendStop();
    else
      this.stopTimer = this.transport.setTimer(() => {
        this.stopTimer = null;
        this.sendStop();
      }, minHoldMs - held);
  }

  /** Stops at once (the panel goes away, the camera changes); the mover can be used again. */
  dispose(): void {
    const wasMoving = this.moving || this.velocity !== null;
    this.velocity = null;
    this.clearTick();
    if (this.stopTimer !== null) this.transport.clearTimer(this.stopTimer);
    this.stopTimer = null;
    if (wasMoving) this.sendStop();
  }

  private tick(): void {
    this.clearTick();
    const velocity = this.velocity;
    if (!velocity) return;
    const now = this.transport.now();
    const since = now - this.lastSentAt;
    const changed = !this.sentVelocity || !sameVelocity(velocity, this.sentVelocity);
    let wait: number;
    if ((changed && since >= minSendIntervalMs) || since >= renewIntervalMs) {
      this.send(velocity);
      wait = changed ? minSendIntervalMs : renewIntervalMs;
    } else {
      wait = changed ? minSendIntervalMs - since : renewIntervalMs - since;
    }
    this.timer = this.transport.setTimer(
      () => {
        this.timer = null;
        this.tick();
      },
      Math.max(10, wait),
    );
  }

  private clearTick(): void {
    if (this.timer !== null) this.transport.clearTimer(this.timer);
    this.timer = null;
  }

  private send(velocity: PtzVelocity): void {
    const starting = !this.moving;
    this.lastSentAt = this.transport.now();
    this.sentVelocity = velocity;
    this.moving = true;
    this.transport.move(velocity).then(
      () => {
        if (starting) this.transport.onStarted?.();
      },
      (error: unknown) => {
        // A move refused (the lock is someone else's) ends the hold: no stop to send.
        this.velocity = null;
        this.moving = false;
        this.sentVelocity = null;
        this.clearTick();
        if (this.stopTimer !== null) this.transport.clearTimer(this.stopTimer);
        this.stopTimer = null;
        this.transport.onError(error);
      },
    );
  }

  private sendStop(): void {
    if (!this.moving) return;
    this.moving = false;
    this.sentVelocity = null;
    this.lastSentAt = Number.NEGATIVE_INFINITY;
    this.transport.stop().catch((error: unknown) => this.transport.onError(error));
  }
}

function sameVelocity(a: PtzVelocity, b: PtzVelocity): boolean {
  return a.pan === b.pan && a.tilt === b.tilt && a.zoom === b.zoom;
}

/** "14:05" in Paris, whatever the workstation's zone. */
export function parisClock(iso: string | Date, language: Language, withSeconds = false): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(localeOf(language), {
    timeZone: parisTimeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: withSeconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  }).format(date);
}

const roleKeys = new Set(['administrator', 'supervisor', 'operator', 'police', 'partner', 'auditor', 'technician']);

/** A role in words; `patrol` is the automatic patrol tour holding the camera. */
export function roleName(role: string, t: Translate): string {
  if (role === 'patrol') return t('ptz.patrol');
  return roleKeys.has(role) ? t(`role.${role}` as Parameters<Translate>[0]) : role;
}

/** "Pilotée par dupont (Police / gendarmerie) jusqu'à 14:05", or "Libre". */
export function lockSentence(lock: PtzLock | null, t: Translate, language: Language): string {
  if (!lock) return t('ptz.lockFree');
  const values = { login: lock.holderLogin, role: roleName(lock.holderRole, t), until: parisClock(lock.expiresAt, language) };
  if (!values.until) return t('ptz.lockHeldNoEnd', values);
  return lock.mine ? t('ptz.lockMine', values) : t('ptz.lockHeld', values);
}

/**
 * The holder named by a 409 ptz_locked / ptz_taken_over: `details.holder` is
 * `{login, role, priority}` with `details.expiresAt` beside it (a lock view is accepted too).
 */
function holderOf(details: unknown): PtzLock | null {
  if (!details || typeof details !== 'object') return null;
  const outer = details as { holder?: unknown; expiresAt?: unknown; takeover?: unknown };
  if (!outer.holder || typeof outer.holder !== 'object') return null;
  const holder = outer.holder as { login?: unknown; holderLogin?: unknown; role?: unknown; holderRole?: unknown; priority?: unknown; expiresAt?: unknown };
  const login = typeof holder.login === 'string' ? holder.login : typeof holder.holderLogin === 'string' ? holder.holderLogin : null;
  if (!login) return null;
  const expiresAt = typeof outer.expiresAt === 'string' ? outer.expiresAt : typeof holder.expiresAt === 'string' ? holder.expiresAt : '';
  return {
    holderLogin: login,
    holderRole: String(holder.role ?? holder.holderRole ?? ''),
    takeover: outer.takeover === true,
    priority: Number(holder.priority ?? 0),
    acquiredAt: '',
    expiresAt,
    mine: false,
  };
}

/** PTZ refusals in words: who holds the camera and until when, a take-over, else the API's sentence. */
export function ptzErrorText(error: unknown, t: Translate, language: Language): string {
  if (error instanceof ApiError) {
    if (error.code === 'ptz_locked') {
      const holder = holderOf(error.body?.details);
      if (holder) return t('ptz.lockedBy', { lock: lockSentence(holder, t, language) });
    }
    if (error.code === 'ptz_taken_over') {
      const holder = holderOf(error.body?.details);
      if (holder) return t('ptz.takenOverBy', { login: holder.holderLogin, role: roleName(holder.holderRole, t) });
    }
  }
  return errorMessage(error, language);
}

/** The server's bounds of a tour stop (ptz.tours.rules.ts). */
export const minDwellSeconds = 5;
export const maxDwellSeconds = 3600;

export interface TourStepDraft {
  presetToken: string;
  dwellSeconds: string;
}

/** What is wrong with a tour form (message keys), empty when it can be sent. */
export function tourDraftProblems(
  name: string,
  steps: readonly TourStepDraft[],
  activeFrom: string,
  activeTo: string,
): ('ptz.tour.needName' | 'ptz.tour.needSteps' | 'ptz.tour.badDwell' | 'ptz.tour.badWindow')[] {
  const problems: ('ptz.tour.needName' | 'ptz.tour.needSteps' | 'ptz.tour.badDwell' | 'ptz.tour.badWindow')[] = [];
  if (name.trim().length === 0) problems.push('ptz.tour.needName');
  const chosen = steps.filter((step) => step.presetToken !== '');
  if (chosen.length < 2) problems.push('ptz.tour.needSteps');
  if (
    chosen.some((step) => !/^\d+$/.test(step.dwellSeconds.trim()) || Number(step.dwellSeconds) < minDwellSeconds || Number(step.dwellSeconds) > maxDwellSeconds)
  )
    problems.push('ptz.tour.badDwell');
  const time = /^([01]\d|2[0-3]):[0-5]\d$/;
  if ((activeFrom === '') !== (activeTo === '') || (activeFrom !== '' && (!time.test(activeFrom) || !time.test(activeTo)))) problems.push('ptz.tour.badWindow');
  return problems;
}
