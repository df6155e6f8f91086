// Opens what a process needs: configuration, database (migrated), secret key, services.
import type { Config } from './config.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { openDatabase, type DatabaseHandle } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createSecretBox, loadOrCreateSecretKey } from './platform/secrets.ts';
import { createServices, loadChainKeys, type Services } from './services.ts';
import type { ProcessLog } from './platform/processes.ts';

export interface Runtime {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  services: Services;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, options: { migrate?: boolean; clock?: Clock; log?: ProcessLog } = {}): Promise<Runtime> {
  const database = openDatabase(config.database);
  try {
    if (options.migrate !== false) await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const clock = options.clock ?? systemClock;
  const secrets = createSecretBox(loadOrCreateSecretKey(config.secretKeyFile));
  const chainKeys = await loadChainKeys(config, database).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const services = createServices({ config, database, clock, secrets, chainKeys, log: options.log });
  return { config, database, clock, services, close: () => database.close() };
}
