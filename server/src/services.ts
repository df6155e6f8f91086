// The ordered list of module constructions (issue 10, docs/architecture.md "Module map"): each
// module receives its own dependencies, and a port closure where it needs a module built after
// it. Also the event bus and the job registry. One instance per process (or per test), shared
// by the HTTP app, the CLI and the jobs.
import type { Config } from './config.ts';
import type { Clock } from './platform/clock.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import type { SecretBox } from './platform/secrets.ts';
import { createAuditModule, newestRegisterHead } from './modules/audit/index.ts';
import { createAccessModule } from './modules/access/index.ts';
import { loadOrCreateChainKeys, type ChainKeys } from './platform/chain-keys.ts';
import { createAuthModule } from './modules/auth/index.ts';
import { createAuthorisationsModule } from './modules/authorisations/index.ts';
import { createCamerasModule } from './modules/cameras/index.ts';
import { createCommunesModule } from './modules/communes/index.ts';
import { createSettingsModule } from './modules/settings/index.ts';
import { defaultWebRoot } from './platform/http/web.ts';
import { createSitesModule } from './modules/sites/index.ts';
import { createMasksModule } from './modules/masks/index.ts';
import { createRecordingModule, lastSegmentId } from './modules/recording/index.ts';
import { createRetentionModule, lastRegisterSeq } from './modules/retention/index.ts';
import { createRequisitionsModule } from './modules/requisitions/index.ts';
import { createStatisticsModule } from './modules/statistics/index.ts';
import { createLogbookModule } from './modules/logbook/index.ts';
import { createAlarmsModule, type OnCallPort } from './modules/alarms/index.ts';
import { createOncallModule } from './modules/oncall/index.ts';
import { createStorageModule } from './modules/storage/index.ts';
import { EventBus } from './platform/events.ts';
import { createTechnicalEventsModule } from './modules/technical-events/index.ts';
import { createPtzModule } from './modules/ptz/index.ts';
import { createDevicesModule } from './modules/devices/index.ts';
import { createOnvifEventsModule } from './modules/onvif-events/index.ts';
import { createOnvifSetupModule } from './modules/onvif-setup/index.ts';
import { createConsoleModule } from './modules/console/index.ts';
import { createPlaybackModule, databaseMasks } from './modules/playback/index.ts';
import { createLiveModule } from './modules/live/index.ts';
import {
  cameraFactsPort,
  createExportsModule,
  renderExtractionReport,
  renderPlayerHtml,
  requisitionsPort,
  type ExportBuilderDeps,
} from './modules/exports/index.ts';
import { version } from './version.ts';
import { join } from 'node:path';
import { JobRegistry } from './platform/jobs.ts';
import { createHealthModule } from './modules/health/index.ts';
import { createCameraHealthModule } from './modules/camera-health/index.ts';
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
  /** The evidence package's player and extraction report renderers (tests give fakes). */
  exportRenderers?: Partial<Pick<ExportBuilderDeps, 'renderPlayer' | 'renderReport'>>;
  /** The on-call chain procedures notify (tests give a fake); none: the on-call module's, once it exists, else nobody. */
  onCall?: OnCallPort;
}

/** The chain keys from their files, created on first start with the chains' current ends as the legacy boundary. */
export function loadChainKeys(config: Pick<Config, 'chainKeyFile' | 'signingKeyFile'>, database: DatabaseHandle): Promise<ChainKeys> {
  return loadOrCreateChainKeys(config, async () => ({
    auditThroughSeq: (await createAuditModule({ database, clock: { now: () => new Date() } }).api.chainHead()).seq,
    segmentsThroughId: await lastSegmentId(database),
    registerThroughSeq: await lastRegisterSeq(database),
  }));
}

export function createServices(deps: ServiceDependencies) {
  const { database, clock, config, secrets, log, chainKeys } = deps;
  // The recording heads and the technical events are read once their modules exist (below).
  const auditModule = createAuditModule({
    database,
    clock,
    log,
    retentionDays: config.auditRetentionDays,
    chain: {
      keys: chainKeys,
      checkpoints: config.checkpoints,
      raise: (event) => technicalEvents.raise(event),
      recordingHeads: async () => (await recordingRepository.allHeads()).map((head) => [head.cameraId, head.segmentId, head.chainHash]),
      registerHead: () => retentionModule.api.register.head(),
    },
  });
  const audit = auditModule.api;
  const accessModule = createAccessModule();
  const settingsModule = createSettingsModule({ database, clock, audit });
  const settings = settingsModule.api;
  const authModule = createAuthModule({
    database,
    clock,
    audit,
    secrets,
    config,
    settings: { totpRequiredForImageRoles: () => settings.get('totp_required_for_image_roles') },
    // Read in the account change's transaction (communes exist once their module does, below).
    communes: { existing: (handle, codes) => communes.existing(handle, codes) },
  });
  // Communes and cameras depend on authorisations, which reads them back through this port (called once both exist).
  const authorisationsModule = createAuthorisationsModule({
    database,
    clock,
    audit,
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
  // In-process events between modules (issue 10): the recorder's state changes, heard by live viewing.
  const events = new EventBus(log);
  // The on-call chain (issue 14 item 5): rotas, overrides, notifications by e-mail and webhook, their escalation.
  const oncallModule = createOncallModule({ database, audit, clock, secrets, log, config: config.oncall });
  // Alarms (issue 14): webhook and MQTT intake, technical events turned into alarms, the operators' queue.
  const alarmsModule = createAlarmsModule({
    database,
    audit,
    clock,
    events,
    log,
    sites: { communeOf: async (handle, siteId) => (await sites.findById(handle, siteId))?.commune_insee ?? null },
    technicalEvents,
    sessions: { resolve: (token, options) => authModule.api.sessions.resolve(token, options) },
    secrets,
    capCentre: {
      communes: async () => (await communes.list(null)).map((commune) => commune.insee),
      sites: async () =>
        (await sites.sitesOf(undefined, null)).map((site) => ({
          id: site.id,
          communeInsee: site.commune_insee,
          latitude: site.latitude,
          longitude: site.longitude,
        })),
    },
    onCall: deps.onCall ?? oncallModule.api,
    config: config.alarms,
  });
  // Storage, masks, recording, retention (issue 10): each reads the others through ports; those of modules built later are called once they exist.
  const storageModule = createStorageModule({
    database,
    clock,
    audit,
    log,
    cameras,
    raise: (event) => technicalEvents.raise(event),
    footage: {
      indexedBytes: (volume) => recordingRepository.indexedBytes(volume),
      oldestSegmentPath: (volume) => recordingRepository.oldestSegmentPath(volume),
    },
    destroyEarly: (volume, bytesToFree, now) => retentionModule.api.purge.destroyEarly(volume, bytesToFree, now),
    rootPolicy: {
      allowedParents: config.storageRoots,
      protectedPaths: [
        config.dataDir,
        config.secretKeyFile,
        config.chainKeyFile,
        config.signingKeyFile,
        config.checkpoints.directory,
        ...(config.database.dialect === 'sqlite' ? [config.database.path] : []),
      ],
      forbiddenParents: [defaultWebRoot],
    },
    config: { defaultVolumeRoot: config.recordingsDir, spaceCheckIntervalMs: config.spaceCheckIntervalMs },
  });
  const storage = storageModule.api.service;
  const masksModule = createMasksModule({
    database,
    clock,
    audit,
    log,
    cameras,
    raise: (event) => technicalEvents.raise(event),
    footage: { newestSegment: (cameraId) => recordingRepository.newestSegment(cameraId) },
    volumes: () => storage.storageVolumes(),
    config: { dataDir: config.dataDir, ffmpegPath: config.tools.ffmpegPath },
  });
  const masks = masksModule.api.service;
  // PTZ commands, patrol tours, and where PTZ cameras point (a preset's masks are burnt in there).
  // ONVIF device facts and quirk records (issue 18); its client is the one PTZ and ONVIF events speak through.
  const devicesModule = createDevicesModule({
    database,
    audit,
    clock,
    cameras,
    log,
    raise: (event) => technicalEvents.raise(event),
    refreshMs: config.deviceFactsRefreshMs,
  });
  const ptzModule = createPtzModule({ database, audit, clock, cameras, masks, events, log, onvif: devicesModule.api.onvif });
  const { ptz, positions: ptzPositions, onvif } = ptzModule.api;
  // ONVIF events (worker role) over the same client as PTZ, and adding cameras from ONVIF, WS-Discovery (issue 18).
  const onvifEventsModule = createOnvifEventsModule({ cameras, onvif, clock, log, raise: (event) => technicalEvents.raise(event) });
  const onvifSetupModule = createOnvifSetupModule({ cameras, siteKind: async (siteId) => (await sites.findById(undefined, siteId))?.kind ?? null });
  const recordingModule = createRecordingModule({
    database,
    clock,
    audit,
    events,
    log,
    chainKey: chainKeys.segments,
    cameras,
    storage,
    masks,
    maskImages: masksModule.api.images,
    ptzPositions,
    siteKinds: async () => new Map((await sites.list(null)).map((site) => [site.id, site.kind])),
    holds: { holdsOf: (cameraId, communeInsee) => retentionModule.api.holds.unreleasedHoldsOf(cameraId, communeInsee) },
    raise: (event) => technicalEvents.raise(event),
    config: {
      recordingsDir: config.recordingsDir,
      segmentSeconds: config.segmentSeconds,
      recorderThreads: config.recorderThreads,
      reconcileIntervalMs: config.reconcileIntervalMs,
      tools: config.tools,
    },
  });
  const recordingRepository = recordingModule.api.repository;
  const retentionModule = createRetentionModule({
    database,
    clock,
    audit,
    log,
    footage: recordingRepository,
    inventory: cameras,
    storage,
    markers: storageModule.api.markers,
    raise: (event) => technicalEvents.raise(event),
    config: { holds: config.holds, purgeIntervalMs: config.purgeIntervalMs },
    registerChainKey: chainKeys.register,
    registerCheckpoint: () => newestRegisterHead(auditModule.checkpoints.store),
  });
  // Requisitions (issue 13): their holds are the retention module's, placed and released in the requisition's transaction.
  const requisitionsModule = createRequisitionsModule({
    database,
    audit,
    clock,
    holds: retentionModule.api.requisitionHolds,
    cameras,
    register: retentionModule.api.register,
    config: { targetHours: config.requisitionTargetHours, dataDir: config.dataDir },
  });
  // Yearly statistics (issue 13 item 8): requisitions through their facts; offences and imported years are its own.
  const statisticsModule = createStatisticsModule({
    database,
    audit,
    clock,
    ports: {
      requisitionTransitions: (filter) => requisitionsModule.api.facts.transitionsBetween(filter),
      // Review hours of requisitions (issue 13 item 3): active playback time and manual additions, per commune and unit.
      reviewSeconds: async ({ year }) => (await requisitionsModule.api.review.reviewSeconds({ year })).byCommuneAndUnit,
      existingCommunes: (codes) => communes.existing(undefined, codes),
      communeOfSite: async (siteId, handle) => (await sites.findById(handle, siteId))?.commune_insee ?? null,
      communesOfCameras: (cameraIds, handle) => cameras.communesOfCameras(cameraIds, handle),
    },
  });
  // The logbook (issue 14 items 6-7): automatic entries from `alarm.changed`, offence entries counted by the statistics in their transaction.
  const logbookModule = createLogbookModule({
    database,
    audit,
    clock,
    events,
    log,
    alarms: alarmsModule.api.facts,
    chainKey: chainKeys.logbook,
    shifts: config.alarmShifts,
    ports: {
      recordOffence: (handle, entry, actor) => statisticsModule.api.recordFromLogbook(handle, entry, actor),
      communeOfSite: async (siteId, handle) => (await sites.findById(handle, siteId))?.commune_insee ?? null,
      communesOfCameras: (cameraIds, handle) => cameras.communesOfCameras(cameraIds, handle),
    },
  });
  const consoleModule = createConsoleModule({ database, audit, clock, cameras, config });
  const playbackModule = createPlaybackModule({
    database,
    audit,
    clock,
    cameras,
    ffmpegPath: config.tools.ffmpegPath,
    footage: recordingRepository,
    volumes: () => storage.storageVolumes(),
    log,
    // Playback opened for a requisition counts its review time there (issue 13 item 3).
    reviews: requisitionsModule.api.review,
    // Each segment's recorded masking against the mask history (LEGAL 4): nothing inferred from when masks changed.
    masks: databaseMasks(masks, recordingRepository, masksModule.api.imageStore(join(config.dataDir, 'playback-masks'))),
  });
  // Evidence packages (issue 13 item 4): built by the worker role from the archive, masks of the playback rules, signed with the installation's key.
  const exportsModule = createExportsModule({
    database,
    audit,
    clock,
    log,
    dataDir: config.dataDir,
    keepAfterDeliveryDays: config.exportKeepAfterDeliveryDays,
    cameras,
    register: retentionModule.api.register,
    requisitions: requisitionsPort(requisitionsModule.api.requisitions),
    builder: {
      footage: recordingRepository,
      volumes: () => storage.storageVolumes(),
      masks: databaseMasks(masks, recordingRepository, masksModule.api.imageStore(join(config.dataDir, 'export-masks'))),
      cameras: cameraFactsPort(cameras, sites, communes, devicesModule.api.devices),
      signer: chainKeys.signer,
      renderPlayer: deps.exportRenderers?.renderPlayer ?? renderPlayerHtml,
      renderReport: deps.exportRenderers?.renderReport ?? renderExtractionReport,
      installation: { name: 'Vigie', version },
      ffmpegPath: config.tools.ffmpegPath,
      ffprobePath: config.tools.ffprobePath,
      log,
    },
  });
  // Live viewing from the recorder role of this process (recording module), with the recorder's mask images.
  const liveModule = createLiveModule({
    clock,
    audit,
    cameras,
    log,
    ffmpegPath: config.tools.ffmpegPath,
    masks,
    ptzPositions,
    maskImages: masksModule.api.images,
    events,
    recorder: { current: () => recordingModule.api.current() },
    sessions: { resolve: (token, options) => authModule.api.sessions.resolve(token, options) },
    recipientsOf: async (cameraId) => (await authorisations.coverage([cameraId])).get(cameraId)?.recipients ?? [],
  });
  // Camera picture checks (issue 15, docs/health.md): from the recorder's live hub, faults as technical events (alarms).
  const cameraHealthModule = createCameraHealthModule({
    database,
    audit,
    clock,
    cameras,
    log,
    recorder: () => recordingModule.api.current(),
    presetOf: (cameraId) => ptzPositions.presetOf(cameraId),
    raise: (event) => technicalEvents.raise(event),
    config: { intervalMs: config.cameraHealthIntervalMs, ffmpegPath: config.tools.ffmpegPath },
  });
  // Periodic work of every module (issue 10): started with the process's roles by main.ts; a failure is a technical event.
  const jobs = new JobRegistry({
    clock,
    log,
    onError: (job, error) =>
      technicalEvents.raise({
        severity: 'warning',
        code: 'job_failed',
        cameraId: null,
        communeInsee: null,
        message: `${job.name}: ${error instanceof Error ? error.message : String(error)}`,
        details: { job: job.name },
      }),
  });
  const healthModule = createHealthModule({ database, jobs });
  // In the order their routes are registered (the OpenAPI document's order).
  const modules: VigieModule<unknown>[] = [
    healthModule,
    authModule,
    settingsModule,
    auditModule,
    accessModule,
    communesModule,
    authorisationsModule,
    sitesModule,
    recordingModule,
    storageModule,
    technicalEventsModule,
    retentionModule,
    requisitionsModule,
    statisticsModule,
    alarmsModule,
    oncallModule,
    logbookModule,
    masksModule,
    devicesModule,
    ptzModule,
    playbackModule,
    exportsModule,
    consoleModule,
    camerasModule,
    onvifSetupModule,
    onvifEventsModule,
    liveModule,
    cameraHealthModule,
  ];
  // The recorder role's purge first (awaited at start before any recorder, LEGAL 6), then the space check; runAtStart jobs run in the order they were added.
  for (const module of [retentionModule, storageModule, ...modules.filter((module) => module !== retentionModule && module !== storageModule)])
    jobs.add(module.jobs);
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
    ptzModule,
    ptzTours: ptzModule.api.tours,
    devices: devicesModule.api.devices,
    playbackModule,
    playback: playbackModule.api,
    exportsModule,
    exports: exportsModule.api,
    liveModule,
    live: liveModule.api,
    cameraHealthModule,
    cameraHealth: cameraHealthModule.api,
    consoleModule,
    layouts: consoleModule.api.layouts,
    walls: consoleModule.api.walls,
    maskCheck: masksModule.api.check,
    recordingRepository,
    storage,
    retentionPurge: retentionModule.api.purge,
    recording: recordingModule.api.service,
    holds: retentionModule.api.holds,
    register: retentionModule.api.register,
    recordedDays: retentionModule.api.recordedDays,
    requisitionsModule,
    requisitions: requisitionsModule.api.requisitions,
    statisticsModule,
    statistics: statisticsModule.api,
    alarmsModule,
    alarms: alarmsModule.api,
    oncallModule,
    oncall: oncallModule.api,
    logbookModule,
    logbook: logbookModule.api.logbook,
    events,
    storageModule,
    masksModule,
    recordingModule,
    retentionModule,
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
    onvifEvents: onvifEventsModule.api,
    onvifSetup: onvifSetupModule.api,
    // Every module (issue 10): app.ts registers their routes, main.ts starts their jobs.
    modules,
  };
}

export type Services = ReturnType<typeof createServices>;
