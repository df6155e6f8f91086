// kill -9 of the recorder mid-segment, then restart, on both databases: a child Node process
// (testing/crash-recorder-child.ts) records a simulator camera (6-s segments, GOP 1 s) into the
// test database; once it has indexed a segment and written the next one for a few seconds, the
// test SIGKILLs the child and its ffmpeg (each by its PID), then starts a new Recorder on the
// same camera, volume and database. It must adopt the half-written file, cut it after its last
// complete fragment and index it as `recovered`, chained to the previous segment, with a
// `recorder_crashed` gap before the new run: at most the last fragment (1 s) is lost.
// The native engine gets the same check: a child (native/testing/native-recorder-child.ts) runs
// a NativeRecorder, the test SIGKILLs it (no ffmpeg there: the child is the recorder), and a
// NativeRecorder started here on the same volume and database recovers its half-written file.
// Everything started here is stopped in `after`, even on failure.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { systemClock } from '../../platform/clock.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { fileStamp, NativeRecorder, PART_MS } from './native/native-recorder.ts';
import type { NativeCrashChildSettings } from './native/testing/native-recorder-child.ts';
import { INCOMING_FOLDER, Recorder } from './recorder.ts';
import { checkSegmentChain, SEGMENT_GENESIS_HASH } from './recording.chain.ts';
import { RecordingRepository } from './recording.repository.ts';
import type { IndexedSegment } from './recording.types.ts';
import { SegmentIndexer, sha256File } from './segment-indexer.ts';
import type { CrashChildSettings } from './testing/crash-recorder-child.ts';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';

const COMMUNE = '21038';
const CAMERA = 'cam-001';
const SEGMENT_SECONDS = 6;
const GOP_SECONDS = 1;
const RESTART_AFTER_MS = 3000;
const CHILD_SCRIPT = fileURLToPath(new URL('./testing/crash-recorder-child.ts', import.meta.url));
const NATIVE_CHILD_SCRIPT = fileURLToPath(new URL('./native/testing/native-recorder-child.ts', import.meta.url));
const NATIVE_SEGMENT_SECONDS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Running (not gone, not a zombie awaiting its reaper): read from /proc, sends no signal. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

interface ChildRecorder {
  process: ChildProcess;
  ffmpegPids: number[];
  segments: IndexedSegment[];
  /** States the child went through, with its wall-clock time. */
  states: Array<{ to: string; atMs: number }>;
  exited: Promise<void>;
}

/** The ffmpeg engine's child (VIGIE_CRASH_CHILD) or the native engine's (VIGIE_NATIVE_CRASH_CHILD). */
function spawnChildRecorder(settings: CrashChildSettings | { native: NativeCrashChildSettings }): ChildRecorder {
  const [script, env] =
    'native' in settings
      ? [NATIVE_CHILD_SCRIPT, { VIGIE_NATIVE_CRASH_CHILD: JSON.stringify(settings.native) }]
      : [CHILD_SCRIPT, { VIGIE_CRASH_CHILD: JSON.stringify(settings) }];
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const recorder: ChildRecorder = {
    process: child,
    ffmpegPids: [],
    segments: [],
    states: [],
    exited: new Promise((resolve) => child.on('exit', () => resolve())),
  };
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const message = JSON.parse(line) as { type: string; pid?: number; segment?: IndexedSegment; to?: string; atMs?: number };
      if (message.type === 'ffmpeg' && message.pid) recorder.ffmpegPids.push(message.pid);
      if (message.type === 'segment' && message.segment) recorder.segments.push(message.segment);
      if (message.type === 'state' && message.to) recorder.states.push({ to: message.to, atMs: message.atMs ?? Date.now() });
    }
  });
  child.stdin!.on('error', () => undefined);
  return recorder;
}

let simulator: Simulator | undefined;
const children: ChildRecorder[] = [];
const recorders: Array<Recorder | NativeRecorder> = [];

before(async () => {
  simulator = await startSimulator({
    count: 2,
    loopSeconds: 8,
    controlPort: false,
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: GOP_SECONDS },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: GOP_SECONDS },
  });
});

after(async () => {
  for (const child of children) {
    // Only PIDs this test started and still running: the child, then the ffmpeg it last reported.
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    const ffmpeg = child.ffmpegPids[child.ffmpegPids.length - 1];
    if (ffmpeg !== undefined && isRunning(ffmpeg)) process.kill(ffmpeg, 'SIGKILL');
  }
  await Promise.all(recorders.map((recorder) => recorder.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`recorder killed with SIGKILL mid-segment, then restarted [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let repository: RecordingRepository;
    const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-rec-crash-')) };

    before(async () => {
      database = await createTestDatabase(dialect);
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
    });
    after(async () => {
      await database?.drop();
      await rm(volume.root, { recursive: true, force: true }).catch(() => undefined);
    });

    it('adopts the half-written file, indexes it as recovered up to its last fragment, and chains on', async () => {
      const camera = simulator!.cameras[0]!;
      const cameraSettings = { id: CAMERA, communeInsee: COMMUNE, rtspUrl: camera.rtspUrls.main, credentials: camera.credentials };
      const child = spawnChildRecorder({ database: database.config, volume, camera: cameraSettings, segmentSeconds: SEGMENT_SECONDS, maxSeconds: 90 });
      children.push(child);

      await waitFor('the child to index a first segment', () => child.segments.length >= 1, 40_000);
      const last = child.segments[0]!;
      // The first segment closed when ffmpeg opened the next file: the file's mtime (its close,
      // kept by the move) is the real wall-clock time at which the next segment started.
      const nextStartedAtMs = (await stat(join(volume.root, last.path))).mtimeMs;
      await waitFor('the next segment to be written for 3.5 s', () => Date.now() - nextStartedAtMs >= 3500, 10_000);
      const incoming = join(volume.root, COMMUNE, CAMERA, INCOMING_FOLDER);
      const ffmpegPid = child.ffmpegPids[child.ffmpegPids.length - 1]!;
      assert.equal(child.ffmpegPids.length, 1, 'a single ffmpeg run so far');
      assert.ok(isRunning(ffmpegPid) && child.process.pid !== undefined);

      const killedAtMs = Date.now();
      process.kill(ffmpegPid, 'SIGKILL'); // first: an ffmpeg outliving its parent would close its file cleanly
      child.process.kill('SIGKILL');
      await child.exited;
      await waitFor('ffmpeg to be gone', () => !isRunning(ffmpegPid), 5000);
      assert.equal(child.segments.length, 1, 'killed before the second segment closed');
      const leftovers = (await readdir(incoming)).filter((name) => name.endsWith('.mp4'));
      assert.equal(leftovers.length, 1, `one half-written file left: ${leftovers.join(', ')}`);
      const leftoverBytes = (await stat(join(incoming, leftovers[0]!))).size;
      // The recorder comes back a few seconds later, as a supervisor restarting the process would:
      // the time it was down is lost (the simulator, like many cameras, serves a new viewer from its
      // last keyframe, which would otherwise bridge a sub-second outage).
      await sleep(RESTART_AFTER_MS);

      const recorder = new Recorder({
        camera: cameraSettings,
        volume,
        indexer: new SegmentIndexer(repository, systemClock),
        segmentSeconds: SEGMENT_SECONDS,
        socketTimeoutSeconds: 3,
        stallTimeoutMs: 5000,
        backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
        pollIntervalMs: 300,
      });
      recorders.push(recorder);
      const segments: IndexedSegment[] = [];
      recorder.events.on('segment', (segment) => segments.push(segment));
      await recorder.start();
      await recorder.idle();
      assert.equal(segments.length, 1, 'the leftover is indexed before ffmpeg even starts');
      const recovered = segments[0]!;
      await waitFor('a segment of the new run', () => segments.length >= 2, 30_000);
      await recorder.stop();
      const resumed = segments[1]!;

      assert.equal(recovered.status, 'recovered');
      assert.equal(recovered.prevHash, last.chainHash, 'chained to the last segment of the killed run');
      assert.equal(recovered.startMs, last.endMs, 'the recovered file continues the killed run');
      assert.ok(recovered.bytes > 0 && recovered.bytes <= leftoverBytes, `cut to ${recovered.bytes} of ${leftoverBytes} bytes`);
      assert.ok(recovered.frameCount > 0);
      assert.equal(await sha256File(join(volume.root, recovered.path)), recovered.sha256);
      assert.equal((await stat(join(volume.root, recovered.path))).mode & 0o777, 0o440);
      assert.deepEqual((await readdir(incoming)).filter((name) => name.endsWith('.mp4')).length, 0, 'nothing left behind in incoming');

      // At most the fragment in progress (one GOP) is lost. On the real wall clock: the recovered
      // content runs from the file's real start for its media duration. On the times written in
      // the index, which also carry the run's anchoring error (file name second, ~1-2 s): 2.5 s.
      const lostMs = killedAtMs - (nextStartedAtMs + recovered.durationMs);
      assert.ok(lostMs >= -250 && lostMs <= GOP_SECONDS * 1000 + 1000, `lost ${lostMs} ms of footage before the kill`);
      assert.ok(Math.abs(recovered.endMs - killedAtMs) <= 2500, `recovered end ${recovered.endMs - killedAtMs} ms from the kill`);

      assert.equal(resumed.status, 'closed');
      assert.equal(resumed.prevHash, recovered.chainHash);
      const gaps = await repository.gapsOverlapping(CAMERA, last.startMs, resumed.endMs);
      assert.deepEqual(
        gaps.map((gap) => [gap.startMs, gap.endMs, gap.reason]),
        [[recovered.endMs, resumed.startMs, 'recorder_crashed']],
      );

      const chained: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera(CAMERA)) chained.push(row);
      assert.deepEqual(
        chained.map((row) => row.id),
        [last.id, recovered.id, ...segments.slice(1).map((segment) => segment.id)],
      );
      assert.equal(checkSegmentChain(chained, SEGMENT_GENESIS_HASH), undefined);
    });

    it('native engine: the killed process loses at most its part in progress, recording is back within 5 s', { timeout: 90_000 }, async () => {
      const camera = simulator!.cameras[1]!;
      const cameraId = 'cam-native';
      const cameraSettings = { id: cameraId, communeInsee: COMMUNE, rtspUrl: camera.rtspUrls.main, credentials: camera.credentials };
      const child = spawnChildRecorder({
        native: { database: database.config, volume, camera: cameraSettings, segmentSeconds: NATIVE_SEGMENT_SECONDS, maxSeconds: 90 },
      });
      children.push(child);

      await waitFor('the child to index a first segment', () => child.segments.length >= 1, 30_000);
      const recordingAtMs = child.states.find((state) => state.to === 'recording')!.atMs;
      const last = child.segments[0]!;
      // The second segment started where the first ended: kill it mid-part, 2.5 s into it (some 5 s into the run).
      await waitFor('the second segment to be written for 2.5 s', () => Date.now() >= Math.max(last.endMs + 2500, recordingAtMs + 5000), 10_000);
      assert.ok(child.process.pid !== undefined && isRunning(child.process.pid));
      const incoming = join(volume.root, COMMUNE, cameraId, INCOMING_FOLDER);
      const killedAtMs = Date.now();
      process.kill(child.process.pid, 'SIGKILL');
      await child.exited;
      assert.equal(child.process.signalCode, 'SIGKILL');
      assert.equal(child.segments.length, 1, 'killed before the second segment closed');
      const leftovers = (await readdir(incoming)).filter((name) => name.endsWith('.mp4'));
      assert.equal(leftovers.length, 1, `one half-written file left: ${leftovers.join(', ')}`);
      const leftoverBytes = (await stat(join(incoming, leftovers[0]!))).size;
      await sleep(2000); // a supervisor restarting the process: the time it was down is a gap

      const restartedAtMs = Date.now();
      const recorder = new NativeRecorder({
        camera: cameraSettings,
        volume,
        indexer: new SegmentIndexer(repository, systemClock),
        segmentSeconds: 3,
        spreadSegments: false, // the test counts segments of the set length
        timeoutMs: 3000,
        backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
      });
      recorders.push(recorder);
      const segments: IndexedSegment[] = [];
      recorder.events.on('segment', (segment) => segments.push(segment));
      let recordingAgainAtMs: number | undefined;
      recorder.events.on('state', ({ to }) => {
        if (to === 'recording') recordingAgainAtMs ??= Date.now();
      });
      await recorder.start();
      await recorder.idle();
      assert.equal(segments.length, 1, 'the leftover is indexed before the camera is even connected');
      const recovered = segments[0]!;
      await waitFor('a segment of the new run within 5 s of the restart', () => segments.length >= 2, Math.max(0, restartedAtMs + 5000 - Date.now()));
      const backWithinMs = Date.now() - restartedAtMs;
      assert.ok(
        recordingAgainAtMs !== undefined && recordingAgainAtMs - restartedAtMs <= 5000,
        `recording again ${recordingAgainAtMs! - restartedAtMs} ms after the restart`,
      );
      const resumed = segments[1]!;
      // Nothing left in .incoming but the file the new run is writing (opened with its first part, within a second).
      const incomingMp4 = async () => (await readdir(incoming)).filter((name) => name.endsWith('.mp4'));
      await waitFor('the next segment file', async () => (await incomingMp4()).length > 0, 2000);
      const incomingNow = await incomingMp4();
      assert.equal(incomingNow.length, 1, `only the file being written: ${incomingNow.join(', ')}`);
      assert.notEqual(incomingNow[0]!.split('-')[0], leftovers[0]!.split('-')[0], 'a file of the new run, not the leftover');
      await recorder.stop();

      assert.equal(recovered.status, 'recovered');
      assert.equal(leftovers[0]!.endsWith(`-${fileStamp(recovered.startMs)}.mp4`), true, 'the start comes from the file name, to the millisecond');
      assert.equal(recovered.prevHash, last.chainHash, 'chained to the last segment of the killed run');
      assert.ok(Math.abs(recovered.startMs - last.endMs) <= 200, `the recovered file continues the killed run (${recovered.startMs - last.endMs} ms)`);
      assert.ok(recovered.bytes > 0 && recovered.bytes <= leftoverBytes, `cut to ${recovered.bytes} of ${leftoverBytes} bytes`);
      assert.ok(recovered.frameCount >= 12, `${recovered.frameCount} frames recovered`);
      assert.equal(await sha256File(join(volume.root, recovered.path)), recovered.sha256);
      // At most the part in progress (1 s) is lost, plus the few milliseconds the last part took to reach the disk.
      const lostMs = killedAtMs - recovered.endMs;
      assert.ok(lostMs >= -300 && lostMs <= PART_MS + 300, `lost ${lostMs} ms of footage before the kill`);

      assert.equal(resumed.status, 'closed');
      assert.equal(resumed.prevHash, recovered.chainHash);
      const gaps = await repository.gapsOverlapping(cameraId, last.startMs, resumed.endMs);
      assert.deepEqual(
        gaps.map((gap) => [gap.startMs, gap.endMs, gap.reason]),
        [[recovered.endMs, resumed.startMs, 'recorder_crashed']],
      );
      const chained: IndexedSegment[] = [];
      for await (const row of repository.iterateCamera(cameraId)) chained.push(row);
      assert.deepEqual(
        chained.map((row) => row.id),
        [last.id, ...segments.map((segment) => segment.id)],
      );
      assert.equal(checkSegmentChain(chained, SEGMENT_GENESIS_HASH), undefined);
      console.log(
        `# [${dialect}] native kill -9: ${recovered.frameCount} frames recovered (${recovered.durationMs} ms), lost ${lostMs} ms before the kill, ` +
          `recording again after ${recordingAgainAtMs! - restartedAtMs} ms, a new segment after ${backWithinMs} ms`,
      );
    });
  });
}
