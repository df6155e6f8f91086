import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findParameterSets, groupAccessUnits, parseAccessUnits, splitAnnexB, toAnnexB } from './h26x.ts';

const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xaa]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const AUD = Buffer.from([0x09, 0xf0]);
const IDR = Buffer.from([0x65, 0x88, 0x84, 0x00, 0x33]);
const IDR_SECOND_SLICE = Buffer.from([0x65, 0x44, 0x11]); // first_mb_in_slice != 0
const P_SLICE = Buffer.from([0x41, 0x9a, 0x22]);

function annexB(units: Buffer[], longStartCodes = true): Buffer {
  return Buffer.concat(units.flatMap((unit) => [Buffer.from(longStartCodes ? [0, 0, 0, 1] : [0, 0, 1]), unit]));
}

describe('Annex-B parsing', () => {
  test('splits on 3- and 4-byte start codes without keeping their zeros', () => {
    assert.deepEqual(splitAnnexB(annexB([SPS, PPS, IDR])), [SPS, PPS, IDR]);
    assert.deepEqual(splitAnnexB(annexB([SPS, PPS, IDR], false)), [SPS, PPS, IDR]);
  });

  test('groups slices into pictures, parameter sets with their keyframe, drops delimiters', () => {
    const frames = groupAccessUnits('h264', splitAnnexB(annexB([AUD, SPS, PPS, IDR, IDR_SECOND_SLICE, AUD, P_SLICE, AUD, P_SLICE])));
    assert.equal(frames.length, 3);
    assert.deepEqual(frames[0]!.nalUnits, [SPS, PPS, IDR, IDR_SECOND_SLICE]);
    assert.equal(frames[0]!.keyframe, true);
    assert.equal(frames[1]!.keyframe, false);
    assert.deepEqual(frames[2]!.nalUnits, [P_SLICE]);
  });

  test('finds the parameter sets and writes the pictures back as Annex-B', () => {
    const frames = parseAccessUnits('h264', annexB([SPS, PPS, IDR, P_SLICE]));
    assert.deepEqual(findParameterSets('h264', frames), { sps: SPS, pps: PPS });
    assert.deepEqual(toAnnexB(frames), annexB([SPS, PPS, IDR, P_SLICE]));
  });

  test('recognises H.265 random-access pictures and parameter sets', () => {
    const vps = Buffer.from([0x40, 0x01, 0x0c]);
    const sps = Buffer.from([0x42, 0x01, 0x01]);
    const pps = Buffer.from([0x44, 0x01, 0xc0]);
    const idr = Buffer.from([0x26, 0x01, 0xaf]); // IDR_W_RADL, first slice
    const trail = Buffer.from([0x02, 0x01, 0xd0]); // TRAIL_R, first slice
    const frames = parseAccessUnits('h265', annexB([vps, sps, pps, idr, trail]));
    assert.deepEqual(
      frames.map((frame) => frame.keyframe),
      [true, false],
    );
    assert.deepEqual(findParameterSets('h265', frames), { vps, sps, pps });
  });
});
