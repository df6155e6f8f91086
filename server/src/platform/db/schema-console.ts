// Table types of the operator console's modules (playback sessions, layouts and walls, PTZ
// locks and tours), for Kysely; the conventions are those of schema.ts, which joins them into
// DatabaseSchema.
import type { ColumnType } from 'kysely';
import type { BigintColumn } from './schema-recording.ts';

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
  /** The requisition the session reviews footage for (review hours), or null. */
  requisition_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Seconds of active viewing reported by the console's heartbeats (capped per beat). */
  active_seconds: ColumnType<number, number | undefined, number>;
  last_beat_at: ColumnType<string | null, string | null | undefined, string | null>;
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

/** Tables of the playback module. */
export interface PlaybackSchema {
  playback_sessions: PlaybackSessionsTable;
  playback_session_segments: PlaybackSessionSegmentsTable;
}

/** Tables of the console module. */
export interface ConsoleSchema {
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
