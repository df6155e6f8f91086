// `./vigie bench live [--viewers 100] [--cameras 16] [--seconds 20] [--stream main|sub|auto]
// [--main 1280x720@12] [--sub 640x360@12] [--kbps 2000] [--sub-kbps 500] [--gop 2]`: live viewing
// end to end on loopback. Three processes:
//   - this one is the server: a temporary SQLite Vigie (inventory, authorisation), the recorder
//     role (one ffmpeg per camera) and the app listening on 127.0.0.1, signed in as an operator;
//   - the cameras (bench/live-cameras.ts): the simulator, apart, so its CPU is not the server's;
//   - the viewers (bench/live-viewers.ts): N WebSocket viewers spread over the cameras, apart too.
// Reported: first-picture time and camera -> viewer latency (p50/p99, how it is measured is
// printed below the table), the server's CPU and memory (this Node process and its ffmpeg
// children, from /proc), and the camera connections before and while the viewers watch, as
// the simulator counts its RTSP sessions. Everything is stopped and removed at the end.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRecordingRole } from '../server/src/main.ts';
import { silentLog } from '../server/src/platform/processes.ts';
import type { RecordingRole } from '../server/src/modules/recording/index.ts';
import { createTestContext, testCli, type TestContext } from '../server/src/testing/context.ts';
import { signIn } from '../server/src/testing/http.ts';
import { startNodeScript, type NodeChild } from '../simulator/src/processes.ts';
import type { BenchCamera } from './live-cameras.ts';
import { cpuPercent, cpuSample, machineCpuSample, memorySample, type CpuSample } from './lib/proc-stats.ts';
import { printTable } from './lib/table.ts';
import type { ViewerResult, ViewersOptions } from './live-viewers.ts';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const COMMUNE = '38999';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function settingsFrom(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      viewers: { type: 'string', default: '100' },
      cameras: { type: 'string', default: '16' },
      seconds: { type: 'string', default: '20' },
      stream: { type: 'string', default: 'main' },
      main: { type: 'string', default: '1280x720@12' },
      sub: { type: 'string', default: '640x360@12' },
      kbps: { type: 'string', default: '2000' },
      'sub-kbps': { type: 'string', default: '500' },
      gop: { type: 'string', default: '2' },
      'loop-seconds': { type: 'string', default: '10' },
      warmup: { type: 'string', default: '4' },
      'cache-dir': { type: 'string' },
    },
  });
  const profile = (text: string, name: string) => {
    const match = /^(\d+)x(\d+)@(\d+)$/.exec(text);
    if (!match) throw new Error(`--${name} must be WxH@FPS`);
    return { width: Number(match[1]), height: Number(match[2]), fps: Number(match[3]) };
  };
  const settings = {
    viewers: Number(values.viewers),
    cameras: Number(values.cameras),
    seconds: Number(values.seconds),
    warmupSeconds: Number(values.warmup),
    stream: values.stream as 'main' | 'sub' | 'auto',
    loopSeconds: Number(values['loop-seconds']),
    gopSeconds: Number(values.gop),
    main: { ...profile(values.main, 'main'), bitrateKbps: Number(values.kbps) },
    sub: { ...profile(values.sub, 'sub'), bitrateKbps: Number(values['sub-kbps']) },
    cacheDir: values['cache-dir'] ?? join(process.env.VIGIE_DATA_DIR ?? join(root, 'data'), 'sim-cache'),
  };
  if (!(settings.viewers >= 1 && settings.viewers <= 1000)) throw new Error('--viewers 1-1000');
  if (!(settings.cameras >= 1 && settings.cameras <= 200)) throw new Error('--cameras 1-200');
  if (!(settings.seconds >= 5 && settings.seconds <= 600)) throw new Error('--seconds 5-600');
  if (!['main', 'sub', 'auto'].includes(settings.stream)) throw new Error('--stream main|sub|auto');
  return settings;
}

/** Runs a child script until it prints a JSON line of the type wanted; lines of other types go to `onMessage`. */
function startChild(script: string, argument: unknown, label: string, onMessage: (message: Record<string, unknown>) => void): NodeChild {
  return startNodeScript(join(root, script), [JSON.stringify(argument)], (line, stream) => {
    if (stream === 'stderr') {
      if (line.trim()) process.stderr.write(`  [${label}] ${line}\n`);
      return;
    }
    if (line.startsWith('{')) onMessage(JSON.parse(line) as Record<string, unknown>);
  });
}

async function until<T>(what: string, value: () => T | undefined, timeoutMs: number, child?: NodeChild): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child?.exited.then(() => {
    exited = true;
  });
  for (;;) {
    const found = value();
    if (found !== undefined) return found;
    if (exited) throw new Error(`the child process exited before ${what}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

async function simulatorSessions(controlUrl: string): Promise<{ main: number; sub: number }> {
  const cameras = (await (await fetch(`${controlUrl}/cameras`)).json()) as Array<{ viewers: { main: number; sub: number } }>;
  return cameras.reduce((total, camera) => ({ main: total.main + camera.viewers.main, sub: total.sub + camera.viewers.sub }), { main: 0, sub: 0 });
}

const percentile = (sorted: number[], fraction: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
const sum = (list: number[]) => list.reduce((total, value) => total + value, 0);
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const judged = (figure: string, target: string, pass: boolean) => `${figure.padEnd(46)} target ${target.padEnd(24)} ${pass ? 'PASS' : 'FAIL'}`;

function cpuOf(pids: number[]): Map<number, CpuSample> {
  const samples = new Map<number, CpuSample>();
  for (const pid of pids) {
    try {
      samples.set(pid, cpuSample(pid));
    } catch {
      // gone
    }
  }
  return samples;
}

export async function run(args: string[]): Promise<void> {
  const settings = settingsFrom(args);
  let camerasChild: NodeChild | undefined;
  let viewersChild: NodeChild | undefined;
  let context: TestContext | undefined;
  let role: RecordingRole | undefined;
  try {
    console.log(
      `vigie bench live: ${settings.viewers} viewers (${settings.stream}) on ${settings.cameras} cameras, main ${settings.main.width}x${settings.main.height}@${settings.main.fps} ` +
        `${settings.main.bitrateKbps} kbit/s, sub ${settings.sub.width}x${settings.sub.height}@${settings.sub.fps}, GOP ${settings.gopSeconds} s, ${settings.seconds} s measured on ${availableParallelism()} cores`,
    );
    let ready: { controlUrl: string; cameras: BenchCamera[] } | undefined;
    camerasChild = startChild(
      'bench/live-cameras.ts',
      {
        count: settings.cameras,
        loopSeconds: settings.loopSeconds,
        cacheDir: settings.cacheDir,
        main: { ...settings.main, gopSeconds: settings.gopSeconds },
        sub: { ...settings.sub, gopSeconds: settings.gopSeconds },
      },
      'cameras',
      (message) => {
        if (message.type === 'ready') ready = message as unknown as typeof ready;
      },
    );
    const simulated = await until('the simulated cameras', () => ready, 30 * 60_000, camerasChild);

    context = await createTestContext('sqlite', { clockStart: new Date().toISOString() });
    const { services } = context;
    await services.communes.create({ insee: COMMUNE, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
    const site = await services.sites.create({ communeInsee: COMMUNE, name: 'Centre', kind: 'street' }, testCli);
    const byCamera = new Map<string, string>();
    for (const camera of simulated.cameras) {
      const created = await services.cameras.create(
        {
          siteId: site.id,
          name: camera.name,
          kind: 'fixed',
          fieldClass: 'wide',
          mainStreamUrl: camera.rtspUrls.main,
          subStreamUrl: camera.rtspUrls.sub,
          credentials: camera.credentials,
          purposes: ['people_property_safety'],
        },
        testCli,
      );
      byCamera.set(camera.id, created.id);
    }
    await services.authorisations.create(
      {
        reference: 'AP-BENCH',
        communeInsee: COMMUNE,
        startOn: '2026-01-01',
        endOn: '2030-12-31',
        perimeter: 'Centre',
        purposes: ['people_property_safety'],
        minRetentionDays: 1,
        maxRetentionDays: 30,
        cameraIds: [...byCamera.values()],
      },
      testCli,
    );
    role = createRecordingRole({ database: context.database.handle, clock: context.clock, services }, { ...context.config, segmentSeconds: 60 }, silentLog, {
      segmentSeconds: 60,
      reconcileIntervalMs: 3_600_000,
    });
    await role.start();
    const cameraIds = [...byCamera.values()];
    await until('every camera recording', () => (cameraIds.every((id) => role!.recorderState(id) === 'recording') ? true : undefined), 120_000);
    const baseUrl = await context.app.listen({ host: '127.0.0.1', port: 0 });
    const operator = await signIn(context, 'operator', [COMMUNE]);
    await sleep(1000);
    const sessionsBefore = await simulatorSessions(simulated.controlUrl);

    // ----- viewers
    const viewers: ViewersOptions['viewers'] = Array.from({ length: settings.viewers }, (_, index) => {
      const camera = simulated.cameras[index % simulated.cameras.length]!;
      return { cameraId: byCamera.get(camera.id)!, simulatorId: camera.id, stream: settings.stream };
    });
    let windowStarted = false;
    let windowEnded = false;
    let result: ViewerResult[] | undefined;
    viewersChild = startChild(
      'bench/live-viewers.ts',
      {
        baseUrl,
        cookie: operator.cookie,
        viewers,
        cameras: simulated.cameras,
        loopSeconds: settings.loopSeconds,
        warmupSeconds: settings.warmupSeconds,
        seconds: settings.seconds,
      } satisfies ViewersOptions,
      'viewers',
      (message) => {
        if (message.type === 'window-start') windowStarted = true;
        if (message.type === 'window-end') windowEnded = true;
        if (message.type === 'result') result = message.viewers as ViewerResult[];
      },
    );
    await until('the measured window', () => (windowStarted ? true : undefined), 120_000, viewersChild);
    const serverPids = () => [
      process.pid,
      ...cameraIds.map((id) => role!.fleet.pidOf(id)).filter((pid): pid is number => pid !== undefined),
      ...services.live.sourcePids(),
    ];
    const pidsAtStart = serverPids();
    const cpuStart = cpuOf(pidsAtStart);
    const machineStart = machineCpuSample();
    const memory: Array<{ nodeRss: number; ffmpegRss: number; ffmpegPss: number }> = [];
    let sessionsDuring = { main: 0, sub: 0 };
    let statusDuring: { totals: { cameraConnections: number; viewers: number; sources: number } } | undefined;
    while (!windowEnded) {
      await sleep(Math.min(2000, (settings.seconds * 1000) / 4));
      if (windowEnded) break;
      const ffmpeg = serverPids()
        .slice(1)
        .map((pid) => {
          try {
            return memorySample(pid);
          } catch {
            return { rssMiB: 0, pssMiB: 0 };
          }
        });
      memory.push({
        nodeRss: memorySample(process.pid).rssMiB,
        ffmpegRss: sum(ffmpeg.map((sample) => sample.rssMiB)),
        ffmpegPss: sum(ffmpeg.map((sample) => sample.pssMiB ?? 0)),
      });
      if (!statusDuring) {
        sessionsDuring = await simulatorSessions(simulated.controlUrl);
        statusDuring = (await operator.request({ method: 'GET', url: '/api/live/status' })).json();
      }
    }
    const cpuEnd = cpuOf(pidsAtStart);
    const machineEnd = machineCpuSample();
    const pidsAtEnd = serverPids();
    const viewed = await until("the viewers' results", () => result, 60_000, viewersChild);

    // ----- figures
    const cpuFor = (pids: number[]) => sum(pids.map((pid) => (cpuStart.has(pid) && cpuEnd.has(pid) ? cpuPercent(cpuStart.get(pid)!, cpuEnd.get(pid)!) : 0)));
    const recorderPids = new Set(cameraIds.map((id) => role!.fleet.pidOf(id)));
    const nodeCpu = cpuFor([process.pid]);
    const recorderCpu = cpuFor(pidsAtStart.filter((pid) => recorderPids.has(pid)));
    const liveCpu = cpuFor(pidsAtStart.filter((pid) => pid !== process.pid && !recorderPids.has(pid)));
    const restarted = pidsAtStart.filter((pid) => !pidsAtEnd.includes(pid)).length;
    const sorted = (phase: 'start' | 'join', pick: (viewer: ViewerResult) => number | null) =>
      viewed
        .filter((viewer) => viewer.phase === phase)
        .map(pick)
        .filter((value): value is number => value !== null)
        .sort((a, b) => a - b);
    const firstPictures = viewed.map((viewer) => viewer.firstPictureMs).filter((value): value is number => value !== null);
    const joining = sorted('join', (viewer) => viewer.firstPictureMs);
    const starting = sorted('start', (viewer) => viewer.firstPictureMs);
    const joiningInit = sorted('join', (viewer) => viewer.initMs);
    const p = (list: number[]) => `${fixed(percentile(list, 0.5))} / ${fixed(percentile(list, 0.99))} / ${fixed(list.at(-1) ?? Number.NaN)} ms`;
    const latencies = viewed.flatMap((viewer) => viewer.latenciesMs).sort((a, b) => a - b);
    const fragments = sum(viewed.map((viewer) => viewer.fragments));
    const recognised = sum(viewed.map((viewer) => viewer.recognised));
    const errors = viewed.filter((viewer) => viewer.error !== null);
    const bytes = sum(viewed.map((viewer) => viewer.bytes));
    const average = (list: number[]) => sum(list) / Math.max(1, list.length);
    const connectionsBefore = sessionsBefore.main + sessionsBefore.sub;
    const connectionsDuring = sessionsDuring.main + sessionsDuring.sub;
    const liveSources = statusDuring?.totals.sources ?? 0;
    const expectedConnections = settings.cameras + (settings.stream === 'main' ? 0 : settings.cameras);
    const rows: Array<[string, string]> = [
      [
        'viewers playing / asked',
        judged(
          `${firstPictures.length} / ${settings.viewers}${errors.length ? ` (${errors.length} errors: ${[...new Set(errors.map((viewer) => viewer.error))].join(', ')})` : ''}`,
          `${settings.viewers} / ${settings.viewers}`,
          firstPictures.length === settings.viewers,
        ),
      ],
      [
        `first picture, joining a running source (${joining.length}) p50/p99/max`,
        judged(p(joining), 'p99 < 1000 ms', joining.length === 0 || percentile(joining, 0.99) < 1000),
      ],
      ['  of which: connect -> init message p50 / p99 / max', p(joiningInit)],
      [`first picture, starting the source (${starting.length}) p50/p99/max`, judged(p(starting), 'p99 < 1000 ms', percentile(starting, 0.99) < 1000)],
      [
        'latency camera -> viewer p50 / p99 / max',
        judged(
          `${fixed(percentile(latencies, 0.5))} / ${fixed(percentile(latencies, 0.99))} / ${fixed(latencies.at(-1) ?? Number.NaN)} ms`,
          'p99 < 1000 ms',
          latencies.length > 0 && percentile(latencies, 0.99) < 1000,
        ),
      ],
      ['  pictures recognised / received in the window', `${recognised.toLocaleString('en-US')} / ${fragments.toLocaleString('en-US')}`],
      [
        'camera connections before viewers / while watched',
        judged(
          `${connectionsBefore} / ${connectionsDuring} (RTSP sessions at the simulator: main ${sessionsDuring.main}, sub ${sessionsDuring.sub})`,
          `${settings.cameras} / ${expectedConnections}`,
          connectionsBefore === settings.cameras && connectionsDuring === expectedConnections,
        ),
      ],
      [
        "  server's count: connections / live sources / viewers",
        `${statusDuring?.totals.cameraConnections ?? 'n/a'} / ${liveSources} / ${statusDuring?.totals.viewers ?? 'n/a'}`,
      ],
      [
        'server CPU: Node + recorder ffmpeg + live ffmpeg',
        `${fixed(nodeCpu + recorderCpu + liveCpu)} % of one core${restarted ? ` (${restarted} processes restarted in the window, not counted)` : ''}`,
      ],
      ['  Node (API, WebSocket fan-out, fMP4 parsing)', `${fixed(nodeCpu)} %`],
      [`  recorder ffmpeg x ${recorderPids.size} (record + live TS)`, `${fixed(recorderCpu)} %`],
      [`  live ffmpeg x ${pidsAtStart.length - 1 - recorderPids.size} (remux, sub-stream pulls)`, `${fixed(liveCpu)} %`],
      [`machine busy, every process (${availableParallelism()} cores)`, `${fixed(cpuPercent(machineStart, machineEnd))} % of one core`],
      [
        'server memory RSS: Node / ffmpeg sum (PSS)',
        `${fixed(average(memory.map((sample) => sample.nodeRss)))} MiB / ${fixed(average(memory.map((sample) => sample.ffmpegRss)))} MiB (${fixed(average(memory.map((sample) => sample.ffmpegPss)))} MiB)`,
      ],
      [
        'delivered to viewers',
        `${fixed((bytes * 8) / settings.seconds / 1e6, 1)} Mbit/s (${fixed(bytes / settings.seconds / settings.viewers / 1024, 1)} KiB/s per viewer)`,
      ],
    ];
    printTable(rows, `vigie bench live: ${settings.viewers} viewers (${settings.stream}) on ${settings.cameras} cameras`);
    console.log(
      [
        '',
        'How to read it:',
        "  - First picture: from the viewer's `new WebSocket()` to the first fragment starting on a keyframe (init JSON and init segment come",
        "    just before). The first viewer of every camera connects first, all at once, and starts the camera's live source (an ffmpeg);",
        '    once they play, all the other viewers connect at once and join running sources (their first picture is the cached GOP).',
        '  - Latency: the simulator plays picture i of a loop of F pictures when the wall clock modulo the loop length is i/fps, on a grid',
        "    aligned to the Unix epoch. The viewers' process recognises each received picture by the SHA-1 of its VCL NAL units (the bytes",
        '    the camera sent: the live path copies them) and takes as its departure the latest grid time of index i before its arrival;',
        "    latency = arrival (in the viewers' process, after the WebSocket message is read) minus departure. It includes the camera's",
        "    timer, the recorder's RTSP depacketising, the MPEG-TS pipe, the fMP4 remux and the WebSocket; not a browser's decoding.",
        '  - CPU: percent of one core over the window, from /proc/<pid>/stat, for this process (the server) and the ffmpeg it started.',
        '    The simulator and the viewers run in their own processes and are not counted (see "machine busy" for everything).',
        '  - Camera connections: RTSP sessions counted by the simulator itself. The recorder holds one per camera; a sub-stream source',
        '    one more per camera viewed on its sub-stream, whatever its number of viewers.',
      ].join('\n'),
    );
  } finally {
    await viewersChild?.stop();
    await context?.services.live.stop().catch(() => undefined);
    await role?.stop().catch(() => undefined);
    await context?.close().catch(() => undefined);
    await camerasChild?.stop();
  }
}
