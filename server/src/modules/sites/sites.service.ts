// Sites (points d'implantation): a named place of one commune holding several cameras.
// Every change is audited in its own transaction. Reads are filtered by the reader's scope
// (another commune's site is `not_found`); writes to another commune are `commune_out_of_scope`.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { SiteRow } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, inScope, type Principal } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import { parseInput } from './input.ts';
import type { CommunesApi } from '../communes/index.ts';
import type { SitesRepository } from './sites.repository.ts';
import { siteCreateSchema, siteUpdateSchema, type SiteCreate, type SiteKind, type SiteUpdate, type SiteView } from './sites.schemas.ts';

export type Acting = { actor: Actor; principal: Principal | null };

export function siteView(row: SiteRow): SiteView {
  return {
    id: row.id,
    communeInsee: row.commune_insee,
    name: row.name,
    kind: row.kind as SiteKind,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

function duplicateName(communeInsee: string, name: string): DomainError {
  return new DomainError('conflict', {
    fr: `Le site « ${name} » existe déjà dans la commune ${communeInsee}.`,
    en: `Site "${name}" already exists in commune ${communeInsee}.`,
  });
}

/** What sites need of the communes module: which communes exist (a site belongs to one). */
export type SiteCommunes = Pick<CommunesApi, 'existing'>;

async function assertCommuneExists(communes: SiteCommunes, handle: AnyHandle, communeInsee: string): Promise<void> {
  if (!(await communes.existing(handle, [communeInsee])).has(communeInsee))
    throw new DomainError('validation_failed', { fr: `Commune inconnue : ${communeInsee}.`, en: `Unknown commune: ${communeInsee}.` });
}

export class SitesService {
  constructor(
    private readonly repository: SitesRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly communes: SiteCommunes,
  ) {}

  private today(): string {
    return parisDate(this.clock.now());
  }

  async create(input: SiteCreate, acting: Acting): Promise<SiteView> {
    const data = parseInput(siteCreateSchema, input);
    if (acting.principal) assertAllowed(acting.principal, 'site.write', data.communeInsee, this.today());
    const now = this.clock.now().toISOString();
    const row: SiteRow = {
      id: randomUUID(),
      commune_insee: data.communeInsee,
      name: data.name,
      kind: data.kind,
      address: data.address,
      latitude: data.latitude,
      longitude: data.longitude,
      created_at: now,
      updated_at: now,
    };
    try {
      return await this.repository.transaction(async (trx) => {
        await assertCommuneExists(this.communes, trx, row.commune_insee);
        await this.repository.insert(trx, [row]);
        await this.audit.record(trx, acting.actor, {
          action: 'site.created',
          communeInsee: row.commune_insee,
          targetType: 'site',
          targetId: row.id,
          details: { after: siteView(row) },
        });
        return siteView(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(data.communeInsee, data.name);
      throw error;
    }
  }

  async update(id: string, input: SiteUpdate, acting: Acting): Promise<SiteView> {
    const data = parseInput(siteUpdateSchema, input);
    let communeInsee = '';
    try {
      return await this.repository.transaction(async (trx) => {
        const current = await this.repository.find(id, trx);
        if (!current) throw notFound({ fr: 'Site', en: 'Site' });
        communeInsee = current.commune_insee;
        if (acting.principal) assertAllowed(acting.principal, 'site.write', current.commune_insee, this.today());
        const next: SiteRow = {
          ...current,
          name: data.name ?? current.name,
          kind: data.kind ?? current.kind,
          address: data.address === undefined ? current.address : data.address,
          latitude: data.latitude === undefined ? current.latitude : data.latitude,
          longitude: data.longitude === undefined ? current.longitude : data.longitude,
          updated_at: this.clock.now().toISOString(),
        };
        const { id: _id, commune_insee: _commune, created_at: _created, updated_at: _updated, ...changes } = next;
        const changed = Object.entries(changes).some(([key, value]) => current[key as keyof SiteRow] !== value);
        if (!changed) return siteView(current);
        await this.repository.update(trx, id, { ...changes, updated_at: next.updated_at });
        await this.audit.record(trx, acting.actor, {
          action: 'site.updated',
          communeInsee: current.commune_insee,
          targetType: 'site',
          targetId: id,
          details: diffForAudit(siteView(current), siteView(next)),
        });
        return siteView(next);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(communeInsee, data.name ?? '');
      throw error;
    }
  }

  /** Deletes an empty site; refused with `conflict` while cameras (even decommissioned) remain on it. */
  async remove(id: string, acting: Acting): Promise<void> {
    let site: SiteRow | undefined;
    try {
      await this.repository.transaction(async (trx) => {
        site = await this.repository.find(id, trx);
        if (!site) throw notFound({ fr: 'Site', en: 'Site' });
        if (acting.principal) assertAllowed(acting.principal, 'site.write', site.commune_insee, this.today());
        // The cameras' foreign key refuses the delete while cameras remain: no race with a camera being added.
        await this.repository.delete(trx, id);
        await this.audit.record(trx, acting.actor, {
          action: 'site.deleted',
          communeInsee: site.commune_insee,
          targetType: 'site',
          targetId: id,
          details: { before: siteView(site) },
        });
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new DomainError('conflict', {
          fr: `Le site « ${site?.name ?? id} » porte encore des caméras : déplacez-les avant de le supprimer.`,
          en: `Site "${site?.name ?? id}" still holds cameras: move them before deleting it.`,
        });
      }
      throw error;
    }
  }

  async list(principal: Principal | null, filter: { commune?: string } = {}): Promise<SiteView[]> {
    const scope = principal ? communeFilter(principal) : null;
    let communes: readonly string[] | null = scope;
    if (filter.commune) communes = scope === null || scope.includes(filter.commune) ? [filter.commune] : [];
    return (await this.repository.list(communes)).map(siteView);
  }

  async get(id: string, principal: Principal | null): Promise<SiteView> {
    const row = await this.repository.find(id);
    if (!row || (principal && !inScope(principal, row.commune_insee))) throw notFound({ fr: 'Site', en: 'Site' });
    return siteView(row);
  }

  // What the cameras module needs, inside its own transactions.

  /** The site `siteId` if it exists (any commune: the caller checks the commune). */
  findById(handle: AnyHandle | undefined, siteId: string): Promise<SiteRow | undefined> {
    return this.repository.find(siteId, handle);
  }

  findByName(handle: AnyHandle | undefined, communeInsee: string, name: string): Promise<SiteRow | undefined> {
    return this.repository.findByName(communeInsee, name, handle);
  }

  /** Which of these communes exist (sites and cameras belong to one). */
  existingCommunes(handle: AnyHandle | undefined, insees: readonly string[]): Promise<Set<string>> {
    return this.communes.existing(handle, insees);
  }

  sitesOf(handle: AnyHandle | undefined, communes: readonly string[] | null): Promise<SiteRow[]> {
    return this.repository.list(communes, handle);
  }

  async namesById(handle: AnyHandle | undefined, siteIds: readonly string[]): Promise<Map<string, string>> {
    return new Map((await this.repository.findMany([...new Set(siteIds)], handle)).map((row) => [row.id, row.name]));
  }

  /** Creates sites of kind `other` for a camera import, one audit row each, in the import's transaction. */
  async createForImport(trx: AnyHandle, actor: Actor, sites: readonly { id: string; communeInsee: string; name: string }[]): Promise<SiteRow[]> {
    const now = this.clock.now().toISOString();
    const rows: SiteRow[] = sites.map((site) => ({
      id: site.id,
      commune_insee: site.communeInsee,
      name: site.name,
      kind: 'other',
      address: null,
      latitude: null,
      longitude: null,
      created_at: now,
      updated_at: now,
    }));
    await this.repository.insert(trx, rows);
    for (const row of rows) {
      await this.audit.record(trx, actor, {
        action: 'site.created',
        communeInsee: row.commune_insee,
        targetType: 'site',
        targetId: row.id,
        reason: 'camera import',
        details: { after: siteView(row) },
      });
    }
    return rows;
  }
}
