// Sign-in: password (argon2id), lockout after repeated failures, TOTP second factor with
// enrolment and recovery codes, sessions with idle and absolute expiry and a CSRF token.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Transaction } from 'kysely';
import type { AuthSchema, SessionRow, UserRow } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { SessionInfo } from '../../platform/http/context.ts';
import { imageRoles, type Principal, type Role } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import type { AuthRepository } from './auth.repository.ts';
import { assertStrongPassword, burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
import { principalOfUser } from './principal.ts';
import {
  isLegacyRecoveryCode,
  legacyRecoveryCodeHash,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  totpStep,
  totpUri,
} from './totp.ts';

/** Port to the settings module: whether image roles must use a second factor (a setting the administrator changes). */
export interface SessionSettings {
  totpRequiredForImageRoles(): Promise<boolean>;
}

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
  maxFailures: number;
  lockoutMinutes: number;
}

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  stage: SessionInfo['stage'];
  csrfToken: string;
  user: { id: string; login: string; role: Role };
}

function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionsService {
  constructor(
    private readonly repository: AuthRepository,
    private readonly audit: AuditApi,
    private readonly settings: SessionSettings,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly policy: SessionPolicy,
  ) {}

  private async totpRequired(user: UserRow): Promise<boolean> {
    return imageRoles.has(user.role as Role) && (await this.settings.totpRequiredForImageRoles());
  }

  /**
   * One sign-in attempt (password or second factor), reserved before the secret is checked:
   * a locked account, or one already at the failure threshold, is not evaluated at all and
   * answers like a wrong secret. A right secret is re-checked against a lock taken meanwhile
   * (a burst that locked the account refuses its one right password too). Audited either way.
   */
  private async attempt(user: UserRow, actor: Actor, reason: 'password' | 'totp', check: () => Promise<boolean>): Promise<'ok' | 'locked_meanwhile'> {
    const who: Actor = { ...actor, id: user.id, login: user.login };
    const wrong = reason === 'password' ? 'invalid_credentials' : 'totp_invalid';
    const reserved = await this.repository.transaction(async (trx) => {
      const now = this.clock.now();
      const count = await this.repository.reserveAttempt(trx, user.id, now.toISOString(), this.policy.maxFailures);
      if (count !== null) return count;
      // At the threshold and not locked yet: this attempt locks it (once, whatever runs in parallel).
      await this.lock(trx, who, now);
      await this.audit.record(trx, who, {
        action: 'auth.login.refused',
        targetType: 'user',
        targetId: user.id,
        details: { reason: 'account_locked', stage: reason },
      });
      return null;
    });
    if (reserved === null) {
      if (reason === 'password') await burnPasswordCheck('not evaluated');
      throw new DomainError(wrong);
    }
    if (!(await check())) {
      await this.repository.transaction(async (trx) => {
        const locked = reserved >= this.policy.maxFailures;
        if (locked) await this.lock(trx, who, this.clock.now());
        await this.audit.record(trx, who, {
          action: 'auth.login.failed',
          targetType: 'user',
          targetId: user.id,
          details: { reason, failures: reserved, locked },
        });
      });
      throw new DomainError(wrong);
    }
    const fresh = await this.repository.findUserById(user.id);
    return fresh?.locked_until && fresh.locked_until > this.clock.now().toISOString() ? 'locked_meanwhile' : 'ok';
  }

  /** Locks the account unless it is locked already; only the attempt that locks it writes the audit row. */
  private async lock(trx: Transaction<AuthSchema>, who: Actor, now: Date): Promise<void> {
    const lockedUntil = new Date(now.getTime() + this.policy.lockoutMinutes * 60_000).toISOString();
    if (!(await this.repository.lockIfUnlocked(trx, who.id!, lockedUntil, now.toISOString()))) return;
    await this.audit.record(trx, who, { action: 'auth.account.locked', targetType: 'user', targetId: who.id, details: { until: lockedUntil } });
  }

  private lockedError(user: UserRow): DomainError {
    return new DomainError('account_locked', {
      fr: `Compte verrouillé après trop d’échecs ; réessayez dans ${this.policy.lockoutMinutes} minutes.`,
      en: `Account locked after too many failures; try again in ${this.policy.lockoutMinutes} minutes.`,
      details: { login: user.login },
    });
  }

  async login(login: string, password: string, meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
    const actor: Actor = { type: 'user', id: null, login, ip: meta.ip };
    const user = await this.repository.findUserByLogin(login);
    if (!user) {
      await burnPasswordCheck(password);
      await this.audit.recordAlone(actor, { action: 'auth.login.failed', details: { reason: 'unknown_login' } });
      throw new DomainError('invalid_credentials');
    }
    const outcome = await this.attempt(user, actor, 'password', () => verifyPassword(user.password_hash, password));
    // The password is right: only now may the account's state be told (no login enumeration).
    const refusal = user.disabled === 1 ? new DomainError('account_disabled') : outcome === 'locked_meanwhile' ? this.lockedError(user) : null;
    if (refusal) {
      await this.audit.recordAlone(
        { ...actor, id: user.id },
        { action: 'auth.login.refused', targetType: 'user', targetId: user.id, details: { reason: refusal.code } },
      );
      throw refusal;
    }
    const stage: SessionInfo['stage'] = user.totp_enabled === 1 ? 'password' : (await this.totpRequired(user)) ? 'enrol' : 'full';
    return this.openSession(user, stage, meta);
  }

  private async openSession(user: UserRow, stage: SessionInfo['stage'], meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    await this.repository.transaction(async (trx) => {
      await this.repository.insertSession(trx, {
        id_hash: hashSessionToken(token),
        user_id: user.id,
        stage,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.policy.maxHours * 3_600_000).toISOString(),
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      });
      // Fully signed in: the failures are forgotten. A second factor still due: only this
      // attempt's reservation is given back, so that failed codes keep counting.
      if (stage === 'full') await this.repository.updateUser(trx, user.id, { failed_logins: 0, last_login_at: now.toISOString() });
      else await this.repository.releaseAttempt(trx, user.id);
      await this.audit.record(
        trx,
        { type: 'user', id: user.id, login: user.login, ip: meta.ip },
        {
          action: stage === 'full' ? 'auth.login' : 'auth.login.password_ok',
          targetType: 'user',
          targetId: user.id,
          details: { stage },
        },
      );
    });
    return { token, stage, csrfToken, user: { id: user.id, login: user.login, role: user.role as Role } };
  }

  /** Resolves a session cookie; expired sessions (idle or absolute) are deleted and refused. */
  async resolve(token: string, options: { touch: boolean } = { touch: true }): Promise<{ principal: Principal; session: SessionInfo } | null> {
    const idHash = hashSessionToken(token);
    const session = await this.repository.findSession(idHash);
    if (!session) return null;
    const now = this.clock.now();
    const idleLimit = new Date(Date.parse(session.last_seen_at) + this.policy.idleMinutes * 60_000);
    if (session.expires_at <= now.toISOString() || idleLimit <= now) {
      await this.repository.deleteSession(idHash);
      throw new DomainError('session_expired');
    }
    const user = await this.repository.findUserById(session.user_id);
    if (!user || user.disabled === 1) {
      await this.repository.deleteSession(idHash);
      throw new DomainError(user ? 'account_disabled' : 'session_expired');
    }
    // Touch at most once a minute: an idle timer, not a write per request.
    if (options.touch && now.getTime() - Date.parse(session.last_seen_at) > 60_000) {
      await this.repository.updateSession(idHash, { last_seen_at: now.toISOString() });
    }
    const communes = (await this.repository.communesOf([user.id])).get(user.id) ?? [];
    return { principal: principalOfUser(user, communes), session: { idHash, stage: session.stage as SessionInfo['stage'], csrfToken: session.csrf_token } };
  }

  private async userOfSession(session: SessionInfo): Promise<{ user: UserRow; row: SessionRow }> {
    const row = await this.repository.findSession(session.idHash);
    const user = row && (await this.repository.findUserById(row.user_id));
    if (!row || !user) throw new DomainError('session_expired');
    return { user, row };
  }

  private recoveryCodeHash(code: string): string {
    return this.secrets.keyedHash('recovery-code', normaliseRecoveryCode(code));
  }

  /** Second step of sign-in: a TOTP code (each time step once) or an unused recovery code. */
  async verifySecondFactor(session: SessionInfo, code: string, actor: Actor): Promise<void> {
    const { user } = await this.userOfSession(session);
    if (session.stage !== 'password')
      throw new DomainError('validation_failed', {
        fr: 'Aucun second facteur n’est attendu pour cette session.',
        en: 'No second factor is expected for this session.',
      });
    if (user.disabled === 1) throw new DomainError('account_disabled');
    const now = this.clock.now();
    let secondFactor: 'totp' | 'recovery_code' = 'totp';
    const check = async () => {
      const step = user.totp_secret_sealed ? totpStep(this.secrets.decrypt(user.totp_secret_sealed), code.trim(), now) : null;
      if (step !== null) return this.repository.transaction((trx) => this.repository.acceptTotpStep(trx, user.id, step));
      if (!looksLikeRecoveryCode(code)) return false;
      secondFactor = 'recovery_code';
      const hash = isLegacyRecoveryCode(code) ? legacyRecoveryCodeHash(code) : this.recoveryCodeHash(code);
      return this.repository.transaction((trx) => this.repository.consumeRecoveryCode(trx, user.id, hash, now.toISOString()));
    };
    if ((await this.attempt(user, actor, 'totp', check)) === 'locked_meanwhile') throw this.lockedError(user);
    await this.repository.transaction(async (trx) => {
      await this.repository.updateSession(session.idHash, { stage: 'full', last_seen_at: now.toISOString() }, trx);
      await this.repository.updateUser(trx, user.id, { failed_logins: 0, last_login_at: now.toISOString() });
      await this.audit.record(
        trx,
        { ...actor, id: user.id, login: user.login },
        {
          action: 'auth.login',
          targetType: 'user',
          targetId: user.id,
          details: { secondFactor },
        },
      );
    });
  }

  /** Starts (or restarts) TOTP enrolment: a new secret, not active until confirmed by a code. */
  async beginTotpEnrolment(session: SessionInfo, actor: Actor): Promise<{ secret: string; uri: string }> {
    const { user } = await this.userOfSession(session);
    if (session.stage === 'password') throw new DomainError('totp_required');
    // An active factor is never replaced from a session (a stolen session must not re-enrol
    // its own phone): an administrator resets it first.
    if (user.totp_enabled === 1) {
      throw new DomainError('conflict', {
        fr: 'Le second facteur est déjà actif ; un administrateur doit le réinitialiser avant un nouvel enrôlement.',
        en: 'The second factor is already active; an administrator must reset it before a new enrolment.',
      });
    }
    const secret = newTotpSecret();
    await this.repository.transaction(async (trx) => {
      await this.repository.updateUser(trx, user.id, {
        totp_secret_sealed: this.secrets.encrypt(secret),
        totp_enabled: 0,
        updated_at: this.clock.now().toISOString(),
      });
      await this.audit.record(trx, actor, { action: 'auth.totp.enrolment_started', targetType: 'user', targetId: user.id });
    });
    return { secret, uri: totpUri(secret, user.login) };
  }

  /** Confirms enrolment with a first code; returns the recovery codes, shown once. */
  async confirmTotpEnrolment(session: SessionInfo, code: string, actor: Actor): Promise<{ recoveryCodes: string[] }> {
    const { user } = await this.userOfSession(session);
    if (session.stage === 'password') throw new DomainError('totp_required');
    if (!user.totp_secret_sealed || user.totp_enabled === 1) {
      throw new DomainError('validation_failed', { fr: 'Aucun enrôlement en cours.', en: 'No enrolment in progress.' });
    }
    const step = totpStep(this.secrets.decrypt(user.totp_secret_sealed), code.trim(), this.clock.now());
    if (step === null) throw new DomainError('totp_invalid');
    const recoveryCodes = newRecoveryCodes();
    await this.repository.transaction(async (trx) => {
      // The confirming code is spent: it cannot sign in a second time.
      await this.repository.updateUser(trx, user.id, { totp_enabled: 1, totp_last_step: step, updated_at: this.clock.now().toISOString() });
      await this.repository.replaceRecoveryCodes(
        trx,
        user.id,
        recoveryCodes.map((recoveryCode) => ({ id: randomUUID(), code_hash: this.recoveryCodeHash(recoveryCode) })),
      );
      if (session.stage === 'enrol') await this.repository.updateSession(session.idHash, { stage: 'full' }, trx);
      await this.audit.record(trx, actor, { action: 'auth.totp.enrolled', targetType: 'user', targetId: user.id });
    });
    return { recoveryCodes };
  }

  async changeOwnPassword(session: SessionInfo, currentPassword: string, newPassword: string, actor: Actor): Promise<void> {
    const { user } = await this.userOfSession(session);
    if ((await this.attempt(user, actor, 'password', () => verifyPassword(user.password_hash, currentPassword))) === 'locked_meanwhile')
      throw this.lockedError(user);
    await this.repository.transaction((trx) => this.repository.releaseAttempt(trx, user.id));
    assertStrongPassword(newPassword, user.login);
    const passwordHash = await hashPassword(newPassword);
    await this.repository.transaction(async (trx) => {
      const now = this.clock.now().toISOString();
      await this.repository.updateUser(trx, user.id, { password_hash: passwordHash, password_changed_at: now, updated_at: now });
      // Other sessions end (a stolen password stops working everywhere); this one goes on.
      await this.repository.deleteSessionsOfUser(trx, user.id, session.idHash);
      await this.audit.record(trx, actor, { action: 'auth.password_changed', targetType: 'user', targetId: user.id });
    });
  }

  async logout(session: SessionInfo, actor: Actor): Promise<void> {
    await this.repository.transaction(async (trx) => {
      await this.repository.deleteSession(session.idHash, trx);
      await this.audit.record(trx, actor, { action: 'auth.logout', targetType: 'user', targetId: actor.id });
    });
  }

  async unusedRecoveryCodes(userId: string): Promise<number> {
    return this.repository.unusedRecoveryCodes(userId);
  }

  purgeExpiredSessions(): Promise<unknown> {
    return this.repository.deleteExpiredSessions(this.clock.now().toISOString());
  }
}
