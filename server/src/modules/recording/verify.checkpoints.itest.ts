// Issue 11, item 11, for the segment chain, on both databases: an attacker who can write the
// database but has not the chain key swaps a segment's file and row and recomputes every later
// chain hash and the head; cuts the chain's end and rewinds the head to an older, genuine
// segment; deletes a camera's whole index. `recordings verify` (API and command line) detects
// each with the keyed chain and the signed checkpoint of the heads, and a checkpoint edited by
// hand. Segments indexed before the key existed still verify; a lawful purge still passes.
import type { Dirent } from 'node:fs';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chainMac, loadOrCreateChainKeys, type ChainKeys, type ChainMac } from '../../platform/chain-keys.ts';
import { ManualClock } from '../../platform/clock.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { CHECKPOINT_FILE, CheckpointJob, CheckpointStore, newestRecordingHeads } from '../audit/index.ts';
import { sha256File } from './segment-indexer.ts';
import { segmentChainHash } from './recording.chain.ts';
import { RecordingRepository } from './recording.repository.ts';
import type { IndexedSegment, StorageVolume } from './recording.types.ts';
import { SegmentIndexer } from './segment-indexer.ts';
import { verifyRecordings } from './verify.ts';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const start = Date.parse('2026-11-23T10:00:00.000Z');
const segmentMs = 60_000;
const stubProbe = async () => ({ codec: 'h264', width: 1280, height: 720, frameCount: 720, durationMs: segmentMs, measuredFps: 12 });

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`keyed segment chain and signed checkpoints [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let dataDir: string;
    let keys: ChainKeys;
    let store: CheckpointStore;
    let repository: RecordingRepository;
    let volume: StorageVolume;
    const clock = new ManualClock('2026-11-23T11:00:00.000Z');

    before(async () => {
      database = await createTestDatabase(dialect);
      dataDir = await mkdtemp(join(tmpdir(), 'vigie-segments-keyed-'));
      keys = await loadOrCreateChainKeys({ chainKeyFile: join(dataDir, 'chain.key'), signingKeyFile: join(dataDir, 'signing.key') }, async () => ({
        auditThroughSeq: 0,
        segmentsThroughId: 0,
      }));
      store = new CheckpointStore({ directory: join(dataDir, 'checkpoints'), signer: keys.signer });
      // The command line's default volume: `local` under the data folder.
      volume = { name: 'local', root: join(dataDir, 'recordings') };
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
    });
    after(async () => {
      await database?.drop();
      await writableTree(dataDir);
      await rm(dataDir, { recursive: true, force: true });
    });

    const db = () => database.handle.db;
    const reset = async () => {
      for (const table of ['recording_segments', 'recording_heads', 'recording_gaps'] as const) await db().deleteFrom(table).execute();
      await writableTree(dataDir);
      await rm(volume.root, { recursive: true, force: true });
      await rm(join(dataDir, 'checkpoints'), { recursive: true, force: true });
    };
    /** `count` more segments of the camera after its head, indexed by the real indexer (keyed, or plain SHA-256 with `null`). */
    const record = async (cameraId: string, count: number, key: ChainMac | null = keys.segments) => {
      const indexer = new SegmentIndexer(repository, clock, { probe: stubProbe, chainKey: key ?? undefined });
      const incoming = join(dataDir, 'incoming', cameraId);
      await mkdir(incoming, { recursive: true });
      const offset = (await repository.readHead(cameraId))?.endMs ?? start;
      const segments: IndexedSegment[] = [];
      for (let index = 0; index < count; index++) {
        const file = join(incoming, `segment-${offset + index}.mp4`);
        await writeFile(file, randomBytes(2048));
        const segment = await indexer.index({
          cameraId,
          communeInsee: '38999',
          volume,
          file,
          startMs: offset + index * segmentMs,
          durationMs: segmentMs,
          status: 'closed',
        });
        assert.ok(segment);
        segments.push(segment);
      }
      return segments;
    };
    const checkpoint = () =>
      new CheckpointJob({
        store,
        keys,
        clock,
        heads: {
          audit: async () => ({ seq: 0, hash: '0'.repeat(64), anchorSeq: 1 }),
          recordings: async () => (await repository.allHeads()).map((head) => [head.cameraId, head.segmentId, head.chainHash]),
        },
      }).run();
    const verify = (options: { key?: ChainMac } = {}) =>
      verifyRecordings(repository, {
        volumes: [volume],
        chainKey: options.key ?? keys.segments,
        checkpoints: () => newestRecordingHeads(store, keys.segments.keyId),
      });
    const kinds = (report: Awaited<ReturnType<typeof verify>>) => report.problems.map((problem) => [problem.kind, problem.segmentId]);
    const cli = async (...args: string[]) => {
      const url = database.config.dialect === 'sqlite' ? database.config.path : database.config.url;
      try {
        const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
          cwd: root,
          env: { ...process.env, DATABASE_URL: url, VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent' },
        });
        return { code: 0, output: stdout + stderr };
      } catch (error) {
        const failure = error as { code: number; stdout: string; stderr: string };
        return { code: failure.code, output: failure.stdout + failure.stderr };
      }
    };

    it('a segment swapped, file and row, with every later chain hash and the head recomputed without the key, is detected', async () => {
      await reset();
      const segments = await record('cam-001', 4);
      assert.deepEqual(kinds(await verify()), []);
      // The attacker replaces segment 2's footage, writes its digest in the row, and re-chains the rest in plain SHA-256.
      const swapped = join(volume.root, segments[1]!.path);
      await chmod(swapped, 0o644);
      await writeFile(swapped, randomBytes(2048));
      let previous = segments[0]!.chainHash;
      for (const segment of segments.slice(1)) {
        const fields = { ...segment, sha256: segment === segments[1] ? await sha256File(swapped) : segment.sha256 };
        const chainHash = segmentChainHash(previous, fields);
        await db()
          .updateTable('recording_segments')
          .set({ sha256: fields.sha256, prev_hash: previous, chain_hash: chainHash })
          .where('id', '=', segment.id)
          .execute();
        previous = chainHash;
      }
      await db().updateTable('recording_heads').set({ chain_hash: previous }).where('camera_id', '=', 'cam-001').execute();
      assert.deepEqual(kinds(await verify()), [['chain_edited', segments[1]!.id]]);
      const verified = await cli('recordings', 'verify');
      assert.equal(verified.code, 1);
      assert.match(verified.output, /chain_edited\tcam-001/);
    });

    it("the chain's end cut and the head rewound to a genuine segment, or a camera's whole index deleted, is caught by the signed checkpoint", async () => {
      await reset();
      const segments = await record('cam-001', 4);
      await record('cam-002', 2);
      const written = await cli('audit', 'checkpoint');
      assert.equal(written.code, 0, written.output);
      assert.match(written.output, /2 camera head\(s\)/);
      assert.equal((await cli('recordings', 'verify')).code, 0);

      await db().deleteFrom('recording_segments').where('id', '>', segments[1]!.id).where('camera_id', '=', 'cam-001').execute();
      await db()
        .updateTable('recording_heads')
        .set({ segment_id: segments[1]!.id, chain_hash: segments[1]!.chainHash, end_ms: segments[1]!.endMs })
        .where('camera_id', '=', 'cam-001')
        .execute();
      await db().deleteFrom('recording_segments').where('camera_id', '=', 'cam-002').execute();
      await db().deleteFrom('recording_heads').where('camera_id', '=', 'cam-002').execute();
      const report = await verify();
      const signed = report.problems.filter((problem) => problem.kind === 'checkpoint_mismatch').map((problem) => [problem.cameraId, problem.segmentId]);
      assert.equal(signed.length, 2);
      assert.deepEqual(signed[0], ['cam-001', segments[3]!.id]);
      assert.equal(signed[1]![0], 'cam-002');
      assert.ok(
        report.problems.every((problem) => ['checkpoint_mismatch', 'unindexed'].includes(problem.kind)),
        'the chains alone look sound',
      );
      const verified = await cli('recordings', 'verify');
      assert.equal(verified.code, 1);
      assert.match(
        verified.output,
        /checkpoint_mismatch\tcam-001\t-\tsegment \d+, the camera's newest in the checkpoint of .* is gone from the index outside a lawful purge/,
      );
      assert.match(verified.output, /checkpoint_mismatch\tcam-002\t-\tcamera cam-002 had segment \d+ in the checkpoint/);
    });

    it('a checkpoint edited by hand is reported by recordings verify', async () => {
      await reset();
      const segments = await record('cam-001', 2);
      await checkpoint();
      const file = join(dataDir, 'checkpoints', CHECKPOINT_FILE);
      await writeFile(file, (await readFile(file, 'utf8')).replace(`"cam-001",${segments[1]!.id},`, `"cam-001",${segments[0]!.id},`));
      assert.deepEqual(kinds(await verify()), [['checkpoint_invalid', null]]);
      const verified = await cli('recordings', 'verify');
      assert.equal(verified.code, 1);
      assert.match(verified.output, /checkpoint_invalid\t-\t-\tcheckpoint file line 1: .*signature does not match/);
    });

    it('a lawful purge of the checkpointed head still passes; a checkpoint under a replaced chain key is reported', async () => {
      await reset();
      const segments = await record('cam-001', 3);
      await checkpoint();
      await db().deleteFrom('recording_segments').where('camera_id', '=', 'cam-001').execute();
      await writableTree(volume.root);
      await rm(volume.root, { recursive: true, force: true });
      const run = {
        firstSegmentId: segments[0]!.id,
        lastSegmentId: segments[2]!.id,
        fromMs: segments[0]!.startMs,
        toMs: segments[2]!.endMs,
        segments: 3,
        prevHash: segments[0]!.prevHash,
        lastChainHash: segments[2]!.chainHash,
      };
      const report = await verifyRecordings(repository, {
        volumes: [volume],
        chainKey: keys.segments,
        purgedRuns: async () => [run],
        checkpoints: () => newestRecordingHeads(store, keys.segments.keyId),
      });
      assert.deepEqual(report.problems, []);
      const replaced = await newestRecordingHeads(store, chainMac(randomBytes(32), 'segments', 0).keyId);
      assert.match(replaced.problems.join('\n'), /another segment chain key/);
    });

    it('segments indexed before the key existed still verify, and the chain goes on keyed; an unkeyed row after them does not', async () => {
      await reset();
      const legacy = await record('cam-001', 2, null);
      const upgraded = chainMac(randomBytes(32), 'segments', legacy[1]!.id);
      await record('cam-001', 2, upgraded);
      assert.deepEqual(kinds(await verify({ key: upgraded })), []);
      const late = await record('cam-001', 1, null);
      assert.deepEqual(kinds(await verify({ key: upgraded })), [['chain_edited', late[0]!.id]]);
    });
  });
}

/** Closed segments are read-only: make the tree writable again so it can be changed or removed. */
async function writableTree(path: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch {
    return;
  }
  await chmod(path, 0o700).catch(() => undefined);
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await writableTree(child);
    else await chmod(child, 0o600).catch(() => undefined);
  }
}
