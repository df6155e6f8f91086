// Public API of the recording module: other modules import only from here.
export { RecorderFleet, isRecordable, MASK_CHANGED_GAP_REASON, type FleetCamera, type FleetRecorder, type RecorderFleetDeps, type UnreadableConfiguration } from './recorder-fleet.ts';
export { PtzPositions, type FollowedPositions, type PositionChange, type PresetPositions } from './ptz-positions.ts';
export { PtzPositionWatcher, type PtzWatcherDeps, type PtzWatcherOptions } from './ptz-watcher.ts';
export { observePreset, presetAtPosition, PRESET_POSITION_TOLERANCE } from './ptz-watch.rules.ts';
export { Recorder, INCOMING_FOLDER, type RecorderCamera, type RecorderEvents, type RecorderOptions } from './recorder.ts';
export { SegmentIndexer, probeSegment, recoverFragmentedFile, sha256File, type SegmentToIndex } from './segment-indexer.ts';
export { RecordingRepository, MAX_SEGMENT_SPAN_MS } from './recording.repository.ts';
export { coverage, segmentRelativePath, segmentStartMs, type Coverage } from './recorded-ranges.ts';
export { checkSegmentChain, segmentChainHash, SEGMENT_GENESIS_HASH } from './recording.chain.ts';
export type { IndexedSegment, RecorderState, RecorderStateChange, RecordingGap, SegmentSpan, StorageVolume, TimeRange } from './recording.types.ts';
export { verifyRecordings, type RecordingProblem, type RecordingsVerifyOptions, type RecordingsVerifyReport } from './verify.ts';
export { RetentionPurge, nodePurgeFileSystem, type CameraPurgeResult, type PurgeFileSystem, type PurgeReport, type RetentionPurgeDeps, type TechnicalEvent } from './retention.ts';
export { RetentionRepository, registerKinds, type LegalHold, type NewRegisterEntry, type RegisterEntry, type RegisterKind } from './retention.repository.ts';
export { LegalHoldsService, legalHoldInputSchema, type LegalHoldFilter, type LegalHoldInput } from './holds.ts';
export { StatutoryRegister, registerCsvColumns, registerKindLabels, type RegisterFilter } from './register.ts';
export { databaseInventory, type CameraRetentionFacts, type RecordingInventory } from './recording.inventory.ts';
export { checkLinksAcrossPurges, checkSegmentChainAcrossPurges, effectiveRetention, LEGAL_MAX_RETENTION_DAYS, type PurgedRun } from './retention.rules.ts';
export { RecordingService, parseWindow, MAX_SEGMENT_LISTING_MS, MAX_TIMELINE_MS, type CameraRecordingStatus, type LiveRecordingFacts, type Timeline } from './recording.service.ts';
export { RecordingRole, type RecordingRoleDeps, type RecordingRoleOptions } from './recording.role.ts';
export { StorageRepository, type CameraRecordingSettings, type VolumeRow } from './storage.repository.ts';
export { StorageService, computeUsage, volumeCreateSchema, volumeUpdateSchema, cameraSettingsSchema, type VolumeUsage, type VolumeView } from './storage.service.ts';
export { SpaceMonitor, bytesToFree, LOW_SPACE_MARGIN_PERCENT, type VolumeCheck } from './storage.monitor.ts';
export { VolumeMarkerGuard, fileVolumeMarkers, readVolumeMarker, writeVolumeMarker, VOLUME_MARKER_FILE, type MarkerCheck, type VolumeMarkers } from './storage.marker.ts';
export { QualityMonitor, type CameraQuality } from './quality.monitor.ts';
export { qualityFloor, qualityProblems, busySiteKinds, type QualityFloor } from './quality.rules.ts';
export { LiveHub, tsPacketInfo, pmtPidOfPat, TS_PACKET } from './live-hub.ts';
export { RecordedDaysJob } from './register.recorded.ts';
export type { EarlyDestructionReport } from './retention.ts';
export { registerRecordingRoutes } from './recording.routes.ts';
export { registerHoldRoutes } from './holds.routes.ts';
export { MasksService, type CameraMasks, type CameraRecorderMasking, type EffectiveMask } from './masks.service.ts';
export {
  NO_MASK_VERSION, UNKNOWN_MASK_VERSION, recorderMasking, revisionsRequired, segmentMaskPlan,
  type MaskRevision, type RecordedMasking, type RecorderMasking, type SegmentMaskPlan,
} from './masks.coverage.ts';
export { MasksRepository, type CameraMaskMode } from './masks.repository.ts';
export {
  DEFAULT_MASK_MODE, MASK_MAX_POINTS, MASK_MAX_POLYGONS, MASK_MIN_POINTS, maskCreateSchema, maskModeLabels, maskModes, maskUpdateSchema, maskVersion, polygonsInForce, polygonsOfEveryPosition, validatePolygons,
  type MaskCreateInput, type MaskMode, type MaskPolygonsInput, type MaskUpdateInput, type PrivacyMask,
} from './masks.rules.ts';
export { MaskCheck, checkFrameSize, ffmpegGrabFrame, DEFAULT_MASK_FOOTAGE_AGE_MS, DEFAULT_MASK_TOLERANCE, type CameraMaskCheck, type GrabFrame, type MaskCheckDeps, type MaskCheckOutcome, type MaskCheckReport } from './masks.check.ts';
export { MaskImageStore, MASK_IMAGE_SIZE } from './masks.images.ts';
export type { FleetMask } from './recorder-fleet.ts';
export { registerMaskRoutes } from './masks.routes.ts';
