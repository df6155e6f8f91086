// Public API of the technical events module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { TechnicalEventsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { TechnicalEventsRepository } from './technical-events.repository.ts';
import { technicalEventsRoutes } from './technical-events.routes.ts';
import { TechnicalEventsService } from './technical-events.ts';

export type TechnicalEventsApi = TechnicalEventsService;
export type { TechnicalEvent } from './technical-events.ts';
export { technicalEventCodes } from './technical-events.ts';

/** Routes: the listing, GET /api/technical-events (under the recording tag, as before the module had routes). */
export function createTechnicalEventsModule(deps: { database: DatabaseHandle; clock: Clock; log?: ProcessLog }): VigieModule<TechnicalEventsApi> {
  const service = new TechnicalEventsService(new TechnicalEventsRepository(tablesOf<TechnicalEventsSchema>(deps.database.db)), deps.clock, deps.log);
  return { name: 'technical-events', api: service, routes: routesOf(technicalEventsRoutes, { service }), jobs: [] };
}
