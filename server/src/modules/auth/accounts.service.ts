// Use cases of user accounts: create, change role/scope/approval/training, reset password,
// disable, unlock, reset the second factor. Each change is audited with its before/after.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { addYears, parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { UserRow } from '../../platform/db/schema.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, imageRoles, type Principal, type Role } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import type { AuthRepository } from './auth.repository.ts';
import { userCreateSchema, userUpdateSchema, type UserCreate, type UserUpdate, type UserView } from './auth.schemas.ts';
import { assertStrongPassword, hashPassword } from './passwords.ts';

/** The acting principal, or null for the command line run by the machine's administrator. */
export type Acting = { actor: Actor; principal: Principal | null };

/** Port to the communes module: which of these INSEE codes exist, read in the caller's transaction. */
export interface AccountCommunes {
  existing(handle: AnyHandle, codes: readonly string[]): Promise<ReadonlySet<string>>;
}

export function userView(user: UserRow, communes: readonly string[]): UserView {
  return {
    id: user.id,
    login: user.login,
    displayName: user.display_name,
    role: user.role as Role,
    allCommunes: user.all_communes === 1,
    communes: [...communes],
    approvalReference: user.approval_reference,
    approvalExpiresOn: user.approval_expires_on,
    trainingDate: user.training_date,
    totpEnabled: user.totp_enabled === 1,
    disabled: user.disabled === 1,
    lockedUntil: user.locked_until,
    lastLoginAt: user.last_login_at,
    createdAt: user.created_at,
    imageAccess: {
      confirmed: user.image_access_confirmed_by !== null,
      requestedBy: user.image_access_requested_by,
      confirmedBy: user.image_access_confirmed_by,
      confirmedAt: user.image_access_confirmed_at,
    },
  };
}

/**
 * Four eyes (issue 11): image access given from the console or the API (an account created
 * with an image role, moved to one, or whose password or second factor an administrator
 * reset) waits for a second person's confirmation; the machine's command line is trusted.
 */
function confirmationFields(
  acting: Acting,
  at: string,
): Pick<UserRow, 'image_access_requested_by' | 'image_access_confirmed_by' | 'image_access_confirmed_at'> {
  if (!acting.principal)
    return { image_access_requested_by: acting.actor.login, image_access_confirmed_by: acting.actor.login ?? 'cli', image_access_confirmed_at: at };
  return { image_access_requested_by: acting.principal.id, image_access_confirmed_by: null, image_access_confirmed_at: null };
}

const approvalFields = ['approvalReference', 'approvalExpiresOn', 'trainingDate'] as const;

/** Audit-friendly snapshot of the permission-relevant fields of an account. */
function auditShape(view: UserView): Record<string, unknown> {
  const { id: _id, createdAt: _createdAt, lastLoginAt: _lastLoginAt, ...rest } = view;
  return rest;
}

export class AccountsService {
  constructor(
    private readonly repository: AuthRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly communes: AccountCommunes,
  ) {}

  private today(): string {
    return parisDate(this.clock.now());
  }

  /** A scoped administrator only manages accounts inside their own communes. */
  private assertScope(acting: Acting, allCommunes: boolean, communes: readonly string[]): void {
    const principal = acting.principal;
    if (!principal) return;
    if (allCommunes && !principal.allCommunes) {
      throw new DomainError('commune_out_of_scope', {
        fr: 'Seul un administrateur de tout le centre peut donner accès à toutes les communes.',
        en: 'Only a centre-wide administrator can grant access to every commune.',
      });
    }
    for (const commune of communes) assertAllowed(principal, 'user.write', commune, this.today());
  }

  private async assertCommunesExist(trx: AnyHandle, communes: readonly string[]): Promise<void> {
    const existing = communes.length === 0 ? new Set<string>() : await this.communes.existing(trx, communes);
    const unknown = communes.filter((code) => !existing.has(code));
    if (unknown.length > 0) {
      throw new DomainError('validation_failed', {
        fr: `Commune(s) inconnue(s) : ${unknown.join(', ')}.`,
        en: `Unknown commune(s): ${unknown.join(', ')}.`,
        details: unknown,
      });
    }
  }

  private checkApprovalAndTraining(input: { approvalExpiresOn?: string | null; trainingDate?: string | null }): void {
    const today = this.today();
    if (input.approvalExpiresOn && input.approvalExpiresOn > addYears(today, 5)) {
      throw new DomainError('validation_failed', {
        fr: 'L’agrément préfectoral est accordé pour 5 ans au plus : date d’expiration trop lointaine.',
        en: 'A prefectoral approval lasts at most 5 years: expiry date too far away.',
      });
    }
    if (input.trainingDate && input.trainingDate > today) {
      throw new DomainError('validation_failed', {
        fr: 'La date de formation ne peut pas être dans le futur.',
        en: 'The training date cannot be in the future.',
      });
    }
  }

  async create(input: UserCreate, acting: Acting): Promise<UserView> {
    const data = userCreateSchema.parse(input);
    assertStrongPassword(data.password, data.login);
    this.checkApprovalAndTraining(data);
    const communes = [...new Set(data.communes)].sort();
    this.assertScope(acting, data.allCommunes, communes);
    if (!data.allCommunes && communes.length === 0) {
      throw new DomainError('validation_failed', {
        fr: 'Un compte doit avoir au moins une commune, ou toutes.',
        en: 'An account needs at least one commune, or all of them.',
      });
    }
    const passwordHash = await hashPassword(data.password);
    const now = this.clock.now().toISOString();
    const row: UserRow = {
      id: randomUUID(),
      login: data.login,
      display_name: data.displayName ?? data.login,
      role: data.role,
      all_communes: data.allCommunes ? 1 : 0,
      password_hash: passwordHash,
      password_changed_at: now,
      approval_reference: data.approvalReference ?? null,
      approval_expires_on: data.approvalExpiresOn ?? null,
      training_date: data.trainingDate ?? null,
      totp_secret_sealed: null,
      totp_enabled: 0,
      failed_logins: 0,
      locked_until: null,
      disabled: 0,
      last_login_at: null,
      totp_last_step: null,
      ...(imageRoles.has(data.role)
        ? confirmationFields(acting, now)
        : { image_access_requested_by: null, image_access_confirmed_by: 'not_needed', image_access_confirmed_at: now }),
      created_at: now,
      updated_at: now,
    };
    try {
      return await this.repository.transaction(async (trx) => {
        await this.assertCommunesExist(trx, communes);
        await this.repository.insertUser(trx, row, communes);
        const view = userView(row, communes);
        await this.audit.record(trx, acting.actor, { action: 'user.created', targetType: 'user', targetId: row.id, details: { after: auditShape(view) } });
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('conflict', { fr: `L’identifiant ${data.login} existe déjà.`, en: `Login ${data.login} already exists.` });
      throw error;
    }
  }

  async list(acting: Acting): Promise<UserView[]> {
    const users = await this.repository.listUsers();
    const communes = await this.repository.communesOf(users.map((user) => user.id));
    const views = users.map((user) => userView(user, communes.get(user.id) ?? []));
    const principal = acting.principal;
    if (!principal || principal.allCommunes) return views;
    return views.filter((view) => !view.allCommunes && view.communes.some((code) => principal.communes.includes(code)));
  }

  async get(id: string, acting: Acting): Promise<UserView> {
    const user = await this.repository.findUserById(id);
    if (!user) throw notFound({ fr: 'Compte', en: 'Account' });
    const view = userView(user, (await this.repository.communesOf([id])).get(id) ?? []);
    const principal = acting.principal;
    if (principal && !principal.allCommunes && (view.allCommunes || !view.communes.some((code) => principal.communes.includes(code)))) {
      throw notFound({ fr: 'Compte', en: 'Account' });
    }
    return view;
  }

  async getByLogin(login: string, acting: Acting): Promise<UserView> {
    const user = await this.repository.findUserByLogin(login);
    if (!user) throw notFound({ fr: `Compte ${login}`, en: `Account ${login}` });
    return this.get(user.id, acting);
  }

  async update(id: string, input: UserUpdate, acting: Acting): Promise<UserView> {
    const data = userUpdateSchema.parse(input);
    this.checkApprovalAndTraining(data);
    return this.repository.transaction(async (trx) => {
      const user = await this.repository.findUserById(id, trx);
      if (!user) throw notFound({ fr: 'Compte', en: 'Account' });
      const beforeCommunes = (await this.repository.communesOf([id], trx)).get(id) ?? [];
      const before = userView(user, beforeCommunes);
      this.assertScope(acting, before.allCommunes, before.communes);
      const allCommunes = data.allCommunes ?? before.allCommunes;
      const communes = data.communes ? [...new Set(data.communes)].sort() : before.communes;
      this.assertScope(acting, allCommunes, communes);
      if (!allCommunes && communes.length === 0) {
        throw new DomainError('validation_failed', {
          fr: 'Un compte doit avoir au moins une commune, ou toutes.',
          en: 'An account needs at least one commune, or all of them.',
        });
      }
      if (acting.principal?.id === id && data.role && data.role !== before.role) {
        throw new DomainError('forbidden', { fr: 'On ne peut pas changer son propre rôle.', en: 'You cannot change your own role.' });
      }
      // An administrator whose approval or training lapsed cannot restore their own image access.
      if (acting.principal?.id === id && approvalFields.some((field) => data[field] !== undefined && data[field] !== before[field]))
        throw new DomainError('self_edit_forbidden');
      await this.assertCommunesExist(trx, communes);
      const changes = {
        display_name: data.displayName ?? user.display_name,
        role: data.role ?? user.role,
        all_communes: allCommunes ? 1 : 0,
        approval_reference: data.approvalReference === undefined ? user.approval_reference : data.approvalReference,
        approval_expires_on: data.approvalExpiresOn === undefined ? user.approval_expires_on : data.approvalExpiresOn,
        training_date: data.trainingDate === undefined ? user.training_date : data.trainingDate,
        disabled: data.disabled === undefined ? user.disabled : data.disabled ? 1 : 0,
        // Moving into an image role is image access given: a second person confirms it.
        ...(data.role && imageRoles.has(data.role) && !imageRoles.has(user.role as Role) ? confirmationFields(acting, this.clock.now().toISOString()) : {}),
        updated_at: this.clock.now().toISOString(),
      };
      await this.repository.updateUser(trx, id, changes);
      if (data.communes) await this.repository.replaceCommunes(trx, id, communes);
      // A disabled account's API tokens die with it (they could not outlive its rights).
      if (changes.disabled === 1 && user.disabled === 0) await this.repository.revokeTokensOfCreator(trx, `user:${id}`, this.clock.now().toISOString());
      // A change of role, scope or status ends the user's sessions so it applies at once.
      if (changes.role !== user.role || changes.disabled === 1 || data.communes || data.allCommunes !== undefined) {
        await this.repository.deleteSessionsOfUser(trx, id);
      }
      const after = userView({ ...user, ...changes }, communes);
      const action =
        changes.role !== user.role || data.communes || data.allCommunes !== undefined
          ? 'user.permissions_changed'
          : data.disabled
            ? 'user.disabled'
            : 'user.updated';
      await this.audit.record(trx, acting.actor, { action, targetType: 'user', targetId: id, details: diffForAudit(auditShape(before), auditShape(after)) });
      return after;
    });
  }

  async disable(id: string, acting: Acting): Promise<UserView> {
    return this.update(id, { disabled: true }, acting);
  }

  async resetPassword(id: string, password: string, acting: Acting): Promise<void> {
    const user = await this.repository.findUserById(id);
    if (!user) throw notFound({ fr: 'Compte', en: 'Account' });
    const communes = (await this.repository.communesOf([id])).get(id) ?? [];
    this.assertScope(acting, user.all_communes === 1, communes);
    assertStrongPassword(password, user.login);
    const passwordHash = await hashPassword(password);
    await this.repository.transaction(async (trx) => {
      const now = this.clock.now().toISOString();
      // Whoever sets another's password could sign in as them: their image access waits for a second person.
      const confirmation = imageRoles.has(user.role as Role) ? confirmationFields(acting, now) : {};
      await this.repository.updateUser(trx, id, {
        password_hash: passwordHash,
        password_changed_at: now,
        failed_logins: 0,
        locked_until: null,
        ...confirmation,
        updated_at: now,
      });
      await this.repository.deleteSessionsOfUser(trx, id);
      await this.audit.record(trx, acting.actor, { action: 'user.password_reset', targetType: 'user', targetId: id });
    });
  }

  async unlock(id: string, acting: Acting): Promise<void> {
    await this.repository.transaction(async (trx) => {
      const user = await this.repository.findUserById(id, trx);
      if (!user) throw notFound({ fr: 'Compte', en: 'Account' });
      const communes = (await this.repository.communesOf([id], trx)).get(id) ?? [];
      this.assertScope(acting, user.all_communes === 1, communes);
      await this.repository.updateUser(trx, id, { failed_logins: 0, locked_until: null, updated_at: this.clock.now().toISOString() });
      await this.audit.record(trx, acting.actor, { action: 'user.unlocked', targetType: 'user', targetId: id });
    });
  }

  /** Removes the second factor (lost phone): the user enrols again at next sign-in. */
  async resetTotp(id: string, acting: Acting): Promise<void> {
    await this.repository.transaction(async (trx) => {
      const user = await this.repository.findUserById(id, trx);
      if (!user) throw notFound({ fr: 'Compte', en: 'Account' });
      const communes = (await this.repository.communesOf([id], trx)).get(id) ?? [];
      this.assertScope(acting, user.all_communes === 1, communes);
      const confirmation = imageRoles.has(user.role as Role) ? confirmationFields(acting, this.clock.now().toISOString()) : {};
      await this.repository.updateUser(trx, id, {
        totp_secret_sealed: null,
        totp_enabled: 0,
        totp_last_step: null,
        ...confirmation,
        updated_at: this.clock.now().toISOString(),
      });
      await this.repository.replaceRecoveryCodes(trx, id, []);
      await this.repository.deleteSessionsOfUser(trx, id);
      await this.audit.record(trx, acting.actor, { action: 'user.totp_reset', targetType: 'user', targetId: id });
    });
  }

  /**
   * The second pair of eyes: an administrator or a supervisor other than the one who gave the
   * access confirms it (their scope must cover the account). Audited.
   */
  async confirmImageAccess(id: string, acting: Acting): Promise<UserView> {
    return this.repository.transaction(async (trx) => {
      const user = await this.repository.findUserById(id, trx);
      if (!user) throw notFound({ fr: 'Compte', en: 'Account' });
      const communes = (await this.repository.communesOf([id], trx)).get(id) ?? [];
      const principal = acting.principal;
      if (principal) {
        if (user.all_communes === 1 && !principal.allCommunes) throw new DomainError('commune_out_of_scope');
        for (const commune of communes) assertAllowed(principal, 'user.confirm', commune, this.today());
        if (principal.id === user.image_access_requested_by || principal.id === id) throw new DomainError('four_eyes_required');
      }
      if (user.image_access_confirmed_by !== null) return userView(user, communes);
      const now = this.clock.now().toISOString();
      const confirmedBy = principal?.id ?? acting.actor.login ?? 'cli';
      await this.repository.updateUser(trx, id, { image_access_confirmed_by: confirmedBy, image_access_confirmed_at: now, updated_at: now });
      await this.audit.record(trx, acting.actor, {
        action: 'user.image_access_confirmed',
        targetType: 'user',
        targetId: id,
        details: { requestedBy: user.image_access_requested_by },
      });
      return userView({ ...user, image_access_confirmed_by: confirmedBy, image_access_confirmed_at: now }, communes);
    });
  }
}
