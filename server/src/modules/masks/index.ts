// The masks module (privacy masks per camera and PTZ preset, their history, each camera's
// masking mode, the pictures ffmpeg overlays, the periodic check that masks are in force on
// recorded frames; LEGAL 4): its constructor is its public API, with the types other modules need.
import { join } from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { MasksSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { StorageVolume } from '../storage/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { MaskCheck, type MaskFootage } from './masks.check.ts';
import { MaskImageStore } from './masks.images.ts';
import { MasksRepository } from './masks.repository.ts';
import { masksRoutes } from './masks.routes.ts';
import { MasksService, type MaskCameras } from './masks.service.ts';

export type { CameraRecorderMasking, MaskCameras, MasksService } from './masks.service.ts';
export type { MaskCheck, MaskFootage } from './masks.check.ts';
export type { MaskImageStore } from './masks.images.ts';
export type { FleetMask, RecordedMasking, RecorderMasking, SegmentMaskPlan } from './masks.coverage.ts';
export type { MaskMode } from './masks.rules.ts';
// What the recording index and playback decide from the masking a segment was recorded with.
export { NO_MASK_VERSION, NO_MASKING, UNKNOWN_MASK_VERSION, UNKNOWN_MASKING, segmentMaskPlan } from './masks.coverage.ts';

export interface MasksModuleDeps {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** The commune of each camera (the cameras module). */
  cameras: MaskCameras;
  /** Each camera's newest recorded segment (the recording module's index), for the periodic check. */
  footage: MaskFootage;
  /** The storage volumes footage is on (the storage module's). */
  volumes(): Promise<readonly StorageVolume[]>;
  raise(event: TechnicalEvent): Promise<unknown>;
  log?: ProcessLog;
  config: {
    /** The mask pictures of recorders and live sub-streams go to `<dataDir>/masks`. */
    dataDir: string;
    /** ffmpeg of the periodic check (config.ts's `tools.ffmpegPath`); default: on PATH. */
    ffmpegPath?: string;
  };
}

export interface MasksApi {
  service: MasksService;
  /** Whether masks are in force on recorded frames (the worker role, hourly). */
  check: MaskCheck;
  /** The mask pictures the recorders and live sub-streams overlay (`<dataDir>/masks`). */
  images: MaskImageStore;
  /** A store of mask pictures in another folder (playback re-encodes). */
  imageStore(directory: string): MaskImageStore;
}

export function createMasksModule(deps: MasksModuleDeps): VigieModule<MasksApi> {
  const repository = new MasksRepository(tablesOf<MasksSchema>(deps.database.db), deps.database.dialect);
  const service = new MasksService(repository, deps.audit, deps.clock, deps.cameras);
  const check = new MaskCheck({
    repository,
    masks: service,
    footage: deps.footage,
    volumes: deps.volumes,
    audit: deps.audit,
    clock: deps.clock,
    log: deps.log,
    ffmpegPath: deps.config.ffmpegPath,
    onTechnicalEvent: (event) => deps.raise(event),
  });
  const jobs: Job[] = [
    // LEGAL 4: masks checked in force on recorded frames (in-camera masks especially).
    { name: 'masks.check', role: 'worker', intervalMs: 3_600_000, run: () => check.run() },
  ];
  const api: MasksApi = {
    service,
    check,
    images: new MaskImageStore(join(deps.config.dataDir, 'masks')),
    imageStore: (directory) => new MaskImageStore(directory),
  };
  return { name: 'masks', api, routes: routesOf(masksRoutes, { masks: service }), jobs };
}
