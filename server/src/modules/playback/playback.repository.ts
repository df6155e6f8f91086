// SQL of playback sessions; nothing else touches playback_sessions and playback_session_segments.
import type { Selectable } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { PlaybackSchema } from '../../platform/db/schema.ts';

/** The playback module's own tables (sessions and the segments they served), or a transaction on them. */
type PlaybackDb = Kysely<PlaybackSchema>;
import type { PlaybackSessionsTable } from '../../platform/db/schema.ts';

export type PlaybackEndedBy = 'viewer' | 'idle';

export interface PlaybackSession {
  id: string;
  userId: string;
  userLogin: string;
  cameraId: string;
  communeInsee: string;
  from: string;
  to: string;
  reason: string;
  openedAt: string;
  lastUsedAt: string;
  closedAt: string | null;
  endedBy: PlaybackEndedBy | null;
  requests: number;
  /** The requisition this session reviews footage for (review hours), or null. */
  requisitionId: string | null;
  /** Active seconds reported by the console's beats, as accepted (capped). */
  activeSeconds: number;
  lastBeatAt: string | null;
}

function toSession(row: Selectable<PlaybackSessionsTable>): PlaybackSession {
  return {
    id: row.id,
    userId: row.user_id,
    userLogin: row.user_login,
    cameraId: row.camera_id,
    communeInsee: row.commune_insee,
    from: row.from_at,
    to: row.to_at,
    reason: row.reason,
    openedAt: row.opened_at,
    lastUsedAt: row.last_used_at,
    closedAt: row.closed_at,
    endedBy: row.ended_by as PlaybackEndedBy | null,
    requests: Number(row.requests),
    requisitionId: row.requisition_id ?? null,
    activeSeconds: Number(row.active_seconds ?? 0),
    lastBeatAt: row.last_beat_at ?? null,
  };
}

export class PlaybackRepository {
  constructor(private readonly db: PlaybackDb) {}

  /** A change and its audit row, together (retried on contention). */
  transaction<T>(work: (trx: Transaction<PlaybackSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async insert(trx: PlaybackDb, session: PlaybackSession): Promise<void> {
    await trx
      .insertInto('playback_sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        user_login: session.userLogin,
        camera_id: session.cameraId,
        commune_insee: session.communeInsee,
        from_at: session.from,
        to_at: session.to,
        reason: session.reason,
        opened_at: session.openedAt,
        last_used_at: session.lastUsedAt,
        closed_at: null,
        ended_by: null,
        requests: 0,
        requisition_id: session.requisitionId,
        active_seconds: 0,
        last_beat_at: null,
      })
      .execute();
  }

  async find(id: string, db: PlaybackDb = this.db): Promise<PlaybackSession | undefined> {
    const row = await db.selectFrom('playback_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  /** Notes a served request: the session stays alive, the segment counts once. False when the session was closed meanwhile. */
  async touch(id: string, segmentId: number, at: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('playback_sessions')
      .set((eb) => ({ last_used_at: at, requests: eb('requests', '+', 1) }))
      .where('id', '=', id)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await this.db
      .insertInto('playback_session_segments')
      .values({ session_id: id, segment_id: segmentId, first_served_at: at })
      .onConflict((conflict) => conflict.columns(['session_id', 'segment_id']).doNothing())
      .execute();
    return true;
  }

  /** Adds a beat's accepted seconds to an open session (it stays alive); false when it was closed meanwhile. */
  async beat(trx: PlaybackDb, id: string, seconds: number, at: string): Promise<boolean> {
    const updated = await trx
      .updateTable('playback_sessions')
      .set((eb) => ({ active_seconds: eb('active_seconds', '+', seconds), last_beat_at: at, last_used_at: at }))
      .where('id', '=', id)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Closes an open session; false when it was already closed (by another process, or a sweep). */
  async close(trx: PlaybackDb, id: string, at: string, endedBy: PlaybackEndedBy): Promise<boolean> {
    const updated = await trx
      .updateTable('playback_sessions')
      .set({ closed_at: at, ended_by: endedBy })
      .where('id', '=', id)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  async segmentsServed(id: string, db: PlaybackDb = this.db): Promise<number> {
    const row = await db
      .selectFrom('playback_session_segments')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('session_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Open sessions last used before `before` (ISO), oldest first, a bounded batch. */
  async idleSessions(before: string, limit = 500): Promise<PlaybackSession[]> {
    const rows = await this.db
      .selectFrom('playback_sessions')
      .selectAll()
      .where('closed_at', 'is', null)
      .where('last_used_at', '<=', before)
      .orderBy('last_used_at')
      .limit(limit)
      .execute();
    return rows.map(toSession);
  }
}
