// The map's geometry, pure: the field-of-view cone of a camera (its angle by kind, drawn from
// its heading) as a polygon of latitude/longitude points, the bounds that fit the cameras, and
// the glyph that tells camera states apart without colour. Tested by mapGeometry.test.ts.
import type { CameraState } from '../../api/types.ts';

export type LatLng = [number, number];

/** Opening of the cone, in degrees, by camera kind: none for a camera without a heading. */
export function fovAngleDeg(kind: string): number {
  if (kind === 'ptz') return 90;
  if (kind === 'panoramic') return 180;
  return 60;
}

const earthRadiusM = 6_371_008.8;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
const toDegrees = (radians: number) => (radians * 180) / Math.PI;

/** The point `distanceM` metres from a start along a compass bearing (great circle). */
export function destinationPoint(latitude: number, longitude: number, bearingDeg: number, distanceM: number): LatLng {
  const angular = distanceM / earthRadiusM;
  const bearing = toRadians(bearingDeg);
  const lat1 = toRadians(latitude);
  const lon1 = toRadians(longitude);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(bearing));
  const lon2 = lon1 + Math.atan2(Math.sin(bearing) * Math.sin(angular) * Math.cos(lat1), Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2));
  return [toDegrees(lat2), ((toDegrees(lon2) + 540) % 360) - 180];
}

export interface ConeInput {
  latitude: number | null;
  longitude: number | null;
  headingDeg: number | null;
  kind: string;
}

/**
 * The cone centred on the heading: the camera's position, then the arc from heading - angle/2
 * to heading + angle/2 every `stepDeg` at `rangeM`. Null without a position or a heading.
 */
export function fovCone(camera: ConeInput, rangeM = 60, stepDeg = 5): LatLng[] | null {
  const { latitude, longitude, headingDeg } = camera;
  if (latitude === null || longitude === null || headingDeg === null || !Number.isFinite(headingDeg)) return null;
  const angle = fovAngleDeg(camera.kind);
  const steps = Math.max(2, Math.ceil(angle / stepDeg));
  const points: LatLng[] = [[latitude, longitude]];
  for (let index = 0; index <= steps; index++) {
    points.push(destinationPoint(latitude, longitude, headingDeg - angle / 2 + (angle * index) / steps, rangeM));
  }
  return points;
}

/** South-west and north-east corners around the placed points, or null when none is placed. */
export function boundsOf(points: readonly { latitude: number | null; longitude: number | null }[]): [LatLng, LatLng] | null {
  const placed = points.filter((point): point is { latitude: number; longitude: number } => point.latitude !== null && point.longitude !== null);
  if (placed.length === 0) return null;
  const latitudes = placed.map((point) => point.latitude);
  const longitudes = placed.map((point) => point.longitude);
  return [
    [Math.min(...latitudes), Math.min(...longitudes)],
    [Math.max(...latitudes), Math.max(...longitudes)],
  ];
}

/** A shape per state, so that the marker reads without its colour. */
export function stateGlyph(state: CameraState): string {
  switch (state) {
    case 'recording':
      return '●';
    case 'starting':
      return '◐';
    case 'reconnecting':
      return '◌';
    case 'failed':
      return '✕';
    case 'unauthorised':
      return '⊘';
    case 'disabled':
      return '–';
    default:
      return '?';
  }
}
