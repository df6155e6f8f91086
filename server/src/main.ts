// `./vigie serve`: the HTTP API and the background jobs of this process, with graceful shutdown.
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { systemActor } from './modules/audit/audit.types.ts';
import { openRuntime } from './runtime.ts';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config, options: { onListening?: (url: string) => void } = {}): Promise<RunningServer> {
  const runtime = await openRuntime(config);
  const app = await buildApp({ config, database: runtime.database, clock: runtime.clock, services: runtime.services });
  const url = await app.listen({ host: config.host, port: config.port });
  options.onListening?.(url);

  // Housekeeping: expired sessions hourly; audit rows past their retention (3 years) daily.
  const hourly = setInterval(() => {
    runtime.services.sessions.purgeExpiredSessions().catch((error: unknown) => app.log.error({ err: error }, 'session purge failed'));
  }, 3_600_000);
  const daily = setInterval(() => {
    runtime.services.audit.purgeExpired(config.auditRetentionDays, systemActor).catch((error: unknown) => app.log.error({ err: error }, 'audit purge failed'));
  }, 86_400_000);
  hourly.unref();
  daily.unref();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(hourly);
      clearInterval(daily);
      await app.close();
      await runtime.close();
    })();
    return stopping;
  };
  return { url, stop };
}

/** Stops on SIGINT/SIGTERM; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    console.error(`vigie: ${signal} received, stopping gracefully`);
    stop().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
