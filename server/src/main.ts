// `./vigie serve`: the roles of this process (VIGIE_ROLES: api, recorder, worker; all three by
// default), with graceful shutdown. The recorder role starts with the retention purge, then
// the recorders; a recorder-only process (a recording machine) purges its own footage.
import { foldersOpenToOthers, OpenFolderError } from './platform/file-modes.ts';
import { startMetricsListener } from './platform/http/metrics.ts';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { systemActor } from './modules/audit/audit.types.ts';
import { join } from 'node:path';
import { MaskImageStore, PtzPositionWatcher, RecordingRole, type RecordingRoleOptions } from './modules/recording/index.ts';
import { createPatrolRunner, type PatrolRunner } from './modules/ptz/index.ts';
import type { ProcessLog } from './platform/processes.ts';
import { stderrLog } from './platform/log.ts';
import { openRuntime, type Runtime } from './runtime.ts';

export interface RunningServer {
  /** The API's URL, or null when this process does not run the api role. */
  url: string | null;
  recording: RecordingRole | null;
  stop(): Promise<void>;
}

/** The recorder role over a runtime's services (serve, and the tests that run the role whole). */
export function createRecordingRole(
  runtime: Pick<Runtime, 'database' | 'clock' | 'services'>,
  config: Pick<Config, 'dataDir' | 'recordingsDir' | 'segmentSeconds' | 'reconcileIntervalMs' | 'purgeIntervalMs' | 'spaceCheckIntervalMs'>,
  log: ProcessLog,
  overrides: Partial<RecordingRoleOptions> = {},
): RecordingRole {
  const { services } = runtime;
  return new RecordingRole({
    db: runtime.database.db, clock: runtime.clock, audit: services.audit, repository: services.recordingRepository, chainKey: services.segmentChainKey, cameras: services.cameras,
    siteKinds: async () => new Map((await services.sites.list(null)).map((site) => [site.id, site.kind])),
    storage: services.storage, purge: services.retentionPurge, raise: (event) => services.technicalEvents.raise(event), log,
    masks: services.masks, maskImages: new MaskImageStore(join(config.dataDir, 'masks')),
    // PTZ positions of this process's commands (api role, patrol tours), and those read back from the cameras by the
    // PTZ position watcher started with this role (serve): the recorder follows a preset's masks, in a recorder-only process too.
    ptzPositions: services.ptzPositions,
  }, {
    defaultVolumeRoot: config.recordingsDir, segmentSeconds: config.segmentSeconds, reconcileIntervalMs: config.reconcileIntervalMs,
    purgeIntervalMs: config.purgeIntervalMs, spaceCheckIntervalMs: config.spaceCheckIntervalMs, ...overrides,
  });
}

export async function startServer(config: Config, options: { onListening?: (url: string) => void } = {}): Promise<RunningServer> {
  const log = stderrLog(config.logLevel);
  const runtime = await openRuntime(config, { log });
  const { services } = runtime;
  const open = foldersOpenToOthers([config.dataDir, config.recordingsDir, ...(await services.storage.storageVolumes()).map((volume) => volume.root)]);
  if (open.length > 0) {
    await runtime.close();
    throw new OpenFolderError(open);
  }
  const timers: NodeJS.Timeout[] = [];
  const every = (intervalMs: number, name: string, task: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      task().catch((error: unknown) => log.warn({ error: error instanceof Error ? error.message : String(error) }, `${name} failed`));
    }, intervalMs);
    timer.unref();
    timers.push(timer);
  };

  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let recording: RecordingRole | null = null;
  let url: string | null = null;
  let patrol: PatrolRunner | null = null;
  let ptzWatcher: PtzPositionWatcher | null = null;
  let metricsListener: { url: string; close(): Promise<void> } | null = null;
  try {
    if (config.roles.includes('recorder')) {
      recording = createRecordingRole(runtime, config, log);
      services.recording.useLiveFacts(recording);
      services.live.useRecorder(recording);
      await recording.start();
      // Where PTZ cameras with preset masks point, read back from them (a restart, another client, a recorder-only process).
      ptzWatcher = new PtzPositionWatcher({ cameras: services.cameras, masks: services.masks, device: services.onvif, positions: services.ptzPositions, commands: services.ptz, log });
      ptzWatcher.start();
    }
    if (config.roles.includes('worker')) {
      // Housekeeping: expired sessions hourly; audit rows past their retention (3 years) daily;
      // the register's "recordings made" rows once a Paris day is over.
      every(3_600_000, 'session purge', () => services.sessions.purgeExpiredSessions());
      every(86_400_000, 'audit purge', () => services.audit.purgeExpired(config.auditRetentionDays, systemActor));
      every(3_600_000, 'register of recordings made', () => services.recordedDays.run());
      // LEGAL 4: masks checked in force on recorded frames (in-camera masks especially).
      every(3_600_000, 'privacy mask check', () => services.maskCheck.run());
      // Playback sessions with no fetch for 5 minutes end by themselves, their stop audited.
      every(60_000, 'idle playback sessions', () => services.playback.closeIdle());
      // Legal holds confirmed and unchanged for 90 days are reported for review (issue 11).
      every(86_400_000, 'legal hold review', () => reportHoldsDueForReview(services));
      // Signed checkpoints of the chain heads, outside the database (issue 11): at start, then every interval (at least daily).
      every(config.checkpoints.intervalMs, 'signed checkpoint', () => services.checkpoints.run());
      await services.checkpoints.run().catch((error: unknown) => log.warn({ error: String(error) }, 'signed checkpoint failed'));
      await services.recordedDays.run().catch((error: unknown) => log.warn({ error: String(error) }, 'register of recordings made failed'));
    }
    if (config.roles.includes('api')) {
      app = await buildApp({ config, database: runtime.database, clock: runtime.clock, services });
      url = await app.listen({ host: config.host, port: config.port });
      options.onListening?.(url);
      if (config.metrics) {
        metricsListener = await startMetricsListener(app.metrics, config.metrics);
        console.log(`Vigie metrics on ${metricsListener.url}`);
      }
      // Patrol tours (virtual patrol) move PTZ cameras between presets; the control lock arbitrates between API processes.
      patrol = createPatrolRunner(services.ptz, services.ptzTours, runtime.clock, { log });
      patrol.start();
    }
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    await patrol?.stop().catch(() => undefined);
    await ptzWatcher?.stop().catch(() => undefined);
    await recording?.stop().catch(() => undefined);
    await metricsListener?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await runtime.close();
    throw error;
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      for (const timer of timers) clearInterval(timer);
      await patrol?.stop();
      await metricsListener?.close();
      await app?.close();
      await ptzWatcher?.stop();
      await recording?.stop();
      // A last checkpoint: the heads as this process leaves them, so that nothing written since the previous one is unprotected.
      if (config.roles.includes('worker')) await services.checkpoints.run().catch((error: unknown) => log.warn({ error: String(error) }, 'signed checkpoint failed'));
      await runtime.close();
    })();
    return stopping;
  };
  return { url, recording, stop };
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

/** One warning technical event per confirmed hold not reviewed within VIGIE_HOLD_REVIEW_DAYS. */
export async function reportHoldsDueForReview(services: Pick<Awaited<ReturnType<typeof openRuntime>>['services'], 'holds' | 'technicalEvents'>): Promise<number> {
  return services.holds.reportDueForReview((event) => services.technicalEvents.raise(event));
}

