// `./vigie bench export [--seconds 3600] [--recording-cameras 20] [--dialect sqlite]
// [--main 1280x720@12] [--kbps 2000] [--gop 2] [--segment-seconds 10] [--pool 6]`: evidence
// packages built by the real builder (issue 13 "Proof"), against a plain copy of the same bytes:
//   - seeds S seconds of footage for 4 cameras at the given bitrate (ffmpeg encodes a pool of
//     distinct segments once; each archive segment is a copy of one, indexed by the real
//     SegmentIndexer into the archive layout of a temporary, migrated database);
//   - while 20 simulated cameras keep recording through the native engine into the same database,
//     builds a package of S seconds of one camera, then of the 4 cameras (stream copy, probe,
//     hashes, journal, player, PDF report, signed manifest, stored ZIP), and times fs.copyFile of
//     the same segment files in the same run;
//   - prints bytes, seconds, MB/s and the ratio to the plain copy (target <= 1.3x), and the
//     recording cameras' frames lost (target 0).
// Everything runs on loopback and in temporary folders, removed at the end, on failure and on Ctrl-C.
import { generateKeyPairSync, sign } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NodeChild } from '../simulator/src/processes.ts';
import { systemClock } from '../server/src/platform/clock.ts';
import type { RecordingSchema } from '../server/src/platform/db/schema.ts';
import { tablesOf } from '../server/src/platform/db/tables.ts';
import { silentLog } from '../server/src/platform/processes.ts';
import { NativeRecorder, RecordingRepository, SegmentIndexer, type IndexedSegment } from '../server/src/modules/recording/index.ts';
import { PackageBuilder, renderExtractionReport, renderPlayerHtml } from '../server/src/modules/exports/index.ts';
import { createTestDatabase, type TestDatabase } from '../server/src/testing/databases.ts';
import { createFootagePool, type FootagePool } from '../server/src/testing/seed-footage.ts';
import { fixed, sum, thousands } from './lib/record-figures.ts';
import { Interruption, settingsFrom, startCameras, waitUntil } from './lib/record-setup.ts';
import { printColumns, printTable } from './lib/table.ts';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const COMMUNE = '21038';
const SEEDED = ['export-cam-1', 'export-cam-2', 'export-cam-3', 'export-cam-4'];
const MB = 1_000_000;

function optionsFrom(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '3600' },
      'recording-cameras': { type: 'string', default: '20' },
      dialect: { type: 'string', default: 'sqlite' },
      main: { type: 'string', default: '1280x720@12' },
      kbps: { type: 'string', default: '2000' },
      gop: { type: 'string', default: '2' },
      'segment-seconds': { type: 'string', default: '10' },
      pool: { type: 'string', default: '6' },
      'min-window': { type: 'string', default: '30' },
    },
  });
  const main = /^(\d+)x(\d+)@(\d+)$/.exec(values.main);
  if (!main) throw new Error('--main must be WxH@FPS');
  const options = {
    seconds: Number(values.seconds),
    recordingCameras: Number(values['recording-cameras']),
    dialect: values.dialect === 'postgres' ? ('postgres' as const) : ('sqlite' as const),
    shape: {
      width: Number(main[1]),
      height: Number(main[2]),
      fps: Number(main[3]),
      kbps: Number(values.kbps),
      gopSeconds: Number(values.gop),
      segmentSeconds: Number(values['segment-seconds']),
    },
    pool: Number(values.pool),
    minWindowSeconds: Number(values['min-window']),
  };
  if (!(options.seconds >= 20 && options.seconds <= 4 * 3600)) throw new Error('--seconds 20-14400');
  if (!(options.recordingCameras >= 0 && options.recordingCameras <= 200)) throw new Error('--recording-cameras 0-200');
  if (!(options.pool >= 1 && options.pool <= 360)) throw new Error('--pool 1-360');
  if (values.dialect !== 'sqlite' && values.dialect !== 'postgres') throw new Error('--dialect sqlite|postgres');
  return options;
}

/** An Ed25519 key of this run only, as the builder's signer. */
function benchSigner() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKeyRaw: publicKey.export({ type: 'spki', format: 'der' }).subarray(-32), signBytes: (data: Buffer) => sign(null, data, privateKey) };
}

export async function run(args: string[]): Promise<void> {
  const options = optionsFrom(args);
  const { shape } = options;
  const interruption = new Interruption();
  const work = await mkdtemp(join(tmpdir(), 'vigie-bench-export-'));
  const seededVolume = { name: 'seeded', root: join(work, 'seeded') };
  const recordedVolume = { name: 'recorded', root: join(work, 'recorded') };
  let database: TestDatabase | undefined;
  let pool: FootagePool | undefined;
  let simulator: NodeChild | undefined;
  const recorders: NativeRecorder[] = [];
  try {
    console.log(
      `vigie bench export: ${SEEDED.length} cameras x ${options.seconds} s seeded at ${shape.width}x${shape.height} ${shape.fps} fps ${shape.kbps} kbit/s, ` +
        `${shape.segmentSeconds}-s segments, ${options.dialect}; ${options.recordingCameras} cameras recording meanwhile (native engine)`,
    );
    await mkdir(seededVolume.root, { recursive: true });
    await mkdir(recordedVolume.root, { recursive: true });
    database = await createTestDatabase(options.dialect);
    const repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), options.dialect);
    const indexer = new SegmentIndexer(repository, systemClock, { log: silentLog });

    // ----- seed
    let started = Date.now();
    pool = await createFootagePool(shape, options.pool, work);
    const poolSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    const rangeStart = Math.floor((Date.now() - options.seconds * 1000 - 3_600_000) / 1000) * 1000;
    const seeded = new Map<string, IndexedSegment[]>();
    for (const cameraId of SEEDED) {
      interruption.check();
      seeded.set(cameraId, await pool.seed(indexer, seededVolume, { cameraId, communeInsee: COMMUNE, startMs: rangeStart, seconds: options.seconds }));
    }
    const rangeEnd = Math.min(...[...seeded.values()].map((segments) => segments.at(-1)!.endMs));
    process.stderr.write(
      `  seeded ${thousands(sum([...seeded.values()].map((segments) => segments.length)))} segments in ${fixed((Date.now() - started) / 1000)} s (pool of ${pool.files.length} encoded in ${fixed(poolSeconds)} s)\n`,
    );

    // ----- recording cameras, warmed up
    const settings = settingsFrom(['--cameras', String(Math.max(1, options.recordingCameras)), '--engine', 'native']);
    const segmentsOf = new Map<string, IndexedSegment[]>();
    if (options.recordingCameras > 0) {
      const cameras = await startCameras(settings, interruption);
      simulator = cameras.child;
      for (const camera of cameras.cameras) {
        const recorder = new NativeRecorder({
          camera: { id: camera.id, communeInsee: COMMUNE, rtspUrl: camera.url, credentials: { username: camera.username, password: camera.password } },
          volume: recordedVolume,
          indexer,
          segmentSeconds: settings.segmentSeconds,
          log: silentLog,
        });
        segmentsOf.set(camera.id, []);
        recorder.events.on('segment', (segment) => segmentsOf.get(camera.id)!.push(segment));
        recorders.push(recorder);
      }
      await Promise.all(recorders.map((recorder) => recorder.start()));
      await waitUntil(
        'every recording camera to index a first segment',
        () => [...segmentsOf.values()].every((list) => list.length > 0),
        settings.warmupTimeoutSeconds * 1000,
        interruption,
      );
    }

    // ----- builds and plain copies, while recording
    const windowStartMs = Date.now();
    const builder = new PackageBuilder({
      footage: repository,
      volumes: async () => [seededVolume],
      masks: { plans: async () => new Map(), imagePath: async () => Promise.reject(new Error('no mask in this bench')) },
      cameras: {
        facts: async (cameraId) => ({
          name: `Caméra ${cameraId}`,
          number: null,
          communeInsee: COMMUNE,
          communeName: 'Dijon',
          siteName: 'Banc d’essai',
          address: null,
          latitude: null,
          longitude: null,
          clockOffsetMs: null,
        }),
      },
      signer: benchSigner(),
      renderPlayer: renderPlayerHtml,
      renderReport: renderExtractionReport,
      installation: { name: 'Vigie bench', version: 'bench' },
      log: silentLog,
    });
    const scenarios = [
      { label: `1 camera, ${fixed(options.seconds / 60, 0)} min`, cameras: SEEDED.slice(0, 1) },
      { label: `4 cameras, ${fixed(options.seconds / 60, 0)} min each`, cameras: SEEDED },
    ];
    const figures: Array<{ label: string; copyBytes: number; copySeconds: number; zipBytes: number; buildSeconds: number; frames: number }> = [];
    for (const [position, scenario] of scenarios.entries()) {
      interruption.check();
      const files = scenario.cameras.flatMap((cameraId) => seeded.get(cameraId)!.map((segment) => join(seededVolume.root, segment.path)));
      const copyFolder = join(work, `copy-${position}`);
      await mkdir(copyFolder);
      const copyStarted = process.hrtime.bigint();
      for (const [index, file] of files.entries()) await copyFile(file, join(copyFolder, `${index}.mp4`));
      const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
      const copyBytes = sum(await Promise.all(files.map(async (file) => (await stat(file)).size)));
      await rm(copyFolder, { recursive: true, force: true });
      const packages = join(work, `packages-${position}`);
      await mkdir(packages);
      const buildStarted = process.hrtime.bigint();
      const built = await builder.build(
        packages,
        {
          packageId: `bench-${position + 1}`,
          createdAt: new Date(),
          exporter: { userId: 'bench', name: 'Banc d’essai', role: 'operator', service: null },
          requisition: {
            id: 'bench',
            procedureNumber: 'BENCH-2026-0001',
            legalFramework: 'preliminary_inquiry',
            officerName: 'Banc d’essai',
            officerRank: 'OPJ',
            officerUnit: 'Commissariat',
            communeInsee: COMMUNE,
            requisitionDate: new Date().toISOString(),
            requisitionDateParis: new Date().toISOString(),
            channel: 'email',
          },
          items: scenario.cameras.map((cameraId) => ({ cameraId, fromMs: rangeStart, toMs: rangeEnd })),
        },
        async () => undefined,
      );
      const buildSeconds = Number(process.hrtime.bigint() - buildStarted) / 1e9;
      const frames = sum(built.journal.items.map((item) => item.frames));
      const expectedFrames = sum(scenario.cameras.map((cameraId) => sum(seeded.get(cameraId)!.map((segment) => segment.frameCount))));
      if (frames !== expectedFrames) throw new Error(`${scenario.label}: ${frames} frames exported, ${expectedFrames} in the archive`);
      if (built.journal.items.some((item) => item.reencoded)) throw new Error(`${scenario.label}: re-encoded`);
      figures.push({ label: scenario.label, copyBytes, copySeconds, zipBytes: built.bytes, buildSeconds, frames });
      await rm(packages, { recursive: true, force: true });
    }
    // A short build leaves too few recorded segments to count: recording goes on to the minimum window.
    while (Date.now() < windowStartMs + options.minWindowSeconds * 1000) {
      interruption.check();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const windowEndMs = Date.now();

    // ----- the recording cameras' frames
    let lost = { framesShort: 0, framesExpected: 0, framesRecorded: 0, wholeSegments: 0, gaps: 0, gapSeconds: 0, cameras: 0 };
    if (recorders.length > 0) {
      await waitUntil(
        'the segments straddling the window end',
        () => [...segmentsOf.values()].every((list) => list.some((segment) => segment.endMs >= windowEndMs)),
        (settings.segmentSeconds * 2 + 30) * 1000,
        interruption,
      );
      await Promise.all(recorders.map((recorder) => recorder.stop()));
      for (const cameraId of segmentsOf.keys()) {
        const rows: IndexedSegment[] = [];
        for await (const row of repository.iterateCamera(cameraId)) rows.push(row);
        const whole = rows.filter((row) => row.startMs >= windowStartMs && row.endMs <= windowEndMs);
        const expected = whole.map((row) => Math.round((row.durationMs * settings.fps) / 1000));
        const gaps = await repository.gapsOverlapping(cameraId, windowStartMs, windowEndMs);
        lost = {
          framesShort: lost.framesShort + sum(whole.map((row, index) => Math.max(0, expected[index]! - row.frameCount))),
          framesExpected: lost.framesExpected + sum(expected),
          framesRecorded: lost.framesRecorded + sum(whole.map((row) => row.frameCount)),
          wholeSegments: lost.wholeSegments + whole.length,
          gaps: lost.gaps + gaps.length,
          gapSeconds: lost.gapSeconds + sum(gaps.map((gap) => (gap.endMs - gap.startMs) / 1000)),
          cameras: lost.cameras + 1,
        };
      }
    }

    // ----- figures
    const rate = (bytes: number, seconds: number) => fixed(bytes / MB / seconds, 1);
    const rows: string[][] = [];
    for (const entry of figures) {
      const ratio = entry.buildSeconds / entry.copySeconds;
      rows.push([`${entry.label}: plain copy`, thousands(entry.copyBytes), fixed(entry.copySeconds, 2), rate(entry.copyBytes, entry.copySeconds), '1.00']);
      rows.push([
        `${entry.label}: evidence package`,
        thousands(entry.zipBytes),
        fixed(entry.buildSeconds, 2),
        rate(entry.copyBytes, entry.buildSeconds),
        `${fixed(ratio, 2)} ${ratio <= 1.3 ? 'ok' : 'OVER'} (<= 1.3)`,
      ]);
    }
    printColumns(
      ['', 'bytes', 'seconds', 'MB/s (footage)', 'ratio to copy'],
      rows,
      `vigie bench export: ${shape.width}x${shape.height} ${shape.fps} fps ${shape.kbps} kbit/s, ${shape.segmentSeconds}-s segments, ${options.dialect}, ${availableParallelism()} cores`,
    );
    printTable(
      [
        [
          `recording cameras (native engine) during the builds, ${fixed((windowEndMs - windowStartMs) / 1000)} s`,
          recorders.length === 0
            ? 'none (--recording-cameras 0)'
            : `${lost.framesShort === 0 && lost.gaps === 0 && lost.wholeSegments > 0 ? 'ok' : 'FAILED'} ${thousands(lost.framesShort)} frames lost (target 0)`,
        ],
        [
          '  frames recorded / expected, whole segments',
          `${thousands(lost.framesRecorded)} / ${thousands(lost.framesExpected)} in ${thousands(lost.wholeSegments)} segments`,
        ],
        ['  gaps indexed in the window', `${lost.gaps} (${fixed(lost.gapSeconds, 1)} s)`],
        ['frames exported = frames in the archive, no re-encode', figures.map((entry) => thousands(entry.frames)).join(' / ')],
      ],
      'while building',
    );
    console.log(
      '  MB/s counts the footage bytes (the segment files) over each time. The plain copy runs just before each build on the same\n' +
        '  files (both read from the page cache when the footage fits in memory). The build writes the MP4 (twice with +faststart)\n' +
        '  then the stored ZIP, probes and hashes both: two to three times the bytes a copy writes (docs/requisitions.md).',
    );
    const resultsDir = join(root, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, `export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      JSON.stringify({ options, figures, recording: lost, windowSeconds: (windowEndMs - windowStartMs) / 1000 }, null, 2),
    );
  } finally {
    await Promise.all(recorders.map((recorder) => recorder.stop().catch(() => undefined)));
    await simulator?.stop();
    await pool?.remove().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    interruption.dispose();
  }
}
