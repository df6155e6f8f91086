// Recorder shards end to end (issue 12 item 6), on both databases: native cameras recorded in
// two worker threads, indexed by this thread; a camera's live pictures cross threads only while
// it is watched (the hub's demand), a still is served from the shard's GOP; a shard that dies
// is started again with its cameras, the file its recorder left recovered and indexed, the other
// shard's cameras untouched; closing leaves no thread.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../../simulator/src/index.ts';
import { systemClock } from '../../../platform/clock.ts';
import type { RecordingSchema } from '../../../platform/db/schema.ts';
import { tablesOf } from '../../../platform/db/tables.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../../testing/databases.ts';
import { waitFor } from '../../../testing/wait.ts';
import { LiveHub } from '../live-hub.ts';
import { checkSegmentChain, SEGMENT_GENESIS_HASH } from '../recording.chain.ts';
import { RecordingRepository } from '../recording.repository.ts';
import type { IndexedSegment, RecorderStateChange } from '../recording.types.ts';
import { SegmentIndexer } from '../segment-indexer.ts';
import { NativeShards, recorderThreadsFor, SHARD_CRASHED_DETAIL, type ShardedNativeRecorder } from './native-shards.ts';

const COMMUNE = '21038';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('recorder threads chosen by `auto`', () => {
  it('none below 600 native cameras or on one core; then one per 400 cameras, all cores but one, at most 16', () => {
    assert.deepEqual(
      [
        recorderThreadsFor(599, 16),
        recorderThreadsFor(5000, 1),
        recorderThreadsFor(600, 2),
        recorderThreadsFor(600, 8),
        recorderThreadsFor(1000, 8),
        recorderThreadsFor(20_000, 64),
      ],
      [0, 0, 1, 2, 3, 16],
    );
  });
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`native cameras in worker threads [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let repository: RecordingRepository;
    let shards: NativeShards | undefined;
    const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-shards-')) };
    let simulator: Simulator | undefined;

    before(async () => {
      simulator = await startSimulator({
        count: 4,
        loopSeconds: 6,
        controlPort: false,
        main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
        sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
      });
      database = await createTestDatabase(dialect);
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
    });
    after(async () => {
      await shards?.close();
      await simulator?.stop();
      await database?.drop();
      await rm(volume.root, { recursive: true, force: true }).catch(() => undefined);
    });

    it('records, indexes here, serves live only while watched, and survives a thread that dies', async () => {
      // The writer's facts index closed segments; a recovered file (what a dead thread left) is probed.
      const indexer = new SegmentIndexer(repository, systemClock);
      const warnings: string[] = [];
      shards = new NativeShards({
        threads: 2,
        indexer,
        log: { info: () => undefined, warn: (fields, message) => warnings.push(`${message} ${JSON.stringify(fields)}`) },
      });
      const hub = new LiveHub();
      const segments = new Map<string, IndexedSegment[]>();
      const states = new Map<string, RecorderStateChange[]>();
      const recorders: ShardedNativeRecorder[] = simulator!.cameras.map((camera, index) => {
        const id = `cam-${index}`;
        const recorder = shards!.create({
          camera: { id, communeInsee: COMMUNE, rtspUrl: camera.rtspUrls.main, credentials: camera.credentials },
          volume,
          segmentSeconds: 4,
          spreadSegments: false,
          timeoutMs: 3000,
          backoff: { initialMs: 200, maxMs: 1000, stableAfterMs: 10_000 },
        });
        segments.set(id, []);
        states.set(id, []);
        recorder.events.on('segment', (segment) => segments.get(id)!.push(segment));
        recorder.events.on('state', (change) => states.get(id)!.push(change));
        hub.declareFormat(id, 'mp4');
        hub.setDemand(id, (watched) => recorder.watch(watched));
        recorder.liveEvents.on('liveInit', (init) => hub.publishInit(id, init.data));
        recorder.liveEvents.on('liveFragment', (fragment) => hub.publishFragment(id, fragment.chunks, fragment.keyframe));
        return recorder;
      });
      assert.deepEqual(shards.load, [2, 2], 'the least loaded thread takes the next camera');
      let fragmentsUnwatched = 0;
      recorders[0]!.liveEvents.on('liveFragment', () => fragmentsUnwatched++);

      await Promise.all(recorders.map((recorder) => recorder.start()));
      await waitFor('a segment per camera', () => [...segments.values()].every((list) => list.length >= 1), 30_000).catch((error: Error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify([...segments].map(([id, list]) => [id, list.length, states.get(id)!.map((change) => `${change.to}:${change.detail}`)]))}`,
        );
      });
      for (const [id, list] of states)
        assert.deepEqual(
          list.slice(0, 2).map((change) => change.to),
          ['starting', 'recording'],
          id,
        );
      assert.ok(recorders.every((recorder) => recorder.pid === undefined && recorder.state === 'recording'));
      assert.equal(fragmentsUnwatched, 0, 'nobody watches: no picture crosses threads');
      await waitFor('counters from the threads', () => recorders.every((recorder) => recorder.stats.accessUnits > 0), 10_000);

      // Watched: the init, then the pictures since the last keyframe at once, then each picture; unwatched: nothing more.
      const received: Buffer[] = [];
      const unsubscribe = hub.subscribe('cam-0', (bytes) => received.push(bytes));
      await waitFor('live pictures', () => received.length >= 6, 5000);
      assert.equal(received[0]!.subarray(4, 8).toString('latin1'), 'ftyp', 'the init segment first');
      assert.equal(received[1]!.subarray(4, 8).toString('latin1'), 'moof', 'then fragments');
      unsubscribe();
      await sleep(300);
      const afterUnwatch = fragmentsUnwatched;
      await sleep(700);
      assert.equal(fragmentsUnwatched, afterUnwatch, 'the last viewer gone: the pictures stop crossing');
      const still = await hub.snapshot('cam-1', 5000);
      assert.ok(
        still && still.subarray(4, 8).toString('latin1') === 'ftyp' && still.includes(Buffer.from('moof')),
        'a still gets init and GOP from the thread',
      );

      // A thread dies: its two cameras reconnect with it and recover what their recorders left; the other thread's go on.
      const before = new Map([...states].map(([id, list]) => [id, list.length]));
      const crashedIds = ['cam-0', 'cam-2']; // thread 0 took cameras 0 and 2
      // Killed 1.5 s into fresh segments (4-s segments, 1-s parts): each left file holds a complete part to recover.
      const counts = crashedIds.map((id) => segments.get(id)!.length);
      await waitFor('fresh segments', () => crashedIds.every((id, index) => segments.get(id)!.length > counts[index]!), 10_000);
      await sleep(1500);
      await shards.killThread(0);
      await waitFor(
        'the dead thread’s cameras reconnecting, then recording again',
        () =>
          crashedIds.every(
            (id) => states.get(id)!.some((change) => change.detail === SHARD_CRASHED_DETAIL) && recorders[Number(id.slice(4))]!.state === 'recording',
          ),
        15_000,
      );
      await waitFor(
        'a recovered segment for each',
        () => crashedIds.every((id) => segments.get(id)!.some((segment) => segment.status === 'recovered')),
        15_000,
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}: ${warnings.join('; ')} ${JSON.stringify(crashedIds.map((id) => segments.get(id)!.map((segment) => `${segment.status}:${segment.durationMs}`)))}`,
        );
      });
      for (const id of ['cam-1', 'cam-3']) assert.equal(states.get(id)!.length, before.get(id), `${id} was not disturbed`);

      await Promise.all(recorders.map((recorder) => recorder.stop()));
      assert.ok(recorders.every((recorder) => recorder.state === 'stopped'));
      assert.deepEqual(shards.load, [0, 0]);
      await assert.rejects(recorders[0]!.start(), /stopped/, 'a stopped recorder is not started again: the fleet makes a new one');
      for (const id of segments.keys()) {
        const rows: IndexedSegment[] = [];
        for await (const row of repository.iterateCamera(id)) rows.push(row);
        assert.ok(rows.length >= 3, `${id}: ${rows.length} rows`);
        const chained = rows.sort((a, b) => a.id - b.id);
        assert.equal(checkSegmentChain(chained, SEGMENT_GENESIS_HASH), undefined, `${id}: the chain holds across the thread's death`);
      }
      await shards.close();
      shards = undefined;
    });
  });
}
