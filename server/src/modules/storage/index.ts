// The storage module (storage volumes, their markers and free space, each camera's volume and
// busy-place flag): its constructor is its public API, with the types other modules need.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { StorageSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { VolumeMarkerGuard, type VolumeMarkers } from './storage.marker.ts';
import { SpaceMonitor, type DestroyEarly } from './storage.monitor.ts';
import { StorageRepository } from './storage.repository.ts';
import type { VolumeRootPolicy } from './storage.roots.ts';
import { storageRoutes } from './storage.routes.ts';
import { StorageService } from './storage.service.ts';
import type { StorageCameras, StorageFootage } from './storage.types.ts';

export type { StorageCameras, StorageFootage, StorageVolume } from './storage.types.ts';
export type { StorageService } from './storage.service.ts';
export type { DestroyEarly, EarlyDestructionReport } from './storage.monitor.ts';
export type { MarkerCheck, VolumeMarkers } from './storage.marker.ts';
// The marker file itself: tests give their volumes one, as a volume created here has.
export { fileVolumeMarkers, writeVolumeMarker } from './storage.marker.ts';
export type { VolumeRootPolicy } from './storage.roots.ts';

export interface StorageModuleDeps {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** The commune of each camera (the cameras module). */
  cameras: StorageCameras;
  /** Indexed bytes and oldest segment per volume (the recording module's segment index). */
  footage: StorageFootage;
  /** Early destruction on a volume short of space (the retention module's purge). */
  destroyEarly: DestroyEarly;
  raise(event: TechnicalEvent): Promise<unknown>;
  log?: ProcessLog;
  /** Where a volume may be rooted; unrestricted if absent (tests). */
  rootPolicy?: VolumeRootPolicy;
  config: {
    /** Root of the default volume, created by the recorder role when no volume exists. */
    defaultVolumeRoot: string;
    spaceCheckIntervalMs: number;
  };
}

export interface StorageApi {
  service: StorageService;
  /** Whether a volume's disk is mounted (its marker), checked before any footage on it is destroyed. */
  markers: VolumeMarkers;
  /** The low-space check (and early destruction) of every enabled volume. */
  space: SpaceMonitor;
}

export function createStorageModule(deps: StorageModuleDeps): VigieModule<StorageApi> {
  const repository = new StorageRepository(tablesOf<StorageSchema>(deps.database.db));
  const service = new StorageService(repository, deps.audit, deps.clock, deps.cameras, deps.footage, deps.rootPolicy);
  const markers = new VolumeMarkerGuard({ repository, footage: deps.footage, audit: deps.audit, clock: deps.clock });
  const space = new SpaceMonitor({ storage: service, destroyEarly: deps.destroyEarly, raise: deps.raise, clock: deps.clock, log: deps.log });
  const jobs: Job[] = [
    {
      // The recorder role: the default volume when none exists, then each enabled volume's free space (early destruction below its threshold).
      name: 'storage.space-check',
      role: 'recorder',
      intervalMs: deps.config.spaceCheckIntervalMs,
      runAtStart: true,
      run: async () => {
        await service.ensureDefaultVolume(deps.config.defaultVolumeRoot);
        return space.run();
      },
    },
  ];
  return { name: 'storage', api: { service, markers, space }, routes: routesOf(storageRoutes, { storage: service }), jobs };
}
