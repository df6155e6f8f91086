// The recording module (issue 4): the recorder role (one supervised ffmpeg per recorded camera,
// the segment index and its keyed chain, the live hub, quality floors), the recording API
// (status, timeline, audited segment listing) and `recordings verify`. Its constructor is its
// public API, with the types and the few pure functions other modules need.
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { EventBus } from '../../platform/events.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { StorageService } from '../storage/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { RecordingRepository } from './recording.repository.ts';
import { RecordingRole, type RecordingPositions, type RecordingRoleDeps, type RecordingRoleOptions, type RecordingStorage } from './recording.role.ts';
import { recordingRoutes } from './recording.routes.ts';
import { RecordingService, type RecordingCameras, type RecordingHolds } from './recording.service.ts';
import { verifyRecordings, type RecordingsVerifyOptions, type RecordingsVerifyReport } from './verify.ts';
import './recording.events.ts';

export type { RecordingPositions, RecordingRole, RecordingRoleDeps, RecordingRoleOptions, RecordingStorage } from './recording.role.ts';
export type { RecordingCameras, RecordingHolds, RecordingService } from './recording.service.ts';
export type { PurgeCandidate } from './recording.repository.ts';
export type { IndexedSegment, RecorderState, RecorderStateChange, RecordingGap, SegmentSpan, StorageVolume, TimeRange } from './recording.types.ts';
export type { FleetCamera, FleetRecorder } from './recorder-fleet.ts';
export type { RecorderCamera, RecorderEvents } from './recorder.ts';
export type { RecordingsVerifyOptions, RecordingsVerifyReport } from './verify.ts';
export type { PurgedRun } from './recording.chain.ts';
export type { IncomingFile } from './incoming-files.ts';
// Pure pieces other modules build on: coverage and windows (playback), the MPEG-TS packets of
// the live hub (live), the segment chain across purges and the `.incoming` files (retention).
export { coverage } from './recorded-ranges.ts';
export { MAX_SEGMENT_LISTING_MS, parseWindow } from './recording.service.ts';
export { TS_PACKET, tsPacketInfo } from './live-hub.ts';
export { MASK_CHANGED_GAP_REASON, RecorderFleet } from './recorder-fleet.ts';
export { checkLinksAcrossPurges, checkSegmentChain, checkSegmentChainAcrossPurges, SEGMENT_GENESIS_HASH, segmentChainHash } from './recording.chain.ts';
export { incomingFiles } from './incoming-files.ts';
// The legal quality floors (A2007), checked when a camera is added from its ONVIF profiles.
export { busySiteKinds, qualityFloor, qualityProblems } from './quality.rules.ts';
// What the tests of other modules record and verify with (the real recorder, indexer and verifier).
export { Recorder } from './recorder.ts';
export { NativeRecorder } from './native/native-recorder.ts';
export { NativeShards, type ShardedNativeRecorder } from './native/native-shards.ts';
export { SegmentIndexer } from './segment-indexer.ts';
export { RecordingRepository } from './recording.repository.ts';
export { verifyRecordings } from './verify.ts';

/** The largest segment id ever given that is still known: the legacy boundary of the segment chain's key (loadChainKeys). */
export function lastSegmentId(database: DatabaseHandle): Promise<number> {
  return new RecordingRepository(tablesOf<RecordingSchema>(database.db), database.dialect).maxSegmentId();
}

export interface RecordingModuleDeps {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** Each recorder state change is emitted as `recorder.stateChanged`. */
  events: EventBus;
  log?: ProcessLog;
  /** HMAC key of the segment chain (issue 11): every segment indexed here is keyed, verify checks with it. */
  chainKey: ChainMac;
  /** The inventory (the cameras module): cameras, their stream credentials, their operational state. */
  cameras: RecordingCameras & RecordingRoleDeps['cameras'];
  /** Site kinds by site id (the sites module): they tune the quality floors. */
  siteKinds(): Promise<Map<string, string>>;
  /** Volumes and per-camera settings (the storage module). */
  storage: RecordingStorage & Pick<StorageService, 'allCameraSettings'>;
  /** What each camera's recorder burns in (the masks module) and the pictures ffmpeg overlays. */
  masks: NonNullable<RecordingRoleDeps['masks']>;
  maskImages: NonNullable<RecordingRoleDeps['maskImages']>;
  /** Where PTZ cameras point (the ptz module): a preset's masks are burnt in there. */
  ptzPositions: RecordingPositions;
  /** The legal holds shown on the timeline (the retention module). */
  holds: RecordingHolds;
  raise(event: TechnicalEvent): Promise<unknown>;
  config: {
    /** Root of the default volume, created when no volume exists. */
    recordingsDir: string;
    segmentSeconds: number;
    /** Worker threads of the native engine (`VIGIE_RECORDER_THREADS`); absent: 0. */
    recorderThreads?: number | 'auto';
    reconcileIntervalMs: number;
    /** The recorders' ffmpeg and the indexer's ffprobe; default: on PATH. */
    tools?: { ffmpegPath?: string; ffprobePath?: string };
  };
}

export interface RecordingApi {
  service: RecordingService;
  /** The segment index: playback, retention, storage, masks and checkpoints read it through their ports. */
  repository: RecordingRepository;
  /**
   * The recorder role of this process (not started; `start` once the jobs of the recorder role
   * have run, see main.ts). It becomes `current()`: the recording status and live viewing read it.
   * Tests shorten its segments and timeouts, or give fake recorders.
   */
  createRole(options?: Partial<RecordingRoleOptions>, extra?: Pick<RecordingRoleDeps, 'log' | 'createRecorder'>): RecordingRole;
  /** The recorder role of this process, once created; null in a process without one. */
  current(): RecordingRole | null;
  /** `recordings verify`: files re-hashed, chains checked with the key, across lawful purges. */
  verify(options: Omit<RecordingsVerifyOptions, 'purgedRuns' | 'chainKey'>): Promise<RecordingsVerifyReport>;
}

export function createRecordingModule(deps: RecordingModuleDeps): VigieModule<RecordingApi> {
  const repository = new RecordingRepository(tablesOf<RecordingSchema>(deps.database.db), deps.database.dialect);
  let current: RecordingRole | null = null;
  const service = new RecordingService(repository, deps.holds, deps.storage, deps.cameras, deps.audit, deps.clock, () => current);
  const api: RecordingApi = {
    service,
    repository,
    createRole(options = {}, extra = {}) {
      current = new RecordingRole(
        {
          clock: deps.clock,
          repository,
          chainKey: deps.chainKey,
          cameras: deps.cameras,
          siteKinds: deps.siteKinds,
          storage: deps.storage,
          masks: deps.masks,
          maskImages: deps.maskImages,
          ptzPositions: deps.ptzPositions,
          raise: deps.raise,
          events: deps.events,
          tools: deps.config.tools,
          log: extra.log ?? deps.log,
          createRecorder: extra.createRecorder,
        },
        { defaultVolumeRoot: deps.config.recordingsDir, segmentSeconds: deps.config.segmentSeconds, recorderThreads: deps.config.recorderThreads, ...options },
      );
      return current;
    },
    current: () => current,
    verify: (options) => verifyRecordings(repository, { ...options, purgedRuns: (cameraId) => repository.purgedRunsOf(cameraId), chainKey: deps.chainKey }),
  };
  const jobs: Job[] = [
    // Starts and stops recorders to match the inventory (authorisations, masks, volumes); nothing until the role has started.
    { name: 'recording.reconcile', role: 'recorder', intervalMs: deps.config.reconcileIntervalMs, run: async () => current?.reconcile() },
  ];
  return { name: 'recording', api, routes: routesOf(recordingRoutes, { recording: service }), jobs };
}
// The native engine's segment file (hashed as written), for `./vigie bench ingest`.
export { SegmentFile } from './native/segment-file.ts';
// The native ingest (Vigie's RTSP client, depacketizer, reconnection): the live module receives sub-streams with it (issue 12 item 4).
export { RtspIngest } from './native/rtsp-ingest.ts';
export type { IngestRun, IngestTransport } from './native/rtsp-ingest.ts';
