// Communes are the tenants (LEGAL 20): every camera, site, user scope and audit row belongs
// to one. Retention is set per commune within 1..30 days and the authorisations' bounds.
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { inTransaction, isUniqueViolation, type Db, type DbOrTx } from '../../platform/db/database.ts';
import type { CommuneRow } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, type Principal } from '../access/policy.ts';
import { diffForAudit, type AuditService } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { AuthorisationsService } from '../authorisations/authorisations.service.ts';
import { communeCreateSchema, communeUpdateSchema, type CommuneCreate, type CommuneUpdate, type CommuneView } from './communes.schemas.ts';

export type Acting = { actor: Actor; principal: Principal | null };

function view(row: CommuneRow): CommuneView {
  return { insee: row.insee, name: row.name, retentionDays: row.retention_days, timeZone: row.time_zone, createdAt: row.created_at, updatedAt: row.updated_at };
}

export class CommunesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly authorisations: AuthorisationsService,
  ) {}

  private today(): string {
    return parisDate(this.clock.now());
  }

  async create(input: CommuneCreate, acting: Acting): Promise<CommuneView> {
    if (acting.principal && !acting.principal.allCommunes) {
      throw new DomainError('commune_out_of_scope', { fr: 'Seul un administrateur de tout le centre peut créer une commune.', en: 'Only a centre-wide administrator can create a commune.' });
    }
    const data = communeCreateSchema.parse(input);
    const now = this.clock.now().toISOString();
    const row: CommuneRow = { insee: data.insee, name: data.name, retention_days: data.retentionDays, time_zone: data.timeZone, created_at: now, updated_at: now };
    try {
      return await inTransaction(this.db, async (trx) => {
        await this.authorisations.assertRetentionAllowed(row.insee, null, row.retention_days, trx);
        await trx.insertInto('communes').values(row).execute();
        await this.audit.record(trx, acting.actor, { action: 'commune.created', communeInsee: row.insee, targetType: 'commune', targetId: row.insee, details: { after: view(row) } });
        return view(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', { fr: `La commune ${data.insee} existe déjà.`, en: `Commune ${data.insee} already exists.` });
      throw error;
    }
  }

  async update(insee: string, input: CommuneUpdate, acting: Acting): Promise<CommuneView> {
    const data = communeUpdateSchema.parse(input);
    if (acting.principal) assertAllowed(acting.principal, 'commune.write', insee, this.today());
    return inTransaction(this.db, async (trx) => {
      const current = await trx.selectFrom('communes').selectAll().where('insee', '=', insee).executeTakeFirst();
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
      await trx.updateTable('communes').set({ name: next.name, retention_days: next.retention_days, time_zone: next.time_zone, updated_at: next.updated_at }).where('insee', '=', insee).execute();
      const action = next.retention_days !== current.retention_days ? 'commune.retention_changed' : 'commune.updated';
      await this.audit.record(trx, acting.actor, { action, communeInsee: insee, targetType: 'commune', targetId: insee, details: diffForAudit(view(current), view(next)) });
      return view(next);
    });
  }

  async list(principal: Principal | null): Promise<CommuneView[]> {
    const filter = principal ? communeFilter(principal) : null;
    let query = this.db.selectFrom('communes').selectAll();
    if (filter) query = filter.length > 0 ? query.where('insee', 'in', [...filter]) : query.where('insee', '=', '');
    return (await query.orderBy('name').execute()).map(view);
  }

  async get(insee: string, principal: Principal | null): Promise<CommuneView> {
    const row = await this.db.selectFrom('communes').selectAll().where('insee', '=', insee).executeTakeFirst();
    if (!row || (principal && !principal.allCommunes && !principal.communes.includes(insee))) throw notFound({ fr: `Commune ${insee}`, en: `Commune ${insee}` });
    return view(row);
  }

  /** Retention of a commune, or null when it does not exist (for the authorisations module). */
  async retentionOf(db: DbOrTx, insee: string): Promise<number | null> {
    const row = await db.selectFrom('communes').select('retention_days').where('insee', '=', insee).executeTakeFirst();
    return row ? row.retention_days : null;
  }
}
