// Public API of the settings module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { SettingsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { AuditApi } from '../audit/index.ts';
import { SettingsRepository } from './settings.repository.ts';
import { settingsRoutes } from './settings.routes.ts';
import { SettingsService } from './settings.service.ts';

export type SettingsApi = SettingsService;

export function createSettingsModule(deps: { database: DatabaseHandle; clock: Clock; audit: AuditApi }): VigieModule<SettingsApi> {
  const service = new SettingsService(new SettingsRepository(tablesOf<SettingsSchema>(deps.database.db)), deps.audit, deps.clock);
  return { name: 'settings', api: service, routes: routesOf(settingsRoutes, { settings: service }), jobs: [] };
}
