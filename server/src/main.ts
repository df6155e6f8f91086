// `./vigie serve`: the roles of this process (VIGIE_ROLES: api, recorder, worker; all three by
// default), with graceful shutdown. The recorder role starts with the retention purge (a job
// awaited when the jobs start), then the recorders; a recorder-only process (a recording
// machine) purges its own footage.
import { foldersOpenToOthers, OpenFolderError } from './platform/file-modes.ts';
import { startMetricsListener } from './platform/http/metrics.ts';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import type { RecordingRole, RecordingRoleDeps, RecordingRoleOptions } from './modules/recording/index.ts';
import type { ProcessLog } from './platform/processes.ts';
import { stderrLog } from './platform/log.ts';
import { openRuntime, type Runtime } from './runtime.ts';

export interface RunningServer {
  /** The API's URL, or null when this process does not run the api role. */
  url: string | null;
  recording: RecordingRole | null;
  stop(): Promise<void>;
}

/**
 * The recorder role over a runtime's services (serve, and the tests that run the role whole):
 * the recording module's, which the recording status and live viewing then read. It follows the
 * PTZ positions of this process's commands (api role, patrol tours) and those read back from
 * the cameras by the position watcher started with it (serve), in a recorder-only process too.
 * In serve, the purge, the space check and the periodic reconcile are jobs; tests that run the
 * role alone give it `reconcileIntervalMs` for a reconcile of its own.
 */
export function createRecordingRole(
  runtime: Pick<Runtime, 'database' | 'clock' | 'services'>,
  config: Pick<Config, 'recordingsDir' | 'segmentSeconds'>,
  log: ProcessLog,
  overrides: Partial<RecordingRoleOptions> & Pick<RecordingRoleDeps, 'createRecorder'> = {},
): RecordingRole {
  const { createRecorder, ...options } = overrides;
  return runtime.services.recordingModule.api.createRole(
    { defaultVolumeRoot: config.recordingsDir, segmentSeconds: config.segmentSeconds, ...options },
    { log, createRecorder },
  );
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
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let recording: RecordingRole | null = null;
  let url: string | null = null;
  let metricsListener: { url: string; close(): Promise<void> } | null = null;
  try {
    // The jobs of this process's roles (issue 10, GET /api/health/jobs): those run at start are awaited, so the recorder
    // role's purge and space check come before any recorder, and the worker's first signed checkpoint is written.
    // Recorder: purge, space check, reconcile, PTZ position watch. Worker: session and audit purges, signed checkpoints,
    // idle playback sessions, the register's recordings made, the privacy mask check, the legal hold review. Api: patrol tours.
    await services.jobs.start(config.roles);
    if (config.roles.includes('recorder')) {
      recording = createRecordingRole(runtime, config, log);
      await recording.start();
    }
    if (config.roles.includes('api')) {
      app = await buildApp({ config, database: runtime.database, clock: runtime.clock, services });
      url = await app.listen({ host: config.host, port: config.port });
      options.onListening?.(url);
      if (config.metrics) {
        metricsListener = await startMetricsListener(app.metrics, config.metrics);
        console.log(`Vigie metrics on ${metricsListener.url}`);
      }
    }
  } catch (error) {
    await services.jobs.stop().catch(() => undefined);
    await recording?.stop().catch(() => undefined);
    await metricsListener?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await runtime.close();
    throw error;
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      // The jobs first (patrol tours give their cameras back, the position watcher ends its pass), then the API, then the recorders.
      await services.jobs.stop();
      await metricsListener?.close();
      await app?.close();
      await recording?.stop();
      // A last checkpoint: the heads as this process leaves them, so that nothing written since the previous one is unprotected.
      if (config.roles.includes('worker')) await services.jobs.runNow('audit.checkpoint');
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
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
