// Test helper: recording_ranges, as the indexer and the purge kept it, equals what the
// migration's statement computes from the segments now (both dialects). The recomputation runs
// in a transaction that is rolled back, so the summary under test is left as it was.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Dialect } from '../platform/db/database.ts';
import { rebuildRecordedRangesStatement } from '../platform/db/migrations/2026-12-03T1200_recorded_ranges.ts';
import type { AnyHandle } from '../platform/db/tables.ts';

type Row = { camera_id: string; start_ms: number | string; end_ms: number | string };

const rangesOf = async (db: AnyHandle): Promise<string[]> =>
  (await sql<Row>`select camera_id, start_ms, end_ms from recording_ranges order by camera_id, start_ms`.execute(db)).rows.map(
    (row) => `${row.camera_id} ${new Date(Number(row.start_ms)).toISOString()} ${new Date(Number(row.end_ms)).toISOString()}`,
  );

class Rollback extends Error {}

/** The summary's rows (camera, start, end as ISO), once checked against the segments. */
export async function assertRecordedRangesAgree(db: AnyHandle, dialect: Dialect): Promise<string[]> {
  const kept = await rangesOf(db);
  let recomputed: string[] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      await sql`delete from recording_ranges`.execute(trx);
      await sql.raw(rebuildRecordedRangesStatement(dialect)).execute(trx);
      recomputed = await rangesOf(trx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  assert.deepEqual(kept, recomputed, 'recording_ranges agrees with recording_segments');
  return kept;
}
