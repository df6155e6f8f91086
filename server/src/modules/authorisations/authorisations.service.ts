// Prefectoral authorisations (LEGAL 1-2, 6, 17): a camera is authorised only while a valid
// authorisation covers it; the authorisation bounds retention and lists purposes and
// recipients. Expiry is announced 120 days ahead (renewal file due 4 months before).
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { addDays, addYears, parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { AuthorisationRow } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, type Principal } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import type { AuthorisationsRepository } from './authorisations.repository.ts';
import {
  authorisationInputSchema,
  authorisationUpdateSchema,
  type AuthorisationInput,
  type AuthorisationUpdate,
  type AuthorisationView,
} from './authorisations.schemas.ts';
import { maxAuthorisationYears, maxRetentionDays, renewalNoticeDays, type Purpose, type Recipient } from './legal-lists.ts';

export type Acting = { actor: Actor; principal: Principal | null };

/**
 * What this module needs to know of communes and cameras (a port: those modules depend on this
 * one, so services.ts gives closures that call their apis once they exist). `handle` is the
 * caller's transaction, to be joined.
 */
export interface AuthorisationInventory {
  communeRetention(handle: AnyHandle, communeInsee: string): Promise<number | null>;
  cameras(
    handle: AnyHandle | undefined,
    cameraIds: readonly string[],
  ): Promise<Map<string, { communeInsee: string; retentionDays: number | null; name: string }>>;
}

export interface CameraCoverage {
  authorised: boolean;
  authorisationIds: string[];
  references: string[];
  purposes: Purpose[];
  recipients: Recipient[];
}

export interface RetentionBounds {
  min: number;
  max: number;
  references: string[];
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function authorisationStatus(row: AuthorisationRow, today: string): AuthorisationView['status'] {
  if (row.revoked_at) return 'revoked';
  if (row.start_on > today) return 'not_yet_valid';
  if (row.end_on < today) return 'expired';
  return 'valid';
}

export class AuthorisationsService {
  constructor(
    private readonly repository: AuthorisationsRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly inventory: AuthorisationInventory,
  ) {}

  today(): string {
    return parisDate(this.clock.now());
  }

  private view(row: AuthorisationRow, cameraIds: readonly string[], today = this.today()): AuthorisationView {
    return {
      id: row.id,
      reference: row.reference,
      communeInsee: row.commune_insee,
      startOn: row.start_on,
      endOn: row.end_on,
      perimeter: row.perimeter,
      purposes: JSON.parse(row.purposes) as Purpose[],
      minRetentionDays: row.min_retention_days,
      maxRetentionDays: row.max_retention_days,
      recipients: JSON.parse(row.recipients) as Recipient[],
      cameraIds: [...cameraIds].sort(),
      status: authorisationStatus(row, today),
      renewalDueOn: addDays(row.end_on, -renewalNoticeDays),
      daysToExpiry: daysBetween(today, row.end_on),
      revokedAt: row.revoked_at,
    };
  }

  private async viewsOf(rows: AuthorisationRow[], handle?: AnyHandle): Promise<AuthorisationView[]> {
    const cameras = await this.repository.camerasOf(
      rows.map((row) => row.id),
      handle,
    );
    const today = this.today();
    return rows.map((row) => this.view(row, cameras.get(row.id) ?? [], today));
  }

  private checkShape(data: { startOn: string; endOn: string; minRetentionDays: number; maxRetentionDays: number }): void {
    if (data.endOn <= data.startOn) {
      throw new DomainError('authorisation_invalid', {
        fr: 'La fin de l’autorisation doit suivre son début.',
        en: 'The authorisation must end after it starts.',
      });
    }
    if (data.endOn > addYears(data.startOn, maxAuthorisationYears)) {
      throw new DomainError('authorisation_invalid', {
        fr: `Une autorisation préfectorale vaut ${maxAuthorisationYears} ans au plus (fin au plus tard le ${addYears(data.startOn, maxAuthorisationYears)}).`,
        en: `A prefectoral authorisation lasts at most ${maxAuthorisationYears} years (end on ${addYears(data.startOn, maxAuthorisationYears)} at the latest).`,
      });
    }
    if (data.minRetentionDays > data.maxRetentionDays) {
      throw new DomainError('retention_out_of_bounds', {
        fr: 'La durée minimale de conservation dépasse la maximale.',
        en: 'The minimum retention exceeds the maximum.',
      });
    }
  }

  /** Checks cameras belong to the commune, and that current retention settings fit the new bounds. */
  private async checkAgainstInventory(trx: AnyHandle, row: AuthorisationRow, cameraIds: readonly string[]): Promise<void> {
    const communeRetention = await this.inventory.communeRetention(trx, row.commune_insee);
    if (communeRetention === null)
      throw new DomainError('validation_failed', { fr: `Commune inconnue : ${row.commune_insee}.`, en: `Unknown commune: ${row.commune_insee}.` });
    const cameras = await this.inventory.cameras(trx, cameraIds);
    const foreign = cameraIds.filter((id) => cameras.get(id)?.communeInsee !== row.commune_insee);
    if (foreign.length > 0) {
      throw new DomainError('authorisation_invalid', {
        fr: `Caméra(s) inconnue(s) ou d’une autre commune : ${foreign.join(', ')}.`,
        en: `Camera(s) unknown or of another commune: ${foreign.join(', ')}.`,
        details: foreign,
      });
    }
    if (authorisationStatus(row, this.today()) !== 'valid') return;
    const outside = (days: number) => days < row.min_retention_days || days > row.max_retention_days;
    if (outside(communeRetention)) {
      throw new DomainError('retention_out_of_bounds', {
        fr: `La conservation de la commune (${communeRetention} j) sort des bornes de l’autorisation (${row.min_retention_days} à ${row.max_retention_days} j) : ajustez-la d’abord.`,
        en: `The commune's retention (${communeRetention} d) is outside the authorisation's bounds (${row.min_retention_days} to ${row.max_retention_days} d): adjust it first.`,
      });
    }
    for (const [id, camera] of cameras) {
      if (camera.retentionDays !== null && outside(camera.retentionDays)) {
        throw new DomainError('retention_out_of_bounds', {
          fr: `La conservation de la caméra ${camera.name} (${camera.retentionDays} j) sort des bornes de l’autorisation.`,
          en: `Camera ${camera.name}'s retention (${camera.retentionDays} d) is outside the authorisation's bounds.`,
          details: { cameraId: id },
        });
      }
    }
  }

  async create(input: AuthorisationInput, acting: Acting): Promise<AuthorisationView> {
    const data = authorisationInputSchema.parse(input);
    if (acting.principal) assertAllowed(acting.principal, 'authorisation.write', data.communeInsee, this.today());
    this.checkShape(data);
    const now = this.clock.now().toISOString();
    const cameraIds = [...new Set(data.cameraIds)];
    const row: AuthorisationRow = {
      id: randomUUID(),
      commune_insee: data.communeInsee,
      reference: data.reference,
      start_on: data.startOn,
      end_on: data.endOn,
      perimeter: data.perimeter,
      purposes: JSON.stringify([...new Set(data.purposes)].sort()),
      min_retention_days: data.minRetentionDays,
      max_retention_days: data.maxRetentionDays,
      recipients: JSON.stringify([...new Set(data.recipients)].sort()),
      revoked_at: null,
      created_at: now,
      updated_at: now,
    };
    try {
      return await this.repository.transaction(async (trx) => {
        await this.checkAgainstInventory(trx, row, cameraIds);
        await this.repository.insert(trx, row);
        await this.repository.replaceCameras(trx, row.id, cameraIds);
        const view = this.view(row, cameraIds);
        await this.audit.record(trx, acting.actor, {
          action: 'authorisation.created',
          communeInsee: row.commune_insee,
          targetType: 'authorisation',
          targetId: row.id,
          details: { after: view },
        });
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('conflict', {
          fr: `La référence ${data.reference} existe déjà pour cette commune.`,
          en: `Reference ${data.reference} already exists for this commune.`,
        });
      throw error;
    }
  }

  /** Only the fields sent change; `reason` is written on the audit row (a repair names its source). */
  async update(id: string, input: AuthorisationUpdate, acting: Acting, options: { reason?: string } = {}): Promise<AuthorisationView> {
    const data = authorisationUpdateSchema.parse(input);
    try {
      return await this.applyUpdate(id, data, acting, options);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('conflict', {
          fr: `La référence ${data.reference} existe déjà pour cette commune.`,
          en: `Reference ${data.reference} already exists for this commune.`,
        });
      throw error;
    }
  }

  private applyUpdate(id: string, data: z.output<typeof authorisationUpdateSchema>, acting: Acting, options: { reason?: string }): Promise<AuthorisationView> {
    return this.repository.transaction(async (trx) => {
      const current = await this.repository.find(id, trx);
      if (!current) throw notFound({ fr: 'Autorisation', en: 'Authorisation' });
      if (acting.principal) assertAllowed(acting.principal, 'authorisation.write', current.commune_insee, this.today());
      const currentCameras = (await this.repository.camerasOf([id], trx)).get(id) ?? [];
      const before = this.view(current, currentCameras);
      const next: AuthorisationRow = {
        ...current,
        reference: data.reference ?? current.reference,
        start_on: data.startOn ?? current.start_on,
        end_on: data.endOn ?? current.end_on,
        perimeter: data.perimeter ?? current.perimeter,
        purposes: data.purposes ? JSON.stringify([...new Set(data.purposes)].sort()) : current.purposes,
        min_retention_days: data.minRetentionDays ?? current.min_retention_days,
        max_retention_days: data.maxRetentionDays ?? current.max_retention_days,
        recipients: data.recipients ? JSON.stringify([...new Set(data.recipients)].sort()) : current.recipients,
        updated_at: this.clock.now().toISOString(),
      };
      this.checkShape({ startOn: next.start_on, endOn: next.end_on, minRetentionDays: next.min_retention_days, maxRetentionDays: next.max_retention_days });
      const cameraIds = data.cameraIds ? [...new Set(data.cameraIds)] : currentCameras;
      await this.checkAgainstInventory(trx, next, cameraIds);
      const { id: _id, created_at: _created, ...changes } = next;
      await this.repository.update(trx, id, changes);
      if (data.cameraIds) await this.repository.replaceCameras(trx, id, cameraIds);
      const after = this.view(next, cameraIds);
      await this.audit.record(trx, acting.actor, {
        action: 'authorisation.updated',
        communeInsee: current.commune_insee,
        targetType: 'authorisation',
        targetId: id,
        reason: options.reason ?? null,
        details: diffForAudit(before, after),
      });
      return after;
    });
  }

  /** Ends an authorisation early (withdrawn by the prefect); its cameras become unauthorised. */
  async revoke(id: string, reason: string, acting: Acting): Promise<AuthorisationView> {
    return this.repository.transaction(async (trx) => {
      const current = await this.repository.find(id, trx);
      if (!current) throw notFound({ fr: 'Autorisation', en: 'Authorisation' });
      if (acting.principal) assertAllowed(acting.principal, 'authorisation.write', current.commune_insee, this.today());
      const revokedAt = current.revoked_at ?? this.clock.now().toISOString();
      await this.repository.update(trx, id, { revoked_at: revokedAt, updated_at: this.clock.now().toISOString() });
      await this.audit.record(trx, acting.actor, {
        action: 'authorisation.revoked',
        communeInsee: current.commune_insee,
        targetType: 'authorisation',
        targetId: id,
        reason,
      });
      const cameras = (await this.repository.camerasOf([id], trx)).get(id) ?? [];
      return this.view({ ...current, revoked_at: revokedAt }, cameras);
    });
  }

  /** Of `cameraIds`, those that exist today in the commune. */
  async camerasOfCommune(communeInsee: string, cameraIds: readonly string[]): Promise<string[]> {
    const cameras = await this.inventory.cameras(undefined, cameraIds);
    return cameraIds.filter((id) => cameras.get(id)?.communeInsee === communeInsee);
  }

  async list(principal: Principal | null): Promise<AuthorisationView[]> {
    return this.viewsOf(await this.repository.list(principal ? communeFilter(principal) : null));
  }

  async get(id: string, principal: Principal | null): Promise<AuthorisationView> {
    const row = await this.repository.find(id);
    if (!row || (principal && !principal.allCommunes && !principal.communes.includes(row.commune_insee)))
      throw notFound({ fr: 'Autorisation', en: 'Authorisation' });
    return (await this.viewsOf([row]))[0]!;
  }

  /** Valid authorisations ending within `withinDays` (default 120: the renewal file is due). */
  async expiring(principal: Principal | null, withinDays = renewalNoticeDays): Promise<AuthorisationView[]> {
    const views = await this.list(principal);
    return views.filter((view) => view.status === 'valid' && view.daysToExpiry <= withinDays).sort((a, b) => a.endOn.localeCompare(b.endOn));
  }

  /** Which cameras a valid authorisation covers today, with the purposes and recipients allowed. */
  async coverage(cameraIds: readonly string[] | null, handle?: AnyHandle): Promise<Map<string, CameraCoverage>> {
    const today = this.today();
    const valid = new Map((await this.repository.validOn(today, {}, handle)).map((row) => [row.id, row]));
    const byCamera = await this.repository.authorisationsOfCameras(cameraIds, handle);
    const result = new Map<string, CameraCoverage>();
    for (const cameraId of cameraIds ?? [...byCamera.keys()]) {
      const rows = (byCamera.get(cameraId) ?? []).map((id) => valid.get(id)).filter((row): row is AuthorisationRow => row !== undefined);
      result.set(cameraId, {
        authorised: rows.length > 0,
        authorisationIds: rows.map((row) => row.id),
        references: rows.map((row) => row.reference),
        purposes: [...new Set(rows.flatMap((row) => JSON.parse(row.purposes) as Purpose[]))].sort(),
        recipients: [...new Set(rows.flatMap((row) => JSON.parse(row.recipients) as Recipient[]))].sort(),
      });
    }
    return result;
  }

  /**
   * The retention range allowed today: 1..30 days (LEGAL 6) narrowed by every valid
   * authorisation of the commune, or, for a camera, by those covering it.
   */
  async retentionBounds(communeInsee: string, cameraId: string | null, handle?: AnyHandle): Promise<RetentionBounds> {
    let rows = await this.repository.validOn(this.today(), { communeInsee }, handle);
    if (cameraId) {
      const covering = new Set((await this.repository.authorisationsOfCameras([cameraId], handle)).get(cameraId) ?? []);
      rows = rows.filter((row) => covering.has(row.id));
    }
    return {
      min: Math.max(1, ...rows.map((row) => row.min_retention_days)),
      max: Math.min(maxRetentionDays, ...rows.map((row) => row.max_retention_days)),
      references: rows.map((row) => row.reference),
    };
  }

  async assertRetentionAllowed(communeInsee: string, cameraId: string | null, days: number, handle: AnyHandle): Promise<void> {
    const bounds = await this.retentionBounds(communeInsee, cameraId, handle);
    if (days < bounds.min || days > bounds.max) {
      const source = bounds.references.length > 0 ? ` (autorisation ${bounds.references.join(', ')})` : '';
      const sourceEn = bounds.references.length > 0 ? ` (authorisation ${bounds.references.join(', ')})` : '';
      throw new DomainError('retention_out_of_bounds', {
        fr: `Durée de conservation de ${days} j refusée : elle doit être comprise entre ${bounds.min} et ${bounds.max} jours${source} ; 30 jours au plus selon la loi.`,
        en: `Retention of ${days} d refused: it must be between ${bounds.min} and ${bounds.max} days${sourceEn}; 30 days at most by law.`,
        details: bounds,
      });
    }
  }
}
