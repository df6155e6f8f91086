// Measures of one grey-scale picture, and of a picture against its reference or the previous
// one (docs/health.md). Pure: no IO. The picture is looked at as a whole (LEGAL 23: tamper
// detection is not people analytics); nothing here finds or follows a person.

/** A small grey-scale picture, one byte per pixel, row after row (ffmpeg's `gray` rawvideo). */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** The size the checks decode every picture to (16:9; other ratios are stretched, which the measures do not mind). */
export const CHECK_WIDTH = 320;
export const CHECK_HEIGHT = 180;
/** The grid of blocks the obstruction check compares (8 x 6 blocks of 40 x 30 pixels). */
export const GRID_COLUMNS = 8;
export const GRID_ROWS = 6;

export function grayImage(width: number, height: number, data: Uint8Array): GrayImage {
  if (data.length !== width * height) throw new Error(`a ${width}x${height} grey picture has ${width * height} bytes, not ${data.length}`);
  return { width, height, data };
}

/** Mean luminance (0-255) and its standard deviation. */
export function luminance(image: GrayImage): { mean: number; std: number } {
  let sum = 0;
  let squares = 0;
  for (const value of image.data) {
    sum += value;
    squares += value * value;
  }
  const count = image.data.length;
  const mean = sum / count;
  return { mean, std: Math.sqrt(Math.max(0, squares / count - mean * mean)) };
}

/** Variance of the 4-neighbour Laplacian: high for a sharp picture, it falls when the lens is defocused or smeared. */
export function laplacianVariance(image: GrayImage): number {
  const { width, height, data } = image;
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const index = row + x;
      const value = data[index - 1]! + data[index + 1]! + data[index - width]! + data[index + width]! - 4 * data[index]!;
      sum += value;
      squares += value * value;
      count++;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return squares / count - mean * mean;
}

/** Mean gradient magnitude (|dx| + |dy|) of each block of the grid, row after row: where the picture has edges. */
export function blockEdgeEnergy(image: GrayImage, columns = GRID_COLUMNS, rows = GRID_ROWS): Float64Array {
  const { width, height, data } = image;
  const sums = new Float64Array(columns * rows);
  const counts = new Float64Array(columns * rows);
  for (let y = 0; y < height - 1; y++) {
    const blockRow = Math.min(rows - 1, Math.floor((y * rows) / height)) * columns;
    for (let x = 0; x < width - 1; x++) {
      const index = y * width + x;
      const gradient = Math.abs(data[index + 1]! - data[index]!) + Math.abs(data[index + width]! - data[index]!);
      const block = blockRow + Math.min(columns - 1, Math.floor((x * columns) / width));
      sums[block]! += gradient;
      counts[block]! += 1;
    }
  }
  for (let block = 0; block < sums.length; block++) sums[block] = counts[block]! > 0 ? sums[block]! / counts[block]! : 0;
  return sums;
}

/** The picture averaged down by `factor` in each direction (scene comparison ignores fine detail and noise). */
export function downscale(image: GrayImage, factor: number): GrayImage {
  const width = Math.max(1, Math.floor(image.width / factor));
  const height = Math.max(1, Math.floor(image.height / factor));
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * image.width + x * factor;
        for (let dx = 0; dx < factor; dx++) sum += image.data[row + dx]!;
      }
      data[y * width + x] = Math.round(sum / (factor * factor));
    }
  }
  return { width, height, data };
}

/**
 * Normalised cross-correlation of two pictures of the same size (-1..1): 1 for the same scene,
 * whatever its brightness and contrast (day, night, auto-exposure); near 0 for another scene.
 * Two flat pictures have no structure to compare: 0.
 */
export function normalisedCorrelation(a: GrayImage, b: GrayImage): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('pictures of different sizes cannot be correlated');
  const count = a.data.length;
  let sumA = 0;
  let sumB = 0;
  for (let index = 0; index < count; index++) {
    sumA += a.data[index]!;
    sumB += b.data[index]!;
  }
  const meanA = sumA / count;
  const meanB = sumB / count;
  let product = 0;
  let squaresA = 0;
  let squaresB = 0;
  for (let index = 0; index < count; index++) {
    const da = a.data[index]! - meanA;
    const db = b.data[index]! - meanB;
    product += da * db;
    squaresA += da * da;
    squaresB += db * db;
  }
  const denominator = Math.sqrt(squaresA * squaresB);
  return denominator > 0 ? product / denominator : 0;
}

/** Share of pixels (0..1) that differ from the previous picture by more than `delta` grey levels. */
export function changedFraction(current: GrayImage, previous: GrayImage, delta: number): number {
  if (current.data.length !== previous.data.length) return 1;
  let changed = 0;
  for (let index = 0; index < current.data.length; index++) if (Math.abs(current.data[index]! - previous.data[index]!) > delta) changed++;
  return changed / current.data.length;
}

/** Share (0..1) of the reference's textured blocks whose edges are mostly gone now (a spray, a sticker, a hand over part of the lens). */
export function edgeLossFraction(current: Float64Array, reference: Float64Array, options: { minReferenceEnergy: number; lossRatio: number }): number {
  let textured = 0;
  let lost = 0;
  for (let block = 0; block < reference.length; block++) {
    if (reference[block]! < options.minReferenceEnergy) continue;
    textured++;
    if ((current[block] ?? 0) < reference[block]! * options.lossRatio) lost++;
  }
  return textured > 0 ? lost / textured : 0;
}
