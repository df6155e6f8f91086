// Sign-in: password (argon2id), lockout after repeated failures, TOTP second factor with
// enrolment and recovery codes, sessions with idle and absolute expiry and a CSRF token.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { inTransaction, type Db } from '../../platform/db/database.ts';
import type { SessionRow, UserRow } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { SessionInfo } from '../../platform/http/context.ts';
import { imageRoles, type Principal, type Role } from '../access/policy.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { AuthRepository } from './auth.repository.ts';
import { assertStrongPassword, burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
import { principalOfUser } from './principal.ts';
import { hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCodes, newTotpSecret, totpMatches, totpUri } from './totp.ts';

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

export const sessionCookieName = 'vigie_session';

function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionsService {
  private readonly repository: AuthRepository;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly policy: SessionPolicy,
  ) {
    this.repository = new AuthRepository(db);
  }

  private async totpRequired(user: UserRow): Promise<boolean> {
    return imageRoles.has(user.role as Role) && (await this.settings.get('totp_required_for_image_roles'));
  }

  /** Counts a failure, locking the account at the threshold; audited either way. */
  private async recordFailure(user: UserRow, actor: Actor, reason: 'password' | 'totp'): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
      const current = await this.repository.findUserById(user.id, trx);
      const failures = (current?.failed_logins ?? 0) + 1;
      const lock = failures >= this.policy.maxFailures;
      const lockedUntil = lock ? new Date(now.getTime() + this.policy.lockoutMinutes * 60_000).toISOString() : null;
      await this.repository.updateUser(trx, user.id, { failed_logins: lock ? 0 : failures, locked_until: lockedUntil ?? current?.locked_until ?? null });
      await this.audit.record(trx, { ...actor, id: user.id, login: user.login }, {
        action: 'auth.login.failed', targetType: 'user', targetId: user.id, details: { reason, failures, locked: lock },
      });
      if (lock) {
        await this.audit.record(trx, { ...actor, id: user.id, login: user.login }, {
          action: 'auth.account.locked', targetType: 'user', targetId: user.id, details: { until: lockedUntil },
        });
      }
    });
  }

  private assertUsable(user: UserRow): void {
    if (user.disabled === 1) throw new DomainError('account_disabled');
    if (user.locked_until && user.locked_until > this.clock.now().toISOString()) {
      throw new DomainError('account_locked', {
        fr: `Compte verrouillé jusqu’à ${user.locked_until} après trop d’échecs.`,
        en: `Account locked until ${user.locked_until} after too many failures.`,
        details: { lockedUntil: user.locked_until },
      });
    }
  }

  async login(login: string, password: string, meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
    const actor: Actor = { type: 'user', id: null, login, ip: meta.ip };
    const user = await this.repository.findUserByLogin(login);
    if (!user) {
      await burnPasswordCheck(password);
      await this.audit.recordAlone(actor, { action: 'auth.login.failed', details: { reason: 'unknown_login' } });
      throw new DomainError('invalid_credentials');
    }
    try {
      this.assertUsable(user);
    } catch (error) {
      await this.audit.recordAlone({ ...actor, id: user.id }, { action: 'auth.login.refused', targetType: 'user', targetId: user.id, details: { reason: (error as DomainError).code } });
      throw error;
    }
    if (!(await verifyPassword(user.password_hash, password))) {
      await this.recordFailure(user, actor, 'password');
      throw new DomainError('invalid_credentials');
    }
    const stage: SessionInfo['stage'] = user.totp_enabled === 1 ? 'password' : (await this.totpRequired(user)) ? 'enrol' : 'full';
    return this.openSession(user, stage, meta);
  }

  private async openSession(user: UserRow, stage: SessionInfo['stage'], meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
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
      if (stage === 'full') await this.repository.updateUser(trx, user.id, { failed_logins: 0, last_login_at: now.toISOString() });
      await this.audit.record(trx, { type: 'user', id: user.id, login: user.login, ip: meta.ip }, {
        action: stage === 'full' ? 'auth.login' : 'auth.login.password_ok', targetType: 'user', targetId: user.id, details: { stage },
      });
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
      await this.repository.deleteSession(this.db, idHash);
      throw new DomainError('session_expired');
    }
    const user = await this.repository.findUserById(session.user_id);
    if (!user || user.disabled === 1) {
      await this.repository.deleteSession(this.db, idHash);
      throw new DomainError(user ? 'account_disabled' : 'session_expired');
    }
    // Touch at most once a minute: an idle timer, not a write per request.
    if (options.touch && now.getTime() - Date.parse(session.last_seen_at) > 60_000) {
      await this.repository.updateSession(this.db, idHash, { last_seen_at: now.toISOString() });
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

  /** Second step of sign-in: a TOTP code or an unused recovery code. */
  async verifySecondFactor(session: SessionInfo, code: string, actor: Actor): Promise<void> {
    const { user } = await this.userOfSession(session);
    if (session.stage !== 'password') throw new DomainError('validation_failed', { fr: 'Aucun second facteur n’est attendu pour cette session.', en: 'No second factor is expected for this session.' });
    this.assertUsable(user);
    const now = this.clock.now();
    let usedRecoveryCode = false;
    let ok = false;
    if (user.totp_secret_sealed && totpMatches(this.secrets.decrypt(user.totp_secret_sealed), code.trim(), now)) ok = true;
    if (!ok && looksLikeRecoveryCode(code)) {
      ok = await inTransaction(this.db, (trx) => this.repository.consumeRecoveryCode(trx, user.id, hashRecoveryCode(code), now.toISOString()));
      usedRecoveryCode = ok;
    }
    if (!ok) {
      await this.recordFailure(user, actor, 'totp');
      throw new DomainError('totp_invalid');
    }
    await inTransaction(this.db, async (trx) => {
      await this.repository.updateSession(trx, session.idHash, { stage: 'full', last_seen_at: now.toISOString() });
      await this.repository.updateUser(trx, user.id, { failed_logins: 0, last_login_at: now.toISOString() });
      await this.audit.record(trx, { ...actor, id: user.id, login: user.login }, {
        action: 'auth.login', targetType: 'user', targetId: user.id, details: { secondFactor: usedRecoveryCode ? 'recovery_code' : 'totp' },
      });
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
    await inTransaction(this.db, async (trx) => {
      await this.repository.updateUser(trx, user.id, { totp_secret_sealed: this.secrets.encrypt(secret), totp_enabled: 0, updated_at: this.clock.now().toISOString() });
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
    if (!totpMatches(this.secrets.decrypt(user.totp_secret_sealed), code.trim(), this.clock.now())) throw new DomainError('totp_invalid');
    const recoveryCodes = newRecoveryCodes();
    await inTransaction(this.db, async (trx) => {
      await this.repository.updateUser(trx, user.id, { totp_enabled: 1, updated_at: this.clock.now().toISOString() });
      await this.repository.replaceRecoveryCodes(trx, user.id, recoveryCodes.map((recoveryCode) => ({ id: randomUUID(), code_hash: hashRecoveryCode(recoveryCode) })));
      if (session.stage === 'enrol') await this.repository.updateSession(trx, session.idHash, { stage: 'full' });
      await this.audit.record(trx, actor, { action: 'auth.totp.enrolled', targetType: 'user', targetId: user.id });
    });
    return { recoveryCodes };
  }

  async changeOwnPassword(session: SessionInfo, currentPassword: string, newPassword: string, actor: Actor): Promise<void> {
    const { user } = await this.userOfSession(session);
    if (!(await verifyPassword(user.password_hash, currentPassword))) {
      await this.recordFailure(user, actor, 'password');
      throw new DomainError('invalid_credentials');
    }
    assertStrongPassword(newPassword, user.login);
    const passwordHash = await hashPassword(newPassword);
    await inTransaction(this.db, async (trx) => {
      const now = this.clock.now().toISOString();
      await this.repository.updateUser(trx, user.id, { password_hash: passwordHash, password_changed_at: now, updated_at: now });
      // Other sessions end (a stolen password stops working everywhere); this one goes on.
      await this.repository.deleteSessionsOfUser(trx, user.id, session.idHash);
      await this.audit.record(trx, actor, { action: 'auth.password_changed', targetType: 'user', targetId: user.id });
    });
  }

  async logout(session: SessionInfo, actor: Actor): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await this.repository.deleteSession(trx, session.idHash);
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
