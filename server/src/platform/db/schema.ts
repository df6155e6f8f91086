// Table types for Kysely. Portable across SQLite and PostgreSQL: timestamps are ISO-8601 UTC
// text (`toISOString()`, so they sort as text), calendar dates are YYYY-MM-DD text, booleans
// are integers 0/1, lists and objects are JSON text. Each module owns its tables; only its
// repository queries them.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface CommunesTable {
  insee: string;
  name: string;
  retention_days: number;
  time_zone: string;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  login: string;
  display_name: string;
  role: string;
  all_communes: number;
  password_hash: string;
  password_changed_at: string;
  approval_reference: string | null;
  approval_expires_on: string | null;
  training_date: string | null;
  totp_secret_sealed: string | null;
  totp_enabled: number;
  failed_logins: number;
  locked_until: string | null;
  disabled: number;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserCommunesTable {
  user_id: string;
  commune_insee: string;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  /** 'password' (second factor pending), 'enrol' (TOTP enrolment required), 'full'. */
  stage: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  all_communes: number;
  communes: string;
  actions: string | null;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_login: string | null;
  commune_insee: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  details: string;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

/** One row (id = 1): the newest seq and hash, so that deleting the chain's tail is detected. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** First seq kept after a retention purge, and the hash that row must chain to. */
  anchor_seq: number;
  anchor_prev_hash: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface SitesTable {
  id: string;
  commune_insee: string;
  name: string;
  kind: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  created_at: string;
  updated_at: string;
}

export interface CamerasTable {
  id: string;
  commune_insee: string;
  site_id: string;
  name: string;
  kind: string;
  field_class: string;
  latitude: number | null;
  longitude: number | null;
  heading_deg: number | null;
  model: string | null;
  ip_address: string | null;
  mac_address: string | null;
  main_stream_url: string;
  sub_stream_url: string | null;
  onvif_url: string | null;
  credentials_sealed: string | null;
  purposes: string;
  commissioning_date: string | null;
  enabled: number;
  operational_state: string;
  retention_days: number | null;
  created_at: string;
  updated_at: string;
}

export interface CameraPositionsTable {
  id: string;
  camera_id: string;
  changed_at: string;
  latitude: number | null;
  longitude: number | null;
  heading_deg: number | null;
  changed_by: string | null;
}

export interface AuthorisationsTable {
  id: string;
  commune_insee: string;
  reference: string;
  start_on: string;
  end_on: string;
  perimeter: string;
  purposes: string;
  min_retention_days: number;
  max_retention_days: number;
  recipients: string;
  revoked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuthorisationCamerasTable {
  authorisation_id: string;
  camera_id: string;
}

export interface DatabaseSchema extends RecordingSchema, RetentionSchema, StorageSchema, MasksSchema, ConsoleSchema, PtzSchema {
  communes: CommunesTable;
  users: UsersTable;
  user_communes: UserCommunesTable;
  recovery_codes: RecoveryCodesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  settings: SettingsTable;
  sites: SitesTable;
  cameras: CamerasTable;
  camera_positions: CameraPositionsTable;
  authorisations: AuthorisationsTable;
  authorisation_cameras: AuthorisationCamerasTable;
}

export type CommuneRow = Selectable<CommunesTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type SiteRow = Selectable<SitesTable>;
export type CameraRow = Selectable<CamerasTable>;
export type NewCameraRow = Insertable<CamerasTable>;
export type CameraUpdate = Updateable<CamerasTable>;
export type AuthorisationRow = Selectable<AuthorisationsTable>;
// Generated is re-exported for later tables with database-assigned keys.
export type { Generated };

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

/** Per camera, the newest segment of the chain: deleting the chain's tail is then detectable. */
export interface RecordingHeadsTable {
  camera_id: string;
  segment_id: BigintColumn;
  chain_hash: string;
  end_ms: BigintColumn;
  updated_at: string;
}

export interface RecordingSchema {
  recording_segments: RecordingSegmentsTable;
  recording_gaps: RecordingGapsTable;
  recording_heads: RecordingHeadsTable;
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
}

export interface LegalHoldCamerasTable {
  hold_id: string;
  camera_id: string;
}

/** R252-11 register: 'recorded' | 'destroyed' | 'destroyed_early' | 'handed_over'. */
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

export interface RetentionSchema {
  legal_holds: LegalHoldsTable;
  legal_hold_cameras: LegalHoldCamerasTable;
  statutory_register: StatutoryRegisterTable;
  recording_purged_runs: RecordingPurgedRunsTable;
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

export interface StorageSchema {
  storage_volumes: StorageVolumesTable;
  recording_camera_settings: RecordingCameraSettingsTable;
  technical_events: TechnicalEventsTable;
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
}

/** 'in_camera' (the camera masks, Vigie checks) | 'server' (Vigie burns the mask in). */
export interface CameraMaskModesTable {
  camera_id: string;
  commune_insee: string;
  mode: string;
  updated_at: string;
  updated_by: string;
}

export interface MasksSchema {
  privacy_masks: PrivacyMasksTable;
  camera_mask_modes: CameraMaskModesTable;
}

// Operator console (modules/playback and modules/console, migration 2026-12-01T1220).

export interface PlaybackSessionsTable {
  id: string;
  user_id: string;
  user_login: string;
  camera_id: string;
  commune_insee: string;
  from_at: string;
  to_at: string;
  reason: string;
  opened_at: string;
  last_used_at: string;
  closed_at: string | null;
  /** 'viewer' | 'idle'; null while open. */
  ended_by: string | null;
  requests: ColumnType<number, number | undefined, number>;
}

export interface PlaybackSessionSegmentsTable {
  session_id: string;
  segment_id: BigintColumn;
  first_served_at: string;
}

export interface LiveLayoutsTable {
  id: string;
  owner_id: string;
  owner_login: string;
  name: string;
  grid: number;
  /** JSON: (camera id | null)[], grid entries. */
  tiles: string;
  shared: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

export interface VideoWallsTable {
  id: string;
  name: string;
  grid: number;
  /** JSON: (camera id | null)[], grid entries. */
  tiles: string;
  /** JSON {cameraIds, intervalSeconds} or null. */
  tour: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface ConsoleSchema {
  playback_sessions: PlaybackSessionsTable;
  playback_session_segments: PlaybackSessionSegmentsTable;
  live_layouts: LiveLayoutsTable;
  video_walls: VideoWallsTable;
}

// PTZ control locks and patrol tours (modules/ptz, migration 2026-12-01T1210).

export interface PtzLocksTable {
  camera_id: string;
  commune_insee: string;
  session_id: string;
  /** A user id, or `patrol:<instance>` for a tour runner. */
  holder_id: string;
  holder_login: string;
  /** A role, or 'patrol'. */
  holder_role: string;
  priority: number;
  takeover: number;
  acquired_at: string;
  renewed_at: string;
  expires_at: string;
  preempted_holder_id: string | null;
  preempted_login: string | null;
  preempted_role: string | null;
  tour_id: string | null;
  moves: number;
  preset_calls: number;
  presets_saved: number;
}

export interface PtzToursTable {
  id: string;
  camera_id: string;
  commune_insee: string;
  name: string;
  /** JSON: [{presetToken, dwellSeconds}, ...]. */
  steps: string;
  /** HH:MM Europe/Paris, or null (always). */
  active_from: string | null;
  active_to: string | null;
  enabled: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface PtzSchema {
  ptz_locks: PtzLocksTable;
  ptz_tours: PtzToursTable;
}
