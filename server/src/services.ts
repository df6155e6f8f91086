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
import { defaultWebRoot } from './platform/http/web.ts';
import { SitesService } from './modules/sites/sites.service.ts';
import {
  databaseInventory, LegalHoldsService, MaskCheck, MaskImageStore, MasksRepository, MasksService, PtzPositions, RecordedDaysJob, RecordingRepository, RecordingService, RetentionPurge,
  RetentionRepository, StatutoryRegister, StorageRepository, StorageService,
} from './modules/recording/index.ts';
import { TechnicalEventsService } from './modules/technical-events/index.ts';
import { PtzRepository, PtzService, PtzToursService } from './modules/ptz/index.ts';
import { OnvifPtzClient } from './platform/onvif/index.ts';
import { ConsoleRepository, LayoutsService, WallsService } from './modules/console/index.ts';
import { databaseMasks, PlaybackRepository, PlaybackService } from './modules/playback/index.ts';
import { LiveService } from './modules/live/index.ts';
import { join } from 'node:path';
import type { ProcessLog } from './platform/processes.ts';

export interface ServiceDependencies {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  secrets: SecretBox;
  /** Background components log here (the HTTP app has its own logger). */
  log?: ProcessLog;
}

export function createServices(deps: ServiceDependencies) {
  const { database, clock, config, secrets, log } = deps;
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
  const technicalEvents = new TechnicalEventsService(db, clock, log);
  const recordingInventory = databaseInventory(db);
  const recordingRepository = new RecordingRepository(db, database.dialect);
  const retentionRepository = new RetentionRepository(db);
  const storageRepository = new StorageRepository(db);
  const storage = new StorageService(db, storageRepository, audit, clock, recordingInventory, {
    allowedParents: config.storageRoots,
    protectedPaths: [config.dataDir, config.secretKeyFile, ...(config.database.dialect === 'sqlite' ? [config.database.path] : [])],
    forbiddenParents: [defaultWebRoot],
  });
  const retentionPurge = new RetentionPurge({
    db, repository: retentionRepository, audit, clock, inventory: recordingInventory, log,
    // Read at each pass: a volume added later is purged too.
    volumes: () => storage.storageVolumes(),
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
  const consoleRepository = new ConsoleRepository(db);
  const playback = new PlaybackService({
    db, repository: new PlaybackRepository(db), audit, clock, cameras, footage: recordingRepository, volumes: () => storage.storageVolumes(), log,
    masks: databaseMasks(masksRepository, new MaskImageStore(join(config.dataDir, 'playback-masks'))),
    // The recorder picks a mask change up at its next reconcile: until then it may still cut unmasked segments.
    maskTakesEffectMs: config.reconcileIntervalMs + 15_000,
  });
  return {
    audit,
    technicalEvents,
    masks,
    ptz,
    onvif,
    ptzPositions,
    ptzTours: new PtzToursService(db, ptzRepository, audit, clock, cameras),
    playback,
    // Live viewing; the recorder role of the process is given by main.ts (useRecorder). Same mask images as the recorder's.
    live: new LiveService({
      clock, audit, cameras, log, masks, ptzPositions, maskImages: new MaskImageStore(join(config.dataDir, 'masks')),
      recipientsOf: async (cameraId) => (await authorisations.coverage([cameraId])).get(cameraId)?.recipients ?? [],
    }),
    layouts: new LayoutsService(db, consoleRepository, audit, clock, cameras),
    walls: new WallsService(db, consoleRepository, audit, clock, cameras),
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
