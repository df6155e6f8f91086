// SQL of retention, legal holds, the statutory register and purged chain runs. Bigint
// columns come back as strings from PostgreSQL: every read goes through Number() here.
import type { Selectable } from 'kysely';
import type { Db, DbOrTx, Tx } from '../../platform/db/database.ts';
import type { LegalHoldsTable, RecordingSegmentsTable, StatutoryRegisterTable } from '../../platform/db/schema.ts';
import type { HoldWindow, PurgedRun } from './retention.rules.ts';
import type { IndexedSegment } from './recording.types.ts';

export type RegisterKind = 'recorded' | 'destroyed' | 'destroyed_early' | 'handed_over';
export const registerKinds: readonly RegisterKind[] = ['recorded', 'destroyed', 'destroyed_early', 'handed_over'];

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
}

/** What the purge reads of a segment: its place in time, storage and chain. */
export type PurgeCandidate = Pick<IndexedSegment, 'id' | 'cameraId' | 'communeInsee' | 'volume' | 'path' | 'startMs' | 'endMs' | 'bytes' | 'prevHash' | 'chainHash'>;

function toRegisterEntry(row: Selectable<StatutoryRegisterTable>): RegisterEntry {
  return {
    id: Number(row.id), at: row.at, communeInsee: row.commune_insee, cameraId: row.camera_id, kind: row.kind as RegisterKind,
    fromMs: Number(row.from_ms), toMs: Number(row.to_ms), segments: Number(row.segments), bytes: Number(row.bytes), reference: row.reference,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

function toHold(row: Selectable<LegalHoldsTable>, cameraIds: string[]): LegalHold {
  return {
    id: row.id, communeInsee: row.commune_insee, cameraIds, fromMs: Number(row.from_ms), toMs: Number(row.to_ms), reason: row.reason,
    procedureReference: row.procedure_reference, createdBy: row.created_by, createdAt: row.created_at, releasedAt: row.released_at,
    releasedBy: row.released_by, releaseReason: row.release_reason, confirmedAt: row.confirmed_at, confirmedBy: row.confirmed_by,
    lapsesAt: row.lapses_at, reviewedAt: row.reviewed_at,
  };
}

const candidateColumns = ['id', 'camera_id', 'commune_insee', 'volume', 'path', 'start_ms', 'end_ms', 'bytes', 'prev_hash', 'chain_hash'] as const;

function toCandidate(row: Pick<Selectable<RecordingSegmentsTable>, (typeof candidateColumns)[number]>): PurgeCandidate {
  return {
    id: Number(row.id), cameraId: row.camera_id, communeInsee: row.commune_insee, volume: row.volume, path: row.path, startMs: Number(row.start_ms),
    endMs: Number(row.end_ms), bytes: Number(row.bytes), prevHash: row.prev_hash, chainHash: row.chain_hash,
  };
}

export class RetentionRepository {
  constructor(private readonly db: Db) {}

  /** Every camera that has footage in the index (whether or not still in the inventory). */
  async camerasWithFootage(db: DbOrTx = this.db): Promise<Array<{ cameraId: string }>> {
    const rows = await db.selectFrom('recording_heads').select('camera_id').orderBy('camera_id').execute();
    return rows.map((row) => ({ cameraId: row.camera_id }));
  }

  /** The camera's oldest segments starting at or before `cutoffMs` (first frame at retention), in chain order, at most `limit`, none on `excludedVolumes`. */
  async candidates(cameraId: string, cutoffMs: number, limit: number, excludedVolumes: readonly string[] = [], db: DbOrTx = this.db): Promise<PurgeCandidate[]> {
    let query = db
      .selectFrom('recording_segments')
      .select(candidateColumns)
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<=', cutoffMs);
    // A volume whose marker is missing keeps its rows (its files are not reachable): it must not fill the batch either.
    if (excludedVolumes.length > 0) query = query.where('volume', 'not in', [...excludedVolumes]);
    const rows = await query
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toCandidate);
  }

  /** A volume's oldest segments starting at or after `fromStartMs` (all cameras), oldest first: for early destruction. */
  async oldestOnVolume(volume: string, fromStartMs: number, limit: number, db: DbOrTx = this.db): Promise<PurgeCandidate[]> {
    const rows = await db
      .selectFrom('recording_segments')
      .select(candidateColumns)
      .where('volume', '=', volume)
      .where('start_ms', '>=', fromStartMs)
      .orderBy('start_ms')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toCandidate);
  }

  /** Per camera: what was recorded in [fromMs, toMs) by segment start (the register's `recorded` rows). */
  async recordedOn(fromMs: number, toMs: number, db: DbOrTx = this.db): Promise<Array<{ cameraId: string; communeInsee: string; fromMs: number; toMs: number; segments: number; bytes: number }>> {
    const rows = await db
      .selectFrom('recording_segments')
      .select((eb) => [
        'camera_id', 'commune_insee', eb.fn.min('start_ms').as('from_ms'), eb.fn.max('end_ms').as('to_ms'),
        eb.fn.countAll<number | string>().as('segments'), eb.fn.sum<number | string>('bytes').as('bytes'),
      ])
      .where('start_ms', '>=', fromMs)
      .where('start_ms', '<', toMs)
      .groupBy(['camera_id', 'commune_insee'])
      .orderBy('camera_id')
      .execute();
    return rows.map((row) => ({
      cameraId: row.camera_id, communeInsee: row.commune_insee, fromMs: Number(row.from_ms), toMs: Number(row.to_ms), segments: Number(row.segments), bytes: Number(row.bytes),
    }));
  }

  /** Paris days whose `recorded` rows exist, among rows whose images start at or after `sinceMs`. */
  async registeredRecordedDays(sinceMs: number, db: DbOrTx = this.db): Promise<Set<string>> {
    const rows = await db.selectFrom('statutory_register').select('details').where('kind', '=', 'recorded').where('from_ms', '>=', sinceMs).execute();
    const days = new Set<string>();
    for (const row of rows) {
      const day = (JSON.parse(row.details) as { day?: unknown }).day;
      if (typeof day === 'string') days.add(day);
    }
    return days;
  }

  async deleteSegments(trx: Tx, ids: readonly number[]): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < ids.length; start += 500) {
      const result = await trx.deleteFrom('recording_segments').where('id', 'in', ids.slice(start, start + 500)).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  }

  /** Gap rows describe missing footage; those past retention go with the footage around them. */
  async deleteGapsBefore(trx: Tx, cameraId: string, cutoffMs: number): Promise<void> {
    await trx.deleteFrom('recording_gaps').where('camera_id', '=', cameraId).where('end_ms', '<=', cutoffMs).execute();
  }

  async insertPurgedRuns(trx: Tx, cameraId: string, communeInsee: string, runs: readonly PurgedRun[], purgedAt: string): Promise<void> {
    if (runs.length === 0) return;
    await trx
      .insertInto('recording_purged_runs')
      .values(runs.map((run) => ({
        camera_id: cameraId, commune_insee: communeInsee, first_segment_id: run.firstSegmentId, last_segment_id: run.lastSegmentId, from_ms: run.fromMs,
        to_ms: run.toMs, segments: run.segments, prev_hash: run.prevHash, last_chain_hash: run.lastChainHash, purged_at: purgedAt,
      })))
      .execute();
  }

  /** The purged runs of a camera, for `recordings verify` (see checkLinksAcrossPurges). */
  async purgedRunsOf(cameraId: string, db: DbOrTx = this.db): Promise<PurgedRun[]> {
    const rows = await db.selectFrom('recording_purged_runs').selectAll().where('camera_id', '=', cameraId).orderBy('first_segment_id').execute();
    return rows.map((row) => ({
      firstSegmentId: Number(row.first_segment_id), lastSegmentId: Number(row.last_segment_id), fromMs: Number(row.from_ms), toMs: Number(row.to_ms),
      segments: Number(row.segments), prevHash: row.prev_hash, lastChainHash: row.last_chain_hash,
    }));
  }

  async insertRegisterEntries(trx: Tx, entries: readonly NewRegisterEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const rows = await trx
      .insertInto('statutory_register')
      .values(entries.map((entry) => ({
        at: entry.at, commune_insee: entry.communeInsee, camera_id: entry.cameraId, kind: entry.kind, from_ms: entry.fromMs, to_ms: entry.toMs,
        segments: entry.segments, bytes: entry.bytes, reference: entry.reference, details: JSON.stringify(entry.details),
      })))
      .returning('id')
      .execute();
    return rows.map((row) => Number(row.id));
  }

  async registerEntries(filter: { communes: readonly string[] | null; from?: string; to?: string; cameraId?: string; kind?: RegisterKind; limit: number }, db: DbOrTx = this.db): Promise<RegisterEntry[]> {
    let query = db.selectFrom('statutory_register').selectAll();
    if (filter.communes !== null) query = filter.communes.length > 0 ? query.where('commune_insee', 'in', [...filter.communes]) : query.where('id', '<', 0);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    if (filter.cameraId) query = query.where('camera_id', '=', filter.cameraId);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    const rows = await query.orderBy('at').orderBy('id').limit(filter.limit).execute();
    return rows.map(toRegisterEntry);
  }

  /**
   * Holds naming the camera that hold something at `now`: unreleased, and confirmed or not yet
   * lapsed. Only a confirmed hold's procedure reference is given, so that only it keeps footage
   * past retention (a provisional hold protects footage within retention, until it lapses).
   */
  async activeHoldsOf(cameraId: string, now: string, db: DbOrTx = this.db): Promise<HoldWindow[]> {
    const rows = await db
      .selectFrom('legal_holds')
      .innerJoin('legal_hold_cameras', 'legal_hold_cameras.hold_id', 'legal_holds.id')
      .select(['legal_holds.id', 'legal_holds.from_ms', 'legal_holds.to_ms', 'legal_holds.procedure_reference', 'legal_holds.confirmed_at'])
      .where('legal_hold_cameras.camera_id', '=', cameraId)
      .where('legal_holds.released_at', 'is', null)
      .where((eb) => eb.or([eb('legal_holds.confirmed_at', 'is not', null), eb('legal_holds.lapses_at', '>', now)]))
      .execute();
    return rows.map((row) => ({ id: row.id, fromMs: Number(row.from_ms), toMs: Number(row.to_ms), procedureReference: row.confirmed_at ? row.procedure_reference : null }));
  }

  /** Per camera, the start of its oldest indexed segment (the oldest footage kept); a camera without footage is absent. */
  async oldestFootageOf(cameraIds: readonly string[], db: DbOrTx = this.db): Promise<Map<string, number>> {
    if (cameraIds.length === 0) return new Map();
    const rows = await db.selectFrom('recording_segments').select((eb) => ['camera_id', eb.fn.min('start_ms').as('oldest')]).where('camera_id', 'in', [...cameraIds]).groupBy('camera_id').execute();
    return new Map(rows.filter((row) => row.oldest !== null).map((row) => [row.camera_id, Number(row.oldest)]));
  }

  /** Confirmed, unreleased holds last reviewed (or confirmed) before `before`. */
  async holdsToReview(before: string, db: DbOrTx = this.db): Promise<LegalHold[]> {
    const rows = await db.selectFrom('legal_holds').select('id').where('released_at', 'is', null).where('confirmed_at', 'is not', null).where('reviewed_at', '<', before).execute();
    return rows.length === 0 ? [] : this.holds({ ids: rows.map((row) => row.id), communes: null, activeOnly: true }, db);
  }

  async insertHold(trx: Tx, hold: LegalHold): Promise<void> {
    await trx
      .insertInto('legal_holds')
      .values({
        id: hold.id, commune_insee: hold.communeInsee, from_ms: hold.fromMs, to_ms: hold.toMs, reason: hold.reason, procedure_reference: hold.procedureReference,
        created_by: hold.createdBy, created_at: hold.createdAt, released_at: null, released_by: null, release_reason: null,
        confirmed_at: hold.confirmedAt, confirmed_by: hold.confirmedBy, lapses_at: hold.lapsesAt, reviewed_at: hold.reviewedAt,
      })
      .execute();
    await trx.insertInto('legal_hold_cameras').values(hold.cameraIds.map((cameraId) => ({ hold_id: hold.id, camera_id: cameraId }))).execute();
  }

  async updateHold(trx: Tx, id: string, changes: Partial<Pick<Selectable<LegalHoldsTable>, 'procedure_reference' | 'released_at' | 'released_by' | 'release_reason' | 'confirmed_at' | 'confirmed_by' | 'lapses_at' | 'reviewed_at'>>): Promise<void> {
    await trx.updateTable('legal_holds').set(changes).where('id', '=', id).execute();
  }

  async findHold(id: string, db: DbOrTx = this.db): Promise<LegalHold | undefined> {
    return (await this.holds({ ids: [id], communes: null, activeOnly: false }, db))[0];
  }

  async holds(filter: { ids?: readonly string[]; communes: readonly string[] | null; activeOnly: boolean; cameraId?: string }, db: DbOrTx = this.db): Promise<LegalHold[]> {
    let query = db.selectFrom('legal_holds').selectAll();
    if (filter.ids) query = query.where('id', 'in', [...filter.ids]);
    if (filter.communes !== null) query = filter.communes.length > 0 ? query.where('commune_insee', 'in', [...filter.communes]) : query.where('id', '=', '');
    if (filter.activeOnly) query = query.where('released_at', 'is', null);
    if (filter.cameraId) {
      const cameraId = filter.cameraId;
      query = query.where('id', 'in', (sub) => sub.selectFrom('legal_hold_cameras').select('hold_id').where('camera_id', '=', cameraId));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
    if (rows.length === 0) return [];
    const links = await db.selectFrom('legal_hold_cameras').select(['hold_id', 'camera_id']).where('hold_id', 'in', rows.map((row) => row.id)).orderBy('camera_id').execute();
    const camerasByHold = new Map<string, string[]>();
    for (const link of links) camerasByHold.set(link.hold_id, [...(camerasByHold.get(link.hold_id) ?? []), link.camera_id]);
    return rows.map((row) => toHold(row, camerasByHold.get(row.id) ?? []));
  }
}
