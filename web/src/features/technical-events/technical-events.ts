// The technical event codes the console names (what the server's technical-events module lists
// in technicalEventCodes; server/src/modules/technical-events/technical-events.test.ts checks that
// both lists agree). Plain data, no import: the server's test reads it as it is.

export const TECHNICAL_EVENT_CODES = [
  'purge_failed',
  'retention_clamped',
  'storage_low',
  'storage_destroyed_early',
  'storage_exhausted',
  'storage_unavailable',
  'resolution_below_floor',
  'fps_below_floor',
  'quality_restored',
  'mask_not_in_force',
  'mask_check_failed',
  'recorder_failed',
  'recorder_recovered',
  'recorder_config_unreadable',
  'checkpoint_failed',
  'checkpoint_push_failed',
  'volume_marker_missing',
  'legal_hold_review_due',
  'job_failed',
  'camera_possibly_swapped',
  'camera_motion',
  'camera_tamper',
  'camera_tamper_cleared',
  'camera_input',
  'camera_video_loss',
  'camera_video_restored',
  'onvif_events_lost',
  'onvif_events_restored',
  'picture_covered',
  'picture_blurred',
  'camera_moved',
  'picture_obstructed',
  'picture_frozen',
  'picture_tamper_cleared',
  'picture_fault_cleared',
] as const;

export type TechnicalEventCode = (typeof TECHNICAL_EVENT_CODES)[number];

/** The message key naming an event code, or null for a code this console does not know (its server text is shown alone). */
export function technicalEventLabelKey(code: string): `technicalEvent.${TechnicalEventCode}` | null {
  return (TECHNICAL_EVENT_CODES as readonly string[]).includes(code) ? `technicalEvent.${code as TechnicalEventCode}` : null;
}
