// `recordings verify` on both databases: an intact archive passes; an altered file, a deleted
// file, a file nobody indexed, a file a crash left in `.incoming`, an edited row, a row removed
// from the middle and the newest row removed are each reported.
import type { Dirent } from 'node:fs';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { RecordingRepository } from './recording.repository.ts';
import type { StorageVolume } from './recording.types.ts';
import { SegmentIndexer } from './segment-indexer.ts';
import { verifyRecordings } from './verify.ts';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';

const start = Date.parse('2026-11-23T10:00:00.000Z');
const segmentMs = 60_000;
const stubProbe = async () => ({ codec: 'h264', width: 1280, height: 720, frameCount: 720, durationMs: segmentMs, measuredFps: 12 });

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`recordings verify [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let repository: RecordingRepository;
    let volume: StorageVolume;
    let folder: string;

    before(async () => {
      database = await createTestDatabase(dialect);
      folder = await mkdtemp(join(tmpdir(), 'vigie-verify-'));
      volume = { name: 'local', root: join(folder, 'volume') };
    });
    after(async () => {
      await database?.drop();
      await chmodTree(folder);
      await rm(folder, { recursive: true, force: true });
    });

    /** A fresh archive: `count` segments of camera `cameraId`, indexed by the real indexer. */
    async function record(cameraId: string, count: number) {
      await database.handle.db.deleteFrom('recording_segments').execute();
      await database.handle.db.deleteFrom('recording_heads').execute();
      await database.handle.db.deleteFrom('recording_gaps').execute();
      await chmodTree(folder);
      await rm(volume.root, { recursive: true, force: true });
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
      const indexer = new SegmentIndexer(repository, new ManualClock(), { probe: stubProbe });
      const incoming = join(folder, 'incoming');
      await mkdir(incoming, { recursive: true });
      const segments = [];
      for (let index = 0; index < count; index++) {
        const file = join(incoming, `segment-${index}.mp4`);
        await writeFile(file, randomBytes(4096));
        const segment = await indexer.index({
          cameraId,
          communeInsee: '38999',
          volume,
          file,
          startMs: start + index * segmentMs,
          durationMs: segmentMs,
          status: 'closed',
        });
        assert.ok(segment);
        segments.push(segment);
      }
      return segments;
    }

    it('passes an intact archive and re-hashes every file', async () => {
      await record('cam-001', 4);
      const report = await verifyRecordings(repository, { volumes: [volume] });
      assert.deepEqual([report.ok, report.segmentsChecked, report.filesHashed, report.problems], [true, 4, 4, []]);
    });

    it('reports an altered file and a deleted file', async () => {
      const segments = await record('cam-001', 4);
      const altered = join(volume.root, segments[1]!.path);
      await chmod(altered, 0o644);
      await writeFile(altered, randomBytes(4096));
      await unlink(join(volume.root, segments[2]!.path));
      const report = await verifyRecordings(repository, { volumes: [volume] });
      assert.deepEqual(
        report.problems.map((problem) => [problem.kind, problem.segmentId]),
        [
          ['modified', segments[1]!.id],
          ['missing', segments[2]!.id],
        ],
      );
    });

    it('reports a file on disk that no row indexes', async () => {
      const segments = await record('cam-001', 2);
      const stray = segments[0]!.path.replace(/[^/]+\.mp4$/, 'stray.mp4');
      await writeFile(join(volume.root, stray), randomBytes(100));
      const report = await verifyRecordings(repository, { volumes: [volume], cameraId: 'cam-001' });
      assert.deepEqual(
        report.problems.map((problem) => [problem.kind, problem.path]),
        [['unindexed', stray]],
      );
    });

    it('reports an edited row, a row removed from the middle, and the newest row removed', async () => {
      let segments = await record('cam-001', 4);
      await database.handle.db
        .updateTable('recording_segments')
        .set({ end_ms: start + 999 })
        .where('id', '=', segments[1]!.id)
        .execute();
      assert.deepEqual(
        (await verifyRecordings(repository, { volumes: [volume] })).problems.map((problem) => problem.kind),
        ['chain_edited'],
      );

      segments = await record('cam-001', 4);
      await database.handle.db.deleteFrom('recording_segments').where('id', '=', segments[1]!.id).execute();
      const middle = await verifyRecordings(repository, { volumes: [volume] });
      assert.ok(middle.problems.some((problem) => problem.kind === 'chain_broken' && problem.segmentId === segments[2]!.id));
      assert.ok(
        middle.problems.some((problem) => problem.kind === 'unindexed'),
        'its file is now unindexed',
      );

      segments = await record('cam-001', 4);
      await database.handle.db.deleteFrom('recording_segments').where('id', '=', segments[3]!.id).execute();
      const tail = await verifyRecordings(repository, { volumes: [volume] });
      assert.ok(tail.problems.some((problem) => problem.kind === 'tail_removed'));
    });

    it('reports files a crash left in .incoming by their file name time, for a camera with no index at all, and not a file being written', async () => {
      await record('cam-001', 1);
      const incoming = join(volume.root, '38999', 'cam-removed', '.incoming');
      await mkdir(incoming, { recursive: true });
      const nowMs = start + 2 * 3_600_000;
      const orphan = 'r1abc-20261123T100000Z.mp4'; // opened at `start`, two hours before now
      const beingWritten = `r2def-${new Date(nowMs - 30_000).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z.mp4`;
      for (const name of [orphan, beingWritten, 'copied-by-hand.mp4']) await writeFile(join(incoming, name), randomBytes(100));
      const report = await verifyRecordings(repository, { volumes: [volume], nowMs });
      assert.deepEqual(
        report.problems.map((problem) => [problem.kind, problem.cameraId, problem.path]),
        [
          ['unindexed', 'cam-removed', '38999/cam-removed/.incoming/copied-by-hand.mp4'],
          ['orphaned', 'cam-removed', `38999/cam-removed/.incoming/${orphan}`],
        ],
      );
      assert.deepEqual(
        (await verifyRecordings(repository, { volumes: [volume], nowMs, cameraId: 'cam-001' })).problems,
        [],
        "another camera's folder is not this camera's",
      );
    });

    it('accepts a chain that continues after a lawful purge run, and re-hashes only the window', async () => {
      const segments = await record('cam-001', 4);
      await database.handle.db.deleteFrom('recording_segments').where('id', '=', segments[0]!.id).execute();
      const unrecorded = await verifyRecordings(repository, { volumes: [volume] });
      assert.ok(
        unrecorded.problems.some((problem) => problem.kind === 'chain_broken'),
        'without the purge record, a missing first segment is a break',
      );
      const run = {
        firstSegmentId: segments[0]!.id,
        lastSegmentId: segments[0]!.id,
        fromMs: segments[0]!.startMs,
        toMs: segments[0]!.endMs,
        segments: 1,
        prevHash: segments[0]!.prevHash,
        lastChainHash: segments[0]!.chainHash,
      };
      const purgedRuns = async () => [run];
      const lawful = await verifyRecordings(repository, { volumes: [volume], purgedRuns });
      assert.deepEqual(
        lawful.problems.map((problem) => problem.kind),
        ['unindexed'],
        'only the purged file left behind on disk',
      );
      const windowed = await verifyRecordings(repository, { volumes: [volume], purgedRuns, fromMs: start + 3 * segmentMs, toMs: start + 4 * segmentMs });
      assert.equal(windowed.filesHashed, 1);
    });
  });
}

/** Closed segments are read-only: make the tree writable again so it can be removed. */
async function chmodTree(root: string): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const walk = async (path: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      return;
    }
    await chmod(path, 0o755).catch(() => undefined);
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else await chmod(child, 0o644).catch(() => undefined);
    }
  };
  await walk(root);
}
