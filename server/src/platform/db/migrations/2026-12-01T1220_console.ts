// Operator console (issue 5): playback sessions (who replays which camera over which window, for
// what reason, until when; and which segments were served), saved live layouts (per user,
// optionally shared) and video walls (the layout and tour pushed to a big screen). Portable:
// ISO-8601 UTC text instants, 0/1 booleans, JSON text lists. No foreign key to cameras: a
// playback session, a layout or a wall outlives a camera's removal (its tile then shows nothing).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('playback_sessions')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('user_login', 'text', (column) => column.notNull())
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('from_at', 'text', (column) => column.notNull())
    .addColumn('to_at', 'text', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('opened_at', 'text', (column) => column.notNull())
    .addColumn('last_used_at', 'text', (column) => column.notNull())
    .addColumn('closed_at', 'text')
    // 'viewer' (closed by its user) | 'idle' (no fetch for the idle delay)
    .addColumn('ended_by', 'text')
    .addColumn('requests', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('playback_sessions_open').on('playback_sessions').columns(['closed_at', 'last_used_at']).execute();
  await db.schema.createIndex('playback_sessions_user').on('playback_sessions').columns(['user_id']).execute();

  await db.schema
    .createTable('playback_session_segments')
    .addColumn('session_id', 'text', (column) => column.notNull().references('playback_sessions.id'))
    .addColumn('segment_id', 'bigint', (column) => column.notNull())
    .addColumn('first_served_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('playback_session_segments_pk', ['session_id', 'segment_id'])
    .execute();

  await db.schema
    .createTable('live_layouts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('owner_id', 'text', (column) => column.notNull())
    .addColumn('owner_login', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('grid', 'integer', (column) => column.notNull().check(sql`grid in (1, 4, 9, 16, 25)`))
    .addColumn('tiles', 'text', (column) => column.notNull())
    .addColumn('shared', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('live_layouts_owner').on('live_layouts').columns(['owner_id']).execute();
  await db.schema.createIndex('live_layouts_shared').on('live_layouts').columns(['shared']).execute();

  await db.schema
    .createTable('video_walls')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull().unique())
    .addColumn('grid', 'integer', (column) => column.notNull().check(sql`grid in (1, 4, 9, 16, 25)`))
    .addColumn('tiles', 'text', (column) => column.notNull())
    // JSON {cameraIds, intervalSeconds} or null
    .addColumn('tour', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['video_walls', 'live_layouts', 'playback_session_segments', 'playback_sessions']) await db.schema.dropTable(table).ifExists().execute();
}
