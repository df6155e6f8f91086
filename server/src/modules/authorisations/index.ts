// Public API of the authorisations module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { AuthorisationsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { AuditApi } from '../audit/index.ts';
import { AuthorisationsRepository } from './authorisations.repository.ts';
import { authorisationsRoutes } from './authorisations.routes.ts';
import { AuthorisationsService, type AuthorisationInventory } from './authorisations.service.ts';

export type AuthorisationsApi = AuthorisationsService;
export type { AuthorisationInventory, CameraCoverage } from './authorisations.service.ts';
export { applyRepair, findRepairs } from './authorisations.repair.ts';
export { maxRetentionDays, purposeLabels, purposes, type Purpose, type Recipient } from './legal-lists.ts';

export function createAuthorisationsModule(deps: {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** Communes and cameras, read back (their modules depend on this one). */
  inventory: AuthorisationInventory;
}): VigieModule<AuthorisationsApi> {
  const repository = new AuthorisationsRepository(tablesOf<AuthorisationsSchema>(deps.database.db));
  const service = new AuthorisationsService(repository, deps.audit, deps.clock, deps.inventory);
  return { name: 'authorisations', api: service, routes: routesOf(authorisationsRoutes, { authorisations: service }), jobs: [] };
}
