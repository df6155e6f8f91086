// The native engine end to end for one camera, on both databases: simulator camera (H.264 and
// H.265) -> Vigie's RTSP client -> depacketizer -> fragmented-MP4 parts -> segment files indexed
// with the writer's own facts (checked against ffprobe here, never in the engine); an outage
// gives a reconnect and an explicit gap; files left by a killed process are recovered and indexed.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../../simulator/src/index.ts';
import { systemClock } from '../../../platform/clock.ts';
import type { RecordingSchema } from '../../../platform/db/schema.ts';
import { tablesOf } from '../../../platform/db/tables.ts';
import { FFPROBE_PATH } from '../../../platform/processes.ts';
import { runToCompletion } from '../../../platform/process-runs.ts';
import { waitFor } from '../../../testing/wait.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../../testing/databases.ts';
import { checkSegmentChain, SEGMENT_GENESIS_HASH } from '../recording.chain.ts';
import { RecordingRepository } from '../recording.repository.ts';
import type { IndexedSegment, RecorderState } from '../recording.types.ts';
import { SegmentIndexer, sha256File } from '../segment-indexer.ts';
import { fileStamp, NativeRecorder } from './native-recorder.ts';

const COMMUNE = '21038';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function probe(file: string): Promise<{ codec: string; width: number; height: number; frames: number }> {
  const result = await runToCompletion(FFPROBE_PATH, ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file], { timeoutMs: 30_000 });
  assert.equal(result.code, 0, result.stderr);
  const stream = (JSON.parse(result.stdout.toString('utf8')) as { streams: Array<Record<string, string | number>> }).streams[0]!;
  return { codec: String(stream.codec_name), width: Number(stream.width), height: Number(stream.height), frames: Number(stream.nb_read_frames) };
}

const simulators: Simulator[] = [];
const recorders: NativeRecorder[] = [];

after(async () => {
  await Promise.all(recorders.map((recorder) => recorder.stop().catch(() => undefined)));
  await Promise.all(simulators.map((simulator) => simulator.stop()));
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`native recorder of one camera [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let repository: RecordingRepository;
    let indexer: SegmentIndexer;
    const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-native-')) };

    before(async () => {
      database = await createTestDatabase(dialect);
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
      indexer = new SegmentIndexer(repository, systemClock, { probe: () => Promise.reject(new Error('the native engine never needs ffprobe')) });
    });
    after(async () => {
      await database?.drop();
      await rm(volume.root, { recursive: true, force: true }).catch(() => undefined);
    });

    for (const codec of ['h264', 'h265'] as const) {
      it(`${codec}: indexed segments whose facts match ffprobe, contiguous, chained; an outage reconnects with a gap`, async () => {
        const simulator = await startSimulator({
          count: 1,
          codec,
          loopSeconds: 6,
          controlPort: false,
          main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
          sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
        });
        simulators.push(simulator);
        const camera = simulator.cameras[0]!;
        const cameraId = `cam-${codec}`;
        const ffprobeName = codec === 'h265' ? 'hevc' : 'h264';
        const recorder = new NativeRecorder({
          camera: { id: cameraId, communeInsee: COMMUNE, rtspUrl: camera.rtspUrls.main, credentials: camera.credentials },
          volume,
          indexer,
          segmentSeconds: 3,
          spreadSegments: false,
          timeoutMs: 3000,
          backoff: { initialMs: 200, maxMs: 1000, stableAfterMs: 10_000 },
        });
        recorders.push(recorder);
        const segments: IndexedSegment[] = [];
        const states: RecorderState[] = [];
        let liveFragments = 0;
        recorder.events.on('segment', (segment) => segments.push(segment));
        recorder.events.on('state', ({ to }) => states.push(to));
        recorder.liveEvents.on('liveFragment', () => liveFragments++);
        const startedAt = Date.now();
        await recorder.start();
        await waitFor('three segments', () => segments.length >= 3, 30_000);
        assert.equal(recorder.pid, undefined, 'no child process');
        assert.deepEqual(states.slice(0, 2), ['starting', 'recording']);
        assert.ok(liveFragments > 24, `live fragments ${liveFragments}`);

        for (const segment of segments.slice(0, 3)) {
          const file = join(volume.root, segment.path);
          const probed = await probe(file);
          assert.deepEqual(probed, { codec: ffprobeName, width: 320, height: 180, frames: segment.frameCount }, segment.path);
          assert.deepEqual(
            [segment.codec, segment.width, segment.height, segment.status],
            [ffprobeName, 320, 180, 'closed'],
            "the codec named as ffprobe names it, like the ffmpeg engine's rows",
          );
          assert.ok(Math.abs(segment.fps - 12) < 0.5, `measured fps ${segment.fps}`);
          assert.ok(segment.durationMs >= 2900 && segment.durationMs <= 4100, `duration ${segment.durationMs}`);
          assert.equal(await sha256File(file), segment.sha256, 'the SHA-256 computed while writing is the file');
          assert.equal((await stat(file)).size, segment.bytes);
          assert.equal((await stat(file)).mode & 0o777, 0o440);
        }
        const [first, second, third] = segments as [IndexedSegment, IndexedSegment, IndexedSegment];
        assert.ok(first.startMs >= startedAt - 1000 && first.startMs <= Date.now(), 'wall-clock start');
        assert.ok(Math.abs(second.startMs - first.endMs) <= 100 && Math.abs(third.startMs - second.endMs) <= 100, 'contiguous within a run');
        assert.equal(first.prevHash, SEGMENT_GENESIS_HASH);
        const stats = recorder.stats;
        assert.ok(stats.clockOffsetMs !== undefined && Math.abs(stats.clockOffsetMs) < 500, `clock offset ${stats.clockOffsetMs}`);
        assert.equal(stats.cameraClockTrusted, true);

        await simulator.setFault(camera.id, { kind: 'offline' });
        await waitFor('reconnecting', () => recorder.state === 'reconnecting' || recorder.state === 'failed', 10_000);
        await sleep(2000);
        await simulator.clearFault(camera.id, 'offline');
        const backAt = Date.now();
        await waitFor('recording again', () => recorder.state === 'recording', 10_000);
        assert.ok(Date.now() - backAt < 5000);
        const count = segments.length;
        await waitFor('a segment after the outage', () => segments.length > count && segments.at(-1)!.startMs > backAt - 1000, 20_000);
        await recorder.stop();
        const chained: IndexedSegment[] = [];
        for await (const row of repository.iterateCamera(cameraId)) chained.push(row);
        assert.equal(chained.length, segments.length);
        assert.equal(checkSegmentChain(chained, SEGMENT_GENESIS_HASH), undefined);
        const gaps = await repository.gapsOverlapping(cameraId, first.startMs, Date.now());
        assert.ok(gaps.length >= 1, 'the outage is an explicit gap');
        assert.ok(
          gaps.some((gap) => /stream_/.test(gap.reason)),
          JSON.stringify(gaps.map((gap) => gap.reason)),
        );
        await simulator.stop();
      });
    }

    it('a file left by a killed process is cut to its last complete part and indexed as recovered', async () => {
      const cameraId = 'cam-h264';
      const rows: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera(cameraId)) rows.push(row);
      // The fullest segment (several parts): cut mid-way through its last part, the others remain.
      const source = join(volume.root, [...rows].sort((a, b) => b.frameCount - a.frameCount)[0]!.path);
      const incoming = join(volume.root, COMMUNE, cameraId, '.incoming');
      await mkdir(incoming, { recursive: true });
      const startMs = rows.at(-1)!.endMs + 5000;
      const leftover = join(incoming, `nkilled0-${fileStamp(startMs)}.mp4`);
      await copyFile(source, leftover);
      await truncate(leftover, (await stat(leftover)).size - 777);
      const recorder = new NativeRecorder({
        camera: { id: cameraId, communeInsee: COMMUNE, rtspUrl: 'rtsp://127.0.0.1:9/none' },
        volume,
        indexer: new SegmentIndexer(repository, systemClock),
        timeoutMs: 500,
        backoff: { initialMs: 5000, maxMs: 5000, stableAfterMs: 10_000 },
      });
      recorders.push(recorder);
      const recovered: IndexedSegment[] = [];
      recorder.events.on('segment', (segment) => recovered.push(segment));
      const errors: string[] = [];
      recorder.events.on('indexError', ({ message }) => errors.push(message));
      await recorder.start();
      await recorder.idle();
      await recorder.stop();
      assert.deepEqual(errors, []);
      assert.equal(recovered.length, 1);
      assert.equal(recovered[0]!.status, 'recovered');
      assert.equal(recovered[0]!.startMs, startMs, 'the start comes from the file name, to the millisecond');
      const probed = await probe(join(volume.root, recovered[0]!.path));
      assert.equal(probed.frames, recovered[0]!.frameCount);
      assert.ok(
        recovered[0]!.frameCount >= 12 && recovered[0]!.frameCount < Math.max(...rows.map((row) => row.frameCount)),
        'the cut part is lost, the rest kept',
      );
      assert.deepEqual(await readdir(incoming), []);
    });
  });
}
