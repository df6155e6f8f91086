// Public API of the recording module: other modules import only from here.
export { RecorderFleet, isRecordable, type FleetCamera, type FleetRecorder, type RecorderFleetDeps } from './recorder-fleet.ts';
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
