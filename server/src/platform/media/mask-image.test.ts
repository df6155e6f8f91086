// Privacy mask pictures, pure: rasterisation at pixel centres (union of polygons, even-odd
// inside one), the PNG encoding read back with zlib, and the uniformity test of masked areas.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, inflateSync } from 'node:zlib';
import { encodePng, maskCoverage, maskedAreasUniform, maskPng, rasteriseMask, type MaskPolygon } from './mask-image.ts';

const topLeftQuarter: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];
const count = (coverage: Uint8Array) => coverage.reduce((sum, value) => sum + value, 0);

/** Reads back an 8-bit RGBA PNG with no filtering, checking every chunk's CRC. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  const types: string[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    assert.equal(png.readUInt32BE(offset + 8 + length), crc32(png.subarray(offset + 4, offset + 8 + length)) >>> 0, `CRC of ${type}`);
    types.push(type);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  assert.deepEqual([...header!.subarray(8)], [8, 6, 0, 0, 0], '8-bit RGBA, deflate, no filter method, no interlace');
  const raw = inflateSync(Buffer.concat(data));
  assert.equal(raw.length, (width * 4 + 1) * height);
  const rgba = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    assert.equal(raw[row * (width * 4 + 1)], 0, 'filter type none');
    raw.copy(rgba, row * width * 4, row * (width * 4 + 1) + 1, (row + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

describe('mask rasterisation', () => {
  it('covers exactly the pixels whose centre is inside', () => {
    const coverage = maskCoverage([topLeftQuarter], 320, 180);
    assert.equal(count(coverage), 160 * 90);
    assert.equal(coverage[0], 1);
    assert.equal(coverage[159], 1);
    assert.equal(coverage[160], 0, 'column 160 has its centre at x = 0.5016');
    assert.equal(coverage[89 * 320], 1);
    assert.equal(coverage[90 * 320], 0);
    // A strip from x = 0.1 to 0.2 on 10 columns: centres 0.05, 0.15, 0.25, ...: only column 1.
    const strip = maskCoverage(
      [
        [
          [0.1, 0],
          [0.2, 0],
          [0.2, 1],
          [0.1, 1],
        ],
      ],
      10,
      4,
    );
    assert.deepEqual([...strip.subarray(0, 10)], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('fills a triangle, the union of overlapping polygons, and a self-overlapping polygon by the even-odd rule', () => {
    const triangle = maskCoverage(
      [
        [
          [0, 0],
          [1, 0],
          [0, 1],
        ],
      ],
      100,
      100,
    );
    assert.ok(Math.abs(count(triangle) - 5000) <= 100, `triangle covers ${count(triangle)} pixels`);
    assert.equal(triangle[0], 1);
    assert.equal(triangle[99 * 100 + 99], 0);
    const overlapping = maskCoverage(
      [
        topLeftQuarter,
        [
          [0.25, 0.25],
          [0.75, 0.25],
          [0.75, 0.75],
          [0.25, 0.75],
        ],
      ],
      100,
      100,
    );
    assert.equal(count(overlapping), 2500 + 2500 - 625, 'the overlap is counted once and stays masked');
    // The same square traced twice: every crossing is doubled, the even-odd rule leaves it empty.
    const twice: MaskPolygon = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
    ];
    assert.equal(count(maskCoverage([twice], 100, 100)), 0);
  });

  it('paints opaque black inside and fully transparent outside', () => {
    const rgba = rasteriseMask([topLeftQuarter], 4, 2);
    assert.deepEqual([...rgba], [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, ...new Array(16).fill(0)]);
    assert.throws(() => rasteriseMask([topLeftQuarter], 0, 10));
  });
});

describe('PNG encoding', () => {
  it('writes a valid RGBA PNG that decodes to the same pixels', () => {
    const polygons = [
      topLeftQuarter,
      [
        [0.6, 0.6],
        [0.9, 0.7],
        [0.7, 0.95],
      ] as MaskPolygon,
    ];
    const png = maskPng(polygons, 64, 36);
    const decoded = decodePng(png);
    assert.deepEqual([decoded.width, decoded.height], [64, 36]);
    assert.ok(decoded.rgba.equals(rasteriseMask(polygons, 64, 36)));
    assert.ok(maskPng(polygons, 1920, 1080).length < 30_000, 'a flat mask deflates to a small file');
    assert.throws(() => encodePng(Buffer.alloc(10), 2, 2));
  });
});

describe('uniformity of masked areas', () => {
  const width = 64;
  const height = 36;
  // A detailed picture: a pseudo-random pattern, with the top-left quarter flat at gray 16.
  const picture = (flatInside: boolean) => {
    const pixels = new Uint8Array(width * height);
    const inside = maskCoverage([topLeftQuarter], width, height);
    let seed = 7;
    for (let pixel = 0; pixel < pixels.length; pixel++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      pixels[pixel] = flatInside && inside[pixel] ? 16 : (seed >>> 16) & 255;
    }
    return pixels;
  };

  it('passes a flat masked area in a detailed picture', () => {
    const result = maskedAreasUniform(picture(true), width, height, [topLeftQuarter], 3);
    assert.equal(result.uniform, true);
    assert.equal(result.polygons[0]!.mean, 16);
    assert.equal(result.polygons[0]!.standardDeviation, 0);
    assert.equal(result.polygons[0]!.pixels, (32 - 4) * (18 - 4), 'a 2-pixel margin inside every edge is left out (the picture border counts as one)');
    assert.ok(result.outsideStandardDeviation > 50);
    assert.equal(result.outsidePixels, width * height - 32 * 18);
  });

  it('fails when the masked area shows the scene', () => {
    const result = maskedAreasUniform(picture(false), width, height, [topLeftQuarter], 3);
    assert.equal(result.uniform, false);
    assert.ok(result.polygons[0]!.standardDeviation > 50);
  });

  it('ignores encoder bleed at the edge, not inside', () => {
    const pixels = picture(true);
    for (let row = 0; row < 18; row++) pixels[row * width + 31] = 200; // last masked column blurred by the encoder
    assert.equal(maskedAreasUniform(pixels, width, height, [topLeftQuarter], 3).uniform, true);
    assert.equal(maskedAreasUniform(pixels, width, height, [topLeftQuarter], 3, 0).uniform, false, 'without margin the bleed counts');
    pixels[8 * width + 10] = 200; // a pixel well inside
    assert.equal(maskedAreasUniform(pixels, width, height, [topLeftQuarter], 3).uniform, false);
  });

  it('proves nothing with a polygon too small to keep a pixel after the margin', () => {
    const tiny: MaskPolygon = [
      [0.5, 0.5],
      [0.52, 0.5],
      [0.52, 0.53],
      [0.5, 0.53],
    ];
    const result = maskedAreasUniform(picture(true), width, height, [topLeftQuarter, tiny], 3);
    assert.equal(result.polygons[1]!.pixels, 0);
    assert.equal(result.uniform, false);
  });
});
