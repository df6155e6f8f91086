// Child process of `./vigie bench live`: the simulated cameras, in their own Node process so
// that their CPU is not counted as the server's. Prints one JSON line once every camera is up:
// its URLs, credentials, frame rate and the files of the pre-encoded loops it plays (the
// viewers' process reads them to recognise each picture it receives), then runs until SIGTERM.
// Usage: node --import tsx bench/live-cameras.ts '<json: count, main, sub, loopSeconds, cacheDir>'
import { SimCamera } from '../simulator/src/camera.ts';
import { FrameClocks } from '../simulator/src/frame-clock.ts';
import { generateFleet, startSimulator, type VideoProfile } from '../simulator/src/index.ts';
import { LoopStore } from '../simulator/src/loop-store.ts';

interface CamerasOptions {
  count: number;
  main: Partial<VideoProfile>;
  sub: Partial<VideoProfile>;
  loopSeconds: number;
  cacheDir: string;
}

export interface BenchCamera {
  id: string;
  name: string;
  rtspUrls: { main: string; sub: string };
  credentials: { username: string; password: string };
  codec: 'h264' | 'h265';
  fps: { main: number; sub: number };
  /** Annex-B files of the loops: picture i plays when wall clock modulo the loop length is i / fps. */
  loopFiles: { main: string; sub: string };
}

const options = JSON.parse(process.argv[2] ?? '{}') as CamerasOptions;
const configs = generateFleet({ count: options.count, addressMode: 'ephemeral-ports', main: options.main, sub: options.sub });
let done = 0;
const simulator = await startSimulator({
  cameras: configs,
  loopSeconds: options.loopSeconds,
  cacheDir: options.cacheDir,
  controlPort: 0,
  onEncodeProgress: () => {
    if (++done % 4 === 0) process.stderr.write(`cameras ready: ${done}/${configs.length}\n`);
  },
});
const loops = new LoopStore(options.cacheDir);
const clocks = new FrameClocks();
const cameras: BenchCamera[] = [];
for (const [index, info] of simulator.cameras.entries()) {
  // The same loop requests the simulator plays (already encoded: ensureEncoded finds the cached files).
  const camera = new SimCamera({ ...configs[index]! }, { loops, clocks, loopSeconds: options.loopSeconds });
  cameras.push({
    id: info.id,
    name: info.name,
    rtspUrls: info.rtspUrls,
    credentials: info.credentials,
    codec: info.codec,
    fps: { main: info.profiles.main.fps, sub: info.profiles.sub.fps },
    loopFiles: { main: await loops.ensureEncoded(camera.loopRequest('main')), sub: await loops.ensureEncoded(camera.loopRequest('sub')) },
  });
}
process.stdout.write(`${JSON.stringify({ type: 'ready', controlUrl: simulator.controlUrl, loopSeconds: options.loopSeconds, cameras })}\n`);

const stop = () => {
  void simulator.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
