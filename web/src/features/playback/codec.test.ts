import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codecOfSegment, frameDurationOfSegment, isHevc, mp4Mime } from './codec.ts';

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((total, part) => total + part.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(
    [...type].map((char) => char.charCodeAt(0)),
    4,
  );
  let offset = 8;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
const bytes = (...values: number[]) => Uint8Array.from(values);
const zeros = (count: number) => new Uint8Array(count);

/** ftyp + moov > trak > mdia > minf > stbl > stsd > <entry> > <config>, like ffmpeg's fragmented MP4 header. */
function header(entryType: string, configType: string, config: Uint8Array): Uint8Array {
  const entry = box(entryType, zeros(78), box(configType, config));
  const stsd = box('stsd', bytes(0, 0, 0, 0, 0, 0, 0, 1), entry);
  const moov = box('moov', box('mvhd', zeros(100)), box('trak', box('tkhd', zeros(84)), box('mdia', box('mdhd', zeros(24)), box('minf', box('stbl', stsd)))));
  const ftyp = box('ftyp', bytes(0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0));
  const all = new Uint8Array(ftyp.byteLength + moov.byteLength + 16);
  all.set(ftyp, 0);
  all.set(moov, ftyp.byteLength);
  all.set(box('moof', zeros(8)), ftyp.byteLength + moov.byteLength);
  return all;
}

describe('codec of a recorded segment', () => {
  it('reads H.264 profile, constraints and level from avcC', () => {
    assert.equal(codecOfSegment(header('avc1', 'avcC', bytes(1, 0x64, 0x00, 0x1e, 0xff))), 'avc1.64001e');
    assert.equal(codecOfSegment(header('avc1', 'avcC', bytes(1, 0x42, 0xc0, 0x0d, 0xff))), 'avc1.42c00d');
  });

  it('reads H.265 from hvcC', () => {
    // Main profile, tier L, compat flags 0x60000000, progressive+frame-only constraints 0xB0, level 93 (3.1).
    const hvcC = bytes(1, 0x01, 0x60, 0x00, 0x00, 0x00, 0xb0, 0, 0, 0, 0, 0, 93, 0xf0, 0);
    const codec = codecOfSegment(header('hvc1', 'hvcC', hvcC))!;
    assert.equal(codec, 'hvc1.1.6.L93.B0');
    assert.ok(isHevc(codec));
    assert.ok(!isHevc('avc1.64001e'));
  });

  it('gives null for what is not an MP4 header', () => {
    assert.equal(codecOfSegment(new Uint8Array(0)), null);
    assert.equal(codecOfSegment(new TextEncoder().encode('{"code":"not_found"}')), null);
    assert.equal(codecOfSegment(header('mp4a', 'esds', zeros(4))), null);
  });

  it('builds the MIME type MediaSource asks for', () => {
    assert.equal(mp4Mime('avc1.64001e'), 'video/mp4; codecs="avc1.64001e"');
  });
});

const u32 = (value: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
};
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

/** moov (mdhd with a timescale, trex) then one moof whose tfhd or trun carries the sample duration. */
function fragmented(timescale: number, options: { tfhd?: number; trun?: number; trex?: number }): Uint8Array {
  const mdhd = box('mdhd', zeros(4), zeros(8), u32(timescale), zeros(8));
  const trex = box('trex', zeros(4), u32(1), u32(1), u32(options.trex ?? 0), zeros(8));
  const moov = box('moov', box('trak', box('mdia', mdhd)), box('mvex', trex));
  const tfhd =
    options.tfhd === undefined
      ? box('tfhd', bytes(0, 0x02, 0, 0), u32(1))
      : box('tfhd', bytes(0, 0x02, 0, 0x38), u32(1), u32(options.tfhd), u32(100), zeros(4));
  const trun =
    options.trun === undefined
      ? box('trun', bytes(0, 0, 0x02, 0x01), u32(1), u32(8), u32(100))
      : box('trun', bytes(0, 0, 0x03, 0x05), u32(1), u32(8), zeros(4), u32(options.trun), u32(100));
  return concat(box('ftyp', zeros(8)), moov, box('moof', box('mfhd', zeros(8)), box('traf', tfhd, trun)));
}

describe('frame duration of a recorded segment', () => {
  it('reads the sample duration from tfhd, trun or trex over the timescale', () => {
    assert.equal(frameDurationOfSegment(fragmented(12288, { tfhd: 1024 })), 1024 / 12288);
    assert.equal(frameDurationOfSegment(fragmented(90000, { trun: 3600 })), 0.04);
    assert.equal(frameDurationOfSegment(fragmented(1000, { trex: 200 })), 0.2);
    assert.equal(frameDurationOfSegment(fragmented(1000, {})), null);
    assert.equal(frameDurationOfSegment(header('avc1', 'avcC', bytes(1, 0x64, 0, 0x1e))), null, 'no mdhd');
  });
});
