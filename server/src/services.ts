// Wires every module's service with the few adapters it needs. One instance per process
// (or per test), shared by the HTTP app, the CLI and background jobs.
import type { Config } from './config.ts';
import type { Clock } from './platform/clock.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import type { SecretBox } from './platform/secrets.ts';
import { AuditService } from './modules/audit/audit.service.ts';
import { AccountsService } from './modules/auth/accounts.service.ts';
import { SessionsService } from './modules/auth/sessions.service.ts';
import { TokensService } from './modules/auth/tokens.service.ts';
import { AuthorisationsService } from './modules/authorisations/authorisations.service.ts';
import { CamerasService } from './modules/cameras/cameras.service.ts';
import { CommunesService } from './modules/communes/communes.service.ts';
import { SettingsService } from './modules/settings/settings.service.ts';
import { SitesService } from './modules/sites/sites.service.ts';

export interface ServiceDependencies {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  secrets: SecretBox;
}

export function createServices(deps: ServiceDependencies) {
  const { database, clock, config, secrets } = deps;
  const db = database.db;
  const audit = new AuditService(db, database.dialect, clock);
  const settings = new SettingsService(db, audit, clock);
  const authorisations = new AuthorisationsService(db, audit, clock);
  const communes = new CommunesService(db, audit, clock, authorisations);
  const sites = new SitesService(db, audit, clock);
  const cameras = new CamerasService(db, audit, clock, secrets, authorisations);
  authorisations.useInventory({
    communeRetention: (handle, insee) => communes.retentionOf(handle, insee),
    cameras: (handle, cameraIds) => cameras.inventoryFacts(handle, cameraIds),
  });
  return {
    audit,
    settings,
    accounts: new AccountsService(db, audit, clock),
    sessions: new SessionsService(db, audit, settings, secrets, clock, {
      idleMinutes: config.sessionIdleMinutes,
      maxHours: config.sessionMaxHours,
      maxFailures: config.loginMaxFailures,
      lockoutMinutes: config.lockoutMinutes,
    }),
    tokens: new TokensService(db, audit, clock),
    communes,
    authorisations,
    sites,
    cameras,
  };
}

export type Services = ReturnType<typeof createServices>;
