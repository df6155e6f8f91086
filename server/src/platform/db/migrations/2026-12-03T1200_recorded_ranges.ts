// Recorded ranges (issue 12): a summary of recording_segments that the timeline reads instead of
// the segments. One row per camera, per UTC hour, per run of segments closer than 1 s to each
// other, clipped to the hour. A 24-h window is then about 24 rows instead of 1,440 segments, a
// 30-day window 720 instead of 43,200. The indexer extends the hour's row in the segment's
// transaction and the purge recomputes the hours it touched in its own, so the summary never
// disagrees with the segments. UTC hours, not Paris days: no bucket changes length at DST.
//
// Existing segments are summarised here in SQL (window functions, both dialects). Its two
// constants are this migration's own: the repository's (recorded-ranges.ts) must stay equal,
// which recorded-ranges.itest.ts checks by rebuilding with this statement.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const BUCKET_MS = 3_600_000;
const TOLERANCE_MS = 1000;

export function recordedRangesTableStatement(dialect: 'sqlite' | 'postgres'): string {
  // The primary key is the range query's index; it covers end_ms (SQLite: a table without rowid is its key's b-tree).
  return dialect === 'postgres'
    ? 'create table recording_ranges (camera_id text not null, start_ms bigint not null, end_ms bigint not null, constraint recording_ranges_pkey primary key (camera_id, start_ms) include (end_ms))'
    : 'create table recording_ranges (camera_id text not null, start_ms integer not null, end_ms integer not null, primary key (camera_id, start_ms)) without rowid';
}

/**
 * Fills recording_ranges from every segment (the table must be empty). A segment lasts at most
 * an hour (MAX_SEGMENT_SPAN_MS), so it falls into one or two hours: its piece in each.
 */
export function rebuildRecordedRangesStatement(dialect: 'sqlite' | 'postgres'): string {
  const greatest = dialect === 'postgres' ? 'greatest' : 'max';
  const least = dialect === 'postgres' ? 'least' : 'min';
  return `
    with bucketed as (
      select camera_id, start_ms, end_ms, (start_ms / ${BUCKET_MS}) * ${BUCKET_MS} as bucket from recording_segments where end_ms > start_ms
    ),
    pieces as (
      select camera_id, bucket, ${greatest}(start_ms, bucket) as s, ${least}(end_ms, bucket + ${BUCKET_MS}) as e from bucketed
      union all
      select camera_id, bucket + ${BUCKET_MS}, bucket + ${BUCKET_MS}, ${least}(end_ms, bucket + ${2 * BUCKET_MS}) from bucketed where end_ms > bucket + ${BUCKET_MS}
    ),
    marked as (
      select camera_id, bucket, s, e,
        case when s <= max(e) over (partition by camera_id, bucket order by s, e rows between unbounded preceding and 1 preceding) + ${TOLERANCE_MS}
          then 0 else 1 end as opens
      from pieces
    ),
    islands as (
      select camera_id, bucket, s, e, sum(opens) over (partition by camera_id, bucket order by s, e rows unbounded preceding) as island from marked
    )
    insert into recording_ranges (camera_id, start_ms, end_ms)
    select camera_id, min(s), max(e) from islands group by camera_id, bucket, island`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
  await sql.raw(recordedRangesTableStatement(dialect)).execute(db);
  await sql.raw(rebuildRecordedRangesStatement(dialect)).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recording_ranges').ifExists().execute();
}
