// The health module: the public health check and, for an administrator, the job registry's state.
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { JobRegistry } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import { HealthRepository } from './health.repository.ts';
import { healthRoutes } from './health.routes.ts';

export function createHealthModule(deps: { database: DatabaseHandle; jobs: Pick<JobRegistry, 'status'> }): VigieModule<null> {
  const repository = new HealthRepository(deps.database.db, deps.database.dialect);
  return { name: 'health', api: null, routes: routesOf(healthRoutes, { repository, jobs: deps.jobs }), jobs: [] };
}
