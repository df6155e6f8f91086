// Recording index: one row per closed segment file, explicit gaps, and the per-camera head of
// the segments' hash chain. Instants are epoch milliseconds (bigint): at 30 days x 1,000
// cameras of 60-s segments (43 M rows) a range query must stay an index range scan.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The indexes of recording_segments, shared with `./vigie bench index` (which drops them for
 * its bulk load and rebuilds them). The range query reads only the camera's timeline columns,
 * so the index covers them: a 24-h window is one contiguous index range instead of 1,440
 * table pages scattered among every other camera's rows (PostgreSQL: INCLUDE, index-only scan
 * once autovacuum has set the visibility map; SQLite: a second index holding the columns).
 * Unique on (camera_id, start_ms): the same segment indexed twice is refused.
 */
export function segmentIndexStatements(dialect: 'sqlite' | 'postgres'): string[] {
  if (dialect === 'postgres') {
    return ['create unique index recording_segments_camera_start on recording_segments (camera_id, start_ms) include (end_ms, status, volume, path, id)'];
  }
  return [
    'create unique index recording_segments_camera_start on recording_segments (camera_id, start_ms)',
    'create index recording_segments_timeline on recording_segments (camera_id, start_ms, end_ms, status, volume, path)',
  ];
}

export const segmentIndexNames = ['recording_segments_camera_start', 'recording_segments_timeline'];

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = isPostgres(db);
  // SQLite: `integer primary key` is the rowid itself (no second index); PostgreSQL: identity.
  const idColumn = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', postgres ? 'bigint' : 'integer', (column) => (postgres ? column.primaryKey().generatedByDefaultAsIdentity() : column.primaryKey()));

  await idColumn('recording_segments')
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('volume', 'text', (column) => column.notNull())
    .addColumn('path', 'text', (column) => column.notNull())
    .addColumn('start_ms', 'bigint', (column) => column.notNull())
    .addColumn('end_ms', 'bigint', (column) => column.notNull())
    .addColumn('duration_ms', 'integer', (column) => column.notNull())
    .addColumn('bytes', 'bigint', (column) => column.notNull())
    .addColumn('codec', 'text', (column) => column.notNull())
    .addColumn('width', 'integer', (column) => column.notNull())
    .addColumn('height', 'integer', (column) => column.notNull())
    .addColumn('fps', 'double precision', (column) => column.notNull())
    .addColumn('frame_count', 'integer', (column) => column.notNull())
    .addColumn('sha256', 'text', (column) => column.notNull())
    .addColumn('prev_hash', 'text', (column) => column.notNull())
    .addColumn('chain_hash', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .execute();
  for (const statement of segmentIndexStatements(postgres ? 'postgres' : 'sqlite')) await sql.raw(statement).execute(db);

  await idColumn('recording_gaps')
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('start_ms', 'bigint', (column) => column.notNull())
    .addColumn('end_ms', 'bigint', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('recording_gaps_camera_start').on('recording_gaps').columns(['camera_id', 'start_ms']).execute();

  await db.schema
    .createTable('recording_heads')
    .addColumn('camera_id', 'text', (column) => column.primaryKey())
    .addColumn('segment_id', 'bigint', (column) => column.notNull())
    .addColumn('chain_hash', 'text', (column) => column.notNull())
    .addColumn('end_ms', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['recording_heads', 'recording_gaps', 'recording_segments']) await db.schema.dropTable(table).ifExists().execute();
}
