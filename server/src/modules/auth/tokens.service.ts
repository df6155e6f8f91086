// API tokens for machines (`Authorization: Bearer vgt_...`): scoped by role, communes and an
// optional subset of actions; revocable; stored as SHA-256; never give access to images.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { ApiTokenRow } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { imageActions, roleActions, roleGrants, type Action, type Principal, type Role } from '../access/index.ts';
import type { AuditApi } from '../audit/index.ts';
import type { AuthRepository } from './auth.repository.ts';
import { tokenCreateSchema, type TokenCreate, type TokenView } from './auth.schemas.ts';
import type { Acting } from './accounts.service.ts';
import { principalOfToken } from './principal.ts';

const tokenPrefix = 'vgt_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function tokenView(row: ApiTokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    allCommunes: row.all_communes === 1,
    communes: JSON.parse(row.communes) as string[],
    actions: row.actions ? (JSON.parse(row.actions) as Action[]) : null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export class TokensService {
  constructor(
    private readonly repository: AuthRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
  ) {}

  async create(input: TokenCreate, acting: Acting): Promise<{ token: string; view: TokenView }> {
    const data = tokenCreateSchema.parse(input);
    const granted = data.actions ?? null;
    const refused = (granted ?? []).filter((action) => !roleGrants(data.role, action) || imageActions.has(action));
    if (refused.length > 0) {
      throw new DomainError('validation_failed', {
        fr: `Actions impossibles pour ce jeton (hors du rôle, ou accès aux images) : ${refused.join(', ')}.`,
        en: `Actions not possible for this token (outside the role, or image access): ${refused.join(', ')}.`,
      });
    }
    const principal = acting.principal;
    if (principal && !principal.allCommunes && (data.allCommunes || data.communes.some((code) => !principal.communes.includes(code)))) {
      throw new DomainError('commune_out_of_scope');
    }
    // A token never holds more than its creator: every action it could perform, its creator may.
    if (principal) {
      const wanted = granted ?? roleActions(data.role).filter((action) => !imageActions.has(action));
      const beyond = wanted.filter(
        (action) => !roleGrants(principal.role, action) || (principal.actionSubset !== null && !principal.actionSubset.includes(action)),
      );
      if (beyond.length > 0) {
        throw new DomainError('forbidden', {
          fr: `Un jeton ne peut pas avoir plus de droits que son créateur : ${beyond.join(', ')}.`,
          en: `A token cannot hold more rights than its creator: ${beyond.join(', ')}.`,
          details: { actions: beyond },
        });
      }
    }
    if (!data.allCommunes && data.communes.length === 0) {
      throw new DomainError('validation_failed', {
        fr: 'Un jeton doit avoir au moins une commune, ou toutes.',
        en: 'A token needs at least one commune, or all of them.',
      });
    }
    const token = tokenPrefix + randomBytes(32).toString('base64url');
    const row: ApiTokenRow = {
      id: randomUUID(),
      name: data.name,
      token_hash: hashToken(token),
      role: data.role,
      all_communes: data.allCommunes ? 1 : 0,
      communes: JSON.stringify([...new Set(data.communes)].sort()),
      actions: granted ? JSON.stringify(granted) : null,
      created_by: acting.actor.login ?? 'unknown',
      creator: principal ? `${principal.kind}:${principal.id}` : 'cli',
      created_at: this.clock.now().toISOString(),
      expires_at: data.expiresAt,
      revoked_at: null,
      last_used_at: null,
    };
    await this.repository.transaction(async (trx) => {
      await this.repository.insertToken(trx, row);
      const { id: _id, ...shape } = tokenView(row);
      await this.audit.record(trx, acting.actor, { action: 'token.created', targetType: 'api_token', targetId: row.id, details: { after: shape } });
    });
    return { token, view: tokenView(row) };
  }

  /** A scoped administrator sees and revokes only the tokens wholly inside their communes. */
  private visibleTo(principal: Principal | null, row: ApiTokenRow): boolean {
    if (!principal || principal.allCommunes) return true;
    const communes = JSON.parse(row.communes) as string[];
    return row.all_communes === 0 && communes.every((code) => principal.communes.includes(code));
  }

  async list(principal: Principal | null): Promise<TokenView[]> {
    return (await this.repository.listTokens()).filter((row) => this.visibleTo(principal, row)).map(tokenView);
  }

  async revoke(id: string, acting: Acting): Promise<TokenView> {
    return this.repository.transaction(async (trx) => {
      const row = await this.repository.findToken(id, trx);
      if (!row || !this.visibleTo(acting.principal, row)) throw notFound({ fr: 'Jeton', en: 'Token' });
      const revokedAt = row.revoked_at ?? this.clock.now().toISOString();
      await this.repository.updateToken(id, { revoked_at: revokedAt }, trx);
      await this.audit.record(trx, acting.actor, { action: 'token.revoked', targetType: 'api_token', targetId: id, details: { name: row.name } });
      return tokenView({ ...row, revoked_at: revokedAt });
    });
  }

  /** A token lives only while its creator does: an enabled user, or a live token (up to 10 links up). */
  private async creatorAlive(creator: string | null, now: string, depth = 0): Promise<boolean> {
    if (creator === null || creator === 'cli') return true;
    if (depth >= 10) return false;
    const [kind, id] = creator.split(':', 2) as [string, string];
    if (kind === 'user') {
      const user = await this.repository.findUserById(id);
      return user !== undefined && user.disabled === 0;
    }
    const parent = await this.repository.findToken(id);
    if (!parent || parent.revoked_at || (parent.expires_at && parent.expires_at <= now)) return false;
    return this.creatorAlive(parent.creator, now, depth + 1);
  }

  async resolve(token: string): Promise<Principal> {
    if (!token.startsWith(tokenPrefix)) throw new DomainError('token_invalid');
    const row = await this.repository.findTokenByHash(hashToken(token));
    const now = this.clock.now();
    if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now.toISOString())) throw new DomainError('token_invalid');
    if (!(await this.creatorAlive(row.creator, now.toISOString()))) throw new DomainError('token_invalid');
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
      await this.repository.updateToken(row.id, { last_used_at: now.toISOString() });
    }
    return principalOfToken(row);
  }
}
