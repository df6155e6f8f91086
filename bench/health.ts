// `./vigie bench health`: CPU of the camera picture checks (docs/health.md) per camera at one
// picture every 10 s. The checks' own work only: N cameras' cached GOPs (H.264 in MPEG-TS, one
// keyframe then the pictures of a GOP, as the live hub keeps them) are given to the real check
// runner, which decodes each keyframe small and grey with one ffmpeg per batch and measures it
// against a learnt reference. Recording (which receives the stream anyway) is not counted.
// CPU is read from /proc: this process (measures, hashing) and its reaped children (ffmpeg).
// Options: --cameras N (32) --rounds R (5) --width W --height H (1280x720, the simulator's
// main stream) --batch B (16) --interval-seconds S (10, for the per-camera figure).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CheckRunnerDeps, ffmpegFrameDecoder, PictureCheckRunner } from '../server/src/modules/camera-health/index.ts';
import { runToCompletion } from '../server/src/platform/process-runs.ts';
import { FFMPEG_PATH } from '../server/src/platform/processes.ts';
import { printTable } from './lib/table.ts';

/** utime + stime of this process, and cutime + cstime of its waited-for children, in seconds. */
function cpu(): { self: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return { self: (fields[11]! + fields[12]!) / 100, children: (fields[13]! + fields[14]!) / 100 };
}

async function encodeGop(width: number, height: number, offsetSeconds: number): Promise<Buffer> {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${width}x${height}:r=12`,
    '-ss',
    String(offsetSeconds),
    '-t',
    '2',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-g',
    '24',
    '-bf',
    '0',
    '-b:v',
    '2000k',
    '-f',
    'mpegts',
    '-',
  ];
  const result = await runToCompletion(FFMPEG_PATH, args, { timeoutMs: 60_000, maxOutputBytes: 32 * 1024 * 1024 });
  if (result.code !== 0) throw new Error(`could not encode the bench GOP: ${result.stderr}`);
  return result.stdout;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cameras: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '5' },
      width: { type: 'string', default: '1280' },
      height: { type: 'string', default: '720' },
      batch: { type: 'string', default: '16' },
      'interval-seconds': { type: 'string', default: '10' },
    },
  });
  const cameras = Number(values.cameras);
  const rounds = Number(values.rounds);
  const width = Number(values.width);
  const height = Number(values.height);
  const interval = Number(values['interval-seconds']);
  // Two GOPs alternated, so each round sees a new one (a repeated GOP is skipped as a stall).
  const gops = [await encodeGop(width, height, 0), await encodeGop(width, height, 3)];
  const cameraIds = Array.from({ length: cameras }, (_, index) => `bench-${index}`);
  let round = 0;
  const recorder = {
    live: { snapshot: async () => gops[round % 2]!, formatOf: () => 'mpegts' as const },
    fleet: { cameraIds },
  };
  const references = new Map<
    string,
    { camera_id: string; preset_token: string; captured_at: string; width: number; height: number; gray: string; jpeg: null; learnt: string | null }
  >();
  // The repository's reads and writes the runner makes, in memory (the database is not what is measured).
  const repository = {
    settings: async () => [],
    states: async () => [],
    referenceStamps: async () => [...references.values()].map(({ camera_id, preset_token, captured_at }) => ({ camera_id, preset_token, captured_at })),
    reference: async (cameraId: string) => references.get(cameraId),
    saveLearnt: async () => undefined,
    recordTransition: async () => undefined,
  } as unknown as CheckRunnerDeps['repository'];
  const decode = ffmpegFrameDecoder({ niceness: 0 });
  const first = await decode(cameraIds.map((cameraId) => ({ cameraId, gop: gops[1]!, format: 'mpegts' as const })));
  for (const [cameraId, frame] of first) {
    const learnt = JSON.stringify({ checks: 99, minCorrelation: 0.9, minSharpnessRatio: 0.9, maxLostFraction: 0.1 });
    references.set(cameraId, {
      camera_id: cameraId,
      preset_token: '',
      captured_at: 'bench',
      width: frame.width,
      height: frame.height,
      gray: Buffer.from(frame.data).toString('base64'),
      jpeg: null,
      learnt,
    });
  }
  let raised = 0;
  const runner = new PictureCheckRunner({
    repository,
    clock: { now: () => new Date() },
    recorder: () => recorder,
    presetOf: () => null,
    communeOf: async () => ({ communeInsee: '00000', name: 'bench' }),
    decode,
    still: async () => null,
    raise: async () => void raised++,
    batchSize: Number(values.batch),
  });
  await runner.run(); // warm-up: references read, first pictures
  round++;
  const start = cpu();
  const startedAt = performance.now();
  let checked = 0;
  for (; round <= rounds; round++) checked += (await runner.run()).checked;
  const end = cpu();
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const selfMs = ((end.self - start.self) * 1000) / checked;
  const childrenMs = ((end.children - start.children) * 1000) / checked;
  const perCheckMs = selfMs + childrenMs;
  const corePercent = (perCheckMs / 1000 / interval) * 100;
  printTable(
    [
      ['cameras x rounds', `${cameras} x ${rounds} (${checked} checks, batches of ${values.batch})`],
      ['picture', `${width}x${height} H.264, GOP 2 s at 12 fps, keyframe decoded to 320x180 grey`],
      ['wall time per round', `${((wallSeconds / rounds) * 1000).toFixed(0)} ms`],
      ['CPU per check: ffmpeg (decode)', `${childrenMs.toFixed(2)} ms`],
      ['CPU per check: node (measures)', `${selfMs.toFixed(2)} ms`],
      [`CPU per camera at 1 picture / ${interval} s`, `${corePercent.toFixed(4)} % of a core (target 0.02 %)`],
      ['1,000 cameras', `${(corePercent * 10).toFixed(2)} cores`],
      ['faults raised (should be 0)', String(raised)],
    ],
    'camera picture checks (/proc CPU: 10 ms ticks; machine shared, figures indicative)',
  );
}
