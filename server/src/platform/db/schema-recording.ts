// Table types of the recording module (segments, gaps, retention, holds, register, storage,
// masks), for Kysely; the conventions are those of schema.ts, which joins them into DatabaseSchema.
import type { ColumnType, Generated } from 'kysely';

// Recording (modules/recording). Wall-clock instants are INTEGER epoch milliseconds here, not
// ISO text: range queries over ~43 M segment rows stay index-only comparisons. PostgreSQL
// returns bigint as a string, so the select type says so and the repository parses it.
export type BigintColumn = ColumnType<number | string, number, number>;

export interface RecordingSegmentsTable {
  id: Generated<number | string>;
  camera_id: string;
  commune_insee: string;
  /** Storage volume name; `path` is relative to that volume's root. */
  volume: string;
  path: string;
  start_ms: BigintColumn;
  end_ms: BigintColumn;
  duration_ms: number;
  bytes: BigintColumn;
  codec: string;
  width: number;
  height: number;
  fps: number;
  frame_count: number;
  sha256: string;
  /** chain_hash of the camera's previous segment (genesis: 64 zeros). */
  prev_hash: string;
  chain_hash: string;
  /** 'closed' (ffmpeg closed it) or 'recovered' (cut to its last complete fragment after a crash). */
  status: string;
  created_at: string;
  /** The masking it was recorded with (recording_mask_versions.version), 'none', or 'unknown' (rows older than masking versions, files of a crashed run). */
  mask_version: ColumnType<string, string | undefined, string>;
}

/** A stretch of time with no recording for a camera, written when the next segment arrives. */
export interface RecordingGapsTable {
  id: Generated<number | string>;
  camera_id: string;
  commune_insee: string;
  start_ms: BigintColumn;
  end_ms: BigintColumn;
  reason: string;
  created_at: string;
}

/**
 * Recorded time of a camera: runs of segments closer than 1 s to each other, clipped to UTC
 * hours (migration 2026-12-03T1200). Kept by the indexer and the purge with the segments.
 */
export interface RecordingRangesTable {
  camera_id: string;
  start_ms: BigintColumn;
  end_ms: BigintColumn;
}

/** Per camera, the newest segment of the chain: deleting the chain's tail is then detectable. */
export interface RecordingHeadsTable {
  camera_id: string;
  segment_id: BigintColumn;
  chain_hash: string;
  end_ms: BigintColumn;
  updated_at: string;
}

/** A masking some recorder of the camera ran with (LEGAL 4): what it burnt in and the mask revisions it accounted for. */
export interface RecordingMaskVersionsTable {
  camera_id: string;
  version: string;
  /** 'server' (burnt in by Vigie) | 'in_camera' (masked by the camera). */
  mode: string;
  /** JSON: sorted privacy_mask_history revisions. */
  revisions: string;
  /** JSON: the polygons ffmpeg burnt in. */
  polygons: string;
  first_indexed_at: string;
}

/** The recording module's tables; the purged runs are the segment chain's (written by the retention purge through the recording module, read by `recordings verify`). */
export interface RecordingSchema {
  recording_segments: RecordingSegmentsTable;
  recording_mask_versions: RecordingMaskVersionsTable;
  recording_gaps: RecordingGapsTable;
  recording_heads: RecordingHeadsTable;
  recording_ranges: RecordingRangesTable;
  recording_purged_runs: RecordingPurgedRunsTable;
}

// Retention, legal holds, statutory register (modules/recording, migration 2026-11-23T2100).

export interface LegalHoldsTable {
  id: string;
  commune_insee: string;
  from_ms: BigintColumn;
  to_ms: BigintColumn;
  reason: string;
  /** Procedure number of the requisition; without it a hold never outlives retention. */
  procedure_reference: string | null;
  created_by: string;
  created_at: string;
  released_at: string | null;
  released_by: string | null;
  release_reason: string | null;
  /** A supervisor confirmed it with a procedure reference: only then may it outlive retention. */
  confirmed_at: string | null;
  confirmed_by: string | null;
  /** A provisional hold stops holding anything at this time unless confirmed before (null: confirmed). */
  lapses_at: string | null;
  /** Last review (or confirmation) of a confirmed hold: one not reviewed for 90 days is reported. */
  reviewed_at: string | null;
  /** The requisition that placed it (issue 13): released by closing that requisition only. */
  requisition_id: string | null;
}

export interface LegalHoldCamerasTable {
  hold_id: string;
  camera_id: string;
}

/** R252-11 register: 'recorded' | 'destroyed' | 'destroyed_early' | 'exported' | 'handed_over' | 'export_purged'. */
export interface StatutoryRegisterTable {
  id: Generated<number | string>;
  at: string;
  commune_insee: string;
  camera_id: string;
  kind: string;
  from_ms: BigintColumn;
  to_ms: BigintColumn;
  segments: number;
  bytes: BigintColumn;
  reference: string | null;
  details: string;
  /** Position in the register's hash chain (register-chain.ts), with the previous row's hash and its own. */
  seq: BigintColumn;
  prev_hash: string;
  hash: string;
}

/** The register chain's head (one row, id 1): locked by each writer, so that two can never fork it. */
export interface StatutoryRegisterHeadTable {
  id: number;
  seq: BigintColumn;
  hash: string;
}

/** A run of chain-adjacent segments a purge removed: the verifier bridges prev_hash -> last_chain_hash. */
export interface RecordingPurgedRunsTable {
  id: Generated<number | string>;
  camera_id: string;
  commune_insee: string;
  first_segment_id: BigintColumn;
  last_segment_id: BigintColumn;
  from_ms: BigintColumn;
  to_ms: BigintColumn;
  segments: number;
  prev_hash: string;
  last_chain_hash: string;
  purged_at: string;
}

/** The retention module's tables (legal holds, statutory register). */
export interface RetentionSchema {
  legal_holds: LegalHoldsTable;
  legal_hold_cameras: LegalHoldCamerasTable;
  statutory_register: StatutoryRegisterTable;
  statutory_register_head: StatutoryRegisterHeadTable;
}

// Storage volumes, per-camera recording settings, technical events (migration 2026-12-01T1100).

export interface StorageVolumesTable {
  name: string;
  /** Absolute folder; segment paths are relative to it. */
  root: string;
  /** Null: the filesystem's own size and free space. */
  capacity_bytes: BigintColumn | null;
  /** Below this share of free space, the oldest unheld footage is destroyed early. */
  low_space_percent: number;
  enabled: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
  /** When the volume's marker file was written (issue 11); null: created before markers existed. */
  marked_at: string | null;
}

export interface RecordingCameraSettingsTable {
  camera_id: string;
  /** Null until the recorder first places the camera on a volume. */
  volume_name: string | null;
  /** Null: derived from the site's kind (LEGAL 14: 12 fps floor for narrow fields on busy places). */
  busy_pedestrian_place: number | null;
  updated_at: string;
  updated_by: string;
}

export interface TechnicalEventsTable {
  id: Generated<number | string>;
  at: string;
  severity: string;
  code: string;
  commune_insee: string | null;
  camera_id: string | null;
  volume: string | null;
  message: string;
  details: string;
}

/** The technical events module's table. */
export interface TechnicalEventsSchema {
  technical_events: TechnicalEventsTable;
}

/** The storage module's tables. */
export interface StorageSchema {
  storage_volumes: StorageVolumesTable;
  recording_camera_settings: RecordingCameraSettingsTable;
}

// Privacy masks (modules/recording, migration 2026-12-01T1000, LEGAL 4).

export interface PrivacyMasksTable {
  id: string;
  camera_id: string;
  commune_insee: string;
  /** Null: applies at every position; otherwise only at that PTZ preset. */
  preset_token: string | null;
  name: string;
  /** JSON: [[[x, y], ...], ...], normalised picture coordinates 0..1. */
  polygons: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  /** Its current revision in privacy_mask_history. */
  revision: string;
}

/** Every revision of every mask, kept after edits and deletions, with its validity interval. */
export interface PrivacyMaskHistoryTable {
  revision: string;
  mask_id: string;
  camera_id: string;
  commune_insee: string;
  preset_token: string | null;
  polygons: string;
  valid_from: string;
  /** Null while in force. */
  valid_to: string | null;
  opened_by: string;
  closed_by: string | null;
}

/** 'in_camera' (the camera masks, Vigie checks) | 'server' (Vigie burns the mask in). */
export interface CameraMaskModesTable {
  camera_id: string;
  commune_insee: string;
  mode: string;
  updated_at: string;
  updated_by: string;
}

/** The masks module's tables. */
export interface MasksSchema {
  privacy_masks: PrivacyMasksTable;
  privacy_mask_history: PrivacyMaskHistoryTable;
  camera_mask_modes: CameraMaskModesTable;
}
