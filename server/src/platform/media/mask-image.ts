// Privacy masks as pictures (LEGAL 4), pure: polygons in normalised picture coordinates
// (0..1, origin top-left) rasterised at pixel centres into an RGBA image, opaque black inside
// any polygon and fully transparent elsewhere, and that image encoded as PNG with node:zlib.
// ffmpeg overlays the PNG on the camera's picture before anything is stored or shown.
import { crc32, deflateSync } from 'node:zlib';

/** [x, y], each in 0..1 of the picture's width and height. */
export type MaskPoint = readonly [number, number];
export type MaskPolygon = readonly MaskPoint[];

/**
 * One byte per pixel, 1 where the pixel's centre lies inside at least one polygon (even-odd
 * rule within a polygon, union between polygons), 0 elsewhere. Row-major, top row first.
 */
export function maskCoverage(polygons: readonly MaskPolygon[], width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`invalid mask size ${width}x${height}`);
  const inside = new Uint8Array(width * height);
  const crossings: number[] = [];
  for (let row = 0; row < height; row++) {
    const y = (row + 0.5) / height;
    for (const polygon of polygons) {
      crossings.length = 0;
      for (let index = 0; index < polygon.length; index++) {
        const [x1, y1] = polygon[index]!;
        const [x2, y2] = polygon[(index + 1) % polygon.length]!;
        // Half-open on y so that a vertex on the scan line is counted once.
        if ((y1 <= y && y < y2) || (y2 <= y && y < y1)) crossings.push(x1 + ((y - y1) / (y2 - y1)) * (x2 - x1));
      }
      crossings.sort((a, b) => a - b);
      for (let pair = 0; pair + 1 < crossings.length; pair += 2) {
        // Pixel columns whose centre (column + 0.5) / width lies in [start, end).
        const first = Math.max(0, Math.ceil(crossings[pair]! * width - 0.5));
        const last = Math.min(width - 1, Math.ceil(crossings[pair + 1]! * width - 0.5) - 1);
        if (last >= first) inside.fill(1, row * width + first, row * width + last + 1);
      }
    }
  }
  return inside;
}

/** RGBA pixels: opaque black (0, 0, 0, 255) inside the mask, transparent (0, 0, 0, 0) outside. */
export function rasteriseMask(polygons: readonly MaskPolygon[], width: number, height: number): Buffer {
  const inside = maskCoverage(polygons, width, height);
  const rgba = Buffer.alloc(width * height * 4);
  for (let pixel = 0; pixel < inside.length; pixel++) if (inside[pixel]) rgba[pixel * 4 + 3] = 255;
  return rgba;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/** An 8-bit RGBA PNG (no filtering: masks are flat and deflate well as they are). */
export function encodePng(rgba: Buffer, width: number, height: number): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: truecolour with alpha
  // compression 0 (deflate), filter method 0, no interlace: bytes 10-12 stay 0
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let row = 0; row < height; row++) rgba.copy(raw, row * (stride + 1) + 1, row * stride, (row + 1) * stride); // filter byte 0 = none
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', Buffer.alloc(0))]);
}

/** The mask of a camera as a PNG of the given size. */
export function maskPng(polygons: readonly MaskPolygon[], width: number, height: number): Buffer {
  return encodePng(rasteriseMask(polygons, width, height), width, height);
}

export interface MaskedAreaStatistics {
  /** Index of the polygon in the list given. */
  polygon: number;
  /** Pixels measured (those inside the polygon, away from its edge by the margin). */
  pixels: number;
  mean: number;
  standardDeviation: number;
}

export interface UniformityResult {
  /** Every polygon's pixels are uniform (standard deviation at most the tolerance). */
  uniform: boolean;
  polygons: MaskedAreaStatistics[];
  /** Pixels outside every polygon, and their standard deviation (a blank picture proves nothing). */
  outsidePixels: number;
  outsideStandardDeviation: number;
}

/**
 * Whether the pixels (8-bit gray, row-major) inside every polygon are uniform. Pixels within
 * `marginPixels` of a polygon's edge are left out: the encoder's blocks straddling the edge
 * blur it by a pixel or two. A polygon with no pixel left to measure is not uniform (nothing
 * proves the mask).
 */
export function maskedAreasUniform(
  pixels: Uint8Array,
  width: number,
  height: number,
  polygons: readonly MaskPolygon[],
  tolerance: number,
  marginPixels = 2,
): UniformityResult {
  if (pixels.length < width * height) throw new Error(`expected ${width * height} gray pixels, got ${pixels.length}`);
  const union = maskCoverage(polygons, width, height);
  const statistics = polygons.map((polygon, index) => {
    const inner = erode(maskCoverage([polygon], width, height), width, height, marginPixels);
    return { polygon: index, ...meanAndDeviation(pixels, inner, 1) };
  });
  const outside = meanAndDeviation(pixels, union, 0);
  return {
    uniform: statistics.every((area) => area.pixels > 0 && area.standardDeviation <= tolerance),
    polygons: statistics,
    outsidePixels: outside.pixels,
    outsideStandardDeviation: outside.standardDeviation,
  };
}

function meanAndDeviation(pixels: Uint8Array, selection: Uint8Array, wanted: 0 | 1): { pixels: number; mean: number; standardDeviation: number } {
  let count = 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (let pixel = 0; pixel < selection.length; pixel++) {
    if (selection[pixel] !== wanted) continue;
    const value = pixels[pixel]!;
    count += 1;
    sum += value;
    sumOfSquares += value * value;
  }
  if (count === 0) return { pixels: 0, mean: 0, standardDeviation: 0 };
  const mean = sum / count;
  const variance = Math.max(0, sumOfSquares / count - mean * mean);
  return { pixels: count, mean: Math.round(mean * 100) / 100, standardDeviation: Math.round(Math.sqrt(variance) * 100) / 100 };
}

/** Keeps a pixel only if every pixel within `margin` (square neighbourhood) is set too: rows, then columns. */
function erode(coverage: Uint8Array, width: number, height: number, margin: number): Uint8Array {
  if (margin <= 0) return coverage;
  const pass = (source: Uint8Array, lines: number, length: number, at: (line: number, position: number) => number) => {
    const kept = new Uint8Array(source.length);
    for (let line = 0; line < lines; line++) {
      let run = 0; // set pixels in a row ending at `position`
      for (let position = 0; position < length; position++) {
        run = source[at(line, position)] ? run + 1 : 0;
        // A full window [position - 2 margin, position] is set: its centre survives.
        if (run >= 2 * margin + 1) kept[at(line, position - margin)] = 1;
      }
    }
    return kept;
  };
  const horizontal = pass(coverage, height, width, (row, column) => row * width + column);
  return pass(horizontal, width, height, (column, row) => row * width + column);
}
