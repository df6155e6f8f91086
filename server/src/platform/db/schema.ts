// Table types for Kysely. Portable across SQLite and PostgreSQL: timestamps are ISO-8601 UTC
// text (`toISOString()`, so they sort as text), calendar dates are YYYY-MM-DD text, booleans
// are integers 0/1, lists and objects are JSON text. Each module owns its tables; only its
// repository queries them.
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { ConsoleSchema, PlaybackSchema, PtzSchema } from './schema-console.ts';
import type { DevicesSchema } from './schema-devices.ts';
import type { RequisitionsSchema } from './schema-requisitions.ts';
export type * from './schema-requisitions.ts';
import type { AlarmsSchema } from './schema-alarms.ts';
import type { ExportsSchema } from './schema-exports.ts';
export type * from './schema-exports.ts';
export type * from './schema-alarms.ts';
import type { AlarmsDc09Schema } from './schema-alarms-dc09.ts';
import type { AlarmsCapSchema } from './schema-alarms-cap.ts';
export type * from './schema-alarms-cap.ts';
export type * from './schema-alarms-dc09.ts';
import type { AlarmsProceduresSchema } from './schema-alarms-procedures.ts';
export type * from './schema-alarms-procedures.ts';
import type { StatisticsSchema } from './schema-statistics.ts';
import type { OncallSchema } from './schema-oncall.ts';
export type * from './schema-oncall.ts';
import type { CameraHealthSchema } from './schema-camera-health.ts';
export type * from './schema-camera-health.ts';
import type { LogbookSchema } from './schema-logbook.ts';
export type * from './schema-logbook.ts';
export type * from './schema-statistics.ts';
export type { CameraDevicesTable, DevicesSchema } from './schema-devices.ts';
import type { MasksSchema, RecordingSchema, RetentionSchema, StorageSchema, TechnicalEventsSchema } from './schema-recording.ts';

// The tables of the larger modules live beside this file; importers keep using schema.ts.
export type * from './schema-recording.ts';
export type * from './schema-console.ts';

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
  /** The time step (30 s) of the last TOTP code accepted: a code is accepted once. */
  totp_last_step: number | null;
  /** Four-eyes image access: who asked for it, who confirmed it (null: not confirmed). */
  image_access_requested_by: string | null;
  image_access_confirmed_by: string | null;
  image_access_confirmed_at: string | null;
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
  /** `user:<id>`, `token:<id>` or `cli`: the token dies with its creator. */
  creator: string | null;
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
  /** `native` or `ffmpeg` (the fallback); the database's default `native` when an insert omits it. */
  recording_engine: ColumnType<string, string | undefined, string>;
  /** `tcp`, `udp` or `auto` (UDP, then TCP if UDP cannot work); the database's default `tcp` when an insert omits it. */
  rtsp_transport: ColumnType<string, string | undefined, string>;
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

export interface DatabaseSchema
  extends RecordingSchema,
    RetentionSchema,
    StorageSchema,
    MasksSchema,
    TechnicalEventsSchema,
    ConsoleSchema,
    PlaybackSchema,
    PtzSchema,
    DevicesSchema,
    RequisitionsSchema,
    AlarmsSchema,
    AlarmsDc09Schema,
    AlarmsCapSchema,
    AlarmsProceduresSchema,
    ExportsSchema,
    StatisticsSchema,
    OncallSchema,
    CameraHealthSchema,
    LogbookSchema {
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

// The tables of each module (issue 10): a module's repository is typed against its own only.
export interface CommunesSchema {
  communes: CommunesTable;
}
export interface SettingsSchema {
  settings: SettingsTable;
}
export interface SitesSchema {
  sites: SitesTable;
}
export interface CamerasSchema {
  cameras: CamerasTable;
  camera_positions: CameraPositionsTable;
}
export interface AuthorisationsSchema {
  authorisations: AuthorisationsTable;
  authorisation_cameras: AuthorisationCamerasTable;
}
export interface AuditSchema {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
}
export interface AuthSchema {
  users: UsersTable;
  user_communes: UserCommunesTable;
  recovery_codes: RecoveryCodesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
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
