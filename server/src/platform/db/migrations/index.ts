// Every migration, in order. A new file is added here with a timestamped name.
import type { Migration } from 'kysely';
import * as foundation from './2026-11-23T1800_foundation.ts';
import * as inventory from './2026-11-23T1900_inventory.ts';
import * as recording from './2026-11-23T2000_recording.ts';
import * as retentionHolds from './2026-11-23T2100_retention_holds.ts';
import * as privacyMasks from './2026-12-01T1000_privacy_masks.ts';
import * as storageQuality from './2026-12-01T1100_storage_quality.ts';
import * as ptz from './2026-12-01T1210_ptz.ts';
import * as consoleTables from './2026-12-01T1220_console.ts';
import * as authHardening from './2026-12-02T1700_auth_hardening.ts';
import * as holdBounds from './2026-12-02T1800_hold_bounds.ts';
import * as maskVersions from './2026-12-02T1930_mask_versions.ts';
import * as volumeMarkers from './2026-12-02T2010_volume_markers.ts';
import * as recordingEngine from './2026-12-03T0800_recording_engine.ts';
import * as recordedRanges from './2026-12-03T1200_recorded_ranges.ts';
import * as cameraDevices from './2026-12-03T1300_camera_devices.ts';
import * as rtspTransport from './2026-12-04T0900_rtsp_transport.ts';
import * as requisitions from './2026-12-05T0900_requisitions.ts';
import * as alarms from './2026-12-05T1000_alarms.ts';
import * as evidencePackages from './2026-12-07T0900_evidence_packages.ts';
import * as reviewHandoverRegister from './2026-12-07T0910_review_handover_register.ts';
import * as statistics from './2026-12-07T0920_statistics.ts';
import * as alarmsCap from './2026-12-07T0930_alarms_cap.ts';
import * as alarmsDc09 from './2026-12-07T0940_alarms_dc09.ts';
import * as alarmsQueue from './2026-12-07T0950_alarms_queue.ts';
import * as oncall from './2026-12-07T1010_oncall.ts';
import * as cameraHealth from './2026-12-07T1030_camera_health.ts';
import * as logbook from './2026-12-07T1020_logbook.ts';
import * as alarmProcedures from './2026-12-07T1000_alarm_procedures.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-23T1800_foundation': foundation,
  '2026-11-23T1900_inventory': inventory,
  '2026-11-23T2000_recording': recording,
  '2026-11-23T2100_retention_holds': retentionHolds,
  '2026-12-01T1000_privacy_masks': privacyMasks,
  '2026-12-01T1100_storage_quality': storageQuality,
  '2026-12-01T1210_ptz': ptz,
  '2026-12-01T1220_console': consoleTables,
  '2026-12-02T1700_auth_hardening': authHardening,
  '2026-12-02T1800_hold_bounds': holdBounds,
  '2026-12-02T1930_mask_versions': maskVersions,
  '2026-12-02T2010_volume_markers': volumeMarkers,
  '2026-12-03T0800_recording_engine': recordingEngine,
  '2026-12-03T1200_recorded_ranges': recordedRanges,
  '2026-12-03T1300_camera_devices': cameraDevices,
  '2026-12-04T0900_rtsp_transport': rtspTransport,
  '2026-12-05T0900_requisitions': requisitions,
  '2026-12-05T1000_alarms': alarms,
  '2026-12-07T0900_evidence_packages': evidencePackages,
  '2026-12-07T0910_review_handover_register': reviewHandoverRegister,
  '2026-12-07T0920_statistics': statistics,
  '2026-12-07T0930_alarms_cap': alarmsCap,
  '2026-12-07T0940_alarms_dc09': alarmsDc09,
  '2026-12-07T0950_alarms_queue': alarmsQueue,
  '2026-12-07T1010_oncall': oncall,
  '2026-12-07T1030_camera_health': cameraHealth,
  '2026-12-07T1020_logbook': logbook,
  '2026-12-07T1000_alarm_procedures': alarmProcedures,
};
