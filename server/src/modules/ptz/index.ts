// Public API of the PTZ module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import { PatrolRunner, type PatrolRunnerOptions } from './ptz.tours.ts';
import type { PtzService } from './ptz.service.ts';
import type { PtzToursService } from './ptz.tours.service.ts';

export { PtzService, MOVE_TIMEOUT_MS, patrolActor, isSteerable, type PtzCameras, type PtzDevice, type PtzServiceDeps, type PositionListener } from './ptz.service.ts';
export { PtzToursService } from './ptz.tours.service.ts';
export { PtzRepository } from './ptz.repository.ts';
export { PatrolRunner, type PatrolPort, type PatrolRunnerOptions } from './ptz.tours.ts';
export { registerPtzRoutes } from './ptz.routes.ts';
export { decideClaim, priorityOf, IDLE_EXPIRY_MS, TAKEOVER_EXPIRY_MS, PRIORITY, type PtzLock, type PtzClaim, type ClaimDecision } from './ptz.lock.ts';
export { parseTourInput, inWindow, isActive, planTick, type PatrolTour, type TourStep } from './ptz.tours.rules.ts';
export type { LockView, PtzStatusView, TourView } from './ptz.schemas.ts';
// Where PTZ cameras point (LEGAL 4: a preset's masks are burnt in there): this process's commands and the watcher's readings.
export { PtzPositions, type FollowedPositions, type PresetPositions } from './ptz-positions.ts';
export { PtzPositionWatcher } from './ptz-watcher.ts';

/** The patrol runner over the PTZ services (started by the api role, see main.ts). */
export function createPatrolRunner(ptz: PtzService, tours: PtzToursService, clock: Clock, options: PatrolRunnerOptions = {}): PatrolRunner {
  return new PatrolRunner({
    enabledTours: (limit) => tours.enabledTours(limit),
    onToursChanged: (listener) => tours.onToursChanged(listener),
    patrolStep: (tour, stepIndex, patrolId) => ptz.patrolStep(tour, stepIndex, patrolId),
    endPatrol: (cameraId, patrolId) => ptz.endPatrol(cameraId, patrolId),
    endPatrols: (patrolId) => ptz.endPatrols(patrolId),
    sweepExpiredLocks: (limit) => ptz.sweepExpiredLocks(limit),
  }, clock, options);
}
