// Which preset a PTZ camera is at, from what it says itself (LEGAL 4: a preset's masks are
// burnt in while the camera is there). Pure: the position watcher feeds it GetStatus and
// GetPresets. Positions are in ONVIF's generic spaces (pan and tilt in [-1, 1], zoom in [0, 1]).
import type { PtzPresetPosition, PtzVector } from '../../platform/onvif/index.ts';

/**
 * How far (on each axis, generic space) the head may be from a preset's stored position and
 * still be "at" it: cameras round what they report (the simulator to 1e-4, real domes to their
 * motor steps), and a go-to stops within a step or two of the stored position.
 */
export const PRESET_POSITION_TOLERANCE = 0.01;

/** The greatest difference of the three axes (the head is "at" a preset when it is within tolerance on each). */
export function positionDistance(a: PtzVector, b: PtzVector): number {
  return Math.max(Math.abs(a.pan - b.pan), Math.abs(a.tilt - b.tilt), Math.abs(a.zoom - b.zoom));
}

/** The preset whose stored position is the nearest to `position` within `tolerance`; null if none is. */
export function presetAtPosition(position: PtzVector, presets: readonly PtzPresetPosition[], tolerance = PRESET_POSITION_TOLERANCE): string | null {
  let best: { token: string; distance: number } | null = null;
  for (const preset of presets) {
    if (!preset.position) continue;
    const distance = positionDistance(position, preset.position);
    if (distance <= tolerance && (best === null || distance < best.distance)) best = { token: preset.token, distance };
  }
  return best?.token ?? null;
}

export type PositionObservation =
  /** The camera says where it is: at this preset, or at none (null: moving, or away from every preset). */
  | { kind: 'at'; presetToken: string | null }
  /** The camera reports no position: nothing can be said, what is known stays. */
  | { kind: 'unknown' };

/**
 * What a GetStatus answer says of the preset the camera is at. While the head reports MOVING
 * it is at no preset (passing over one is not being at it: its masks are drawn for its still
 * picture), so a camera on its way somewhere burns in the camera-wide masks only.
 */
export function observePreset(
  status: { position: PtzVector | null; moving: boolean },
  presets: readonly PtzPresetPosition[],
  tolerance = PRESET_POSITION_TOLERANCE,
): PositionObservation {
  if (status.moving) return { kind: 'at', presetToken: null };
  if (!status.position) return { kind: 'unknown' };
  return { kind: 'at', presetToken: presetAtPosition(status.position, presets, tolerance) };
}
