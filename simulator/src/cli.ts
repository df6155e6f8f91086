// `./vigie sim ...`: run a fleet of simulated cameras, write its inventory, steer its faults.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateFleet, readFleetFile, type AddressMode, type SimCameraConfig, type VideoProfile } from './config.ts';
import { alarmsCli } from './alarms/run.ts';
import { FAULT_KINDS, faultSchema, type Fault } from './faults.ts';
import { startSimulator } from './index.ts';
import { inventoryCsv } from './inventory.ts';
import { killAllStarted } from './processes.ts';

const USAGE = `Usage:
  ./vigie sim [--cameras N | --fleet fleet.json] [options]   run the cameras until Ctrl-C
  ./vigie sim inventory [--cameras N | --fleet fleet.json] --out cameras.csv [--commune 38999,38185]
  ./vigie sim list [--control URL]
  ./vigie sim fault <camera-id> <kind> [--fps N] [--width W --height H] [--seconds S] [--kbps K]
                    [--period S] [--percent P] [--depth N] [--seed N] [--rtcp consistent|stale]
                    [--mode refuse|drop (udp_blocked)]
                    [--at S] [--duration S] [--control URL]
  ./vigie sim clear <camera-id> [kind] [--control URL]
  ./vigie sim alarms [targets] [--rate N] [--count N | --seconds S] [--malformed RATIO]   (./vigie sim alarms --help)
  ./vigie sim event <camera-id> motion|tamper|input|video_loss|reboot [--tamper scene_change|too_dark|too_blurry]
                    [--input ID] [--end] [--seconds S (reboot: time off the network)] [--control URL]

Options of the run:
  --cameras N            generated fleet of N cameras (default 4)
  --fleet FILE           cameras described in a JSON file (see docs/simulator.md)
  --address-mode MODE    per-camera-ip (default: camera N on 127.0.1.N) or ephemeral-ports
  --rtsp-port P          RTSP port of each camera address (default 8554)
  --onvif-port P         ONVIF HTTP port of each camera address (default 8080)
  --control-port P       control API on 127.0.0.1 (default 8090)
  --loop-seconds S       length of the pre-encoded loops (default 60, or 10 above 24 cameras:
                         first-run encoding time and memory grow with it)
  --distinct-pictures N  cameras show N distinct pictures and share their loops (default: one
                         per camera with its name burnt in, or 24 above 24 cameras; 0 = per camera)
  --main WxH@FPS         main profile (default 1280x720@12), --main-kbps (default 2000)
  --sub WxH@FPS          sub profile (default 640x360@12), --sub-kbps (default 500)
  --gop S                seconds between keyframes (default 2)
  --codec h264|h265      (default h264)
  --live-ptz N           the first N PTZ cameras get a live picture that follows the head (default 2)
  --cache-dir DIR        encoded loops cache (default $VIGIE_DATA_DIR/sim-cache or data/sim-cache)
Fault kinds: ${FAULT_KINDS.join(', ')}`;

const options = {
  cameras: { type: 'string' },
  fleet: { type: 'string' },
  out: { type: 'string' },
  commune: { type: 'string' },
  'address-mode': { type: 'string' },
  'rtsp-port': { type: 'string' },
  'onvif-port': { type: 'string' },
  'control-port': { type: 'string' },
  'loop-seconds': { type: 'string' },
  'distinct-pictures': { type: 'string' },
  main: { type: 'string' },
  sub: { type: 'string' },
  'main-kbps': { type: 'string' },
  'sub-kbps': { type: 'string' },
  gop: { type: 'string' },
  codec: { type: 'string' },
  'cache-dir': { type: 'string' },
  control: { type: 'string' },
  fps: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  seconds: { type: 'string' },
  kbps: { type: 'string' },
  period: { type: 'string' },
  percent: { type: 'string' },
  depth: { type: 'string' },
  seed: { type: 'string' },
  rtcp: { type: 'string' },
  mode: { type: 'string' },
  at: { type: 'string' },
  'live-ptz': { type: 'string' },
  duration: { type: 'string' },
  tamper: { type: 'string' },
  input: { type: 'string' },
  end: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean' },
} as const;

/** Above this many cameras, loops default to 10 s: 60-second loops of 200 cameras take half an hour to encode on 2 cores. */
const LARGE_FLEET = 24;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function profileOption(text: string | undefined, kbps: string | undefined, gop: string | undefined): Partial<VideoProfile> {
  const profile: Partial<VideoProfile> = {};
  if (text) {
    const match = /^(\d+)x(\d+)(?:@(\d+(?:\.\d+)?))?$/.exec(text);
    if (!match) throw new Error(`profile "${text}" is not WxH@FPS`);
    profile.width = Number(match[1]);
    profile.height = Number(match[2]);
    if (match[3]) profile.fps = Number(match[3]);
  }
  if (kbps) profile.bitrateKbps = Number(kbps);
  if (gop) profile.gopSeconds = Number(gop);
  return profile;
}

function fleetFrom(values: Values): SimCameraConfig[] {
  if (values.fleet) return readFleetFile(values.fleet);
  const count = Number(values.cameras ?? 4);
  return generateFleet({
    count,
    distinctPictures: Number(values['distinct-pictures'] ?? (count > LARGE_FLEET ? LARGE_FLEET : 0)),
    addressMode: (values['address-mode'] ?? 'per-camera-ip') as AddressMode,
    rtspPort: Number(values['rtsp-port'] ?? 8554),
    onvifPort: Number(values['onvif-port'] ?? 8080),
    main: profileOption(values.main, values['main-kbps'], values.gop),
    sub: profileOption(values.sub, values['sub-kbps'], values.gop),
    codec: values.codec === 'h265' ? 'h265' : 'h264',
    livePtzCameras: Number(values['live-ptz'] ?? 2),
  });
}

async function run(values: Values): Promise<void> {
  const cameras = fleetFrom(values);
  const cacheDir = values['cache-dir'] ?? join(process.env.VIGIE_DATA_DIR ?? join(process.env.VIGIE_ROOT ?? process.cwd(), 'data'), 'sim-cache');
  const startedAt = Date.now();
  process.stderr.write(`vigie sim: preparing ${cameras.length} cameras (first run encodes their loops; cached in ${cacheDir})\n`);
  const sim = await startSimulator({
    cameras,
    cacheDir,
    loopSeconds: Number(values['loop-seconds'] ?? (cameras.length > LARGE_FLEET ? 10 : 60)),
    controlPort: Number(values['control-port'] ?? 8090),
    onEncodeProgress: (done, total) => {
      if (done % 10 === 0 || done === total) process.stderr.write(`vigie sim: ${done}/${total} cameras ready\n`);
    },
  });
  for (const camera of sim.cameras) {
    console.log(
      [
        camera.id,
        camera.kind,
        camera.rtspUrls.main,
        camera.rtspUrls.sub,
        camera.onvifUrl,
        `${camera.credentials.username}:${camera.credentials.password}`,
      ].join(' '),
    );
  }
  process.stderr.write(
    `vigie sim: ${sim.cameras.length} cameras up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; control API ${sim.controlUrl}; Ctrl-C stops\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.stop().finally(() => process.exit(0));
    setTimeout(() => {
      killAllStarted();
      process.exit(1);
    }, 5000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function control(values: Values, method: string, path: string, body?: unknown): Promise<unknown> {
  const base = values.control ?? 'http://127.0.0.1:8090';
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control API answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function faultFrom(kind: string, values: Values): Fault {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const raw = {
    kind,
    fps: number(values.fps),
    width: number(values.width),
    height: number(values.height),
    seconds: number(values.seconds),
    kbps: number(values.kbps),
    periodSeconds: number(values.period),
    percent: number(values.percent),
    depth: number(values.depth),
    seed: number(values.seed),
    rtcp: values.rtcp,
    mode: values.mode,
  };
  return faultSchema.parse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)));
}

async function main(): Promise<void> {
  // Alarm injection has its own options (simulator/src/alarms/run.ts).
  if (process.argv[2] === 'alarms') return alarmsCli(process.argv.slice(3));
  const { values, positionals } = parseArgs({ options, allowPositionals: true });
  const [command = 'start', ...rest] = positionals;
  if (values.help) return void console.log(USAGE);
  switch (command) {
    case 'start':
      return run(values);
    case 'inventory': {
      const csv = inventoryCsv(fleetFrom(values), { communes: values.commune?.split(',').map((code) => code.trim()) });
      if (values.out) writeFileSync(values.out, csv);
      else process.stdout.write(csv);
      return;
    }
    case 'list': {
      const cameras = (await control(values, 'GET', '/cameras')) as Array<{ id: string; online: boolean; faults: Fault[]; rtspUrls: { main: string } }>;
      for (const camera of cameras)
        console.log(`${camera.id} ${camera.online ? 'online' : 'OFFLINE'} ${camera.rtspUrls.main} ${camera.faults.map((fault) => fault.kind).join(',')}`);
      return;
    }
    case 'fault': {
      const [id, kind] = rest;
      if (!id || !kind) throw new Error('usage: sim fault <camera-id> <kind>');
      const fault = faultFrom(kind, values);
      if (values.at !== undefined || values.duration !== undefined) {
        await control(values, 'POST', `/cameras/${encodeURIComponent(id)}/schedule`, [
          { atSeconds: Number(values.at ?? 0), ...(values.duration ? { durationSeconds: Number(values.duration) } : {}), fault },
        ]);
      } else {
        await control(values, 'POST', `/cameras/${encodeURIComponent(id)}/faults`, fault);
      }
      return void console.log(`${id}: ${kind} ${values.at !== undefined ? `scheduled at +${values.at}s` : 'on'}`);
    }
    case 'event': {
      // An ONVIF event (PullPoint subscribers receive it), or a reboot that drops every subscription.
      const [id, kind] = rest;
      if (!id || !kind) throw new Error('usage: sim event <camera-id> <kind>');
      const active = !values.end;
      const event =
        kind === 'reboot'
          ? { kind, downSeconds: Number(values.seconds ?? 2) }
          : kind === 'tamper'
            ? { kind, tamper: values.tamper ?? 'scene_change', active }
            : kind === 'input'
              ? { kind, input: values.input ?? '1', active }
              : { kind, active };
      await control(values, 'POST', `/cameras/${encodeURIComponent(id)}/events`, event);
      return void console.log(`${id}: ${kind}${kind === 'reboot' ? '' : active ? ' on' : ' over'}`);
    }
    case 'clear': {
      const [id, kind] = rest;
      if (!id) throw new Error('usage: sim clear <camera-id> [kind]');
      await control(values, 'DELETE', `/cameras/${encodeURIComponent(id)}/faults${kind ? `/${kind}` : ''}`);
      return void console.log(`${id}: ${kind ?? 'all faults'} cleared`);
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(`vigie sim: ${error instanceof Error ? error.message : String(error)}`);
  killAllStarted();
  process.exit(1);
});
