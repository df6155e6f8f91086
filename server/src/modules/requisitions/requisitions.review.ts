// Review hours (heures de relecture, issue 13 item 3): playback opened "for requisition X" is
// attached to it, and its active seconds (the console's heartbeats, capped by the playback
// module) accumulate in one automatic entry per session; supervisors and operators add manual
// entries, audited, never edited: a correction is a new, negative entry naming the one it
// corrects. The yearly statistics read the totals per commune and per requesting unit.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { addDays, parisDate, type Clock } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, inScope, type Principal } from '../access/index.ts';
import type { AuditApi } from '../audit/index.ts';
import type { FollowupRepository, ReviewEntryRow } from './requisitions.followup.repository.ts';
import type { RangeRow, RequisitionRow, RequisitionsRepository } from './requisitions.repository.ts';
import type { RequisitionState } from './requisitions.schemas.ts';
import type { Acting } from './requisitions.service.ts';

/** States in which footage is reviewed for a requisition: not closed, cancelled, negative nor live-only. */
export const reviewableStates: ReadonlySet<RequisitionState> = new Set(['received', 'in_review', 'positive', 'exported']);
export const MAX_MANUAL_MINUTES = 600;

export const manualReviewInputSchema = z
  .object({
    minutes: z.number().int().min(-MAX_MANUAL_MINUTES).max(MAX_MANUAL_MINUTES).describe('minutes of review; negative: a correction'),
    date: z.iso.date().describe('the Paris day of the review'),
    comment: z.string().trim().min(3).max(1000),
    /** Required for a negative entry: the entry it corrects (entries are never edited). */
    correctsEntryId: z.string().min(1).max(64).optional(),
  })
  .strict();

export const reviewEntryViewSchema = z.object({
  id: z.string(),
  source: z.enum(['playback', 'manual']),
  playbackId: z.string().nullable(),
  cameraId: z.string().nullable(),
  seconds: z.number().int(),
  date: z.string(),
  comment: z.string().nullable(),
  correctsEntryId: z.string().nullable(),
  by: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const reviewTimeViewSchema = z.object({
  totalSeconds: z.number().int(),
  automaticSeconds: z.number().int(),
  manualSeconds: z.number().int(),
  entries: z.array(reviewEntryViewSchema),
});
export type ReviewTimeView = z.infer<typeof reviewTimeViewSchema>;

export const reviewableQuerySchema = z.object({ cameraId: z.string().min(1).max(100) }).strict();
export const reviewableViewSchema = z.object({
  id: z.string(),
  communeInsee: z.string(),
  procedureNumber: z.string(),
  officerUnit: z.string(),
  state: z.string(),
  receivedAt: z.string(),
});

/** What H4's yearly statistics read: seconds per commune, and per commune and requesting unit. */
export interface ReviewSecondsTotals {
  year: number;
  totalSeconds: number;
  byCommune: Array<{ communeInsee: string; seconds: number }>;
  byCommuneAndUnit: Array<{ communeInsee: string; officerUnit: string; automaticSeconds: number; manualSeconds: number; seconds: number }>;
}

const invalid = (fr: string, en: string) => new DomainError('review_time_invalid', { fr, en });
const notReviewable = (fr: string, en: string, details?: unknown) => new DomainError('requisition_not_reviewable', { fr, en, details });

function entryView(row: ReviewEntryRow) {
  return {
    id: row.id,
    source: row.source as 'playback' | 'manual',
    playbackId: row.playback_id,
    cameraId: row.camera_id,
    seconds: Number(row.seconds),
    date: row.review_date,
    comment: row.comment,
    correctsEntryId: row.corrects_id,
    by: row.by_login,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class ReviewTime {
  constructor(
    private readonly repository: FollowupRepository,
    private readonly requisitions: Pick<RequisitionsRepository, 'find' | 'rangesOf' | 'list' | 'transaction'>,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
  ) {}

  private today(): string {
    return parisDate(this.clock.now());
  }

  /**
   * The playback module's check when a session is opened for a requisition: it exists in the
   * viewer's communes, is open for review, is the camera's commune's and asks for that camera.
   */
  async assertReviewable(requisitionId: string, camera: { id: string; communeInsee: string }, principal: Principal): Promise<{ procedureNumber: string }> {
    const row = await this.requisitions.find(requisitionId);
    if (!row || !inScope(principal, row.commune_insee)) throw notFound({ fr: 'Réquisition', en: 'Requisition' });
    assertAllowed(principal, 'requisition.read', row.commune_insee, this.today());
    if (!reviewableStates.has(row.state as RequisitionState))
      throw notReviewable(`Réquisition à l’état « ${row.state} » : plus de relecture.`, `Requisition in state "${row.state}": no more review.`, {
        state: row.state,
      });
    const ranges = await this.requisitions.rangesOf([row.id]);
    if (row.commune_insee !== camera.communeInsee || !ranges.some((range) => range.cameraId === camera.id))
      throw notReviewable(
        `La réquisition ${row.procedure_number} ne porte pas sur la caméra ${camera.id}.`,
        `Requisition ${row.procedure_number} does not ask for camera ${camera.id}.`,
        { cameraId: camera.id },
      );
    return { procedureNumber: row.procedure_number };
  }

  /** The reason picker: open requisitions of the viewer's communes asking for this camera (newest first). */
  async reviewableFor(cameraId: string, principal: Principal) {
    assertAllowed(principal, 'requisition.read', null, this.today());
    const rows = await this.requisitions.list({ communes: communeFilter(principal), open: true, limit: 1000 });
    const open = rows.filter((row) => reviewableStates.has(row.state as RequisitionState));
    const ranges = await this.requisitions.rangesOf(open.map((row) => row.id));
    const asking = new Set(ranges.filter((range: RangeRow) => range.cameraId === cameraId).map((range) => range.requisitionId));
    return open
      .filter((row) => asking.has(row.id))
      .map((row) => ({
        id: row.id,
        communeInsee: row.commune_insee,
        procedureNumber: row.procedure_number,
        officerUnit: row.officer_unit,
        state: row.state,
        receivedAt: row.received_at,
      }));
  }

  /** Active seconds of a playback session attached to the requisition (the playback module's beat, in its transaction). */
  async addPlaybackSeconds(
    handle: AnyHandle,
    beat: { requisitionId: string; playbackId: string; cameraId: string; seconds: number; openedAt: string; userLogin: string; userId: string },
  ): Promise<void> {
    if (beat.seconds <= 0) return;
    const at = this.clock.now().toISOString();
    await this.repository.addPlaybackSeconds(handle, {
      id: randomUUID(),
      requisition_id: beat.requisitionId,
      source: 'playback',
      playback_id: beat.playbackId,
      camera_id: beat.cameraId,
      seconds: beat.seconds,
      review_date: parisDate(new Date(beat.openedAt)),
      comment: null,
      corrects_id: null,
      by_login: beat.userLogin,
      by_id: beat.userId,
      created_at: at,
      updated_at: at,
    });
  }

  async get(requisitionId: string, principal: Principal | null): Promise<ReviewTimeView> {
    await this.readable(requisitionId, principal);
    return this.view(await this.repository.reviewEntriesOf(requisitionId));
  }

  /** A manual entry (supervisor or operator), audited in its transaction; never edited afterwards. */
  async addManual(requisitionId: string, input: unknown, acting: Acting): Promise<ReviewTimeView> {
    const data = manualReviewInputSchema.parse(input);
    if (data.minutes === 0) throw invalid('Une durée nulle n’ajoute rien.', 'A zero duration adds nothing.');
    if (data.minutes < 0 && !data.correctsEntryId)
      throw invalid('Une correction négative nomme l’entrée qu’elle corrige.', 'A negative correction names the entry it corrects.');
    const today = this.today();
    return this.requisitions.transaction(async (trx) => {
      const row = await this.requisitions.find(requisitionId, trx);
      if (!row || (acting.principal && !inScope(acting.principal, row.commune_insee))) throw notFound({ fr: 'Réquisition', en: 'Requisition' });
      if (acting.principal) assertAllowed(acting.principal, 'requisition.review_time', row.commune_insee, today);
      const received = parisDate(new Date(row.received_at));
      // A day's review before the requisition existed is impossible; a week's leeway covers a direct collection logged late.
      if (data.date > today || data.date < addDays(received, -7))
        throw invalid(`Date ${data.date} hors de la période de la réquisition.`, `Date ${data.date} outside the requisition's period.`);
      const entries = await this.repository.reviewEntriesOf(requisitionId, trx);
      const seconds = data.minutes * 60;
      if (data.correctsEntryId) {
        const corrected = entries.find((entry) => entry.id === data.correctsEntryId);
        if (!corrected) throw invalid('Entrée corrigée introuvable dans cette réquisition.', 'Corrected entry not found in this requisition.');
        const left = entries
          .filter((entry) => entry.id === corrected.id || entry.corrects_id === corrected.id)
          .reduce((sum, entry) => sum + Number(entry.seconds), 0);
        if (left + seconds < 0)
          throw invalid(
            `La correction dépasse l’entrée corrigée (${Math.floor(left / 60)} min restantes).`,
            `The correction exceeds the corrected entry (${Math.floor(left / 60)} min left).`,
          );
      }
      const at = this.clock.now().toISOString();
      const entry = {
        id: randomUUID(),
        requisition_id: requisitionId,
        source: 'manual',
        playback_id: null,
        camera_id: null,
        seconds,
        review_date: data.date,
        comment: data.comment,
        corrects_id: data.correctsEntryId ?? null,
        by_login: acting.actor.login ?? acting.actor.type,
        by_id: acting.actor.id,
        created_at: at,
        updated_at: at,
      };
      await this.repository.insertReviewEntry(trx, entry);
      await this.audit.record(trx, acting.actor, {
        action: 'requisition.review_time_added',
        communeInsee: row.commune_insee,
        targetType: 'requisition',
        targetId: requisitionId,
        reason: data.comment,
        details: { entryId: entry.id, minutes: data.minutes, date: data.date, correctsEntryId: entry.corrects_id, procedureNumber: row.procedure_number },
      });
      return this.view([...entries, entry]);
    });
  }

  /** Review seconds of the Paris calendar year (entries dated in it), per commune and per requesting unit. */
  async reviewSeconds(filter: { year: number; communeInsee?: string }): Promise<ReviewSecondsTotals> {
    const rows = await this.repository.reviewTotals({ fromDate: `${filter.year}-01-01`, toDate: `${filter.year}-12-31`, communeInsee: filter.communeInsee });
    const units = new Map<string, ReviewSecondsTotals['byCommuneAndUnit'][number]>();
    for (const row of rows) {
      const key = JSON.stringify([row.communeInsee, row.officerUnit]);
      const unit = units.get(key) ?? { communeInsee: row.communeInsee, officerUnit: row.officerUnit, automaticSeconds: 0, manualSeconds: 0, seconds: 0 };
      if (row.source === 'playback') unit.automaticSeconds += row.seconds;
      else unit.manualSeconds += row.seconds;
      unit.seconds += row.seconds;
      units.set(key, unit);
    }
    const byCommune = new Map<string, number>();
    for (const unit of units.values()) byCommune.set(unit.communeInsee, (byCommune.get(unit.communeInsee) ?? 0) + unit.seconds);
    return {
      year: filter.year,
      totalSeconds: [...byCommune.values()].reduce((sum, seconds) => sum + seconds, 0),
      byCommune: [...byCommune].map(([communeInsee, seconds]) => ({ communeInsee, seconds })),
      byCommuneAndUnit: [...units.values()],
    };
  }

  private async readable(id: string, principal: Principal | null): Promise<RequisitionRow> {
    if (principal) assertAllowed(principal, 'requisition.read', null, this.today());
    const row = await this.requisitions.find(id);
    if (!row || (principal && !inScope(principal, row.commune_insee))) throw notFound({ fr: 'Réquisition', en: 'Requisition' });
    return row;
  }

  private view(rows: readonly ReviewEntryRow[]): ReviewTimeView {
    const entries = rows.map(entryView);
    const automaticSeconds = entries.filter((entry) => entry.source === 'playback').reduce((sum, entry) => sum + entry.seconds, 0);
    const manualSeconds = entries.filter((entry) => entry.source === 'manual').reduce((sum, entry) => sum + entry.seconds, 0);
    return { totalSeconds: automaticSeconds + manualSeconds, automaticSeconds, manualSeconds, entries };
  }
}
