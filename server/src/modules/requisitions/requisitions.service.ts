// The requisitions use cases (issue 13 items 1-2): intake by a police user (or a supervisor
// recording one received by mail or phone) within their communes, with its holds placed in the
// same transaction; corrections until a result is given; the supervisor's state changes, each
// written to the requisition's history and the audit log with its author, time and reason;
// closing releases the holds unless the procedure keeps them. Reads are scoped by commune: a
// requisition outside the reader's communes is "not found".
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, inScope, type Principal } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import type { RequisitionHoldView, RequisitionRangeAsked, RequisitionRangePlaced } from '../retention/index.ts';
import type { RangeRow, RequisitionRow, RequisitionsRepository } from './requisitions.repository.ts';
import { dueAt, isEditable, mayTransition, resultStates, transitions } from './requisitions.rules.ts';
import {
  MAX_RANGE_HOURS,
  requisitionInputSchema,
  requisitionPatchSchema,
  transitionInputSchema,
  type RequisitionDetail,
  type RequisitionState,
  type RequisitionView,
} from './requisitions.schemas.ts';
import { documentView, requisitionView } from './requisitions.views.ts';

export interface RequisitionFilter {
  communeInsee?: string;
  state?: RequisitionState;
  /** true: not closed; false: closed. */
  open?: boolean;
  limit?: number;
}

export type Acting = { actor: Actor; principal: Principal | null };

/** The retention module's holds that follow requisitions (its api), joined in this module's transactions. */
export interface RequisitionHoldsPort {
  place(
    handle: AnyHandle,
    request: { requisitionId: string; communeInsee: string; procedureReference: string; reason: string; ranges: readonly RequisitionRangeAsked[] },
    actor: Actor,
  ): Promise<RequisitionRangePlaced[]>;
  release(handle: AnyHandle, requisitionId: string, reason: string, actor: Actor): Promise<number>;
  setReference(handle: AnyHandle, requisitionId: string, procedureReference: string, actor: Actor): Promise<number>;
  holdsOf(requisitionId: string): Promise<RequisitionHoldView[]>;
  retentionDaysOf(cameraIds: readonly string[]): Promise<Map<string, number>>;
}

/** The commune of each camera id that exists (the cameras module), in the caller's transaction. */
export interface RequisitionCameras {
  communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>>;
}

export interface RequisitionsServiceDeps {
  repository: RequisitionsRepository;
  audit: AuditApi;
  clock: Clock;
  holds: RequisitionHoldsPort;
  cameras: RequisitionCameras;
  /** A requisition is due this long after it is received (VIGIE_REQUISITION_TARGET_HOURS). */
  targetHours: number;
}

const invalid = (fr: string, en: string, details?: unknown) => new DomainError('requisition_invalid', { fr, en, details });
const requisitionNotFound = () => notFound({ fr: 'Réquisition', en: 'Requisition' });
const frameworkLabels = { flagrance: 'art. 60-1 CPP', preliminary: 'art. 77-1-1 CPP', investigation: 'art. 99-3 CPP', direct_collection: 'recueil direct' };

export class RequisitionsService {
  constructor(private readonly deps: RequisitionsServiceDeps) {}

  private today(): string {
    return parisDate(this.deps.clock.now());
  }

  async create(input: unknown, acting: Acting): Promise<RequisitionDetail> {
    const data = requisitionInputSchema.parse(input);
    const now = this.deps.clock.now();
    if (acting.principal) assertAllowed(acting.principal, 'requisition.file', data.communeInsee, this.today());
    const ranges: RequisitionRangeAsked[] = data.ranges.map((range, index) => {
      const fromMs = Date.parse(range.from);
      const toMs = Date.parse(range.to);
      const at = `ranges[${index}]`;
      if (!(fromMs < toMs)) throw invalid(`${at} : le début doit précéder la fin.`, `${at}: the start must come before the end.`, { index });
      if (toMs > now.getTime()) throw invalid(`${at} : la fin est dans le futur.`, `${at}: the end is in the future.`, { index });
      if (toMs - fromMs > MAX_RANGE_HOURS * 3_600_000)
        throw invalid(`${at} : ${MAX_RANGE_HOURS} h au plus par plage.`, `${at}: ${MAX_RANGE_HOURS} h at most per range.`, { index });
      return { cameraId: range.cameraId, fromMs, toMs };
    });
    const id = randomUUID();
    const at = now.toISOString();
    const by = acting.actor.login ?? acting.actor.type;
    await this.deps.repository.transaction(async (trx) => {
      const cameraIds = [...new Set(ranges.map((range) => range.cameraId))].sort();
      const communes = await this.deps.cameras.communesOfCameras(cameraIds, trx);
      // A camera of another commune is reported like an unknown one: its existence is not revealed.
      const foreign = cameraIds.filter((cameraId) => communes.get(cameraId) !== data.communeInsee);
      if (foreign.length > 0)
        throw invalid(
          `Caméra(s) inconnue(s) dans la commune ${data.communeInsee} : ${foreign.join(', ')}.`,
          `Unknown camera(s) in commune ${data.communeInsee}: ${foreign.join(', ')}.`,
          foreign,
        );
      // The holds first in the transaction: from its commit on, no purge can destroy what is asked for.
      const placed = await this.deps.holds.place(
        trx,
        {
          requisitionId: id,
          communeInsee: data.communeInsee,
          procedureReference: data.procedureNumber,
          reason: `Réquisition ${data.procedureNumber} (${frameworkLabels[data.legalFramework]}), ${data.officerRank} ${data.officerName}, ${data.officerUnit}`,
          ranges,
        },
        acting.actor,
      );
      const row: RequisitionRow = {
        id,
        commune_insee: data.communeInsee,
        state: 'received',
        officer_name: data.officerName,
        officer_rank: data.officerRank,
        officer_unit: data.officerUnit,
        officer_contact: data.officerContact,
        procedure_number: data.procedureNumber,
        legal_framework: data.legalFramework,
        requisition_date: data.requisitionDate,
        channel: data.channel,
        free_text: data.freeText ?? null,
        received_at: at,
        due_at: dueAt(at, this.deps.targetHours),
        answered_at: null,
        filed_by: by,
        filed_by_id: acting.principal?.id ?? null,
        updated_at: at,
        updated_by: by,
        closed_at: null,
        holds_kept: null,
      };
      const rangeRows: RangeRow[] = ranges.map((range, position) => ({ requisitionId: id, position, ...range, ...placed[position]! }));
      await this.deps.repository.insert(trx, row, rangeRows);
      const reason = `Réquisition reçue (${data.channel})`;
      await this.deps.repository.insertTransition(trx, this.transitionRow(id, null, 'received', reason, acting, at, {}));
      await this.deps.audit.record(trx, acting.actor, {
        action: 'requisition.received',
        communeInsee: data.communeInsee,
        targetType: 'requisition',
        targetId: id,
        reason,
        details: {
          procedureNumber: data.procedureNumber,
          legalFramework: data.legalFramework,
          officer: { name: data.officerName, rank: data.officerRank, unit: data.officerUnit },
          ranges: rangeRows.map((range) => ({
            cameraId: range.cameraId,
            from: new Date(range.fromMs).toISOString(),
            to: new Date(range.toMs).toISOString(),
            footage: range.footage,
            holdId: range.holdId,
          })),
        },
      });
    });
    return this.get(id, null);
  }

  async list(filter: RequisitionFilter, principal: Principal | null): Promise<RequisitionView[]> {
    let communes: readonly string[] | null = null;
    if (principal) {
      assertAllowed(principal, 'requisition.read', null, this.today());
      communes = communeFilter(principal);
    }
    if (filter.communeInsee) communes = communes === null || communes.includes(filter.communeInsee) ? [filter.communeInsee] : [];
    const rows = await this.deps.repository.list({ communes, state: filter.state, open: filter.open, limit: filter.limit ?? 200 });
    return this.views(rows);
  }

  async get(id: string, principal: Principal | null): Promise<RequisitionDetail> {
    const row = await this.readable(id, principal);
    const [view] = await this.views([row]);
    const [history, holds, documents] = await Promise.all([
      this.deps.repository.transitionsOf(id),
      this.deps.holds.holdsOf(id),
      this.deps.repository.documentsOf([id]),
    ]);
    return {
      ...view!,
      history: history.map((entry) => ({
        from: entry.from_state as RequisitionState | null,
        to: entry.to_state as RequisitionState,
        at: entry.at,
        by: entry.by_login,
        reason: entry.reason,
      })),
      holds: holds.map(({ fromMs, toMs, ...hold }) => ({ ...hold, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() })),
      documents: documents.map(documentView),
    };
  }

  /** Corrects the requisition's own fields (those sent only) until a result is given; a new procedure number follows to its holds. */
  async update(id: string, patch: unknown, acting: Acting): Promise<RequisitionDetail> {
    const data = requisitionPatchSchema.parse(patch);
    await this.deps.repository.transaction(async (trx) => {
      const row = await this.deps.repository.find(id, trx);
      this.assertMayFile(row, acting);
      if (!isEditable(row.state as RequisitionState)) throw new DomainError('requisition_locked', { details: { state: row.state } });
      const changes = {
        officer_name: data.officerName,
        officer_rank: data.officerRank,
        officer_unit: data.officerUnit,
        officer_contact: data.officerContact,
        procedure_number: data.procedureNumber,
        legal_framework: data.legalFramework,
        requisition_date: data.requisitionDate,
        channel: data.channel,
        free_text: data.freeText,
      };
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      const at = this.deps.clock.now().toISOString();
      const by = acting.actor.login ?? acting.actor.type;
      await this.deps.repository.update(trx, id, { ...defined, updated_at: at, updated_by: by });
      if (data.procedureNumber !== undefined && data.procedureNumber !== row.procedure_number)
        await this.deps.holds.setReference(trx, id, data.procedureNumber, acting.actor);
      const before = Object.fromEntries(Object.keys(defined).map((key) => [key, row[key as keyof RequisitionRow]]));
      await this.deps.audit.record(trx, acting.actor, {
        action: 'requisition.updated',
        communeInsee: row.commune_insee,
        targetType: 'requisition',
        targetId: id,
        details: diffForAudit(before, defined),
      });
    });
    return this.get(id, null);
  }

  /** A supervisor moves the requisition to its next state; closing releases its holds unless `keepHolds`. */
  async transition(id: string, input: unknown, acting: Acting): Promise<RequisitionDetail> {
    const data = transitionInputSchema.parse(input);
    await this.deps.repository.transaction(async (trx) => {
      const row = await this.deps.repository.find(id, trx);
      if (!row || (acting.principal && !inScope(acting.principal, row.commune_insee))) throw requisitionNotFound();
      if (acting.principal) assertAllowed(acting.principal, 'requisition.review', row.commune_insee, this.today());
      const from = row.state as RequisitionState;
      if (!mayTransition(from, data.to)) {
        const allowed = transitions[from];
        throw new DomainError('requisition_transition_refused', {
          fr: `Passage de « ${from} » à « ${data.to} » refusé ; possible : ${allowed.join(', ') || 'aucun'}.`,
          en: `Moving from "${from}" to "${data.to}" is refused; allowed: ${allowed.join(', ') || 'none'}.`,
          details: { from, to: data.to, allowed },
        });
      }
      if (data.keepHolds !== undefined && data.to !== 'closed') throw invalid('keepHolds ne vaut qu’à la clôture.', 'keepHolds applies to closing only.');
      const at = this.deps.clock.now().toISOString();
      const by = acting.actor.login ?? acting.actor.type;
      const closing = data.to === 'closed';
      const releasedHolds = closing && !data.keepHolds ? await this.deps.holds.release(trx, id, data.reason, acting.actor) : 0;
      await this.deps.repository.update(trx, id, {
        state: data.to,
        updated_at: at,
        updated_by: by,
        ...(resultStates.has(data.to) && row.answered_at === null ? { answered_at: at } : {}),
        ...(closing ? { closed_at: at, holds_kept: data.keepHolds ? 1 : 0 } : {}),
      });
      const details = closing ? { keepHolds: data.keepHolds ?? false, releasedHolds } : {};
      await this.deps.repository.insertTransition(trx, this.transitionRow(id, from, data.to, data.reason, acting, at, details));
      await this.deps.audit.record(trx, acting.actor, {
        action: 'requisition.state_changed',
        communeInsee: row.commune_insee,
        targetType: 'requisition',
        targetId: id,
        reason: data.reason,
        details: { from, to: data.to, procedureNumber: row.procedure_number, ...details },
      });
    });
    return this.get(id, null);
  }

  /**
   * An evidence package of the requisition became ready (the exports module, in its transaction):
   * a `positive` requisition moves to `exported`, with its history row and audit. Returns whether it moved.
   */
  async markExported(handle: AnyHandle, id: string, packageId: string, actor: Actor): Promise<boolean> {
    const row = await this.deps.repository.find(id, handle);
    if (row?.state !== 'positive') return false;
    const at = this.deps.clock.now().toISOString();
    const by = actor.login ?? actor.type;
    const reason = `Paquet de preuve ${packageId} prêt`;
    await this.deps.repository.update(handle, id, { state: 'exported', updated_at: at, updated_by: by });
    await this.deps.repository.insertTransition(handle, this.transitionRow(id, 'positive', 'exported', reason, { actor, principal: null }, at, { packageId }));
    await this.deps.audit.record(handle, actor, {
      action: 'requisition.state_changed',
      communeInsee: row.commune_insee,
      targetType: 'requisition',
      targetId: id,
      reason,
      details: { from: 'positive', to: 'exported', procedureNumber: row.procedure_number, packageId },
    });
    return true;
  }

  /** Police users change only the requisitions they filed; supervisors any of their communes. */
  assertMayFile(row: RequisitionRow | undefined, acting: Acting): asserts row is RequisitionRow {
    const principal = acting.principal;
    if (!row || (principal && !inScope(principal, row.commune_insee))) throw requisitionNotFound();
    if (!principal) return;
    assertAllowed(principal, 'requisition.file', row.commune_insee, this.today());
    if (principal.role === 'police' && row.filed_by_id !== principal.id) {
      throw new DomainError('forbidden', {
        fr: 'Seul l’agent qui a déposé la réquisition (ou un chef de CSU) la modifie.',
        en: 'Only the officer who filed the requisition (or a CSU supervisor) changes it.',
      });
    }
  }

  /** The requisition if the principal may read it (null: the command line), else "not found". */
  async readable(id: string, principal: Principal | null): Promise<RequisitionRow> {
    if (principal) assertAllowed(principal, 'requisition.read', null, this.today());
    const row = await this.deps.repository.find(id);
    if (!row || (principal && !inScope(principal, row.commune_insee))) throw requisitionNotFound();
    return row;
  }

  private async views(rows: readonly RequisitionRow[]): Promise<RequisitionView[]> {
    const ids = rows.map((row) => row.id);
    const [ranges, documents] = await Promise.all([this.deps.repository.rangesOf(ids), this.deps.repository.documentsOf(ids)]);
    const retention = await this.deps.holds.retentionDaysOf([...new Set(ranges.map((range) => range.cameraId))]);
    const now = this.deps.clock.now();
    return rows.map((row) =>
      requisitionView(
        row,
        ranges.filter((range) => range.requisitionId === row.id),
        documents.filter((document) => document.requisition_id === row.id),
        retention,
        now,
      ),
    );
  }

  private transitionRow(id: string, from: RequisitionState | null, to: RequisitionState, reason: string, acting: Acting, at: string, details: object) {
    return {
      id: randomUUID(),
      requisition_id: id,
      from_state: from,
      to_state: to,
      at,
      by_login: acting.actor.login ?? acting.actor.type,
      by_id: acting.actor.id,
      reason,
      details: JSON.stringify(details),
    };
  }
}
