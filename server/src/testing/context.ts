// A whole Vigie for a test: migrated database of the chosen dialect, temporary data directory,
// manual clock, services, and optionally the HTTP app (inject only, never listening).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type VigieApp } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { ManualClock } from '../platform/clock.ts';
import type { Dialect } from '../platform/db/database.ts';
import { createSecretBox, loadOrCreateSecretKey } from '../platform/secrets.ts';
import { cliActor } from '../modules/audit/index.ts';
import { createServices, loadChainKeys, type ServiceDependencies, type Services } from '../services.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export interface TestContext {
  dialect: Dialect;
  config: Config;
  clock: ManualClock;
  database: TestDatabase;
  services: Services;
  app: VigieApp;
  dataDir: string;
  close(): Promise<void>;
}

export async function createTestContext(
  dialect: Dialect,
  options: {
    clockStart?: string;
    env?: Record<string, string>;
    clockRunning?: boolean;
    exportRenderers?: ServiceDependencies['exportRenderers'];
    onCall?: ServiceDependencies['onCall'];
  } = {},
): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-test-'));
  // Tests sign in many accounts from one address: the per-address limit is raised unless a test sets it.
  const config = loadConfig({ VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent', VIGIE_SIGNIN_ATTEMPTS_PER_MINUTE: '100000', ...options.env });
  const database = await createTestDatabase(dialect, { directory: dataDir });
  const clock = new ManualClock(options.clockStart ?? '2026-11-23T10:00:00.000Z', { running: options.clockRunning });
  const secrets = createSecretBox(loadOrCreateSecretKey(config.secretKeyFile));
  const services = createServices({
    config,
    database: database.handle,
    clock,
    secrets,
    chainKeys: await loadChainKeys(config, database.handle),
    exportRenderers: options.exportRenderers,
    onCall: options.onCall,
  });
  const app = await buildApp({ config, database: database.handle, clock, services });
  return {
    dialect,
    config,
    clock,
    database,
    services,
    app,
    dataDir,
    async close() {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const testCli = { actor: cliActor(), principal: null };
