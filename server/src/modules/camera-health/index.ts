// Public API of the camera-health module (picture checks, docs/health.md): other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { CameraHealthSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { Principal } from '../access/index.ts';
import type { CameraView } from '../cameras/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { CameraHealthRepository } from './camera-health.repository.ts';
import { cameraHealthRoutes } from './camera-health.routes.ts';
import { type HealthRecorder, PictureCheckRunner } from './camera-health.runner.ts';
import { CameraHealthService } from './camera-health.service.ts';
import { ffmpegFrameDecoder, type FrameDecoder, type GopOfCamera, stillJpegOf } from './frame-grabber.ts';

/** The check runner and the batch decoder alone: `./vigie bench health` measures them without a database. */
export { PictureCheckRunner, type CheckRunnerDeps } from './camera-health.runner.ts';
export { ffmpegFrameDecoder } from './frame-grabber.ts';

export interface CameraHealthModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  cameras: { get(id: string, principal: Principal | null): Promise<CameraView> };
  /** The recorder role of this process (its live hub and the cameras it receives); null: none. */
  recorder(): HealthRecorder | null;
  /** The PTZ preset a camera is at (null: none, or a fixed camera). */
  presetOf(cameraId: string): string | null;
  raise(event: TechnicalEvent): Promise<unknown>;
  log?: ProcessLog;
  config: { intervalMs: number; ffmpegPath: string };
  /** Tests: a decoder or still maker of their own. */
  decode?: FrameDecoder;
  still?: (gop: GopOfCamera) => Promise<Buffer | null>;
}

export interface CameraHealthApi {
  service: CameraHealthService;
  runner: PictureCheckRunner;
}

export function createCameraHealthModule(deps: CameraHealthModuleDeps): VigieModule<CameraHealthApi> {
  const repository = new CameraHealthRepository(tablesOf<CameraHealthSchema>(deps.database.db));
  const decode = deps.decode ?? ffmpegFrameDecoder({ ffmpegPath: deps.config.ffmpegPath, log: deps.log });
  const still = deps.still ?? ((gop: GopOfCamera) => stillJpegOf(gop, { ffmpegPath: deps.config.ffmpegPath, log: deps.log }));
  const communeOf = async (cameraId: string) => {
    const camera = await deps.cameras.get(cameraId, null).catch(() => null);
    return camera ? { communeInsee: camera.communeInsee, name: camera.name } : null;
  };
  const runner = new PictureCheckRunner({
    repository,
    clock: deps.clock,
    recorder: deps.recorder,
    presetOf: deps.presetOf,
    communeOf,
    decode,
    still,
    raise: deps.raise,
    log: deps.log,
  });
  const service = new CameraHealthService({
    repository,
    runner,
    audit: deps.audit,
    clock: deps.clock,
    cameras: deps.cameras,
    recorder: deps.recorder,
    presetOf: deps.presetOf,
    decode,
    still,
  });
  return {
    name: 'camera-health',
    api: { service, runner },
    routes: routesOf(cameraHealthRoutes, { health: service }),
    jobs: [{ name: 'camera-health.picture-checks', role: 'recorder', intervalMs: deps.config.intervalMs, run: () => runner.run() }],
  };
}
