// The simulator as a library: start a fleet of simulated cameras, steer their faults, stop.
//   const sim = await startSimulator({ count: 2, loopSeconds: 4, main: { width: 320, height: 180 } });
//   sim.cameras[0].rtspUrls.main; await sim.setFault('cam-001', { kind: 'black' }); await sim.stop();
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimCamera, type SimCameraInfo } from './camera.ts';
import { generateFleet, type FleetOptions, type SimCameraConfig } from './config.ts';
import { startControlApi } from './control-api.ts';
import { FaultScheduler, type Fault, type FaultKind, type ScheduledFault } from './faults.ts';
import { FrameClocks } from './frame-clock.ts';
import { LoopStore } from './loop-store.ts';
import type { CameraEventCommand } from './onvif/events-service.ts';
import { startDiscoveryResponder, type DiscoveryResponder } from './onvif/discovery.ts';

export type { SimCameraInfo } from './camera.ts';
export type { Fault, FaultKind, ScheduledFault } from './faults.ts';
export type { SimCameraConfig, VideoProfile } from './config.ts';
export type { CameraEventCommand } from './onvif/events-service.ts';
export { generateFleet } from './config.ts';

export interface SimulatorOptions extends Partial<Omit<FleetOptions, 'count'>> {
  /** Explicit cameras; otherwise `count` cameras are generated (default 1). */
  cameras?: SimCameraConfig[];
  count?: number;
  /** Length of the pre-encoded loops; 60 s (default) lets the burnt-in seconds be the wall clock's. */
  loopSeconds?: number;
  /** Where encoded loops are cached (default: a shared folder in the OS temp dir). */
  cacheDir?: string;
  encodeConcurrency?: number;
  /** Control API port on 127.0.0.1 (0 = any free port, false = none). */
  controlPort?: number | false;
  onEncodeProgress?: (done: number, total: number) => void;
  /** A WS-Discovery responder for the fleet, joined on the interface of this IPv4 address (port 3702 unless given). */
  discovery?: { interfaceAddress: string; port?: number };
}

export interface Simulator {
  cameras: SimCameraInfo[];
  controlUrl: string | undefined;
  camera(id: string): SimCameraInfo;
  setFault(id: string, fault: Fault): Promise<void>;
  clearFault(id: string, kind?: FaultKind): Promise<void>;
  scheduleFaults(id: string, items: ScheduledFault[]): void;
  /** An ONVIF event (motion, tamper, input, video loss) or a reboot, on command. */
  sendEvent(id: string, event: CameraEventCommand): Promise<void>;
  stop(): Promise<void>;
}

export function defaultCacheDir(): string {
  return join(tmpdir(), 'vigie-sim-cache');
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const configs = options.cameras ?? generateFleet({ ...options, count: options.count ?? 1 });
  const loopSeconds = options.loopSeconds ?? 60;
  const loops = new LoopStore(options.cacheDir ?? defaultCacheDir(), options.encodeConcurrency ?? Math.max(1, availableParallelism()));
  const clocks = new FrameClocks();
  const cameras = new Map(configs.map((config) => [config.id, new SimCamera({ ...config }, { loops, clocks, loopSeconds })]));
  if (cameras.size !== configs.length) throw new Error('camera ids must be unique');
  const schedulers = new Map<string, FaultScheduler>();
  const started: SimCamera[] = [];
  let control: { url: string; close(): Promise<void> } | undefined;
  let discovery: DiscoveryResponder | undefined;

  const stop = async () => {
    for (const scheduler of schedulers.values()) scheduler.cancelAll();
    await control?.close();
    await discovery?.close();
    await Promise.all(started.map((camera) => camera.stop()));
    loops.clear();
  };

  try {
    let done = 0;
    await Promise.all(
      [...cameras.values()].map(async (camera) => {
        await camera.prepare();
        options.onEncodeProgress?.(++done, cameras.size);
      }),
    );
    for (const camera of cameras.values()) {
      await camera.start();
      started.push(camera);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const find = (id: string): SimCamera => {
    const camera = cameras.get(id);
    if (!camera) throw new Error(`no simulated camera ${id}`);
    return camera;
  };
  const schedulerFor = (id: string): FaultScheduler => {
    let scheduler = schedulers.get(id);
    if (!scheduler) {
      const camera = find(id);
      scheduler = new FaultScheduler(
        (fault) => camera.setFault(fault).catch(() => undefined),
        (kind) => camera.clearFault(kind),
      );
      schedulers.set(id, scheduler);
    }
    return scheduler;
  };
  const target = {
    list: () => [...cameras.values()].map((camera) => camera.info()),
    camera: (id: string) => cameras.get(id)?.info(),
    setFault: (id: string, fault: Fault) => find(id).setFault(fault),
    clearFault: (id: string, kind?: FaultKind) => find(id).clearFault(kind),
    scheduleFaults: (id: string, items: ScheduledFault[]) => schedulerFor(id).schedule(items),
    sendEvent: (id: string, event: CameraEventCommand) => find(id).sendEvent(event),
  };
  for (const config of configs) if (config.faults.length > 0) target.scheduleFaults(config.id, config.faults);
  if (options.controlPort !== false) {
    try {
      control = await startControlApi(target, '127.0.0.1', options.controlPort ?? 0);
    } catch (error) {
      await stop();
      throw error;
    }
  }
  if (options.discovery) {
    try {
      discovery = await startDiscoveryResponder({
        interfaceAddress: options.discovery.interfaceAddress,
        ...(options.discovery.port === undefined ? {} : { port: options.discovery.port }),
        cameras: () => [...cameras.values()].filter((camera) => camera.info().online).map((camera) => camera.discoverable()),
      });
    } catch (error) {
      await stop();
      throw error;
    }
  }
  return {
    cameras: target.list(),
    controlUrl: control?.url,
    camera: (id) => find(id).info(),
    setFault: target.setFault,
    clearFault: target.clearFault,
    scheduleFaults: target.scheduleFaults,
    sendEvent: target.sendEvent,
    stop,
  };
}
