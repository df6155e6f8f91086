// Legal holds (LEGAL 6, 18): a set of cameras of one commune and a time range kept for a
// judicial procedure. Taking a hold needs the right to export images (`image.export`:
// supervisors and operators preparing a requisition, with valid approval and training), as
// the hold is the first step of handing footage over. Bounded (issue 11): a hold covers
// footage that exists (ends by now, starts at each camera's oldest indexed segment at the
// earliest, every camera has footage); an operator holds at most VIGIE_HOLD_WINDOW_HOURS per
// camera; an operator's hold is provisional (it protects footage within retention, keeps
// nothing past it, and lapses after VIGIE_HOLD_PROVISIONAL_HOURS) until a supervisor confirms
// it with a procedure reference; only a confirmed hold outlives retention, only a supervisor
// changes or releases it, and it is reported for review after VIGIE_HOLD_REVIEW_DAYS without
// one. Every change is audited in its transaction.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import type { Kysely } from 'kysely';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, decide, type Principal } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import type { RecordingInventory } from './retention.inventory.ts';
import type { LegalHold, RetentionRepository } from './retention.repository.ts';
import type { RetentionFootage } from './retention.types.ts';

export type Acting = { actor: Actor; principal: Principal | null };

export const holdReasonSchema = z.string().trim().min(3).max(2000);
export const procedureReferenceSchema = z.string().trim().min(1).max(200);
const reasonSchema = holdReasonSchema;
const referenceSchema = procedureReferenceSchema;

export const legalHoldInputSchema = z.object({
  cameraIds: z.array(z.string().min(1).max(100)).min(1).max(500),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  reason: reasonSchema,
  procedureReference: referenceSchema.nullish(),
});
export type LegalHoldInput = z.input<typeof legalHoldInputSchema>;

export interface LegalHoldFilter {
  communeInsee?: string;
  cameraId?: string;
  activeOnly?: boolean;
}

const invalid = (fr: string, en: string, details?: unknown) => new DomainError('legal_hold_invalid', { fr, en, details });
const holdNotFound = () => notFound({ fr: 'Gel d’images', en: 'Legal hold' });

/** The bounds of holds (configurable, VIGIE_HOLD_*), and what a supervisor may hold at most. */
export interface HoldBounds {
  /** Per camera, for an operator. */
  windowHours: number;
  /** An unconfirmed hold stops holding after this long. */
  provisionalHours: number;
  /** A confirmed hold unchanged this long is reported for review. */
  reviewDays: number;
}
export const defaultHoldBounds: HoldBounds = { windowHours: 24, provisionalHours: 72, reviewDays: 90 };
/** Even a supervisor holds at most this much at once: footage older than 30 days no longer exists. */
const SUPERVISOR_WINDOW_HOURS = 31 * 24;

/** A hold's state: provisional (an operator's, until it lapses), confirmed, lapsed or released. */
export function holdStatus(hold: LegalHold, now: Date): 'provisional' | 'confirmed' | 'lapsed' | 'released' {
  if (hold.releasedAt) return 'released';
  if (hold.confirmedAt) return 'confirmed';
  return hold.lapsesAt && hold.lapsesAt > now.toISOString() ? 'provisional' : 'lapsed';
}

export class LegalHoldsService {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly footage: Pick<RetentionFootage, 'oldestFootageOf'>,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly inventory: Pick<RecordingInventory, 'communesOfCameras'>,
    private readonly bounds: HoldBounds = defaultHoldBounds,
  ) {}

  /** The chief (or the machine's command line) confirms holds and may hold wider windows. */
  private confirms(acting: Acting, communeInsee: string): boolean {
    return acting.principal === null || decide(acting.principal, 'hold.confirm', communeInsee, this.today()).allowed;
  }

  private today(): string {
    return parisDate(this.clock.now());
  }

  async create(input: LegalHoldInput, acting: Acting): Promise<LegalHold> {
    const data = legalHoldInputSchema.parse(input);
    const requestedFromMs = Date.parse(data.from);
    const toMs = Date.parse(data.to);
    if (!(requestedFromMs < toMs)) throw invalid('Le début du gel doit précéder sa fin.', 'The hold must start before it ends.');
    const now = this.clock.now();
    if (toMs > now.getTime()) throw new DomainError('legal_hold_future', { details: { to: data.to, now: now.toISOString() } });
    const cameraIds = [...new Set(data.cameraIds)].sort();
    return this.repository.transaction(async (trx) => {
      const communes = await this.inventory.communesOfCameras(cameraIds, trx);
      const principal = acting.principal;
      // A camera outside the actor's scope is reported like an unknown one: its existence is not revealed.
      const unknown = cameraIds.filter((id) => {
        const commune = communes.get(id);
        return commune === undefined || (principal !== null && !principal.allCommunes && !principal.communes.includes(commune));
      });
      if (unknown.length > 0) throw invalid(`Caméra(s) inconnue(s) : ${unknown.join(', ')}.`, `Unknown camera(s): ${unknown.join(', ')}.`, unknown);
      const communeSet = [...new Set(communes.values())];
      if (communeSet.length !== 1) {
        throw invalid(
          'Un gel ne porte que sur les caméras d’une seule commune : créez-en un par commune.',
          'A hold covers the cameras of one commune only: create one per commune.',
          communeSet,
        );
      }
      const communeInsee = communeSet[0]!;
      if (principal) assertAllowed(principal, 'image.export', communeInsee, this.today());
      const oldestByCamera = await this.footage.oldestFootageOf(cameraIds, trx);
      // Each camera must have footage: a hold names only cameras it keeps something of.
      const withoutFootage = cameraIds.filter((id) => !oldestByCamera.has(id));
      if (withoutFootage.length > 0) {
        throw new DomainError('legal_hold_no_footage', {
          fr: `Aucune image enregistrée pour : ${withoutFootage.join(', ')}.`,
          en: `No footage recorded for: ${withoutFootage.join(', ')}.`,
          details: withoutFootage,
        });
      }
      const oldest = Math.min(...oldestByCamera.values());
      // A hold covers footage that exists: it starts at the oldest footage kept at the earliest.
      const fromMs = Math.max(requestedFromMs, oldest);
      if (fromMs >= toMs) {
        throw new DomainError('legal_hold_before_footage', {
          fr: `Le gel se termine avant les plus anciennes images conservées (${new Date(oldest).toISOString()}).`,
          en: `The hold ends before the oldest footage kept (${new Date(oldest).toISOString()}).`,
          details: { oldest: new Date(oldest).toISOString() },
        });
      }
      const chief = this.confirms(acting, communeInsee);
      const maxHours = chief ? SUPERVISOR_WINDOW_HOURS : this.bounds.windowHours;
      if (toMs - fromMs > maxHours * 3_600_000) {
        throw new DomainError('legal_hold_window_too_wide', {
          fr: `Fenêtre de ${((toMs - fromMs) / 3_600_000).toFixed(1)} h : ${maxHours} h au plus${chief ? '' : ' pour un opérateur ; un chef de CSU peut geler plus large'}.`,
          en: `Window of ${((toMs - fromMs) / 3_600_000).toFixed(1)} h: ${maxHours} h at most${chief ? '' : ' for an operator; a CSU supervisor can hold wider'}.`,
          details: { maxHours },
        });
      }
      // A chief's hold with a procedure reference is confirmed at once; any other is provisional.
      const confirmed = chief && data.procedureReference != null;
      const at = now.toISOString();
      const hold: LegalHold = {
        id: randomUUID(),
        communeInsee,
        cameraIds,
        fromMs,
        toMs,
        reason: data.reason,
        procedureReference: data.procedureReference ?? null,
        createdBy: acting.actor.login ?? acting.actor.type,
        createdAt: at,
        releasedAt: null,
        releasedBy: null,
        releaseReason: null,
        confirmedAt: confirmed ? at : null,
        confirmedBy: confirmed ? (acting.actor.login ?? acting.actor.type) : null,
        lapsesAt: confirmed ? null : new Date(now.getTime() + this.bounds.provisionalHours * 3_600_000).toISOString(),
        reviewedAt: confirmed ? at : null,
        requisitionId: null,
      };
      await this.repository.insertHold(trx, hold);
      await this.audit.record(trx, acting.actor, {
        action: 'recording.hold_created',
        communeInsee,
        targetType: 'legal_hold',
        targetId: hold.id,
        reason: hold.reason,
        details: {
          cameraIds,
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
          procedureReference: hold.procedureReference,
          status: holdStatus(hold, now),
          lapsesAt: hold.lapsesAt,
        },
      });
      return hold;
    });
  }

  /**
   * The chief confirms a hold with its procedure reference: from then on it keeps its footage
   * past retention, until released, and is reviewed every `reviewDays`.
   */
  async confirm(id: string, reference: string, acting: Acting): Promise<LegalHold> {
    const procedureReference = referenceSchema.parse(reference);
    return this.changeActive(id, acting, async (trx, hold) => {
      if (!this.confirms(acting, hold.communeInsee))
        throw new DomainError('forbidden', { fr: 'Seul un chef de CSU confirme un gel.', en: 'Only a CSU supervisor confirms a hold.' });
      if (hold.requisitionId !== null) throw new DomainError('legal_hold_of_requisition', { details: { requisitionId: hold.requisitionId } });
      const now = this.clock.now();
      if (holdStatus(hold, now) === 'lapsed') throw new DomainError('legal_hold_lapsed');
      const at = now.toISOString();
      const confirmedBy = acting.actor.login ?? acting.actor.type;
      await this.repository.updateHold(trx, id, {
        procedure_reference: procedureReference,
        confirmed_at: at,
        confirmed_by: confirmedBy,
        lapses_at: null,
        reviewed_at: at,
      });
      await this.audit.record(trx, acting.actor, {
        action: 'recording.hold_confirmed',
        communeInsee: hold.communeInsee,
        targetType: 'legal_hold',
        targetId: id,
        details: { procedureReference, before: hold.procedureReference, createdBy: hold.createdBy },
      });
      return { ...hold, procedureReference, confirmedAt: at, confirmedBy, lapsesAt: null, reviewedAt: at };
    });
  }

  /** The chief's periodic review of a confirmed hold (the case is still open): audited, the review clock restarts. */
  async review(id: string, note: string, acting: Acting): Promise<LegalHold> {
    const reviewNote = reasonSchema.parse(note);
    return this.changeActive(id, acting, async (trx, hold) => {
      if (!this.confirms(acting, hold.communeInsee))
        throw new DomainError('forbidden', { fr: 'Seul un chef de CSU revoit un gel.', en: 'Only a CSU supervisor reviews a hold.' });
      if (!hold.confirmedAt) throw invalid('Seul un gel confirmé se revoit.', 'Only a confirmed hold is reviewed.');
      const at = this.clock.now().toISOString();
      await this.repository.updateHold(trx, id, { reviewed_at: at });
      await this.audit.record(trx, acting.actor, {
        action: 'recording.hold_reviewed',
        communeInsee: hold.communeInsee,
        targetType: 'legal_hold',
        targetId: id,
        reason: reviewNote,
      });
      return { ...hold, reviewedAt: at };
    });
  }

  /** Confirmed holds with no review for `reviewDays`: what the review job reports. */
  async holdsDueForReview(): Promise<LegalHold[]> {
    return this.repository.holdsToReview(new Date(this.clock.now().getTime() - this.bounds.reviewDays * 86_400_000).toISOString());
  }

  /** One warning technical event per confirmed hold due for review (the worker role, daily): a supervisor reviews or releases it. */
  async reportDueForReview(raise: (event: TechnicalEvent) => Promise<unknown>): Promise<number> {
    const due = await this.holdsDueForReview();
    for (const hold of due) {
      await raise({
        severity: 'warning',
        code: 'legal_hold_review_due',
        cameraId: null,
        communeInsee: hold.communeInsee,
        message: `legal hold ${hold.id} (${hold.procedureReference ?? 'no reference'}) not reviewed since ${hold.reviewedAt ?? hold.confirmedAt}`,
        details: { holdId: hold.id, procedureReference: hold.procedureReference, reviewedAt: hold.reviewedAt, cameraIds: hold.cameraIds },
      });
    }
    return due.length;
  }

  /** A confirmed hold keeps footage past retention: only a supervisor changes its reference or releases it. */
  private assertMayChangeConfirmed(hold: LegalHold, acting: Acting): void {
    // A requisition's hold follows its requisition: its reference is the requisition's, and closing it releases the hold.
    if (hold.requisitionId !== null) throw new DomainError('legal_hold_of_requisition', { details: { requisitionId: hold.requisitionId } });
    if (hold.confirmedAt !== null && !this.confirms(acting, hold.communeInsee)) {
      throw new DomainError('forbidden', {
        fr: 'Un gel confirmé ne se modifie ou ne se lève que par un chef de CSU.',
        en: 'Only a CSU supervisor changes or releases a confirmed hold.',
      });
    }
  }

  /** Adds (or corrects) the procedure reference; a provisional hold still needs a supervisor's confirmation to outlive retention. */
  async setProcedureReference(id: string, reference: string, acting: Acting): Promise<LegalHold> {
    const procedureReference = referenceSchema.parse(reference);
    return this.changeActive(id, acting, async (trx, hold) => {
      this.assertMayChangeConfirmed(hold, acting);
      await this.repository.updateHold(trx, id, { procedure_reference: procedureReference });
      await this.audit.record(trx, acting.actor, {
        action: 'recording.hold_reference_set',
        communeInsee: hold.communeInsee,
        targetType: 'legal_hold',
        targetId: id,
        details: { before: hold.procedureReference, after: procedureReference },
      });
      return { ...hold, procedureReference };
    });
  }

  /** Releases a hold (case closed, footage handed over): the next purge destroys what retention allows. */
  async release(id: string, reason: string, acting: Acting): Promise<LegalHold> {
    const releaseReason = reasonSchema.parse(reason);
    return this.changeActive(id, acting, async (trx, hold) => {
      this.assertMayChangeConfirmed(hold, acting);
      const releasedAt = this.clock.now().toISOString();
      const releasedBy = acting.actor.login ?? acting.actor.type;
      await this.repository.updateHold(trx, id, { released_at: releasedAt, released_by: releasedBy, release_reason: releaseReason });
      await this.audit.record(trx, acting.actor, {
        action: 'recording.hold_released',
        communeInsee: hold.communeInsee,
        targetType: 'legal_hold',
        targetId: id,
        reason: releaseReason,
        details: {
          cameraIds: hold.cameraIds,
          from: new Date(hold.fromMs).toISOString(),
          to: new Date(hold.toMs).toISOString(),
          procedureReference: hold.procedureReference,
        },
      });
      return { ...hold, releasedAt, releasedBy, releaseReason };
    });
  }

  async list(filter: LegalHoldFilter, principal: Principal | null): Promise<LegalHold[]> {
    let communes: readonly string[] | null = principal ? this.readableCommunes(principal) : null;
    if (filter.communeInsee) communes = communes === null || communes.includes(filter.communeInsee) ? [filter.communeInsee] : [];
    return this.repository.holds({ communes, activeOnly: filter.activeOnly ?? false, cameraId: filter.cameraId });
  }

  /** The unreleased holds naming the camera (the recording timeline shows them; its caller has checked `recording.read`). */
  async unreleasedHoldsOf(cameraId: string, communeInsee: string): Promise<LegalHold[]> {
    return this.repository.holds({ communes: [communeInsee], activeOnly: true, cameraId });
  }

  async get(id: string, principal: Principal | null): Promise<LegalHold> {
    const hold = await this.repository.findHold(id);
    if (!hold || (principal && !this.inScope(principal, hold.communeInsee))) throw holdNotFound();
    return hold;
  }

  private async changeActive(id: string, acting: Acting, change: (trx: Kysely<RetentionSchema>, hold: LegalHold) => Promise<LegalHold>): Promise<LegalHold> {
    return this.repository.transaction(async (trx) => {
      const hold = await this.repository.findHold(id, trx);
      if (!hold || (acting.principal && !this.inScope(acting.principal, hold.communeInsee))) throw holdNotFound();
      if (acting.principal) assertAllowed(acting.principal, 'image.export', hold.communeInsee, this.today());
      if (hold.releasedAt !== null) throw new DomainError('legal_hold_released');
      return change(trx, hold);
    });
  }

  /** Holds name procedures: readable with `hold.read` (supervisors, operators, auditors; not administrators). */
  private readableCommunes(principal: Principal): readonly string[] | null {
    const mayRead = decide(principal, 'hold.read', null, this.today()).allowed;
    if (!mayRead) throw new DomainError('forbidden');
    return communeFilter(principal);
  }

  private inScope(principal: Principal, communeInsee: string): boolean {
    try {
      const communes = this.readableCommunes(principal);
      return communes === null || communes.includes(communeInsee);
    } catch {
      return false;
    }
  }
}
