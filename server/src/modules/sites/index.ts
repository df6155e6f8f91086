// Public API of the sites module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { SitesSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { AuditApi } from '../audit/index.ts';
import { SitesRepository } from './sites.repository.ts';
import { sitesRoutes } from './sites.routes.ts';
import { SitesService, type SiteCommunes } from './sites.service.ts';

export type SitesApi = SitesService;
export type { Acting, SiteCommunes } from './sites.service.ts';
export { latitudeSchema, longitudeSchema, type SiteKind } from './sites.schemas.ts';
export { parseInput, plainText } from './input.ts';

export function createSitesModule(deps: {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** A site belongs to an existing commune. */
  communes: SiteCommunes;
}): VigieModule<SitesApi> {
  const service = new SitesService(new SitesRepository(tablesOf<SitesSchema>(deps.database.db)), deps.audit, deps.clock, deps.communes);
  return { name: 'sites', api: service, routes: routesOf(sitesRoutes, { sites: service }), jobs: [] };
}
