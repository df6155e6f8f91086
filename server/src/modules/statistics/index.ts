// The statistics module (issue 13 item 8; docs/statistics.md): the yearly figures CSUs report
// (offences seen and spotted, requests to view footage, review outcomes, exports, review hours)
// per year, commune and service, the offences' short form, the import of past years, and the
// CSV and PDF exports. Other modules import only this file.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { StatisticsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { AuditApi } from '../audit/index.ts';
import { StatisticsRepository } from './statistics.repository.ts';
import { statisticsRoutes } from './statistics.routes.ts';
import { StatisticsService, type StatisticsPorts } from './statistics.service.ts';

/** The offence categories (the logbook's offence entries carry one). */
export { offenceCategories } from './statistics.schemas.ts';

export interface StatisticsModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  ports: StatisticsPorts;
}

export function createStatisticsModule(deps: StatisticsModuleDeps): VigieModule<StatisticsService> {
  const repository = new StatisticsRepository(tablesOf<StatisticsSchema>(deps.database.db));
  const statistics = new StatisticsService(repository, deps.ports, { audit: deps.audit, clock: deps.clock });
  return { name: 'statistics', api: statistics, routes: routesOf(statisticsRoutes, { statistics }), jobs: [] };
}
