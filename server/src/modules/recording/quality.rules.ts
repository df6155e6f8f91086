// Legal quality floors of recorded streams (A2007, LEGAL 13-14), pure. Narrow-field cameras
// (watching people) store at least 704x576, others 352x288; narrow-field cameras on busy
// pedestrian places at least 12 frames/s, every other camera 6. The frame rate compared is
// the one measured on the stored segment (frames counted / duration): never the declared one.

export type FieldClass = 'narrow' | 'wide';

export interface QualityFloor {
  minWidth: number;
  minHeight: number;
  minFps: number;
}

/** Site kinds that are busy pedestrian places unless the camera's setting says otherwise. */
export const busySiteKinds: ReadonlySet<string> = new Set(['station', 'market', 'event']);

/** Measured rates a little under the floor are rounding (a 60-s segment cut one frame short). */
export const FPS_TOLERANCE = 0.25;

export function qualityFloor(fieldClass: FieldClass, busyPedestrianPlace: boolean): QualityFloor {
  if (fieldClass === 'narrow') return { minWidth: 704, minHeight: 576, minFps: busyPedestrianPlace ? 12 : 6 };
  return { minWidth: 352, minHeight: 288, minFps: 6 };
}

/** The floors a measured segment misses: each dimension separately (1280x540 is below 704x576), and the measured rate. */
export function qualityProblems(
  measured: { width: number; height: number; fps: number },
  floor: QualityFloor,
): Array<'resolution_below_floor' | 'fps_below_floor'> {
  const problems: Array<'resolution_below_floor' | 'fps_below_floor'> = [];
  if (measured.width < floor.minWidth || measured.height < floor.minHeight) problems.push('resolution_below_floor');
  if (measured.fps + FPS_TOLERANCE < floor.minFps) problems.push('fps_below_floor');
  return problems;
}
