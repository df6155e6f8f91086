// Communes are the tenants (LEGAL 20): every camera, site, user scope and audit row belongs
// to one. Retention is set per commune within 1..30 days and the authorisations' bounds.
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { CommuneRow } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, type Principal } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import type { AuthorisationsApi } from '../authorisations/index.ts';
import type { CommunesRepository } from './communes.repository.ts';
import { communeCreateSchema, communeUpdateSchema, type CommuneCreate, type CommuneUpdate, type CommuneView } from './communes.schemas.ts';

export type Acting = { actor: Actor; principal: Principal | null };

function view(row: CommuneRow): CommuneView {
  return { insee: row.insee, name: row.name, retentionDays: row.retention_days, timeZone: row.time_zone, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** What communes need of the authorisations module: a commune's retention within their bounds. */
export type CommuneAuthorisations = Pick<AuthorisationsApi, 'assertRetentionAllowed'>;

export class CommunesService {
  constructor(
    private readonly repository: CommunesRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly authorisations: CommuneAuthorisations,
  ) {}

  private today(): string {
    return parisDate(this.clock.now());
  }

  async create(input: CommuneCreate, acting: Acting): Promise<CommuneView> {
    if (acting.principal && !acting.principal.allCommunes) {
      throw new DomainError('commune_out_of_scope', {
        fr: 'Seul un administrateur de tout le centre peut créer une commune.',
        en: 'Only a centre-wide administrator can create a commune.',
      });
    }
    const data = communeCreateSchema.parse(input);
    const now = this.clock.now().toISOString();
    const row: CommuneRow = {
      insee: data.insee,
      name: data.name,
      retention_days: data.retentionDays,
      time_zone: data.timeZone,
      created_at: now,
      updated_at: now,
    };
    try {
      return await this.repository.transaction(async (trx) => {
        await this.authorisations.assertRetentionAllowed(row.insee, null, row.retention_days, trx);
        await this.repository.insert(trx, row);
        await this.audit.record(trx, acting.actor, {
          action: 'commune.created',
          communeInsee: row.insee,
          targetType: 'commune',
          targetId: row.insee,
          details: { after: view(row) },
        });
        return view(row);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('conflict', { fr: `La commune ${data.insee} existe déjà.`, en: `Commune ${data.insee} already exists.` });
      throw error;
    }
  }

  async update(insee: string, input: CommuneUpdate, acting: Acting): Promise<CommuneView> {
    const data = communeUpdateSchema.parse(input);
    if (acting.principal) assertAllowed(acting.principal, 'commune.write', insee, this.today());
    return this.repository.transaction(async (trx) => {
      const current = await this.repository.find(insee, trx);
      if (!current) throw notFound({ fr: `Commune ${insee}`, en: `Commune ${insee}` });
      if (data.retentionDays !== undefined && data.retentionDays !== current.retention_days) {
        await this.authorisations.assertRetentionAllowed(insee, null, data.retentionDays, trx);
      }
      const next: CommuneRow = {
        ...current,
        name: data.name ?? current.name,
        retention_days: data.retentionDays ?? current.retention_days,
        time_zone: data.timeZone ?? current.time_zone,
        updated_at: this.clock.now().toISOString(),
      };
      await this.repository.update(trx, insee, {
        name: next.name,
        retention_days: next.retention_days,
        time_zone: next.time_zone,
        updated_at: next.updated_at,
      });
      const action = next.retention_days !== current.retention_days ? 'commune.retention_changed' : 'commune.updated';
      await this.audit.record(trx, acting.actor, {
        action,
        communeInsee: insee,
        targetType: 'commune',
        targetId: insee,
        details: diffForAudit(view(current), view(next)),
      });
      return view(next);
    });
  }

  async list(principal: Principal | null): Promise<CommuneView[]> {
    return (await this.repository.list(principal ? communeFilter(principal) : null)).map(view);
  }

  async get(insee: string, principal: Principal | null): Promise<CommuneView> {
    const row = await this.repository.find(insee);
    if (!row || (principal && !principal.allCommunes && !principal.communes.includes(insee)))
      throw notFound({ fr: `Commune ${insee}`, en: `Commune ${insee}` });
    return view(row);
  }

  // What other modules need, inside their own transactions.

  /** Retention of a commune, or null when it does not exist (for the authorisations module). */
  retentionOf(handle: AnyHandle | undefined, insee: string): Promise<number | null> {
    return this.repository.retentionOf(insee, handle);
  }

  /** Retention of every commune, by INSEE code (for the cameras module's retention settings). */
  retentions(handle?: AnyHandle): Promise<Map<string, number>> {
    return this.repository.retentions(handle);
  }

  /** Which of these communes exist (sites and cameras belong to one). */
  existing(handle: AnyHandle | undefined, insees: readonly string[]): Promise<Set<string>> {
    return this.repository.existing(insees, handle);
  }
}
