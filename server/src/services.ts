// Wires every module's service with the few adapters it needs. One instance per process
// (or per test), shared by the HTTP app, the CLI and background jobs.
import type { Config } from './config.ts';
import type { Clock } from './platform/clock.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import type { SecretBox } from './platform/secrets.ts';
import { createAuditModule } from './modules/audit/index.ts';
import { createAccessModule } from './modules/access/index.ts';
import { loadOrCreateChainKeys, type ChainKeys } from './platform/chain-keys.ts';
import { createAuthModule } from './modules/auth/index.ts';
import { createAuthorisationsModule } from './modules/authorisations/index.ts';
import { createCamerasModule } from './modules/cameras/index.ts';
import { createCommunesModule } from './modules/communes/index.ts';
import { createSettingsModule } from './modules/settings/index.ts';
import { defaultWebRoot } from './platform/http/web.ts';
import { createSitesModule } from './modules/sites/index.ts';
import {
  databaseInventory, LegalHoldsService, MaskCheck, MaskImageStore, MasksRepository, MasksService, PtzPositions, RecordedDaysJob, RecordingRepository, RecordingService, RetentionPurge,
  RetentionRepository, StatutoryRegister, StorageRepository, StorageService, VolumeMarkerGuard,
} from './modules/recording/index.ts';
import { createTechnicalEventsModule } from './modules/technical-events/index.ts';
import { PtzRepository, PtzService, PtzToursService } from './modules/ptz/index.ts';
import { OnvifPtzClient } from './platform/onvif/index.ts';
import { createConsoleModule } from './modules/console/index.ts';
import { createPlaybackModule, databaseMasks } from './modules/playback/index.ts';
import { LiveService } from './modules/live/index.ts';
import { join } from 'node:path';
import { JobRegistry } from './platform/jobs.ts';
import { createHealthModule } from './modules/health/index.ts';
import type { ProcessLog } from './platform/processes.ts';
import type { VigieModule } from './platform/modules.ts';

export interface ServiceDependencies {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  secrets: SecretBox;
  /** Keys of the audit and segment chains and of their signed checkpoints (loadChainKeys). */
  chainKeys: ChainKeys;
  /** Background components log here (the HTTP app has its own logger). */
  log?: ProcessLog;
}

/** The chain keys from their files, created on first start with the chains' current ends as the legacy boundary. */
export function loadChainKeys(config: Pick<Config, 'chainKeyFile' | 'signingKeyFile'>, database: DatabaseHandle): Promise<ChainKeys> {
  return loadOrCreateChainKeys(config, async () => ({
    auditThroughSeq: (await createAuditModule({ database, clock: { now: () => new Date() } }).api.chainHead()).seq,
    segmentsThroughId: await new RecordingRepository(database.db, database.dialect).maxSegmentId(),
  }));
}

export function createServices(deps: ServiceDependencies) {
  const { database, clock, config, secrets, log, chainKeys } = deps;
  const db = database.db;
  // The recording heads and the technical events are read once their modules exist (below).
  const auditModule = createAuditModule({
    database, clock, log, retentionDays: config.auditRetentionDays,
    chain: {
      keys: chainKeys, checkpoints: config.checkpoints, raise: (event) => technicalEvents.raise(event),
      recordingHeads: async () => (await recordingRepository.allHeads()).map((head) => [head.cameraId, head.segmentId, head.chainHash]),
    },
  });
  const audit = auditModule.api;
  const accessModule = createAccessModule();
  const settingsModule = createSettingsModule({ database, clock, audit });
  const settings = settingsModule.api;
  const authModule = createAuthModule({
    database, clock, audit, secrets, config,
    settings: { totpRequiredForImageRoles: () => settings.get('totp_required_for_image_roles') },
    // Read in the account change's transaction (communes exist once their module does, below).
    communes: {
      existing: async (handle, codes) => {
        const found = new Set<string>();
        for (const code of codes) if ((await communes.retentionOf(handle, code)) !== null) found.add(code);
        return found;
      },
    },
  });
  // Communes and cameras depend on authorisations, which reads them back through this port (called once both exist).
  const authorisationsModule = createAuthorisationsModule({
    database, clock, audit,
    inventory: {
      communeRetention: (handle, insee) => communesModule.api.retentionOf(handle, insee),
      cameras: (handle, cameraIds) => camerasModule.api.inventoryFacts(handle, cameraIds),
    },
  });
  const authorisations = authorisationsModule.api;
  const communesModule = createCommunesModule({ database, clock, audit, authorisations });
  const communes = communesModule.api;
  const sitesModule = createSitesModule({ database, clock, audit, communes });
  const sites = sitesModule.api;
  const camerasModule = createCamerasModule({ database, clock, audit, secrets, authorisations, sites, communes });
  const cameras = camerasModule.api;
  const technicalEventsModule = createTechnicalEventsModule({ database, clock, log });
  const technicalEvents = technicalEventsModule.api;
  const recordingInventory = databaseInventory(db);
  const recordingRepository = new RecordingRepository(db, database.dialect);
  const retentionRepository = new RetentionRepository(db);
  const storageRepository = new StorageRepository(db);
  const storage = new StorageService(db, storageRepository, audit, clock, recordingInventory, {
    allowedParents: config.storageRoots,
    protectedPaths: [config.dataDir, config.secretKeyFile, config.chainKeyFile, config.signingKeyFile, config.checkpoints.directory, ...(config.database.dialect === 'sqlite' ? [config.database.path] : [])],
    forbiddenParents: [defaultWebRoot],
  });
  const retentionPurge = new RetentionPurge({
    db, repository: retentionRepository, audit, clock, inventory: recordingInventory, log,
    // Read at each pass: a volume added later is purged too.
    volumes: () => storage.storageVolumes(),
    // No marker at a volume's root (disk not mounted): nothing on it is destroyed (issue 11).
    markers: new VolumeMarkerGuard({ db, repository: storageRepository, audit, clock }),
    onTechnicalEvent: (event) => void technicalEvents.raise(event),
  });
  const masksRepository = new MasksRepository(db, database.dialect);
  const masks = new MasksService(db, masksRepository, audit, clock, recordingInventory);
  const ptzRepository = new PtzRepository(db, database.dialect);
  // One ONVIF client per process: the PTZ service and the PTZ position watcher (recorder role) share its discovery cache.
  const onvif = new OnvifPtzClient();
  const ptz = new PtzService({ db, repository: ptzRepository, audit, clock, cameras, device: onvif, log });
  // Where PTZ cameras point (this process's commands, and the position watcher of the recorder role): a preset's masks are burnt in there.
  const ptzPositions = new PtzPositions((cameraId, error) => log?.warn({ cameraId, error: String(error) }, 'PTZ position follower failed'));
  ptz.onPositionChanged((cameraId, presetToken) => ptzPositions.set(cameraId, presetToken));
  const consoleModule = createConsoleModule({ database, audit, clock, cameras, config });
  const playbackModule = createPlaybackModule({
    database, audit, clock, cameras, footage: recordingRepository, volumes: () => storage.storageVolumes(), log,
    // Each segment's recorded masking against the mask history (LEGAL 4): nothing inferred from when masks changed.
    masks: databaseMasks(masksRepository, recordingRepository, new MaskImageStore(join(config.dataDir, 'playback-masks'))),
  });
  // Periodic work of every module (issue 10): started with the process's roles by main.ts; a failure is a technical event.
  const jobs = new JobRegistry({
    clock, log,
    onError: (job, error) => technicalEvents.raise({
      severity: 'warning', code: 'job_failed', cameraId: null, communeInsee: null,
      message: `${job.name}: ${error instanceof Error ? error.message : String(error)}`, details: { job: job.name },
    }),
  });
  const healthModule = createHealthModule({ database, jobs });
  return {
    jobs,
    healthModule,
    audit,
    // Signed checkpoints of the chain heads (issue 11): written by the worker role, read by the verify commands.
    checkpointStore: auditModule.checkpoints.store,
    checkpoints: auditModule.checkpoints.job,
    /** The segment chain's key, for the recording role's indexer and `recordings verify`. */
    segmentChainKey: chainKeys.segments,
    technicalEvents,
    masks,
    ptz,
    onvif,
    ptzPositions,
    ptzTours: new PtzToursService(db, ptzRepository, audit, clock, cameras),
    playbackModule,
    playback: playbackModule.api,
    // Live viewing; the recorder role of the process is given by main.ts (useRecorder). Same mask images as the recorder's.
    live: new LiveService({
      clock, audit, cameras, log, masks, ptzPositions, maskImages: new MaskImageStore(join(config.dataDir, 'masks')),
      recipientsOf: async (cameraId) => (await authorisations.coverage([cameraId])).get(cameraId)?.recipients ?? [],
    }),
    consoleModule,
    layouts: consoleModule.api.layouts,
    walls: consoleModule.api.walls,
    maskCheck: new MaskCheck({
      db, repository: masksRepository, masks, footage: recordingRepository, volumes: () => storage.storageVolumes(), audit, clock, log,
      onTechnicalEvent: (event) => technicalEvents.raise(event),
    }),
    recordingRepository,
    retentionRepository,
    storage,
    retentionPurge,
    recording: new RecordingService(recordingRepository, retentionRepository, storageRepository, cameras, audit, clock),
    holds: new LegalHoldsService(db, retentionRepository, audit, clock, recordingInventory, config.holds),
    register: new StatutoryRegister(retentionRepository, clock),
    recordedDays: new RecordedDaysJob(db, retentionRepository, audit, clock),
    settings,
    accounts: authModule.api.accounts,
    sessions: authModule.api.sessions,
    tokens: authModule.api.tokens,
    communes,
    authorisations,
    sites,
    cameras,
    auditModule,
    accessModule,
    authModule,
    settingsModule,
    authorisationsModule,
    communesModule,
    sitesModule,
    camerasModule,
    technicalEventsModule,
    // Every module (issue 10): app.ts registers their routes, main.ts starts their jobs.
    modules: [authModule, settingsModule, auditModule, accessModule, authorisationsModule, communesModule, sitesModule, camerasModule, technicalEventsModule] as VigieModule<unknown>[],
  };
}

export type Services = ReturnType<typeof createServices>;
