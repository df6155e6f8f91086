// What becomes of an event a camera reports, pure: motion (info), the camera's own tamper
// detection (scene change, too dark, too blurry, too bright: warning while it lasts), a digital
// input (warning when it becomes active: a door contact, a call button), video loss (critical).
// The end of a tamper or of a video loss is recorded (info); the end of motion, and an input
// going back to rest, are not (noise). A state the camera reports when a subscription begins
// (`Initialized`) counts only when it is an active alarm (not motion): a camera still covered
// after a reboot.
import type { CameraEvent } from '../../platform/onvif/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';

const TAMPER_WORDS: Record<NonNullable<CameraEvent['tamper']>, string> = {
  scene_change: 'scene changed (camera moved or masked)',
  too_dark: 'image too dark (covered or sprayed)',
  too_blurry: 'image too blurry (lens smeared or out of focus)',
  too_bright: 'image too bright (dazzled)',
  tamper: 'tampering detected',
};

export function technicalEventOf(event: CameraEvent, camera: { id: string; name: string; communeInsee: string }): TechnicalEvent | null {
  // Motion is a moment, not a state: only a change is news.
  if (event.initial && (!event.active || event.kind === 'motion')) return null;
  const base = {
    cameraId: camera.id,
    communeInsee: camera.communeInsee,
    details: {
      topic: event.topic,
      active: event.active,
      initial: event.initial,
      source: event.source,
      cameraTime: event.utcTime,
      ...(event.tamper ? { tamper: event.tamper } : {}),
    },
  };
  const name = camera.name;
  switch (event.kind) {
    case 'motion':
      return event.active ? { ...base, severity: 'info', code: 'camera_motion', message: `${name}: motion detected by the camera` } : null;
    case 'tamper': {
      const what = TAMPER_WORDS[event.tamper ?? 'tamper'];
      return event.active
        ? { ...base, severity: 'warning', code: 'camera_tamper', message: `${name}: ${what}` }
        : { ...base, severity: 'info', code: 'camera_tamper_cleared', message: `${name}: ${what}: over` };
    }
    case 'input':
      return event.active ? { ...base, severity: 'warning', code: 'camera_input', message: `${name}: digital input ${event.source ?? '?'} active` } : null;
    case 'video_loss':
      return event.active
        ? { ...base, severity: 'critical', code: 'camera_video_loss', message: `${name}: the camera reports video loss` }
        : { ...base, severity: 'info', code: 'camera_video_restored', message: `${name}: the camera reports video back` };
  }
}
