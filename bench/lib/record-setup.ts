// `./vigie bench record`'s set-up: its options, Ctrl-C handling, and the simulated cameras
// started in their own process (ephemeral loopback ports).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Dialect } from '../../server/src/platform/db/database.ts';
import { startNodeScript, type NodeChild } from '../../simulator/src/processes.ts';
import type { Engine } from './record-figures.ts';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SimulatedCamera {
  id: string;
  url: string;
  username: string;
  password: string;
}

export interface Settings {
  cameras: number;
  seconds: number;
  segmentSeconds: number;
  width: number;
  height: number;
  fps: number;
  kbps: number;
  gopSeconds: number;
  dialect: Dialect;
  loopSeconds: number;
  cacheDir: string;
  warmupTimeoutSeconds: number;
  engines: Engine[];
  /** Native engine: worker threads the cameras are spread over (0: the bench's own thread). */
  threads: number;
  /** Where to write a CPU profile of the measured window (main thread), suffixed with the engine. */
  profile: string | undefined;
}

export function settingsFrom(args: string[]): Settings {
  const { values } = parseArgs({
    args,
    options: {
      cameras: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '60' },
      'segment-seconds': { type: 'string', default: '10' },
      main: { type: 'string', default: '1280x720@12' },
      kbps: { type: 'string', default: '2000' },
      gop: { type: 'string', default: '2' },
      dialect: { type: 'string', default: 'sqlite' },
      'loop-seconds': { type: 'string', default: '10' },
      'cache-dir': { type: 'string' },
      'warmup-timeout': { type: 'string', default: '180' },
      engine: { type: 'string', default: 'both' },
      threads: { type: 'string', default: '0' },
      profile: { type: 'string' },
    },
  });
  const main = /^(\d+)x(\d+)@(\d+(?:\.\d+)?)$/.exec(values.main);
  if (!main) throw new Error('--main must be WxH@FPS');
  const settings: Settings = {
    cameras: Number(values.cameras),
    seconds: Number(values.seconds),
    segmentSeconds: Number(values['segment-seconds']),
    width: Number(main[1]),
    height: Number(main[2]),
    fps: Number(main[3]),
    kbps: Number(values.kbps),
    gopSeconds: Number(values.gop),
    dialect: values.dialect === 'postgres' ? 'postgres' : 'sqlite',
    loopSeconds: Number(values['loop-seconds']),
    cacheDir: values['cache-dir'] ?? join(process.env.VIGIE_DATA_DIR ?? join(root, 'data'), 'sim-cache'),
    warmupTimeoutSeconds: Number(values['warmup-timeout']),
    engines: values.engine === 'both' ? ['native', 'ffmpeg'] : [values.engine as Engine],
    threads: Number(values.threads),
    profile: values.profile,
  };
  if (!(Number.isInteger(settings.threads) && settings.threads >= 0 && settings.threads <= 64)) throw new Error('--threads 0-64');
  if (!['native', 'ffmpeg', 'both'].includes(values.engine)) throw new Error('--engine native|ffmpeg|both');
  if (!(settings.cameras >= 1 && settings.cameras <= 1000)) throw new Error('--cameras 1-1000');
  if (!(settings.seconds >= 5 && settings.seconds <= 900)) throw new Error('--seconds 5-900');
  if (!(settings.segmentSeconds >= 2 && settings.segmentSeconds <= 600)) throw new Error('--segment-seconds 2-600');
  if (!(settings.warmupTimeoutSeconds >= 10 && settings.warmupTimeoutSeconds <= 1800)) throw new Error('--warmup-timeout 10-1800');
  if (values.dialect !== 'sqlite' && values.dialect !== 'postgres') throw new Error('--dialect sqlite|postgres');
  return settings;
}

/** Ctrl-C ends the run early, through the same clean-up as a normal end. */
export class Interruption {
  interrupted = false;
  private readonly onSignal = () => {
    this.interrupted = true;
    process.stderr.write('  interrupted: stopping everything\n');
  };
  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }
  check(): void {
    if (this.interrupted) throw new Error('interrupted');
  }
  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

export async function waitUntil(what: string, condition: () => boolean, timeoutMs: number, interruption: Interruption): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    interruption.check();
    if (Date.now() > deadline) {
      process.stderr.write(`  gave up waiting for ${what} after ${(timeoutMs / 1000).toFixed(0)} s\n`);
      return false;
    }
    await sleep(250);
  }
  return true;
}

export async function startCameras(settings: Settings, interruption: Interruption): Promise<{ child: NodeChild; cameras: SimulatedCamera[] }> {
  const cameras: SimulatedCamera[] = [];
  let ready = false;
  // Ephemeral ports on 127.0.0.1: no clash with another simulator on this machine.
  const child = startNodeScript(
    join(root, 'simulator/src/cli.ts'),
    [
      'start',
      '--cameras',
      String(settings.cameras),
      '--address-mode',
      'ephemeral-ports',
      '--control-port',
      '0',
      '--live-ptz',
      '0',
      '--loop-seconds',
      String(settings.loopSeconds),
      '--cache-dir',
      settings.cacheDir,
      '--main',
      `${settings.width}x${settings.height}@${settings.fps}`,
      '--main-kbps',
      String(settings.kbps),
      '--gop',
      String(settings.gopSeconds),
    ],
    (line, stream) => {
      if (stream === 'stderr') {
        process.stderr.write(`  [simulator] ${line}\n`);
        if (/cameras up/.test(line)) ready = true;
        return;
      }
      const [id, , main, , , userPass] = line.split(' ');
      const [username = '', password = ''] = (userPass ?? '').split(':');
      if (id && main?.startsWith('rtsp://127.')) cameras.push({ id, url: main, username, password });
    },
  );
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30 * 60_000; // the first run encodes the loops (about 0.6 s per camera here)
  while (!ready) {
    interruption.check();
    if (exited) throw new Error('the simulator exited before it was ready');
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error('the simulator did not start within 30 minutes');
    }
    await sleep(250);
  }
  return { child, cameras };
}
