// The PTZ module: commands over ONVIF with the control lock (priorities, police take-over),
// patrol tours run by the api role, and where PTZ cameras point (this process's commands and
// the position watcher of the recorder role; LEGAL 4: a preset's masks are burnt in there).
// Its constructor is its public API, with the types others need.
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { PtzSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import { OnvifPtzClient } from '../../platform/onvif/index.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import { PtzPositions } from './ptz-positions.ts';
import { PtzPositionWatcher, positionWatchJob, type PtzWatcherDeps, type PtzWatcherOptions } from './ptz-watcher.ts';
import { PtzRepository } from './ptz.repository.ts';
import { ptzRoutes } from './ptz.routes.ts';
import { type PtzCameras, PtzService } from './ptz.service.ts';
import { PatrolRunner, type PatrolRunnerOptions } from './ptz.tours.ts';
import { PtzToursService } from './ptz.tours.service.ts';
import './ptz.events.ts';

export type { PresetPositions } from './ptz-positions.ts';
export { PtzPositions } from './ptz-positions.ts';
export { IDLE_EXPIRY_MS, TAKEOVER_EXPIRY_MS } from './ptz.lock.ts';

export interface PtzModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  cameras: PtzCameras & PtzWatcherDeps['cameras'];
  /** Which cameras have masks of a preset (the masks module): only those are watched. */
  masks: PtzWatcherDeps['masks'];
  /** Each change of a camera's preset is emitted as `ptz.positionChanged`. */
  events: EventBus;
  /** The process's ONVIF client, over each camera's quirk record (the devices module); a bare one when absent. */
  onvif?: OnvifPtzClient;
  log?: ProcessLog;
  /** Tests shorten them. */
  patrol?: PatrolRunnerOptions;
  watcher?: PtzWatcherOptions;
}

export interface PtzApi {
  ptz: PtzService;
  tours: PtzToursService;
  /** Where PTZ cameras point now, by preset (null: elsewhere or unknown). */
  positions: PtzPositions;
  /** The process's one ONVIF client (discovery cache shared by commands and the watcher). */
  onvif: OnvifPtzClient;
  /** A patrol runner over these services (the `ptz.patrol` job has its own; tests drive one by hand). */
  createPatrolRunner(options?: PatrolRunnerOptions): PatrolRunner;
}

export function createPtzModule(deps: PtzModuleDeps): VigieModule<PtzApi> {
  const repository = new PtzRepository(tablesOf<PtzSchema>(deps.database.db), deps.database.dialect);
  const onvif = deps.onvif ?? new OnvifPtzClient();
  const ptz = new PtzService({ repository, audit: deps.audit, clock: deps.clock, cameras: deps.cameras, device: onvif, log: deps.log });
  const tours = new PtzToursService(repository, deps.audit, deps.clock, deps.cameras);
  const positions = new PtzPositions((cameraId, error) => deps.log?.warn({ cameraId, error: String(error) }, 'PTZ position follower failed'));
  ptz.onPositionChanged((cameraId, presetToken) => positions.set(cameraId, presetToken));
  positions.onChange((cameraId, presetToken) => deps.events.emit('ptz.positionChanged', { cameraId, presetToken }));
  const createPatrolRunner = (options: PatrolRunnerOptions = {}) =>
    new PatrolRunner(
      {
        enabledTours: (limit) => tours.enabledTours(limit),
        onToursChanged: (listener) => tours.onToursChanged(listener),
        patrolStep: (tour, stepIndex, patrolId) => ptz.patrolStep(tour, stepIndex, patrolId),
        endPatrol: (cameraId, patrolId) => ptz.endPatrol(cameraId, patrolId),
        endPatrols: (patrolId) => ptz.endPatrols(patrolId),
        sweepExpiredLocks: (limit) => ptz.sweepExpiredLocks(limit),
      },
      deps.clock,
      { log: deps.log, ...options },
    );
  const patrol = createPatrolRunner(deps.patrol);
  const watcher = new PtzPositionWatcher({ cameras: deps.cameras, masks: deps.masks, device: onvif, positions, commands: ptz, log: deps.log }, deps.watcher);
  const jobs: Job[] = [
    // Patrol tours (virtual patrol) move PTZ cameras between presets; the control lock arbitrates between API processes.
    { name: 'ptz.patrol', role: 'api', intervalMs: deps.patrol?.tickMs ?? 1000, run: () => patrol.tick(), stop: () => patrol.stop() },
    // Where PTZ cameras with preset masks point, read back from them (a restart, another client, a recorder-only process).
    positionWatchJob(watcher, deps.watcher?.movingRecheckMs ?? 1000),
  ];
  return {
    name: 'ptz',
    api: { ptz, tours, positions, onvif, createPatrolRunner },
    routes: routesOf(ptzRoutes, { services: { ptz, ptzTours: tours } }),
    jobs,
  };
}
