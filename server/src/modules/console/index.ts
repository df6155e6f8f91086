// The console module (saved live layouts, video walls and their event stream, map
// configuration): its constructor is its only public API.
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { ConsoleSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { AuditService } from '../audit/index.ts';
import { ConsoleRepository } from './console.repository.ts';
import { consoleRoutes } from './console.routes.ts';
import { type ConsoleCameras, LayoutsService } from './layouts.service.ts';
import { WallsService } from './walls.service.ts';

export type { ConsoleCameras } from './layouts.service.ts';

export interface ConsoleModuleDeps {
  database: DatabaseHandle;
  audit: AuditService;
  clock: Clock;
  /** The cameras a principal may see (the cameras module). */
  cameras: ConsoleCameras;
  config: Pick<Config, 'map'>;
}

export interface ConsoleApi {
  layouts: LayoutsService;
  walls: WallsService;
}

export function createConsoleModule(deps: ConsoleModuleDeps): VigieModule<ConsoleApi> {
  const repository = new ConsoleRepository(tablesOf<ConsoleSchema>(deps.database.db));
  const api: ConsoleApi = {
    layouts: new LayoutsService(repository, deps.audit, deps.clock, deps.cameras),
    walls: new WallsService(repository, deps.audit, deps.clock, deps.cameras),
  };
  return { name: 'console', api, routes: routesOf(consoleRoutes, { services: api, config: deps.config }), jobs: [] };
}
