// SPS parsing, no IO: real parameter sets from libx264 / libx265 (h26x.fixtures.ts) at sizes
// that need cropping (1080 lines, 322x242), high profiles (4:4:4, interlaced, Main 10), and a
// synthetic High SPS with scaling lists and picture order count type 1 (x264 never writes those).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { H264, H265 } from './h26x.fixtures.ts';
import { parseH264Sps, parseH265Sps } from './index.ts';
import { removeEmulationPrevention } from './sps.ts';

class BitWriter {
  private bits: number[] = [];
  u(count: number, value: number): this {
    for (let bit = count - 1; bit >= 0; bit--) this.bits.push(Math.floor(value / 2 ** bit) & 1);
    return this;
  }
  ue(value: number): this {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    return this.u(length, 0).u(length + 1, code);
  }
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }
  /** rbsp_trailing_bits, then emulation prevention as an encoder adds it. */
  nalUnit(): Buffer {
    this.u(1, 1);
    while (this.bits.length % 8) this.bits.push(0);
    const rbsp: number[] = [];
    for (let index = 0; index < this.bits.length; index += 8) rbsp.push(Number.parseInt(this.bits.slice(index, index + 8).join(''), 2));
    const escaped: number[] = [];
    for (const byte of rbsp) {
      if (escaped.length >= 2 && escaped.at(-1) === 0 && escaped.at(-2) === 0 && byte <= 3) escaped.push(3);
      escaped.push(byte);
    }
    return Buffer.from(escaped);
  }
}

describe('H.264 SPS', () => {
  it('reads profile, level and the cropped size of x264 streams', () => {
    const cases: Array<[Buffer, number, number, number, number]> = [
      [H264.sps720, 100, 31, 1280, 720],
      [H264.sps1080, 100, 40, 1920, 1080],
      [H264.sps360, 100, 22, 640, 360],
      [H264.sps322, 100, 12, 322, 242],
      [H264.spsBaseline360, 66, 22, 640, 360],
      [H264.spsHigh444, 244, 22, 640, 360],
      [H264.spsInterlaced1080, 100, 40, 1920, 1080],
    ];
    for (const [sps, profileIdc, levelIdc, width, height] of cases) {
      const parsed = parseH264Sps(sps);
      assert.deepEqual([parsed.profileIdc, parsed.levelIdc, parsed.width, parsed.height], [profileIdc, levelIdc, width, height], sps.toString('hex'));
    }
    assert.equal(parseH264Sps(H264.spsBaseline360).constraintFlags, 0xc0, 'constraint_set0 and 1 (Constrained Baseline)');
    assert.equal(parseH264Sps(H264.spsHigh444).chromaFormatIdc, 3);
  });

  it('skips scaling lists (delta-coded, "use default" shortcut) and picture order count type 1', () => {
    const writer = new BitWriter().u(8, 0x67).u(8, 100).u(8, 0).u(8, 40).ue(0); // header, profile, constraints, level, id
    writer.ue(1).ue(0).ue(0).u(1, 0).u(1, 1); // 4:2:0, 8 bits, no bypass, scaling matrix present
    for (let list = 0; list < 8; list++) {
      if (list === 0) {
        writer.u(1, 1).se(8);
        for (let index = 1; index < 16; index++) writer.se(index % 2 ? 1 : -1);
      } else if (list === 6) {
        writer.u(1, 1).se(-8); // next scale 0 at once: the default list, one value read
      } else {
        writer.u(1, 0);
      }
    }
    writer.ue(0).ue(1).u(1, 0).se(-2).se(1).ue(2).se(3).se(-3); // frame num, POC type 1 with a cycle of 2
    writer.ue(4).u(1, 0).ue(119).ue(67).u(1, 1).u(1, 1); // refs, gaps, 120x68 macroblocks, frame_mbs_only, direct 8x8
    writer.u(1, 1).ue(0).ue(0).ue(0).ue(4).u(1, 0); // cropping: 8 lines at the bottom; no VUI
    const parsed = parseH264Sps(writer.nalUnit());
    assert.deepEqual([parsed.profileIdc, parsed.width, parsed.height], [100, 1920, 1080]);
  });

  it('refuses a truncated SPS', () => {
    assert.throws(() => parseH264Sps(H264.sps1080.subarray(0, 6)), /truncated/);
  });
});

describe('H.265 SPS', () => {
  it('reads profile, tier, level and the size inside the conformance window', () => {
    const cases: Array<[Buffer, number, number, number, number, number]> = [
      [H265.sps720, 1, 93, 1280, 720, 8],
      [H265.sps1080, 1, 120, 1920, 1080, 8],
      [H265.sps322, 1, 60, 322, 242, 8],
      [H265.spsMain10, 2, 120, 1920, 1080, 10],
    ];
    for (const [sps, profileIdc, levelIdc, width, height, bitDepth] of cases) {
      const parsed = parseH265Sps(sps);
      assert.deepEqual(
        [parsed.generalProfileIdc, parsed.generalLevelIdc, parsed.width, parsed.height, parsed.bitDepthLuma, parsed.generalTierFlag],
        [profileIdc, levelIdc, width, height, bitDepth, 0],
        sps.toString('hex'),
      );
    }
    const main = parseH265Sps(H265.sps720);
    assert.equal(main.generalProfileCompatibilityFlags, 0x60000000);
    assert.equal(main.generalConstraintIndicatorFlags.toString('hex'), '900000000000');
    assert.deepEqual([main.temporalLayers, main.temporalIdNested, main.chromaFormatIdc], [1, true, 1]);
  });
});

describe('emulation prevention', () => {
  it('removes every 03 that follows two zero bytes, and only those', () => {
    assert.equal(removeEmulationPrevention(Buffer.from('0000030100000302030000', 'hex')).toString('hex'), '000001000002030000');
    const clean = Buffer.from('01020300', 'hex');
    assert.equal(removeEmulationPrevention(clean), clean, 'nothing to remove: no copy');
  });
});
