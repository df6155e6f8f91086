// Mask polygons the footage tests draw (fractions of the picture): two quarters, one masked,
// one left with its detail, so that a test tells a burnt-in mask from the rest of the picture.
import type { MaskPolygon } from '../platform/media/mask-image.ts';

export const topLeftQuarter: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];

export const topRightQuarter: MaskPolygon = [
  [0.5, 0],
  [1, 0],
  [1, 0.5],
  [0.5, 0.5],
];
