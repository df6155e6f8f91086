// SQL of PTZ; nothing else touches ptz_locks and ptz_tours. The lock row is read FOR UPDATE
// on PostgreSQL inside the transaction that decides a claim, so that several API processes
// agree on one holder; on SQLite, transactions are serialised anyway.
import { PostgresAdapter, type Selectable } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { type Dialect, inTransaction } from '../../platform/db/database.ts';
import type { PtzSchema } from '../../platform/db/schema.ts';

/** The PTZ module's own tables (control locks, patrol tours), or a transaction on them. */
export type PtzDb = Kysely<PtzSchema>;
import type { PtzLocksTable, PtzToursTable } from '../../platform/db/schema.ts';
import type { HolderRole, PtzLock } from './ptz.lock.ts';
import type { PatrolTour, TourStep } from './ptz.tours.rules.ts';

function toLock(row: Selectable<PtzLocksTable>): PtzLock {
  return {
    cameraId: row.camera_id,
    communeInsee: row.commune_insee,
    sessionId: row.session_id,
    holderId: row.holder_id,
    login: row.holder_login,
    role: row.holder_role as HolderRole,
    priority: Number(row.priority),
    takeover: Number(row.takeover) === 1,
    acquiredAt: row.acquired_at,
    renewedAt: row.renewed_at,
    expiresAt: row.expires_at,
    preempted:
      row.preempted_holder_id === null
        ? null
        : { holderId: row.preempted_holder_id, login: row.preempted_login ?? '', role: (row.preempted_role ?? 'operator') as HolderRole },
    tourId: row.tour_id,
    counts: { moves: Number(row.moves), presetCalls: Number(row.preset_calls), presetsSaved: Number(row.presets_saved) },
  };
}

function lockRow(lock: PtzLock): PtzLocksTable {
  return {
    camera_id: lock.cameraId,
    commune_insee: lock.communeInsee,
    session_id: lock.sessionId,
    holder_id: lock.holderId,
    holder_login: lock.login,
    holder_role: lock.role,
    priority: lock.priority,
    takeover: lock.takeover ? 1 : 0,
    acquired_at: lock.acquiredAt,
    renewed_at: lock.renewedAt,
    expires_at: lock.expiresAt,
    preempted_holder_id: lock.preempted?.holderId ?? null,
    preempted_login: lock.preempted?.login ?? null,
    preempted_role: lock.preempted?.role ?? null,
    tour_id: lock.tourId,
    moves: lock.counts.moves,
    preset_calls: lock.counts.presetCalls,
    presets_saved: lock.counts.presetsSaved,
  };
}

function toTour(row: Selectable<PtzToursTable>): PatrolTour {
  return {
    id: row.id,
    cameraId: row.camera_id,
    communeInsee: row.commune_insee,
    name: row.name,
    steps: JSON.parse(row.steps) as TourStep[],
    activeFrom: row.active_from,
    activeTo: row.active_to,
    enabled: Number(row.enabled) === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export class PtzRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: PtzDb,
    dialect?: Dialect,
  ) {
    this.postgres = dialect ? dialect === 'postgres' : db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** A change and its audit row, together (retried on contention). */
  transaction<T>(work: (trx: Transaction<PtzSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  // Locks

  async findLock(cameraId: string, db: PtzDb = this.db, forUpdate = false): Promise<PtzLock | null> {
    let query = db.selectFrom('ptz_locks').selectAll().where('camera_id', '=', cameraId);
    if (forUpdate && this.postgres) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toLock(row) : null;
  }

  /** Writes the camera's lock, replacing whatever session was there (a concurrent first insert fails as a unique violation). */
  async putLock(trx: PtzDb, lock: PtzLock, replacing: boolean): Promise<void> {
    if (replacing) await trx.updateTable('ptz_locks').set(lockRow(lock)).where('camera_id', '=', lock.cameraId).execute();
    else await trx.insertInto('ptz_locks').values(lockRow(lock)).execute();
  }

  async deleteLock(trx: PtzDb, cameraId: string, sessionId: string): Promise<void> {
    await trx.deleteFrom('ptz_locks').where('camera_id', '=', cameraId).where('session_id', '=', sessionId).execute();
  }

  /** Cameras whose lock expired before `nowIso`, oldest first, at most `limit`. */
  async expiredLockCameras(nowIso: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('ptz_locks').select('camera_id').where('expires_at', '<=', nowIso).orderBy('expires_at').limit(limit).execute();
    return rows.map((row) => row.camera_id);
  }

  /** Locks held by one holder (the tour runner of a process stopping). */
  async locksOf(holderId: string): Promise<PtzLock[]> {
    return (await this.db.selectFrom('ptz_locks').selectAll().where('holder_id', '=', holderId).execute()).map(toLock);
  }

  // Tours

  async toursOfCamera(cameraId: string, db: PtzDb = this.db): Promise<PatrolTour[]> {
    const rows = await db.selectFrom('ptz_tours').selectAll().where('camera_id', '=', cameraId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toTour);
  }

  /** Enabled tours, in creation order (the first active one of a camera runs), at most `limit`. */
  async enabledTours(limit: number): Promise<PatrolTour[]> {
    const rows = await this.db.selectFrom('ptz_tours').selectAll().where('enabled', '=', 1).orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map(toTour);
  }

  async findTour(id: string, db: PtzDb = this.db, forUpdate = false): Promise<PatrolTour | null> {
    let query = db.selectFrom('ptz_tours').selectAll().where('id', '=', id);
    if (forUpdate && this.postgres) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toTour(row) : null;
  }

  async insertTour(trx: PtzDb, tour: PatrolTour): Promise<void> {
    await trx
      .insertInto('ptz_tours')
      .values({
        id: tour.id,
        camera_id: tour.cameraId,
        commune_insee: tour.communeInsee,
        name: tour.name,
        steps: JSON.stringify(tour.steps),
        active_from: tour.activeFrom,
        active_to: tour.activeTo,
        enabled: tour.enabled ? 1 : 0,
        created_at: tour.createdAt,
        created_by: tour.createdBy,
        updated_at: tour.updatedAt,
        updated_by: tour.updatedBy,
      })
      .execute();
  }

  async updateTour(trx: PtzDb, tour: PatrolTour): Promise<void> {
    await trx
      .updateTable('ptz_tours')
      .set({
        name: tour.name,
        steps: JSON.stringify(tour.steps),
        active_from: tour.activeFrom,
        active_to: tour.activeTo,
        enabled: tour.enabled ? 1 : 0,
        updated_at: tour.updatedAt,
        updated_by: tour.updatedBy,
      })
      .where('id', '=', tour.id)
      .execute();
  }

  async deleteTour(trx: PtzDb, id: string): Promise<void> {
    await trx.deleteFrom('ptz_tours').where('id', '=', id).execute();
  }
}
