// SQL of what follows a requisition's review: its review time (automatic entries, one per
// playback session attached to it, and manual entries never edited) and its handovers. The
// requisitions module's own tables; other modules reach them through its api only.
import type { Kysely, Selectable } from 'kysely';
import type { RequisitionHandoversTable, RequisitionReviewEntriesTable, RequisitionsSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

type Handle = Kysely<RequisitionsSchema>;
export type ReviewEntryRow = Selectable<RequisitionReviewEntriesTable>;
export type HandoverRow = Selectable<RequisitionHandoversTable>;

export class FollowupRepository {
  constructor(private readonly db: Handle) {}

  async insertReviewEntry(handle: AnyHandle, row: RequisitionReviewEntriesTable): Promise<void> {
    await tablesOf<RequisitionsSchema>(handle).insertInto('requisition_review_entries').values(row).execute();
  }

  /** Adds seconds to a playback session's automatic entry, creating it at the first beat. */
  async addPlaybackSeconds(handle: AnyHandle, row: RequisitionReviewEntriesTable & { playback_id: string }): Promise<void> {
    const trx = tablesOf<RequisitionsSchema>(handle);
    const updated = await trx
      .updateTable('requisition_review_entries')
      .set((eb) => ({ seconds: eb('seconds', '+', row.seconds), updated_at: row.updated_at }))
      .where('playback_id', '=', row.playback_id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) await trx.insertInto('requisition_review_entries').values(row).execute();
  }

  reviewEntriesOf(requisitionId: string, db: AnyHandle = this.db): Promise<ReviewEntryRow[]> {
    return tablesOf<RequisitionsSchema>(db)
      .selectFrom('requisition_review_entries')
      .selectAll()
      .where('requisition_id', '=', requisitionId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** Review seconds per commune and officer unit over the entries dated in [fromDate, toDate] (Paris days). */
  async reviewTotals(filter: { fromDate: string; toDate: string; communeInsee?: string }) {
    let query = this.db
      .selectFrom('requisition_review_entries as e')
      .innerJoin('requisitions as r', 'r.id', 'e.requisition_id')
      .select((eb) => ['r.commune_insee', 'r.officer_unit', 'e.source', eb.fn.sum<number | string>('e.seconds').as('seconds')])
      .where('e.review_date', '>=', filter.fromDate)
      .where('e.review_date', '<=', filter.toDate);
    if (filter.communeInsee) query = query.where('r.commune_insee', '=', filter.communeInsee);
    const rows = await query.groupBy(['r.commune_insee', 'r.officer_unit', 'e.source']).orderBy('r.commune_insee').orderBy('r.officer_unit').execute();
    return rows.map((row) => ({ communeInsee: row.commune_insee, officerUnit: row.officer_unit, source: row.source, seconds: Number(row.seconds) }));
  }

  async insertHandover(handle: AnyHandle, row: RequisitionHandoversTable): Promise<void> {
    await tablesOf<RequisitionsSchema>(handle).insertInto('requisition_handovers').values(row).execute();
  }

  findHandover(requisitionId: string, id: string, db: AnyHandle = this.db): Promise<HandoverRow | undefined> {
    return tablesOf<RequisitionsSchema>(db)
      .selectFrom('requisition_handovers')
      .selectAll()
      .where('requisition_id', '=', requisitionId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  handoversOf(requisitionId: string, db: AnyHandle = this.db): Promise<HandoverRow[]> {
    return tablesOf<RequisitionsSchema>(db)
      .selectFrom('requisition_handovers')
      .selectAll()
      .where('requisition_id', '=', requisitionId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** Records the acknowledgement once; false when another one got there first. */
  async acknowledge(
    handle: AnyHandle,
    id: string,
    changes: Pick<
      RequisitionHandoversTable,
      'acknowledgement' | 'acknowledged_at' | 'acknowledged_by' | 'acknowledged_by_id' | 'scan_path' | 'scan_media_type' | 'scan_bytes' | 'scan_sha256'
    >,
  ): Promise<boolean> {
    const updated = await tablesOf<RequisitionsSchema>(handle)
      .updateTable('requisition_handovers')
      .set(changes)
      .where('id', '=', id)
      .where('acknowledged_at', 'is', null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
}
