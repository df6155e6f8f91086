// SQL of the requisitions module; nothing else touches its tables (the holds a requisition
// places are the retention module's, joined in the same transaction through its api). Bigint
// columns come back as strings from PostgreSQL: ranges are read through Number() here.
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { RequisitionDocumentsTable, RequisitionsSchema, RequisitionsTable, RequisitionTransitionsTable } from '../../platform/db/schema.ts';

type Handle = Kysely<RequisitionsSchema>;

export type RequisitionRow = Selectable<RequisitionsTable>;
export type TransitionRow = Selectable<RequisitionTransitionsTable>;
export type DocumentRow = Selectable<RequisitionDocumentsTable>;

export interface RangeRow {
  requisitionId: string;
  position: number;
  cameraId: string;
  fromMs: number;
  toMs: number;
  footage: 'held' | 'partial' | 'missing';
  heldFromMs: number | null;
  holdId: string | null;
}

const openStates = ['received', 'in_review', 'positive', 'negative', 'live_viewing_only', 'cancelled', 'exported', 'delivered'];

export class RequisitionsRepository {
  constructor(private readonly db: Handle) {}

  /** One transaction on the requisitions tables (retried on contention); holds and audit rows join it. */
  transaction<T>(work: (trx: Transaction<RequisitionsSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async insert(trx: Handle, row: RequisitionsTable, ranges: readonly RangeRow[]): Promise<void> {
    await trx.insertInto('requisitions').values(row).execute();
    await trx
      .insertInto('requisition_ranges')
      .values(
        ranges.map((range) => ({
          requisition_id: range.requisitionId,
          position: range.position,
          camera_id: range.cameraId,
          from_ms: range.fromMs,
          to_ms: range.toMs,
          footage: range.footage,
          held_from_ms: range.heldFromMs,
          hold_id: range.holdId,
        })),
      )
      .execute();
  }

  async update(trx: Handle, id: string, changes: Updateable<RequisitionsTable>): Promise<void> {
    await trx.updateTable('requisitions').set(changes).where('id', '=', id).execute();
  }

  find(id: string, db: Handle = this.db): Promise<RequisitionRow | undefined> {
    return db.selectFrom('requisitions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest received first; `communes` null: every commune. */
  async list(filter: { communes: readonly string[] | null; state?: string; open?: boolean; limit: number }): Promise<RequisitionRow[]> {
    let query = this.db.selectFrom('requisitions').selectAll();
    if (filter.communes !== null) {
      if (filter.communes.length === 0) return [];
      query = query.where('commune_insee', 'in', [...filter.communes]);
    }
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.open === true) query = query.where('state', 'in', openStates);
    if (filter.open === false) query = query.where('state', '=', 'closed');
    return query.orderBy('received_at', 'desc').orderBy('id').limit(filter.limit).execute();
  }

  async rangesOf(ids: readonly string[], db: Handle = this.db): Promise<RangeRow[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('requisition_ranges')
      .selectAll()
      .where('requisition_id', 'in', [...ids])
      .orderBy('requisition_id')
      .orderBy('position')
      .execute();
    return rows.map((row) => ({
      requisitionId: row.requisition_id,
      position: Number(row.position),
      cameraId: row.camera_id,
      fromMs: Number(row.from_ms),
      toMs: Number(row.to_ms),
      footage: row.footage as RangeRow['footage'],
      heldFromMs: row.held_from_ms === null ? null : Number(row.held_from_ms),
      holdId: row.hold_id,
    }));
  }

  async insertTransition(trx: Handle, row: Omit<RequisitionTransitionsTable, 'position'>): Promise<void> {
    const last = await trx
      .selectFrom('requisition_transitions')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('requisition_id', '=', row.requisition_id)
      .executeTakeFirst();
    await trx
      .insertInto('requisition_transitions')
      .values({ ...row, position: Number(last?.position ?? 0) + 1 })
      .execute();
  }

  transitionsOf(id: string): Promise<TransitionRow[]> {
    return this.db.selectFrom('requisition_transitions').selectAll().where('requisition_id', '=', id).orderBy('position').execute();
  }

  /** Every version of the documents of these requisitions, oldest first. */
  async documentsOf(ids: readonly string[], db: Handle = this.db): Promise<DocumentRow[]> {
    if (ids.length === 0) return [];
    return db
      .selectFrom('requisition_documents')
      .selectAll()
      .where('requisition_id', 'in', [...ids])
      .orderBy('requisition_id')
      .orderBy('version')
      .execute();
  }

  async insertDocument(trx: Handle, row: RequisitionDocumentsTable): Promise<void> {
    await trx.insertInto('requisition_documents').values(row).execute();
  }

  async supersedeDocuments(trx: Handle, requisitionId: string, at: string): Promise<void> {
    await trx
      .updateTable('requisition_documents')
      .set({ superseded_at: at })
      .where('requisition_id', '=', requisitionId)
      .where('superseded_at', 'is', null)
      .execute();
  }

  /** Transitions made in [fromIso, toIso) with their requisition's commune, unit and framework (the yearly statistics). */
  transitionFacts(filter: { communes: readonly string[] | null; fromIso: string; toIso: string }) {
    let query = this.db
      .selectFrom('requisition_transitions as t')
      .innerJoin('requisitions as r', 'r.id', 't.requisition_id')
      .select(['t.requisition_id', 't.from_state', 't.to_state', 't.at', 'r.commune_insee', 'r.officer_unit', 'r.legal_framework'])
      .where('t.at', '>=', filter.fromIso)
      .where('t.at', '<', filter.toIso);
    if (filter.communes !== null) {
      if (filter.communes.length === 0) return Promise.resolve([]);
      query = query.where('r.commune_insee', 'in', [...filter.communes]);
    }
    return query.orderBy('t.at').orderBy('t.requisition_id').execute();
  }
}
