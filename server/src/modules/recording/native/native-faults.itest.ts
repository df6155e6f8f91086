// The native engine of one camera under the simulator's faults (issue 12): what a CSU expects
// of the recording when the network loses or reorders packets, the stream stalls, the camera
// changes resolution, jumps its RTP timestamps or runs its clock 5 minutes off. Each test runs
// one NativeRecorder against its own simulated camera (320x180, 12 fps, GOP 1 s, 2-s segments)
// and reads what it left: the index (segments, gaps) and the files (each decodes without an
// error and holds exactly the frames indexed). The whole matrix runs on SQLite; PostgreSQL runs
// the packet-loss case (the one that writes the most gap rows), enough to prove the dialect
// without doubling the run. Everything started here is stopped in `after`, even on failure.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Fault, type SimCameraInfo, type Simulator } from '../../../../../simulator/src/index.ts';
import { systemClock } from '../../../platform/clock.ts';
import type { RecordingSchema } from '../../../platform/db/schema.ts';
import { tablesOf } from '../../../platform/db/tables.ts';
import { FFMPEG_PATH, FFPROBE_PATH } from '../../../platform/processes.ts';
import { runToCompletion } from '../../../platform/process-runs.ts';
import { waitFor } from '../../../testing/wait.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../../testing/databases.ts';
import { RecordingRepository } from '../recording.repository.ts';
import type { IndexedSegment, RecorderState, RecordingGap } from '../recording.types.ts';
import { SegmentIndexer } from '../segment-indexer.ts';
import { NATIVE_GAP_TOLERANCE_MS, NativeRecorder } from './native-recorder.ts';

const COMMUNE = '21038';
const FPS = 12;
const SEGMENT_SECONDS = 2;
const TIMEOUT_MS = 3000;
const TEST_TIMEOUT_MS = 90_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const simulators: Simulator[] = [];
const recorders: NativeRecorder[] = [];

after(async () => {
  await Promise.all(recorders.map((recorder) => recorder.stop().catch(() => undefined)));
  await Promise.all(simulators.map((simulator) => simulator.stop().catch(() => undefined)));
});

interface Recording {
  simulator: Simulator;
  camera: SimCameraInfo;
  cameraId: string;
  recorder: NativeRecorder;
  /** Segments as the recorder indexed them, with the wall-clock time of the event. */
  indexed: Array<{ segment: IndexedSegment; atMs: number }>;
  states: Array<{ to: RecorderState; atMs: number }>;
  indexErrors: string[];
  startedAtMs: number;
}

interface Context {
  volume: { name: string; root: string };
  repository: RecordingRepository;
  indexer: SegmentIndexer;
}

async function startRecording(context: Context, cameraId: string, before?: (simulator: Simulator, camera: SimCameraInfo) => Promise<void>): Promise<Recording> {
  const simulator = await startSimulator({
    count: 1,
    loopSeconds: 6,
    controlPort: false,
    main: { width: 320, height: 180, fps: FPS, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
  simulators.push(simulator);
  const camera = simulator.cameras[0]!;
  await before?.(simulator, camera);
  const recorder = new NativeRecorder({
    camera: { id: cameraId, communeInsee: COMMUNE, rtspUrl: camera.rtspUrls.main, credentials: camera.credentials },
    volume: context.volume,
    indexer: context.indexer,
    segmentSeconds: SEGMENT_SECONDS,
    timeoutMs: TIMEOUT_MS,
    backoff: { initialMs: 200, maxMs: 1000, stableAfterMs: 10_000 },
  });
  recorders.push(recorder);
  const recording: Recording = { simulator, camera, cameraId, recorder, indexed: [], states: [], indexErrors: [], startedAtMs: Date.now() };
  recorder.events.on('segment', (segment) => recording.indexed.push({ segment, atMs: Date.now() }));
  recorder.events.on('state', ({ to }) => recording.states.push({ to, atMs: Date.now() }));
  recorder.events.on('indexError', ({ message }) => recording.indexErrors.push(message));
  await recorder.start();
  await waitFor('two segments before the fault', () => recording.indexed.length >= 2, 20_000);
  return recording;
}

/** Stops the recorder and the simulator; returns the index of the camera (segments and gaps). */
async function finish(context: Context, recording: Recording): Promise<{ segments: IndexedSegment[]; gaps: RecordingGap[] }> {
  await recording.recorder.stop();
  await recording.simulator.stop();
  assert.deepEqual(recording.indexErrors, [], 'every segment indexed');
  const segments: IndexedSegment[] = [];
  for await (const row of context.repository.iterateCamera(recording.cameraId)) segments.push(row);
  assert.equal(segments.length, recording.indexed.length, 'the index holds what the recorder reported');
  const gaps = await context.repository.gapsOverlapping(recording.cameraId, 0, Date.now() + 86_400_000);
  return { segments, gaps };
}

async function probeFrames(file: string): Promise<{ width: number; height: number; frames: number }> {
  const result = await runToCompletion(FFPROBE_PATH, ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file], { timeoutMs: 30_000 });
  assert.equal(result.code, 0, result.stderr);
  const stream = (JSON.parse(result.stdout.toString('utf8')) as { streams: Array<Record<string, string | number>> }).streams[0]!;
  return { width: Number(stream.width), height: Number(stream.height), frames: Number(stream.nb_read_frames) };
}

/** Every indexed file decodes without a single error and holds exactly its indexed frames and size. */
async function assertFilesDecode(context: Context, segments: readonly IndexedSegment[]): Promise<void> {
  for (const segment of segments) {
    const file = join(context.volume.root, segment.path);
    const decoded = await runToCompletion(FFMPEG_PATH, ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { timeoutMs: 30_000 });
    assert.equal(decoded.code, 0, `${segment.path}: ${decoded.stderr}`);
    assert.equal(decoded.stderr.trim(), '', `${segment.path} decodes without an error`);
    const probed = await probeFrames(file);
    assert.deepEqual(probed, { width: segment.width, height: segment.height, frames: segment.frameCount }, segment.path);
  }
}

function statesAfterFirstRecording(recording: Recording): RecorderState[] {
  const states = recording.states.map((state) => state.to);
  return states.slice(states.indexOf('recording'));
}

const describeGaps = (gaps: readonly RecordingGap[]) => JSON.stringify(gaps.map((gap) => [gap.reason, gap.endMs - gap.startMs]));

/** Loss and reordering: the recording goes on, the damaged pictures are dropped to the next keyframe, each hole is a gap. */
async function lossCase(context: Context, cameraId: string, fault: Fault, report: (line: string) => void): Promise<void> {
  const recording = await startRecording(context, cameraId);
  await recording.simulator.setFault(recording.camera.id, fault);
  await sleep(10_000);
  await recording.simulator.clearFault(recording.camera.id, fault.kind);
  const count = recording.indexed.length;
  await waitFor('a segment after the fault', () => recording.indexed.length > count, 10_000);
  const stats = recording.recorder.stats;
  const { segments, gaps } = await finish(context, recording);

  const lossGaps = gaps.filter((gap) => gap.reason === 'packet_loss');
  const holes = segments.slice(1).map((segment, index) => segment.startMs - segments[index]!.endMs);
  const recordedFrames = segments.reduce((total, segment) => total + segment.frameCount, 0);
  const spanMs = segments.at(-1)!.endMs - segments[0]!.startMs;
  const expectedFrames = (spanMs * FPS) / 1000;
  const accounted = recordedFrames + stats.droppedPictures;
  report(
    `${fault.kind}: ${stats.packetsLost} packets lost of ${stats.packets}, ${segments.length} segments, ${lossGaps.length} packet_loss gaps ` +
      `(${lossGaps.map((gap) => gap.endMs - gap.startMs).join('/')} ms; holes between segments ${holes.filter((hole) => hole > 0).join('/')} ms), ` +
      `frames ${recordedFrames} recorded + ${stats.droppedPictures} dropped of ${Math.round(expectedFrames)} expected`,
  );
  assert.deepEqual([...new Set(statesAfterFirstRecording(recording))], ['recording', 'stopped'], 'recording all along, never reconnecting');
  assert.ok(stats.packetsLost > 0, `packets lost ${stats.packetsLost}`);
  await assertFilesDecode(context, segments);
  assert.ok(lossGaps.length >= 1, `gaps ${describeGaps(gaps)}`);
  assert.ok(
    gaps.every((gap) => gap.reason === 'packet_loss'),
    describeGaps(gaps),
  );
  assert.equal(lossGaps.length, holes.filter((hole) => hole > NATIVE_GAP_TOLERANCE_MS).length, 'every hole is an explicit gap');
  assert.ok(
    Math.abs(accounted - expectedFrames) <= expectedFrames * 0.1,
    `${recordedFrames} recorded + ${stats.droppedPictures} dropped, ${expectedFrames} expected`,
  );
  assert.ok(recordedFrames < expectedFrames, 'some pictures were lost');
}

/** A one-shot jump of the RTP timestamps: no absurd segment, times monotonic and near the wall clock. */
async function timestampJumpCase(context: Context, cameraId: string, seconds: number, report: (line: string) => void): Promise<void> {
  const recording = await startRecording(context, cameraId);
  const jumpedAtMs = Date.now();
  await recording.simulator.setFault(recording.camera.id, { kind: 'timestamp_jump', seconds, rtcp: 'consistent' });
  await waitFor('six segments after the jump', () => recording.indexed.filter(({ atMs }) => atMs > jumpedAtMs).length >= 6, 30_000);
  const stats = recording.recorder.stats;
  const { segments } = await finish(context, recording);

  assert.deepEqual([...new Set(statesAfterFirstRecording(recording))], ['recording', 'stopped'], 'no reconnect, no crash');
  await assertFilesDecode(context, segments);
  const offsets: number[] = [];
  for (const [index, { segment, atMs }] of recording.indexed.entries()) {
    assert.ok(segment.durationMs > 0 && segment.durationMs <= SEGMENT_SECONDS * 1000 + 2000, `duration ${segment.durationMs} of ${segment.path}`);
    // Indexed as soon as it ended: its end is the wall-clock time of the event, give or take.
    offsets.push(segment.endMs - atMs);
    assert.ok(Math.abs(segment.endMs - atMs) <= 1500, `segment ${index} ends ${segment.endMs - atMs} ms from when it was indexed`);
    const previous = recording.indexed[index - 1]?.segment;
    if (previous) assert.ok(segment.startMs >= previous.endMs, `segment ${index} starts ${segment.startMs - previous.endMs} ms after the previous end`);
  }
  report(
    `timestamp_jump ${seconds} s: ${segments.length} segments, durations ${segments.map((segment) => segment.durationMs).join('/')} ms, end minus index time ${offsets.join('/')} ms, ${stats.packetsLost} packets lost`,
  );
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`native recorder under the simulator's faults [${dialect}]`, { skip }, () => {
    const context = {} as Context;
    let database: TestDatabase;
    const report = (line: string) => console.log(`# [${dialect}] ${line}`);

    before(async () => {
      database = await createTestDatabase(dialect);
      context.volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-native-faults-')) };
      context.repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
      // The indexer as the recording role builds it: the native engine asks for its own gap tolerance
      // (NATIVE_GAP_TOLERANCE_MS: its times are to the millisecond, and a loss costs less than a GOP).
      context.indexer = new SegmentIndexer(context.repository, systemClock, {
        probe: () => Promise.reject(new Error('the native engine never needs ffprobe')),
      });
    });
    after(async () => {
      await database?.drop();
      if (context.volume) await rm(context.volume.root, { recursive: true, force: true }).catch(() => undefined);
    });

    it('packet_loss 2 %: recording goes on, every file decodes, the holes are packet_loss gaps', { timeout: TEST_TIMEOUT_MS }, () =>
      lossCase(context, 'cam-loss', { kind: 'packet_loss', percent: 2, seed: 7 }, report),
    );

    if (dialect !== 'sqlite') return;

    it('reorder 5 % depth 3: out of order is taken as loss, the same as packet_loss', { timeout: TEST_TIMEOUT_MS }, () =>
      lossCase(context, 'cam-reorder', { kind: 'reorder', percent: 5, depth: 3 }, report),
    );

    it('stall of 4 s with a 3-s timeout: reconnects, a stream_stalled gap of about the stall', { timeout: TEST_TIMEOUT_MS }, async () => {
      const recording = await startRecording(context, 'cam-stall');
      const stalledAtMs = Date.now();
      await recording.simulator.setFault(recording.camera.id, { kind: 'stall', seconds: 4 });
      await waitFor('reconnecting', () => recording.recorder.state === 'reconnecting', 10_000);
      const reconnectingAtMs = Date.now();
      await waitFor('recording again', () => recording.recorder.state === 'recording', 10_000);
      const count = recording.indexed.length;
      await waitFor('a segment after the stall', () => recording.indexed.length > count, 10_000);
      const { segments, gaps } = await finish(context, recording);

      const states = statesAfterFirstRecording(recording);
      assert.deepEqual(states, ['recording', 'reconnecting', 'recording', 'stopped'], 'one reconnect');
      assert.ok(reconnectingAtMs - stalledAtMs >= TIMEOUT_MS - 500, `reconnecting ${reconnectingAtMs - stalledAtMs} ms after the stall began`);
      await assertFilesDecode(context, segments);
      const stalled = gaps.filter((gap) => gap.reason === 'stream_stalled');
      assert.equal(stalled.length, 1, describeGaps(gaps));
      const lengthMs = stalled[0]!.endMs - stalled[0]!.startMs;
      // The stall, then up to a GOP until the next keyframe the new session can start from.
      assert.ok(lengthMs >= 3500 && lengthMs <= 6500, `stream_stalled gap of ${lengthMs} ms`);
      assert.ok(Math.abs(stalled[0]!.startMs - stalledAtMs) <= 1500, `the gap starts ${stalled[0]!.startMs - stalledAtMs} ms from the stall`);
      report(`stall 4 s: reconnecting after ${reconnectingAtMs - stalledAtMs} ms, stream_stalled gap ${lengthMs} ms, ${segments.length} segments`);
    });

    it('sps_change: the segment in progress ends, the next one has the new size, no reconnect', { timeout: TEST_TIMEOUT_MS }, async () => {
      const recording = await startRecording(context, 'cam-sps');
      await recording.simulator.setFault(recording.camera.id, { kind: 'sps_change', width: 160, height: 90 });
      await waitFor('two segments at the new size', () => recording.indexed.filter(({ segment }) => segment.width === 160).length >= 2, 30_000);
      const { segments, gaps } = await finish(context, recording);

      assert.deepEqual([...new Set(statesAfterFirstRecording(recording))], ['recording', 'stopped'], 'no reconnect');
      await assertFilesDecode(context, segments);
      const firstSmall = segments.findIndex((segment) => segment.width === 160);
      assert.ok(firstSmall >= 2, `the resolution changes after ${firstSmall} segments`);
      const [before, after] = [segments[firstSmall - 1]!, segments[firstSmall]!];
      assert.deepEqual([before.width, before.height, after.width, after.height], [320, 180, 160, 90]);
      assert.ok(
        segments.slice(firstSmall).every((segment) => segment.width === 160 && segment.height === 90),
        'every later segment at the new size',
      );
      assert.deepEqual(await probeFrames(join(context.volume.root, after.path)), { width: 160, height: 90, frames: after.frameCount });
      assert.ok(Math.abs(after.startMs - before.endMs) <= 200, `contiguous across the change: ${after.startMs - before.endMs} ms`);
      assert.deepEqual(
        gaps.filter((gap) => gap.endMs > segments[0]!.startMs && gap.startMs < segments.at(-1)!.endMs),
        [],
        'no gap while recording',
      );
      report(`sps_change: ${firstSmall} segments at 320x180 (the last ${before.durationMs} ms), then ${segments.length - firstSmall} at 160x90`);
    });

    for (const seconds of [-5, 3600]) {
      it(`timestamp_jump ${seconds} s: no absurd duration, starts monotonic and near the wall clock`, { timeout: TEST_TIMEOUT_MS }, () =>
        timestampJumpCase(context, `cam-jump${seconds < 0 ? 'back' : 'ahead'}`, seconds, report),
      );
    }

    it('clock_skew 300 s: the offset is measured, the camera clock not trusted, times from the receive clock', { timeout: TEST_TIMEOUT_MS }, async () => {
      const recording = await startRecording(context, 'cam-skew', (simulator, camera) => simulator.setFault(camera.id, { kind: 'clock_skew', seconds: 300 }));
      await waitFor('four segments', () => recording.indexed.length >= 4, 20_000);
      const stats = recording.recorder.stats;
      const { segments } = await finish(context, recording);

      assert.ok(stats.clockOffsetMs !== undefined && Math.abs(stats.clockOffsetMs - 300_000) <= 500, `clock offset ${stats.clockOffsetMs}`);
      assert.equal(stats.cameraClockTrusted, false);
      await assertFilesDecode(context, segments);
      const offsets = recording.indexed.map(({ segment, atMs }) => segment.endMs - atMs);
      // The start of each segment on our clock: its end (when it was indexed) less its media duration.
      assert.ok(
        offsets.every((offset) => Math.abs(offset) <= 1000),
        `segment ends minus index times ${offsets.join('/')} ms`,
      );
      assert.ok(segments[0]!.startMs >= recording.startedAtMs - 1500, 'the first start is on our clock, not 5 minutes ahead');
      report(`clock_skew 300 s: offset ${stats.clockOffsetMs} ms, trusted ${stats.cameraClockTrusted}, end minus index time ${offsets.join('/')} ms`);
    });
  });
}
