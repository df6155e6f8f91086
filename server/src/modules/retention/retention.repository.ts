// SQL of legal holds and the statutory register; nothing else touches these tables (the
// footage itself is the recording module's). Bigint columns come back as strings from
// PostgreSQL: every read goes through Number() here.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { LegalHoldsTable, RetentionSchema, StatutoryRegisterTable } from '../../platform/db/schema.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { RegisterChain, type RegisterCheckpoint, type RegisterVerifyReport } from './register.chain.ts';
import type { HoldWindow } from './retention.rules.ts';

type Handle = Kysely<RetentionSchema>;

export type RegisterKind = 'recorded' | 'destroyed' | 'destroyed_early' | 'exported' | 'handed_over' | 'export_purged';
export const registerKinds: readonly RegisterKind[] = ['recorded', 'destroyed', 'destroyed_early', 'exported', 'handed_over', 'export_purged'];

export interface RegisterEntry {
  id: number;
  at: string;
  communeInsee: string;
  cameraId: string;
  kind: RegisterKind;
  fromMs: number;
  toMs: number;
  segments: number;
  bytes: number;
  reference: string | null;
  details: Record<string, unknown>;
}

export type NewRegisterEntry = Omit<RegisterEntry, 'id'>;

export interface LegalHold {
  id: string;
  communeInsee: string;
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  reason: string;
  procedureReference: string | null;
  createdBy: string;
  createdAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
  confirmedAt: string | null;
  confirmedBy: string | null;
  /** Provisional holds only: when they stop holding. */
  lapsesAt: string | null;
  reviewedAt: string | null;
  /** The requisition that placed it (issue 13): only closing that requisition releases it. */
  requisitionId: string | null;
}

function toRegisterEntry(row: Selectable<StatutoryRegisterTable>): RegisterEntry {
  return {
    id: Number(row.id),
    at: row.at,
    communeInsee: row.commune_insee,
    cameraId: row.camera_id,
    kind: row.kind as RegisterKind,
    fromMs: Number(row.from_ms),
    toMs: Number(row.to_ms),
    segments: Number(row.segments),
    bytes: Number(row.bytes),
    reference: row.reference,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

function toHold(row: Selectable<LegalHoldsTable>, cameraIds: string[]): LegalHold {
  return {
    id: row.id,
    communeInsee: row.commune_insee,
    cameraIds,
    fromMs: Number(row.from_ms),
    toMs: Number(row.to_ms),
    reason: row.reason,
    procedureReference: row.procedure_reference,
    createdBy: row.created_by,
    createdAt: row.created_at,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
    releaseReason: row.release_reason,
    confirmedAt: row.confirmed_at,
    confirmedBy: row.confirmed_by,
    lapsesAt: row.lapses_at,
    reviewedAt: row.reviewed_at,
    requisitionId: row.requisition_id,
  };
}

export class RetentionRepository {
  /** `registerChain`: how register rows are chained (keyed in a running Vigie; plain SHA-256 in tests of the register alone). */
  constructor(
    private readonly db: Handle,
    readonly registerChain: RegisterChain = new RegisterChain(),
  ) {}

  /** Runs `work` in one transaction on the retention tables (retried on contention); the footage's deletions and the audit row join it. */
  transaction<T>(work: (trx: Transaction<RetentionSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /** Paris days whose `recorded` rows exist, among rows whose images start at or after `sinceMs`. */
  async registeredRecordedDays(sinceMs: number, db: Handle = this.db): Promise<Set<string>> {
    const rows = await db.selectFrom('statutory_register').select('details').where('kind', '=', 'recorded').where('from_ms', '>=', sinceMs).execute();
    const days = new Set<string>();
    for (const row of rows) {
      const day = (JSON.parse(row.details) as { day?: unknown }).day;
      if (typeof day === 'string') days.add(day);
    }
    return days;
  }

  /** Register rows written in the caller's transaction (a purge, an export's hand-over), chained (register.chain.ts). */
  insertRegisterEntries(handle: AnyHandle, entries: readonly NewRegisterEntry[]): Promise<number[]> {
    return this.registerChain.append(handle, entries);
  }

  /** Walks the register's chain (register.chain.ts), against the newest signed checkpoint's register head when given. */
  verifyRegisterChain(checkpoint?: RegisterCheckpoint | null): Promise<RegisterVerifyReport> {
    return this.registerChain.verify(this.db, checkpoint);
  }

  /** The register chain's head: what the signed checkpoints record. */
  registerHead(): Promise<{ seq: number; hash: string }> {
    return this.registerChain.head(this.db);
  }

  async registerEntries(
    filter: { communes: readonly string[] | null; from?: string; to?: string; cameraId?: string; kind?: RegisterKind; text?: string; limit: number },
    db: Handle = this.db,
  ): Promise<RegisterEntry[]> {
    let query = db.selectFrom('statutory_register').selectAll();
    if (filter.communes !== null) query = filter.communes.length > 0 ? query.where('commune_insee', 'in', [...filter.communes]) : query.where('id', '<', 0);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    if (filter.cameraId) query = query.where('camera_id', '=', filter.cameraId);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    // Free text on the procedure reference, case-insensitive on both databases (LIKE's wildcards escaped).
    if (filter.text) {
      const pattern = `%${filter.text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
      query = query.where(sql<string>`lower(reference)`, 'like', sql<string>`${pattern} escape '\\'`);
    }
    const rows = await query.orderBy('at').orderBy('id').limit(filter.limit).execute();
    return rows.map(toRegisterEntry);
  }

  /**
   * Holds naming the camera that hold something at `now`: unreleased, and confirmed or not yet
   * lapsed. Only a confirmed hold's procedure reference is given, so that only it keeps footage
   * past retention (a provisional hold protects footage within retention, until it lapses).
   */
  async activeHoldsOf(cameraId: string, now: string, db: Handle = this.db): Promise<HoldWindow[]> {
    const rows = await db
      .selectFrom('legal_holds')
      .innerJoin('legal_hold_cameras', 'legal_hold_cameras.hold_id', 'legal_holds.id')
      .select(['legal_holds.id', 'legal_holds.from_ms', 'legal_holds.to_ms', 'legal_holds.procedure_reference', 'legal_holds.confirmed_at'])
      .where('legal_hold_cameras.camera_id', '=', cameraId)
      .where('legal_holds.released_at', 'is', null)
      .where((eb) => eb.or([eb('legal_holds.confirmed_at', 'is not', null), eb('legal_holds.lapses_at', '>', now)]))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      fromMs: Number(row.from_ms),
      toMs: Number(row.to_ms),
      procedureReference: row.confirmed_at ? row.procedure_reference : null,
    }));
  }

  /** Confirmed, unreleased holds last reviewed (or confirmed) before `before`. */
  async holdsToReview(before: string, db: Handle = this.db): Promise<LegalHold[]> {
    const rows = await db
      .selectFrom('legal_holds')
      .select('id')
      .where('released_at', 'is', null)
      .where('confirmed_at', 'is not', null)
      .where('reviewed_at', '<', before)
      .execute();
    return rows.length === 0 ? [] : this.holds({ ids: rows.map((row) => row.id), communes: null, activeOnly: true }, db);
  }

  async insertHold(trx: Handle, hold: LegalHold): Promise<void> {
    await trx
      .insertInto('legal_holds')
      .values({
        id: hold.id,
        commune_insee: hold.communeInsee,
        from_ms: hold.fromMs,
        to_ms: hold.toMs,
        reason: hold.reason,
        procedure_reference: hold.procedureReference,
        created_by: hold.createdBy,
        created_at: hold.createdAt,
        released_at: null,
        released_by: null,
        release_reason: null,
        confirmed_at: hold.confirmedAt,
        confirmed_by: hold.confirmedBy,
        lapses_at: hold.lapsesAt,
        reviewed_at: hold.reviewedAt,
        requisition_id: hold.requisitionId,
      })
      .execute();
    await trx
      .insertInto('legal_hold_cameras')
      .values(hold.cameraIds.map((cameraId) => ({ hold_id: hold.id, camera_id: cameraId })))
      .execute();
  }

  async updateHold(
    trx: Handle,
    id: string,
    changes: Partial<
      Pick<
        Selectable<LegalHoldsTable>,
        'procedure_reference' | 'released_at' | 'released_by' | 'release_reason' | 'confirmed_at' | 'confirmed_by' | 'lapses_at' | 'reviewed_at'
      >
    >,
  ): Promise<void> {
    await trx.updateTable('legal_holds').set(changes).where('id', '=', id).execute();
  }

  async findHold(id: string, db: Handle = this.db): Promise<LegalHold | undefined> {
    return (await this.holds({ ids: [id], communes: null, activeOnly: false }, db))[0];
  }

  async holds(
    filter: { ids?: readonly string[]; communes: readonly string[] | null; activeOnly: boolean; cameraId?: string; requisitionId?: string },
    db: Handle = this.db,
  ): Promise<LegalHold[]> {
    let query = db.selectFrom('legal_holds').selectAll();
    if (filter.ids) query = query.where('id', 'in', [...filter.ids]);
    if (filter.communes !== null) query = filter.communes.length > 0 ? query.where('commune_insee', 'in', [...filter.communes]) : query.where('id', '=', '');
    if (filter.activeOnly) query = query.where('released_at', 'is', null);
    if (filter.requisitionId) query = query.where('requisition_id', '=', filter.requisitionId);
    if (filter.cameraId) {
      const cameraId = filter.cameraId;
      query = query.where('id', 'in', (sub) => sub.selectFrom('legal_hold_cameras').select('hold_id').where('camera_id', '=', cameraId));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
    if (rows.length === 0) return [];
    const links = await db
      .selectFrom('legal_hold_cameras')
      .select(['hold_id', 'camera_id'])
      .where(
        'hold_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('camera_id')
      .execute();
    const camerasByHold = new Map<string, string[]>();
    for (const link of links) camerasByHold.set(link.hold_id, [...(camerasByHold.get(link.hold_id) ?? []), link.camera_id]);
    return rows.map((row) => toHold(row, camerasByHold.get(row.id) ?? []));
  }
}
