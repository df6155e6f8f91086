// One camera recorded end to end, on both databases: simulator camera (320x180) -> supervised
// ffmpeg -> 4-s fragmented MP4 segments -> index with chain, read-only files; then the camera
// goes offline and back: reconnect within seconds and an explicit gap; then crash recovery of
// a half-written file. Everything started here is stopped in `after`, even on failure.
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { systemClock } from '../../platform/clock.ts';
import { readTopLevelBoxes } from '../../platform/media/fragmented-mp4.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { assertNoSecretOnCommandLines } from '../../testing/process-tree.ts';
import { coverage } from './recorded-ranges.ts';
import { Recorder, INCOMING_FOLDER } from './recorder.ts';
import { checkSegmentChain, SEGMENT_GENESIS_HASH } from './recording.chain.ts';
import { RecordingRepository } from './recording.repository.ts';
import type { IndexedSegment, RecorderState } from './recording.types.ts';
import { SegmentIndexer, sha256File } from './segment-indexer.ts';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';

const COMMUNE = '21038';
const CAMERA = 'cam-001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0); // existence check of a PID this test's recorder started; sends nothing
    return true;
  } catch {
    return false;
  }
}

let simulator: Simulator | undefined;
const recorders: Recorder[] = [];

before(async () => {
  simulator = await startSimulator({
    count: 1,
    loopSeconds: 8,
    controlPort: false,
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
});

after(async () => {
  await Promise.all(recorders.map((recorder) => recorder.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`recorder of one camera [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let repository: RecordingRepository;
    let indexer: SegmentIndexer;
    const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-rec-')) };

    before(async () => {
      database = await createTestDatabase(dialect);
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
      indexer = new SegmentIndexer(repository, systemClock);
    });
    after(async () => {
      await database?.drop();
      await rm(volume.root, { recursive: true, force: true }).catch(() => undefined);
    });

    const newRecorder = (rtspUrl: string, credentials?: { username: string; password: string }) => {
      const recorder = new Recorder({
        camera: { id: CAMERA, communeInsee: COMMUNE, rtspUrl, credentials },
        volume,
        indexer,
        segmentSeconds: 4,
        failAfterRuns: 3,
        socketTimeoutSeconds: 3,
        stallTimeoutMs: 5000,
        backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
        pollIntervalMs: 300,
      });
      recorders.push(recorder);
      return recorder;
    };

    it('records indexed, chained, read-only segments, and reconnects after an outage with an explicit gap', async () => {
      const camera = simulator!.cameras[0]!;
      const recorder = newRecorder(camera.rtspUrls.main, camera.credentials);
      const states: RecorderState[] = [];
      const segments: IndexedSegment[] = [];
      recorder.events.on('state', ({ to }) => states.push(to));
      recorder.events.on('segment', (segment) => segments.push(segment));
      let liveBytes = 0;
      recorder.events.on('live', (chunk) => {
        liveBytes += chunk.length;
      });
      const startedAt = Date.now();
      await recorder.start();
      await waitFor('two indexed segments', () => segments.length >= 2, 25_000);

      const [first, second] = segments as [IndexedSegment, IndexedSegment];
      for (const segment of [first, second]) {
        assert.deepEqual([segment.codec, segment.width, segment.height, segment.status], ['h264', 320, 180, 'closed']);
        assert.ok(Math.abs(segment.fps - 12) < 1.5, `measured fps ${segment.fps}`);
        assert.ok(segment.durationMs >= 3000 && segment.durationMs <= 8000, `duration ${segment.durationMs}`);
        assert.match(segment.path, /^21038\/cam-001\/\d{4}-\d{2}-\d{2}\/\d{8}T\d{6}\.\d{3}Z\.mp4$/);
        const file = join(volume.root, segment.path);
        assert.equal((await stat(file)).mode & 0o777, 0o440, 'closed segments are read-only');
        assert.equal(await sha256File(file), segment.sha256);
      }
      assert.ok(first.startMs >= startedAt - 2000 && first.startMs <= Date.now(), 'wall-clock start');
      assert.equal(second.startMs, first.endMs, 'segments of one run are contiguous');
      assert.ok(liveBytes > 10_000, 'the live copy flows from the same connection');
      assert.deepEqual(states.slice(0, 2), ['starting', 'recording']);
      // Issue 12: the camera's password is on no command line (readable by every local account) of any process this test
      // started (the tree under it, read from /proc), only in a 0600 file.
      const tree = await assertNoSecretOnCommandLines(process.pid, camera.credentials);
      const ffmpeg = tree.find((entry) => entry.pid === recorder.pid);
      assert.ok(ffmpeg, 'the ffmpeg of the recorder is in the tree');
      const inputFile = ffmpeg.argv.find((arg) => arg.endsWith('.input.ffconcat'));
      assert.ok(inputFile, 'ffmpeg reads the camera from its private input file');
      assert.equal((await stat(inputFile)).mode & 0o777, 0o600);

      await simulator!.setFault(camera.id, { kind: 'offline' });
      await waitFor('reconnecting state', () => recorder.state === 'reconnecting' || recorder.state === 'failed', 10_000);
      await sleep(2500);
      await simulator!.clearFault(camera.id, 'offline');
      const backAt = Date.now();
      await waitFor('recording again', () => recorder.state === 'recording', 10_000);
      assert.ok(Date.now() - backAt < 5000, `reconnected ${Date.now() - backAt} ms after the camera came back`);
      const before = segments.length;
      await waitFor('a segment after the outage', () => segments.length > before && segments.some((segment) => segment.startMs > backAt - 2000), 20_000);

      const window = { startMs: first.startMs, endMs: Date.now() };
      const rows = await repository.segmentsOverlapping(CAMERA, window.startMs, window.endMs);
      assert.deepEqual(
        rows.map((row) => row.id),
        segments.map((segment) => segment.id),
      );
      const chained: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera(CAMERA)) chained.push(row);
      assert.equal(chained.length, segments.length);
      assert.equal(checkSegmentChain(chained, SEGMENT_GENESIS_HASH), undefined);
      const gaps = await repository.gapsOverlapping(CAMERA, window.startMs, window.endMs);
      assert.equal(gaps.length, 1, JSON.stringify(gaps));
      assert.ok(gaps[0]!.endMs - gaps[0]!.startMs >= 2000, `gap of ${gaps[0]!.endMs - gaps[0]!.startMs} ms`);
      assert.match(gaps[0]!.reason, /^stream_(lost|stalled)/);
      const computed = coverage(rows, { startMs: window.startMs, endMs: rows[rows.length - 1]!.endMs });
      assert.deepEqual(computed.gaps, [{ startMs: gaps[0]!.startMs, endMs: gaps[0]!.endMs }]);

      const pid = recorder.pid;
      await recorder.stop();
      assert.equal(recorder.state, 'stopped');
      assert.equal(isAlive(pid), false);
      assert.ok(states.includes('reconnecting'));
    });

    it('keeps recording a frozen picture, and reconnects after the stream stops mid-session with a stream_stalled gap', async () => {
      const camera = simulator!.cameras[0]!;
      const recorder = newRecorder(camera.rtspUrls.main, camera.credentials);
      const segments: IndexedSegment[] = [];
      recorder.events.on('segment', (segment) => segments.push(segment));
      await recorder.start();
      await waitFor('a first segment', () => segments.length >= 1, 25_000);
      // A frozen picture is what the camera sends: it is recorded as is, without a gap (its
      // detection is the health module's, as tampering).
      await simulator!.setFault(camera.id, { kind: 'frozen' });
      const frozenFrom = segments.length;
      await waitFor('segments of the frozen picture', () => segments.length >= frozenFrom + 2, 25_000);
      assert.equal(recorder.state, 'recording');
      await simulator!.clearFault(camera.id, 'frozen');
      // The connection stays open but no packet comes: ffmpeg's socket timeout or our watchdog ends the run.
      await simulator!.setFault(camera.id, { kind: 'stream_stop' });
      const stoppedAt = Date.now();
      await waitFor('reconnecting after the stall', () => recorder.state === 'reconnecting' || recorder.state === 'failed', 15_000);
      assert.ok(Date.now() - stoppedAt < 10_000, `stall noticed after ${Date.now() - stoppedAt} ms`);
      await simulator!.clearFault(camera.id, 'stream_stop');
      const backAt = Date.now();
      await waitFor('recording again', () => recorder.state === 'recording', 15_000);
      assert.ok(Date.now() - backAt < 8000, `reconnected ${Date.now() - backAt} ms after the stream came back`);
      const before = segments.length;
      await waitFor('a segment after the stall', () => segments.length > before, 20_000);
      await recorder.stop();
      const gaps = await repository.gapsOverlapping(CAMERA, stoppedAt - 10_000, Date.now());
      assert.ok(
        gaps.some((gap) => /^stream_(stalled|lost)/.test(gap.reason)),
        JSON.stringify(gaps),
      );
      const chained: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera(CAMERA)) chained.push(row);
      assert.equal(checkSegmentChain(chained, SEGMENT_GENESIS_HASH), undefined);
    });

    it('recovers a file cut short by a crash up to its last complete fragment, and indexes it', async () => {
      const indexed: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera(CAMERA)) indexed.push(row);
      const last = indexed[indexed.length - 1];
      // The last segment may be a short one closed by the stop: copy a full one (several fragments).
      const full = indexed.find((segment) => segment.durationMs >= 3500);
      assert.ok(last && full, 'the previous test left segments');
      const incoming = join(volume.root, COMMUNE, CAMERA, INCOMING_FOLDER);
      await mkdir(incoming, { recursive: true });
      const leftoverStart = new Date(last.endMs + 60_000);
      const name = `r0crash0-${leftoverStart.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.mp4`;
      const leftover = join(incoming, name);
      await copyFile(join(volume.root, full.path), leftover);
      await chmod(leftover, 0o644);
      const { boxes } = await readTopLevelBoxes(leftover);
      const lastMoof = boxes.filter((box) => box.type === 'moof').slice(-1)[0]!;
      const lastMdat = boxes.filter((box) => box.type === 'mdat').slice(-1)[0]!;
      await truncate(leftover, lastMdat.start + Math.floor(lastMdat.size / 2)); // killed mid-fragment
      await writeFile(join(incoming, 'r0crash0.segments.csv'), ''); // ffmpeg had listed nothing yet

      // Nothing listens on port 9 of loopback: the recorder only recovers, then retries in vain.
      const recorder = newRecorder('rtsp://127.0.0.1:9/none');
      const recovered: IndexedSegment[] = [];
      recorder.events.on('segment', (segment) => recovered.push(segment));
      await recorder.start();
      await recorder.idle();
      assert.equal(recovered.length, 1, 'indexed before ffmpeg even starts');
      // Three runs in a row without a byte of video: the camera is reported failed.
      await waitFor('failed state', () => recorder.state === 'failed', 15_000);
      await recorder.stop();
      const segment = recovered[0]!;
      assert.equal(segment.status, 'recovered');
      assert.equal(segment.startMs, leftoverStart.getTime() - (leftoverStart.getTime() % 1000));
      assert.equal(segment.bytes, lastMoof.start, 'cut right after the last complete fragment');
      assert.ok(segment.durationMs > 0 && segment.durationMs < full.durationMs);
      assert.equal(segment.prevHash, last.chainHash, 'the chain goes on across the crash');
      const gaps = await repository.gapsOverlapping(CAMERA, last.endMs, segment.endMs);
      assert.deepEqual(
        gaps.map((gap) => gap.reason),
        ['recorder_crashed'],
      );
    });
  });
}
