// A masked camera of the native engine end to end, on both databases (issue 12, LEGAL 4): the
// simulator's camera (Digest credentials) -> Vigie's RTSP ingest -> fragmented MP4 on the stdin
// of one real ffmpeg, which burns the mask in -> segments indexed by the segment indexer with
// the recorder's masking, and the live MPEG-TS copy. Checked: the masked quarter is uniform
// black in recorded and live frames, the rest of the picture keeps its detail; while a masked
// and an unmasked camera record, no process this test started (the whole tree under it, read
// from /proc) has a camera password or a `user:password@` URL on its command line, and the
// masked camera's ffmpeg opens no camera (`pipe:0`, no URL, no credentials file); an outage of
// the camera ends the ffmpeg run and the next run records again, with the gap indexed.
// Everything started here is stopped in `after`, even on failure.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type SimCameraInfo, type Simulator } from '../../../../../simulator/src/index.ts';
import { systemClock } from '../../../platform/clock.ts';
import type { RecordingSchema } from '../../../platform/db/schema.ts';
import { tablesOf } from '../../../platform/db/tables.ts';
import { maskedAreasUniform, maskPng } from '../../../platform/media/mask-image.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../../testing/databases.ts';
import { grabGrayFrame } from '../../../testing/frames.ts';
import { topLeftQuarter, topRightQuarter } from '../../../testing/mask-polygons.ts';
import { assertNoSecretOnCommandLines } from '../../../testing/process-tree.ts';
import { processGone, sleep, waitFor } from '../../../testing/wait.ts';
import type { RecorderMasking } from '../../masks/index.ts';
import { checkSegmentChain, SEGMENT_GENESIS_HASH } from '../recording.chain.ts';
import { RecordingRepository } from '../recording.repository.ts';
import type { IndexedSegment, RecorderState } from '../recording.types.ts';
import { SegmentIndexer } from '../segment-indexer.ts';
import { NativeRecorder } from './native-recorder.ts';
import { PipedRecorder } from './piped-recorder.ts';

const COMMUNE = '21038';
const WIDTH = 320;
const HEIGHT = 180;
const TOLERANCE = 3;
const MASKING: RecorderMasking = { version: '0123456789abcdef', mode: 'server', revisions: ['rev-1'], polygons: [topLeftQuarter] };

let simulator: Simulator | undefined;
const recorders: Array<PipedRecorder | NativeRecorder> = [];

before(async () => {
  simulator = await startSimulator({
    count: 2,
    loopSeconds: 6,
    controlPort: false,
    main: { width: WIDTH, height: HEIGHT, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
});
after(async () => {
  await Promise.all(recorders.map((recorder) => recorder.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`masked camera through the native ingest piped into ffmpeg [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let repository: RecordingRepository;
    let indexer: SegmentIndexer;
    const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-piped-')) };
    const maskImage = join(volume.root, 'cam-masked.mask.png');

    before(async () => {
      database = await createTestDatabase(dialect);
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
      indexer = new SegmentIndexer(repository, systemClock);
      await writeFile(maskImage, maskPng([topLeftQuarter], 1920, 1080));
    });
    after(async () => {
      await database?.drop();
      await rm(volume.root, { recursive: true, force: true }).catch(() => undefined);
    });

    it('records masked, indexed, playable segments and a masked live copy; no password on any command line; an outage gives a gap', async () => {
      const [maskedCamera, plainCamera] = simulator!.cameras as [SimCameraInfo, SimCameraInfo];
      const backoff = { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 };
      const piped = new PipedRecorder({
        camera: {
          id: 'cam-masked',
          communeInsee: COMMUNE,
          rtspUrl: maskedCamera.rtspUrls.main,
          credentials: maskedCamera.credentials,
          mask: { imagePath: maskImage },
          masking: MASKING,
        },
        volume,
        indexer,
        segmentSeconds: 3,
        timeoutMs: 3000,
        stallTimeoutMs: 8000,
        backoff,
        pollIntervalMs: 250,
      });
      const plain = new NativeRecorder({
        camera: { id: 'cam-plain', communeInsee: COMMUNE, rtspUrl: plainCamera.rtspUrls.main, credentials: plainCamera.credentials },
        volume,
        indexer,
        segmentSeconds: 3,
        timeoutMs: 3000,
        backoff,
      });
      recorders.push(piped, plain);
      const segments: IndexedSegment[] = [];
      const plainSegments: IndexedSegment[] = [];
      const states: RecorderState[] = [];
      const live: Buffer[] = [];
      let liveBytes = 0;
      piped.events.on('segment', (segment) => segments.push(segment));
      piped.events.on('state', ({ to }) => states.push(to));
      piped.events.on('live', (chunk) => {
        if (liveBytes < 4_000_000) live.push(chunk);
        liveBytes += chunk.length;
      });
      plain.events.on('segment', (segment) => plainSegments.push(segment));
      await piped.start();
      await plain.start();
      await waitFor('two masked segments and one plain', () => segments.length >= 2 && plainSegments.length >= 1, 40_000);
      assert.deepEqual(states.slice(0, 2), ['starting', 'recording']);

      // Issue 12: both cameras record now; no process of this test's tree has a credential on its command line.
      const ffmpegPid = piped.pid;
      assert.ok(ffmpegPid !== undefined, 'the masked camera has its ffmpeg');
      const processes = await assertNoSecretOnCommandLines(process.pid, maskedCamera.credentials);
      await assertNoSecretOnCommandLines(process.pid, plainCamera.credentials);
      const ffmpeg = processes.find((entry) => entry.pid === ffmpegPid);
      assert.ok(ffmpeg, `the ffmpeg is in the tree: ${JSON.stringify(processes.map((entry) => entry.argv[0]))}`);
      assert.ok(ffmpeg.argv.includes('pipe:0'), 'ffmpeg reads the camera on stdin');
      assert.ok(!ffmpeg.argv.some((arg) => /rtsps?:|ffconcat/.test(arg)), `ffmpeg opens no camera: ${ffmpeg.argv.join(' ')}`);
      assert.equal(plain.pid, undefined, 'the unmasked camera has no child process');
      const incoming = await readdir(join(volume.root, COMMUNE, 'cam-masked', '.incoming'));
      assert.ok(!incoming.some((name) => name.endsWith('.ffconcat')), 'no credentials file is written for it');

      const [first, second] = segments as [IndexedSegment, IndexedSegment];
      for (const segment of [first, second]) {
        assert.deepEqual([segment.codec, segment.width, segment.height, segment.status], ['h264', WIDTH, HEIGHT, 'closed']);
        assert.ok(
          Math.abs(segment.fps - 12) < 1.5,
          `the camera's rate is kept: measured ${segment.fps} (${segment.frameCount} frames, ${segment.durationMs} ms, ${JSON.stringify(piped.stats)})`,
        );
        assert.equal(segment.maskVersion, MASKING.version, 'the masking is recorded on the segment');
      }
      assert.ok(second.durationMs >= 2500 && second.durationMs <= 5000, `duration ${second.durationMs}`);
      assert.ok(Math.abs(second.startMs - first.endMs) < 3000, `segments follow each other: ${second.startMs - first.endMs} ms`);
      for (const [file, seek] of [
        [join(volume.root, first.path), 0],
        [join(volume.root, second.path), 0],
        [join(volume.root, second.path), 2],
      ] as const) {
        const pixels = await grabGrayFrame(file, WIDTH, HEIGHT, seek);
        const masked = maskedAreasUniform(pixels, WIDTH, HEIGHT, [topLeftQuarter], TOLERANCE);
        assert.equal(masked.uniform, true, `masked area of ${file} at ${seek} s: ${JSON.stringify(masked.polygons)}`);
        assert.ok(masked.polygons[0]!.mean < 20, `burnt in black, mean ${masked.polygons[0]!.mean}`);
        assert.ok(masked.outsideStandardDeviation > 20, `the rest of the picture has detail: ${masked.outsideStandardDeviation}`);
        assert.equal(maskedAreasUniform(pixels, WIDTH, HEIGHT, [topRightQuarter], TOLERANCE).uniform, false, 'an unmasked quarter is not uniform');
      }
      assert.ok(liveBytes > 10_000, `live bytes flowed (${liveBytes})`);
      const liveFile = join(volume.root, 'live.ts');
      await writeFile(liveFile, Buffer.concat(live));
      const livePixels = await grabGrayFrame(liveFile, WIDTH, HEIGHT, 1);
      assert.equal(maskedAreasUniform(livePixels, WIDTH, HEIGHT, [topLeftQuarter], TOLERANCE).uniform, true, 'the live copy is masked');

      assert.deepEqual([piped.stats.runsEnded, piped.stats.droppedForPipe], [0, 0], 'no hole, no drop while the camera streams');
      assert.ok(piped.stats.picturesFed >= 60, `pictures fed ${piped.stats.picturesFed}`);

      // The camera goes away: the ffmpeg run ends with the session; it starts again with the camera's next keyframe.
      await simulator!.setFault(maskedCamera.id, { kind: 'offline' });
      await waitFor('reconnecting', () => piped.state === 'reconnecting' || piped.state === 'failed', 10_000);
      await waitFor('the ffmpeg run ended', () => piped.pid === undefined, 10_000);
      assert.ok(processGone(ffmpegPid), 'its ffmpeg has exited');
      await sleep(1500);
      await simulator!.clearFault(maskedCamera.id, 'offline');
      const backAt = Date.now();
      await waitFor('recording again', () => piped.state === 'recording' && piped.pid !== undefined, 15_000);
      const count = segments.length;
      await waitFor('a segment after the outage', () => segments.length > count && segments.at(-1)!.startMs > backAt - 1000, 20_000);
      const newPid = piped.pid!;
      await piped.stop();
      await plain.stop();
      assert.ok(processGone(newPid), 'stop leaves no ffmpeg behind');
      assert.equal(piped.state, 'stopped');

      const chained: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera('cam-masked')) chained.push(row);
      assert.equal(chained.length, segments.length);
      assert.equal(checkSegmentChain(chained, SEGMENT_GENESIS_HASH), undefined);
      const gaps = await repository.gapsOverlapping('cam-masked', first.startMs, Date.now());
      assert.ok(
        gaps.some((gap) => /^stream_/.test(gap.reason) && gap.endMs - gap.startMs >= 1000),
        JSON.stringify(gaps),
      );
      const after = segments.at(-1)!;
      const pixels = await grabGrayFrame(join(volume.root, after.path), WIDTH, HEIGHT, 0);
      assert.equal(maskedAreasUniform(pixels, WIDTH, HEIGHT, [topLeftQuarter], TOLERANCE).uniform, true, 'masked after the outage too');
    });
  });
}
