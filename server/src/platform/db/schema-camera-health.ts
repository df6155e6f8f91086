// Table types of the camera-health module (picture checks, docs/health.md); schema.ts joins them into DatabaseSchema.

export interface CameraHealthReferencesTable {
  camera_id: string;
  preset_token: string;
  captured_at: string;
  captured_by: string;
  width: number;
  height: number;
  gray: string;
  jpeg: string | null;
  learnt: string | null;
}

export interface CameraHealthStatesTable {
  camera_id: string;
  check_name: string;
  raised: number;
  since: string;
  event_id: string | null;
}

export interface CameraHealthEventsTable {
  id: string;
  camera_id: string;
  commune_insee: string;
  check_name: string;
  transition: string;
  at: string;
  preset_token: string;
  measures: string;
  jpeg: string | null;
}

export interface CameraHealthSettingsTable {
  camera_id: string;
  thresholds: string;
  updated_at: string;
  updated_by: string;
}

export interface CameraHealthSchema {
  camera_health_references: CameraHealthReferencesTable;
  camera_health_states: CameraHealthStatesTable;
  camera_health_events: CameraHealthEventsTable;
  camera_health_settings: CameraHealthSettingsTable;
}
