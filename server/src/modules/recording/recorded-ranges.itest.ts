// recording_ranges on both databases: after inserts through the real indexer (contiguous
// segments, a sub-second cut, gaps, a crash and its recovered file, a late file filling a hole,
// segments straddling an hour, midnight in Paris and the October DST change) and after purges
// (oldest first, around a held segment in the middle, everything), the summary equals the
// hourly runs computed from the segments, in SQL (the migration's statement) and in JavaScript,
// and the timeline's coverage from the summary equals the coverage from every segment,
// whatever the window's edges.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { assertRecordedRangesAgree } from '../../testing/recorded-ranges.ts';
import { bucketPieces, bucketRuns, coverage, rangeBucketOf } from './recorded-ranges.ts';
import { RecordingRepository } from './recording.repository.ts';
import type { IndexedSegment, SegmentStatus, StorageVolume, TimeRange } from './recording.types.ts';
import { SegmentIndexer } from './segment-indexer.ts';

const at = (iso: string) => Date.parse(iso);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
// Paris midnight of Sunday 25 October 2026 is 22:00 UTC on the 24th; the clocks go back at 01:00 UTC.
const PARIS_MIDNIGHT = at('2026-10-24T22:00:00.000Z');
const DST_CHANGE = at('2026-10-25T01:00:00.000Z');

async function chmodTree(path: string): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chmodTree(child);
    else await chmod(child, 0o640).catch(() => undefined);
  }
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`recorded ranges [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let repository: RecordingRepository;
    let indexer: SegmentIndexer;
    let folder: string;
    let volume: StorageVolume;
    let fileCount = 0;

    before(async () => {
      database = await createTestDatabase(dialect);
      folder = await mkdtemp(join(tmpdir(), 'vigie-ranges-'));
      volume = { name: 'local', root: join(folder, 'volume') };
      await mkdir(join(folder, 'incoming'), { recursive: true });
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
      const probe = async () => ({ codec: 'h264', width: 1280, height: 720, frameCount: 12, durationMs: MINUTE, measuredFps: 12 });
      indexer = new SegmentIndexer(repository, new ManualClock(), { probe });
    });
    after(async () => {
      await database?.drop();
      await chmodTree(folder);
      await rm(folder, { recursive: true, force: true });
    });

    /** One file through the real indexer (its transaction maintains the summary). */
    async function index(cameraId: string, startMs: number, durationMs: number, status: SegmentStatus = 'closed', gapReason?: string): Promise<IndexedSegment> {
      const file = join(folder, 'incoming', `segment-${fileCount++}.mp4`);
      await writeFile(file, randomBytes(256));
      const segment = await indexer.index({ cameraId, communeInsee: '21231', volume, file, startMs, durationMs, status, ...(gapReason ? { gapReason } : {}) });
      assert.ok(segment);
      return segment;
    }

    async function segmentsOf(cameraId: string): Promise<IndexedSegment[]> {
      const rows: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera(cameraId)) rows.push(row);
      return rows;
    }

    /** The summary equals both recomputations, and timelines from it equal timelines from the segments. */
    async function assertAgrees(cameraId: string, windows: TimeRange[]): Promise<void> {
      await assertRecordedRangesAgree(database.handle.db, dialect);
      const segments = await segmentsOf(cameraId);
      const buckets = [...new Set(segments.flatMap((segment) => bucketPieces(segment).map((piece) => rangeBucketOf(piece.startMs))))].sort((a, b) => a - b);
      const expected = buckets.flatMap((bucket) => bucketRuns(segments, bucket));
      assert.deepEqual(await repository.recordedRanges(cameraId, 0, 4_000_000_000_000), expected, 'rows as computed in JavaScript');
      for (const window of windows) {
        const fromSummary = coverage(await repository.recordedRanges(cameraId, window.startMs, window.endMs), window);
        assert.deepEqual(fromSummary, coverage(segments, window), `window ${new Date(window.startMs).toISOString()} - ${new Date(window.endMs).toISOString()}`);
      }
    }

    const start = PARIS_MIDNIGHT - 150 * SECOND; // 21:57:30 UTC
    const windows: TimeRange[] = [
      { startMs: start - 3_600_000, endMs: start + 86_400_000 },
      { startMs: PARIS_MIDNIGHT - 30 * SECOND, endMs: PARIS_MIDNIGHT + 30 * SECOND },
      { startMs: PARIS_MIDNIGHT, endMs: PARIS_MIDNIGHT + 3_600_000 },
      { startMs: start + 5 * MINUTE + 100, endMs: start + 5 * MINUTE + 700 }, // inside the sub-second cut
      { startMs: start + 5 * MINUTE + 300, endMs: start + 20 * MINUTE },
      { startMs: DST_CHANGE - 1, endMs: DST_CHANGE + 1 },
      { startMs: DST_CHANGE - 3_600_000, endMs: DST_CHANGE + 3_600_000 },
      { startMs: at('2026-10-24T23:00:00.100Z'), endMs: at('2026-10-24T23:30:00.000Z') },
    ];

    it('agrees with the segments after inserts: cuts, gaps, a crash, a late file, hours, Paris midnight, DST', async () => {
      // Five contiguous minutes; the third straddles 22:00 UTC, midnight in Paris.
      for (let minute = 0; minute < 5; minute++) await index('cam-a', start + minute * MINUTE, MINUTE);
      // A cut of 0.4 s (no gap, one range), then 1.5 s missing (a gap row, a second range).
      await index('cam-a', start + 5 * MINUTE + 400, MINUTE);
      await index('cam-a', start + 6 * MINUTE + 400 + 1500, MINUTE);
      // The recorder crashed 23.4 s into the next segment; the restarted one began 5 s later.
      const crashedAt = start + 7 * MINUTE + 1900;
      await index('cam-a', crashedAt, 23_400, 'recovered', 'recorder_crashed');
      await index('cam-a', crashedAt + 23_400 + 5000, MINUTE, 'closed', 'recorder_crashed');
      // Another camera, interleaved: the sub-second cut falls on the 23:00 UTC hour boundary.
      await index('cam-b', at('2026-10-24T22:59:00.000Z'), 59_700);
      await index('cam-b', at('2026-10-24T23:00:00.300Z'), MINUTE);
      // Ten-minute segments across the DST change (01:00 UTC, one hour boundary), with a hole of one segment.
      await index('cam-a', DST_CHANGE - 15 * MINUTE, 10 * MINUTE);
      await index('cam-a', DST_CHANGE + 5 * MINUTE, 10 * MINUTE);
      // The file of the hole, indexed late (a recovered file found after the next ones): the two ranges become one.
      await index('cam-a', DST_CHANGE - 5 * MINUTE, 10 * MINUTE, 'recovered');

      await assertAgrees('cam-a', windows);
      await assertAgrees('cam-b', windows);
      const around = coverage(await repository.recordedRanges('cam-b', at('2026-10-24T23:00:00.100Z'), at('2026-10-24T23:30:00.000Z')), {
        startMs: at('2026-10-24T23:00:00.100Z'),
        endMs: at('2026-10-24T23:30:00.000Z'),
      });
      assert.deepEqual(
        around.ranges,
        [{ startMs: at('2026-10-24T23:00:00.100Z'), endMs: at('2026-10-24T23:01:00.300Z') }],
        'a cut under 1 s at the window start is no gap',
      );
      const dst = coverage(await repository.recordedRanges('cam-a', DST_CHANGE - 3_600_000, DST_CHANGE + 3_600_000), {
        startMs: DST_CHANGE - 3_600_000,
        endMs: DST_CHANGE + 3_600_000,
      });
      assert.deepEqual(dst.ranges, [{ startMs: DST_CHANGE - 15 * MINUTE, endMs: DST_CHANGE + 15 * MINUTE }], 'one range across the DST change');
      const rows = await repository.recordedRanges('cam-a', start, start + 86_400_000);
      assert.ok(
        rows.every((row) => rangeBucketOf(row.startMs) === rangeBucketOf(row.endMs - 1)),
        'no row crosses an hour',
      );
    });

    it('agrees after purges: the oldest, around a held segment, a segment across the DST change, then everything', async () => {
      const segments = (await segmentsOf('cam-a')).sort((a, b) => a.startMs - b.startMs);
      const purge = (doomed: IndexedSegment[]) =>
        repository.transaction((trx) =>
          repository.deleteSegments(
            trx,
            doomed.map((segment) => segment.id),
          ),
        );
      // The two oldest; then the third and fifth minutes, the fourth (straddling Paris midnight) kept as a hold keeps it.
      assert.equal(await purge(segments.slice(0, 2)), 2);
      await assertAgrees('cam-a', windows);
      assert.equal(await purge([segments[2]!, segments[4]!]), 2);
      await assertAgrees('cam-a', windows);
      const held = coverage(await repository.recordedRanges('cam-a', start, start + 10 * MINUTE), { startMs: start, endMs: start + 10 * MINUTE });
      assert.deepEqual(held.ranges[0], { startMs: segments[3]!.startMs, endMs: segments[3]!.endMs }, 'the held minute alone');
      const acrossDst = segments.find((segment) => segment.startMs < DST_CHANGE && segment.endMs > DST_CHANGE)!;
      assert.equal(await purge([acrossDst]), 1);
      await assertAgrees('cam-a', windows);
      assert.equal(await purge(await segmentsOf('cam-a')), segments.length - 5);
      await assertAgrees('cam-a', windows);
      assert.deepEqual(await repository.recordedRanges('cam-a', 0, 4_000_000_000_000), []);
      assert.equal((await repository.recordedRanges('cam-b', 0, 4_000_000_000_000)).length, 2, 'the other camera untouched (two hours)');
    });
  });
}
