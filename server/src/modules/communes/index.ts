// Public API of the communes module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { CommunesSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { AuditApi } from '../audit/index.ts';
import { CommunesRepository } from './communes.repository.ts';
import { communesRoutes } from './communes.routes.ts';
import { CommunesService, type CommuneAuthorisations } from './communes.service.ts';

export type CommunesApi = CommunesService;
export type { CommuneAuthorisations };

export function createCommunesModule(deps: {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** A commune's retention stays within the bounds of its valid authorisations (LEGAL 6). */
  authorisations: CommuneAuthorisations;
}): VigieModule<CommunesApi> {
  const service = new CommunesService(new CommunesRepository(tablesOf<CommunesSchema>(deps.database.db)), deps.audit, deps.clock, deps.authorisations);
  return { name: 'communes', api: service, routes: routesOf(communesRoutes, { communes: service }), jobs: [] };
}
