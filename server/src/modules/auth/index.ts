// The auth module: nominative accounts (role, communes, approval, training, four eyes), sign-in
// with lockout and a TOTP second factor, sessions, API tokens for machines, and their routes.
// Other modules import only this file.
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { AuthSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditApi } from '../audit/index.ts';
import { AccountsService, type AccountCommunes } from './accounts.service.ts';
import { accountRoutes } from './accounts.routes.ts';
import { AuthRepository } from './auth.repository.ts';
import { signInRoutes } from './auth.routes.ts';
import { SessionsService, type SessionSettings } from './sessions.service.ts';
import { tokenRoutes } from './tokens.routes.ts';
import { TokensService } from './tokens.service.ts';

export { inseeCode, isoDate } from './auth.schemas.ts';
export { principalOfUser } from './principal.ts';
export { totpCode } from './totp.ts';
export type { AccountCommunes, SessionSettings };

export interface AuthApi {
  accounts: AccountsService;
  sessions: SessionsService;
  tokens: TokensService;
}

export interface AuthModuleDeps {
  database: Pick<DatabaseHandle, 'db'>;
  clock: Clock;
  audit: AuditApi;
  secrets: SecretBox;
  /** Which communes exist (the communes module). */
  communes: AccountCommunes;
  /** Whether image roles need a second factor (the settings module). */
  settings: SessionSettings;
  config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours' | 'loginMaxFailures' | 'lockoutMinutes' | 'cookieSecure' | 'signInAttemptsPerMinute'>;
}

export function createAuthModule(deps: AuthModuleDeps): VigieModule<AuthApi> {
  const { clock, audit, config } = deps;
  const repository = new AuthRepository(tablesOf<AuthSchema>(deps.database.db));
  const accounts = new AccountsService(repository, audit, clock, deps.communes);
  const sessions = new SessionsService(repository, audit, deps.settings, deps.secrets, clock, {
    idleMinutes: config.sessionIdleMinutes,
    maxHours: config.sessionMaxHours,
    maxFailures: config.loginMaxFailures,
    lockoutMinutes: config.lockoutMinutes,
  });
  const tokens = new TokensService(repository, audit, clock);
  const signIn = routesOf(signInRoutes, { sessions, config, clock });
  const accountAdministration = routesOf(accountRoutes, { accounts });
  const machineTokens = routesOf(tokenRoutes, { tokens });
  return {
    name: 'auth',
    api: { accounts, sessions, tokens },
    routes: {
      register: async (app) => {
        await signIn.register(app);
        await accountAdministration.register(app);
        await machineTokens.register(app);
      },
    },
    // Expired sessions, hourly.
    jobs: [{ name: 'auth.session-purge', role: 'worker', intervalMs: 3_600_000, run: () => sessions.purgeExpiredSessions() }],
  };
}
