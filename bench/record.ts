// `./vigie bench record [--cameras 100] [--seconds 60] [--segment-seconds 10] [--dialect sqlite]
// [--main 1280x720@12] [--kbps 2000] [--gop 2]`: records N simulated cameras end to end with the
// real pipeline (one supervised ffmpeg per camera -> fragmented MP4 segments -> SegmentIndexer
// -> RecordingRepository in a temporary, migrated database, files on a temporary volume), warms
// up until every camera has indexed a segment, then measures over S seconds:
//   - CPU (from /proc/<pid>/stat) of the ffmpeg recorders (sum and per camera), of this Node
//     process (it is the Vigie side: segment-list watcher, ffprobe runs, hashing, SQL, the live
//     pipes), of the ffprobe children it reaped, and of the simulator, which runs in its own
//     Node process and is reported apart (it stands in for the cameras);
//   - memory PSS (/proc/<pid>/smaps_rollup) of the same processes;
//   - frames expected vs recorded, gaps indexed, segment-close latency.
// Everything runs on loopback; the simulator, the recorders, the database and the volume are
// stopped and removed at the end, on failure and on Ctrl-C too.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeChild } from '../simulator/src/processes.ts';
import { systemClock } from '../server/src/platform/clock.ts';
import type { RecordingSchema } from '../server/src/platform/db/schema.ts';
import { tablesOf } from '../server/src/platform/db/tables.ts';
import type { ProcessLog } from '../server/src/platform/processes.ts';
import {
  checkSegmentChain,
  coverage,
  NativeRecorder,
  NativeShards,
  Recorder,
  RecordingRepository,
  SegmentIndexer,
  type IndexedSegment,
  type RecorderState,
  type RecordingGap,
  type ShardedNativeRecorder,
} from '../server/src/modules/recording/index.ts';
import { createTestDatabase, type TestDatabase } from '../server/src/testing/databases.ts';
import { cpuPercent, cpuSample, cpuSamples, machineCpuSample, reapedChildrenCpuSample } from './lib/proc-stats.ts';
import {
  fixed,
  judged,
  judgedIf,
  keyframeGridError,
  percentile,
  printRatios,
  pss,
  sum,
  thousands,
  type Engine,
  type EngineFigures,
} from './lib/record-figures.ts';
import { Interruption, type SimulatedCamera, settingsFrom, startCameras, waitUntil } from './lib/record-setup.ts';
import { printLogSummary, READING_NOTES, startProfile } from './lib/record-notes.ts';
import { printTable } from './lib/table.ts';

const root = process.env.VIGIE_ROOT ?? process.cwd();

const COMMUNE = '21038';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CameraRun {
  camera: SimulatedCamera;
  recorder: Recorder | NativeRecorder | ShardedNativeRecorder;
  segments: Array<{ segment: IndexedSegment; firedAtMs: number }>;
  states: Array<{ to: RecorderState; atMs: number; detail?: string }>;
  indexErrors: string[];
}

export async function run(args: string[]): Promise<void> {
  const settings = settingsFrom(args);
  const interruption = new Interruption();
  const warnings = new Map<string, number>();
  let phase: 'warm-up' | 'window' | 'drain and stop' = 'warm-up';
  const ffmpegLines = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const log: ProcessLog = {
    info: (fields, message) => {
      const line = (fields as { ffmpeg?: string }).ffmpeg;
      if (line) count(ffmpegLines, line.replace(/0x[0-9a-f]+/g, '0x…').replace(/\d+/g, 'N'));
      else if (message !== 'process started' && message !== 'process stopped') count(warnings, `${phase}: ${message}`);
    },
    warn: (_fields, message) => count(warnings, `${phase}: ${message}`),
  };

  let simulator: NodeChild | undefined;
  const databases: TestDatabase[] = [];
  const volumes: string[] = [];
  const allRuns: CameraRun[][] = [];
  const closers: Array<() => Promise<void>> = [];
  try {
    console.log(
      `vigie bench record: ${settings.cameras} cameras ${settings.width}x${settings.height} ${settings.fps} fps ${settings.kbps} kbit/s GOP ${settings.gopSeconds} s, ` +
        `${settings.segmentSeconds}-s segments, ${settings.dialect}, ${settings.seconds} s measured`,
    );
    const started = await startCameras(settings, interruption);
    simulator = started.child;
    if (started.cameras.length !== settings.cameras) throw new Error(`the simulator listed ${started.cameras.length} cameras, ${settings.cameras} expected`);
    const simulatorPid = simulator.pid!;
    const measure = async (engine: Engine): Promise<EngineFigures> => {
      phase = 'warm-up';
      const volume = { name: 'bench', root: mkdtempSync(join(tmpdir(), `vigie-bench-record-${engine}-`)) };
      volumes.push(volume.root);
      const runs: CameraRun[] = [];
      allRuns.push(runs);
      const database = await createTestDatabase(settings.dialect);
      databases.push(database);
      const repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), settings.dialect);
      const indexer = new SegmentIndexer(repository, systemClock, { log });
      const shards = engine === 'native' && settings.threads > 0 ? new NativeShards({ threads: settings.threads, indexer, log }) : undefined;
      if (shards) closers.push(() => shards.close());

      for (const camera of started.cameras) {
        const recorderCamera = {
          id: camera.id,
          communeInsee: COMMUNE,
          rtspUrl: camera.url,
          credentials: { username: camera.username, password: camera.password },
        };
        const recorder =
          engine === 'native'
            ? shards
              ? shards.create({ camera: recorderCamera, volume, segmentSeconds: settings.segmentSeconds })
              : new NativeRecorder({ camera: recorderCamera, volume, indexer, segmentSeconds: settings.segmentSeconds, log })
            : new Recorder({ camera: recorderCamera, volume, indexer, segmentSeconds: settings.segmentSeconds, log });
        const cameraRun: CameraRun = { camera, recorder, segments: [], states: [], indexErrors: [] };
        recorder.events.on('segment', (segment) => cameraRun.segments.push({ segment, firedAtMs: Date.now() }));
        recorder.events.on('state', (change) => cameraRun.states.push({ to: change.to, atMs: change.at.getTime(), detail: change.detail }));
        recorder.events.on('indexError', (error) => cameraRun.indexErrors.push(error.message));
        runs.push(cameraRun);
      }
      const idlePss = pss(process.pid); // this process before any recorder: what the engine adds is measured above it
      const warmupStartedAt = Date.now();
      await Promise.all(runs.map((cameraRun) => cameraRun.recorder.start()));
      process.stderr.write(`  ${runs.length} recorders started; warming up until each camera has indexed a segment\n`);
      await waitUntil(
        'every camera to index a first segment',
        () => runs.every((cameraRun) => cameraRun.segments.length > 0 && cameraRun.recorder.state === 'recording'),
        settings.warmupTimeoutSeconds * 1000,
        interruption,
      );
      const warmupSeconds = (Date.now() - warmupStartedAt) / 1000;

      // ----- measured window
      phase = 'window';
      const profiler = settings.profile ? await startProfile() : undefined;
      const windowStartMs = Date.now();
      const pidsAtStart = runs.map((cameraRun) => cameraRun.recorder.pid);
      const ffmpegStart = cpuSamples(pidsAtStart);
      const selfStart = cpuSample(process.pid);
      const reapedStart = reapedChildrenCpuSample(process.pid);
      const simulatorStart = cpuSample(simulatorPid);
      const machineStart = machineCpuSample();
      const memory: Array<{ ffmpeg: number[]; self: number; simulator: number }> = [];
      const windowEndAt = windowStartMs + settings.seconds * 1000;
      while (Date.now() < windowEndAt) {
        interruption.check();
        await sleep(Math.min(10_000, windowEndAt - Date.now()));
        memory.push({ ffmpeg: runs.map((cameraRun) => pss(cameraRun.recorder.pid)), self: pss(process.pid), simulator: pss(simulatorPid) });
      }
      const pidsAtEnd = runs.map((cameraRun) => cameraRun.recorder.pid);
      const ffmpegEnd = cpuSamples(pidsAtEnd);
      const selfEnd = cpuSample(process.pid);
      const reapedEnd = reapedChildrenCpuSample(process.pid);
      const simulatorEnd = cpuSample(simulatorPid);
      const machineEnd = machineCpuSample();
      const windowEndMs = Date.now();
      phase = 'drain and stop';
      if (profiler && settings.profile) await profiler.stop(settings.profile.replace(/(\.cpuprofile)?$/, `-${engine}.cpuprofile`));
      const windowSeconds = (windowEndMs - windowStartMs) / 1000;

      // ----- drain: the segment straddling the window's end is closed and indexed
      process.stderr.write('  window over; waiting for the segments straddling its end to be indexed\n');
      await waitUntil(
        'the segments straddling the window end',
        () => runs.every((cameraRun) => cameraRun.segments.some(({ segment }) => segment.endMs >= windowEndMs)),
        (settings.segmentSeconds * 2 + 30) * 1000,
        interruption,
      );
      await Promise.all(runs.map((cameraRun) => cameraRun.recorder.stop()));

      // ----- figures
      const perCamera = await Promise.all(
        runs.map(async (cameraRun, index) => {
          const rows: IndexedSegment[] = [];
          for await (const row of repository.iterateCamera(cameraRun.camera.id)) rows.push(row);
          const whole = rows.filter((row) => row.startMs >= windowStartMs && row.endMs <= windowEndMs);
          const expected = whole.map((row) => Math.round((row.durationMs * settings.fps) / 1000));
          const gaps: RecordingGap[] = await repository.gapsOverlapping(cameraRun.camera.id, windowStartMs, windowEndMs);
          const covered = coverage(rows, { startMs: windowStartMs, endMs: windowEndMs });
          // The native engine records inside this process: no per-camera process, its cost is the Vigie process's.
          const samePid =
            engine === 'native'
              ? !cameraRun.states.some((state) => state.atMs >= windowStartMs && state.atMs <= windowEndMs)
              : pidsAtStart[index] !== undefined && pidsAtStart[index] === pidsAtEnd[index];
          const cpu =
            engine === 'native' ? 0 : samePid && ffmpegStart[index] && ffmpegEnd[index] ? cpuPercent(ffmpegStart[index], ffmpegEnd[index]) : Number.NaN;
          const statesInWindow = cameraRun.states.filter((state) => state.atMs >= windowStartMs && state.atMs <= windowEndMs && state.to !== 'stopped');
          // ffmpeg's last write to a segment is its close (on the keyframe that starts the next one):
          // the file's mtime (kept by the move into the layout) is when the segment really ended.
          const closes = cameraRun.segments
            .filter(({ segment }) => segment.endMs > windowStartMs && segment.startMs < windowEndMs)
            .map(({ segment, firedAtMs }) => ({ closedAtMs: statSync(join(volume.root, segment.path)).mtimeMs, firedAtMs, endMs: segment.endMs }));
          return {
            id: cameraRun.camera.id,
            wholeSegments: whole.length,
            framesExpected: sum(expected),
            framesRecorded: sum(whole.map((row) => row.frameCount)),
            framesShort: sum(whole.map((row, position) => Math.max(0, expected[position]! - row.frameCount))),
            shortSegments: whole
              .filter((row, position) => row.frameCount < expected[position]!)
              .map((row) => ({
                startS: (row.startMs - windowStartMs) / 1000,
                endS: (row.endMs - windowStartMs) / 1000,
                short: Math.round((row.durationMs * settings.fps) / 1000) - row.frameCount,
              })),
            closedInWindow: closes.filter((close) => close.closedAtMs >= windowStartMs && close.closedAtMs <= windowEndMs).length,
            indexedInWindow: cameraRun.segments.filter(({ firedAtMs }) => firedAtMs >= windowStartMs && firedAtMs <= windowEndMs).length,
            edgeSegments: rows.filter((row) => row.endMs > windowStartMs && row.startMs < windowEndMs).length - whole.length,
            recordedMs: covered.recordedMs,
            gaps,
            cpu,
            recordedThrough: samePid && statesInWindow.length === 0 && gaps.length === 0 && covered.gaps.length === 0,
            statesInWindow,
            latencies: closes.map((close) => close.firedAtMs - close.closedAtMs),
            anchorErrors: closes.map((close) => close.endMs - close.closedAtMs),
            startErrors: whole.map((row) => keyframeGridError(row.startMs, settings)),
            indexErrors: cameraRun.indexErrors.length,
            chainProblem: checkSegmentChain(rows),
          };
        }),
      );

      const cameras = perCamera.length;
      const recordedThrough = perCamera.filter((camera) => camera.recordedThrough).length;
      const framesExpected = sum(perCamera.map((camera) => camera.framesExpected));
      const framesRecorded = sum(perCamera.map((camera) => camera.framesRecorded));
      const framesShort = sum(perCamera.map((camera) => camera.framesShort));
      const wholeSegments = sum(perCamera.map((camera) => camera.wholeSegments));
      const edgeSegments = sum(perCamera.map((camera) => camera.edgeSegments));
      const gapCount = sum(perCamera.map((camera) => camera.gaps.length));
      const coveredPercent = (sum(perCamera.map((camera) => camera.recordedMs)) / (cameras * (windowEndMs - windowStartMs))) * 100;
      const cpus = perCamera
        .map((camera) => camera.cpu)
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      const ffmpegCpu = sum(cpus);
      const selfCpu = cpuPercent(selfStart, selfEnd);
      const reapedCpu = cpuPercent(reapedStart, reapedEnd);
      const recordingCpu = ffmpegCpu + selfCpu + reapedCpu;
      const simulatorCpu = cpuPercent(simulatorStart, simulatorEnd);
      const machineCpu = cpuPercent(machineStart, machineEnd);
      const average = (list: number[]) => sum(list) / Math.max(1, list.length);
      const ffmpegPss = average(memory.map((sample) => sum(sample.ffmpeg)));
      const ffmpegPssPerCamera = memory.flatMap((sample) => sample.ffmpeg.filter((value) => value > 0)).sort((a, b) => a - b);
      const selfPss = average(memory.map((sample) => sample.self));
      const recordingPssPeak = Math.max(...memory.map((sample) => sum(sample.ffmpeg) + sample.self));
      const simulatorPss = average(memory.map((sample) => sample.simulator));
      const latencies = perCamera.flatMap((camera) => camera.latencies).sort((a, b) => a - b);
      const anchorErrors = perCamera.flatMap((camera) => camera.anchorErrors).sort((a, b) => a - b);
      const anchorAbs = anchorErrors.map(Math.abs).sort((a, b) => a - b);
      const startErrors = perCamera
        .flatMap((camera) => camera.startErrors)
        .filter(Number.isFinite)
        .map(Math.abs)
        .sort((a, b) => a - b);
      const indexErrors = sum(perCamera.map((camera) => camera.indexErrors));
      const brokenChains = perCamera.filter((camera) => camera.chainProblem).length;
      const restarted = perCamera.filter((camera) => !Number.isFinite(camera.cpu)).length;
      const closedInWindow = sum(perCamera.map((camera) => camera.closedInWindow));
      const indexedInWindow = sum(perCamera.map((camera) => camera.indexedInWindow));
      const p99Latency = percentile(latencies, 0.99);
      // A backlog defers work past the window: the CPU figure would then understate the need.
      const keptUp = p99Latency < settings.segmentSeconds * 1000;
      // Issue 12's targets are the native engine's; the ffmpeg engine's figures are shown beside them.
      const native = engine === 'native';

      const rows: Array<[string, string]> = [
        [
          'cameras recorded through the window',
          judged(
            `${recordedThrough} / ${cameras}${restarted ? ` (${restarted} ffmpeg restarted)` : ''}`,
            `${cameras} / ${cameras}`,
            recordedThrough === cameras,
          ),
        ],
        [
          'frames recorded / expected (whole segments)',
          judged(
            `${thousands(framesRecorded)} / ${thousands(framesExpected)} (${thousands(framesShort)} short)`,
            '0 short',
            framesShort === 0 && wholeSegments > 0,
          ),
        ],
        ['  segments counted / edge segments left out', `${thousands(wholeSegments)} / ${thousands(edgeSegments)}`],
        [
          'time recorded in the window / gaps indexed',
          judged(`${fixed(coveredPercent, 2)} % / ${gapCount} gaps`, '100 % / 0 gaps', gapCount === 0 && coveredPercent > 99.9),
        ],
        [
          `CPU recording (${engine}): ffmpeg + Vigie + ffprobe`,
          judged(
            `${fixed(recordingCpu)} % of one core (${fixed(recordingCpu / cameras, 2)} %/camera)${keptUp ? '' : ' *'}`,
            native ? '<= 0.125 %/camera (50 % at 400)' : '< 100 % of one core',
            (native ? recordingCpu / cameras <= 0.125 : recordingCpu < 100) && keptUp,
          ),
        ],
        [
          '  ffmpeg recorders, sum',
          `${fixed(ffmpegCpu)} % (per camera min ${fixed(cpus[0] ?? Number.NaN, 2)} / avg ${fixed(ffmpegCpu / Math.max(1, cpus.length), 2)} / max ${fixed(cpus[cpus.length - 1] ?? Number.NaN, 2)} %)`,
        ],
        ['  Vigie process (this Node: watch, index, SQL, live pipes)', `${fixed(selfCpu)} %`],
        ['  ffprobe runs (children reaped by Vigie)', `${fixed(reapedCpu)} %`],
        ['simulator (own Node process, not counted above)', `${fixed(simulatorCpu)} % of one core`],
        [`machine busy, every process and user (${availableParallelism()} cores)`, `${fixed(machineCpu)} % of one core`],
        [
          'memory PSS recording: ffmpeg + Vigie (mean)',
          judgedIf(
            `${fixed(ffmpegPss + selfPss, 0)} MiB (${fixed((ffmpegPss + selfPss) / cameras, 2)} MiB/camera), peak ${fixed(recordingPssPeak, 0)} MiB`,
            native ? '<= 1 MiB/camera' : undefined,
            !native || (ffmpegPss + selfPss) / cameras <= 1,
          ),
        ],
        [
          '  ffmpeg recorders, sum / per camera min avg max',
          `${fixed(ffmpegPss, 0)} MiB / ${fixed(ffmpegPssPerCamera[0] ?? Number.NaN)} ${fixed(average(ffmpegPssPerCamera))} ${fixed(ffmpegPssPerCamera[ffmpegPssPerCamera.length - 1] ?? Number.NaN)} MiB`,
        ],
        ['  Vigie process', `${fixed(selfPss, 0)} MiB`],
        ['simulator PSS (not counted above)', `${fixed(simulatorPss, 0)} MiB`],
        [
          `segment-close latency p50 / p99 / max (${latencies.length})`,
          judged(
            `${fixed(percentile(latencies, 0.5) / 1000, 2)} / ${fixed(p99Latency / 1000, 2)} / ${fixed((latencies[latencies.length - 1] ?? Number.NaN) / 1000, 2)} s`,
            native ? 'p99 < 2 s' : `p99 < ${settings.segmentSeconds} s (keeps up)`,
            native ? p99Latency < 2000 : keptUp,
          ),
        ],
        ['  segments closed / indexed during the window', `${thousands(closedInWindow)} / ${thousands(indexedInWindow)}`],
        [
          'indexed end minus real close, min / p50 / max',
          `${fixed((anchorErrors[0] ?? Number.NaN) / 1000, 2)} / ${fixed(percentile(anchorErrors, 0.5) / 1000, 2)} / ${fixed((anchorErrors[anchorErrors.length - 1] ?? Number.NaN) / 1000, 2)} s`,
        ],
        [
          `segment start error vs the simulator's clock, |p50| / |p99| / |max| (${startErrors.length})`,
          startErrors.length === 0
            ? 'n/a (no whole segment in the window, or a loop not made of whole GOPs)'
            : judgedIf(
                `${fixed(percentile(startErrors, 0.5), 1)} / ${fixed(percentile(startErrors, 0.99), 1)} / ${fixed(startErrors[startErrors.length - 1]!, 1)} ms`,
                native ? 'p99 < 50 ms' : undefined,
                !native || percentile(startErrors, 0.99) < 50,
              ),
        ],
        ['index errors / broken chains', `${indexErrors} / ${brokenChains}`],
        ['measured over / warm-up', `${fixed(windowSeconds)} s / ${fixed(warmupSeconds)} s`],
      ];
      printTable(
        rows,
        `vigie bench record, ${engine} engine${native && settings.threads > 0 ? ` in ${settings.threads} worker thread(s)` : ''}: ${cameras} cameras, ${settings.width}x${settings.height} ${settings.fps} fps ${settings.kbps} kbit/s GOP ${settings.gopSeconds} s, ${settings.segmentSeconds}-s segments, ${settings.dialect}`,
      );
      console.log(READING_NOTES);
      if (!keptUp)
        console.log('  * indexing fell behind (p99 latency over one segment): work was left for after the window, so this CPU figure understates the need.');
      printLogSummary(warnings, ffmpegLines);
      for (const camera of perCamera.filter((entry) => !entry.recordedThrough || entry.framesShort > 0).slice(0, 10)) {
        const spans = camera.shortSegments.map((segment) => `${segment.short} in [${fixed(segment.startS)}, ${fixed(segment.endS)}] s`).join(', ');
        console.log(
          `  ${camera.id}: ${camera.framesShort} frames short (${spans || 'none'}), gaps ${JSON.stringify(camera.gaps.map((gap) => `${gap.reason}: ${fixed((gap.endMs - gap.startMs) / 1000, 2)} s at +${fixed((gap.startMs - windowStartMs) / 1000)} s`))}, states ${JSON.stringify(camera.statesInWindow.map((state) => state.to))}`,
        );
      }
      const shortCameras = perCamera.filter((camera) => camera.framesShort > 0).length;
      if (shortCameras > 10) console.log(`  ... ${shortCameras} cameras with short segments in all (offsets in seconds from the window's start)`);
      const offGrid = perCamera.filter((camera) => camera.startErrors.some((error) => Math.abs(error) >= 50));
      for (const camera of offGrid.slice(0, 10))
        console.log(`  ${camera.id}: segment start errors ${camera.startErrors.map((error) => `${fixed(error, 0)}`).join(', ')} ms`);
      if (offGrid.length > 10) console.log(`  ... ${offGrid.length} cameras with a segment start 50 ms or more off the simulator's keyframe grid`);

      const resultsDir = join(root, 'bench/results');
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(
        join(resultsDir, `record-${engine}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
        JSON.stringify(
          {
            engine,
            settings,
            windowSeconds,
            warmupSeconds,
            recordedThrough,
            framesExpected,
            framesRecorded,
            framesShort,
            wholeSegments,
            edgeSegments,
            gapCount,
            coveredPercent,
            cpu: {
              recording: recordingCpu,
              ffmpeg: ffmpegCpu,
              vigie: selfCpu,
              ffprobe: reapedCpu,
              simulator: simulatorCpu,
              machine: machineCpu,
              perCamera: cpus,
            },
            pssMiB: { ffmpeg: ffmpegPss, vigie: selfPss, recordingPeak: recordingPssPeak, simulator: simulatorPss },
            latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1], count: latencies.length },
            anchorErrorMs: { min: anchorErrors[0], p50: percentile(anchorErrors, 0.5), max: anchorErrors[anchorErrors.length - 1] },
            closedInWindow,
            indexedInWindow,
            keptUp,
            shortSegments: Object.fromEntries(perCamera.filter((camera) => camera.framesShort > 0).map((camera) => [camera.id, camera.shortSegments])),
            indexErrors,
            brokenChains,
            warnings: Object.fromEntries(warnings),
            ffmpegLines: Object.fromEntries(ffmpegLines),
          },
          null,
          2,
        ),
      );
      await Promise.all(runs.map((cameraRun) => cameraRun.recorder.stop().catch(() => undefined)));
      await database.drop().catch(() => undefined);
      rmSync(volume.root, { recursive: true, force: true });
      return {
        engine,
        recordingCpu,
        cpuPerCamera: recordingCpu / cameras,
        pssPerCamera: (ffmpegPss + selfPss - idlePss) / cameras,
        p99Latency,
        anchorP99: percentile(anchorAbs, 0.99),
        framesShort,
        coveredPercent,
      };
    };
    const figures: EngineFigures[] = [];
    for (const engine of settings.engines) figures.push(await measure(engine));
    if (figures.length === 2) printRatios(figures[0]!, figures[1]!, settings.cameras);
  } finally {
    await Promise.all(allRuns.flat().map((cameraRun) => cameraRun.recorder.stop().catch(() => undefined)));
    for (const close of closers) await close().catch(() => undefined);
    await simulator?.stop();
    for (const database of databases) await database.drop().catch(() => undefined);
    for (const root of volumes) rmSync(root, { recursive: true, force: true });
    interruption.dispose();
  }
}
