// Public API of the technical events module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { TechnicalEventsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { TechnicalEventsRepository } from './technical-events.repository.ts';
import { TechnicalEventsService } from './technical-events.ts';

export type TechnicalEventsApi = TechnicalEventsService;
export type { StoredTechnicalEvent, TechnicalEvent, TechnicalEventCode, TechnicalEventFilter, TechnicalSeverity } from './technical-events.ts';

/** No routes of its own: the listing is served with the recording module's (GET /api/technical-events). */
export function createTechnicalEventsModule(deps: { database: DatabaseHandle; clock: Clock; log?: ProcessLog }): VigieModule<TechnicalEventsApi> {
  const service = new TechnicalEventsService(new TechnicalEventsRepository(tablesOf<TechnicalEventsSchema>(deps.database.db)), deps.clock, deps.log);
  return { name: 'technical-events', api: service, jobs: [] };
}
