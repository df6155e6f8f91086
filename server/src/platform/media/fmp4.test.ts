// The live fragmented-MP4 reader, no IO: boxes built byte by byte (fmp4.fixtures.ts, laid out
// as ffmpeg writes them), cut at every possible chunk boundary; codec strings (RFC 6381, ISO/IEC 14496-15 annex E); keyframe
// detection from trun/tfhd/trex sample flags.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  avcCodecString,
  FragmentedMp4Reader,
  hevcCodecString,
  isSyncSample,
  mdatSamples,
  mimeOf,
  Mp4BoxSplitter,
  parseInitSegment,
  parseMoof,
} from './fmp4.ts';
import { AVCC, box, fragment, h264Init, HVCC, initSegment, NON_SYNC, SYNC, u32, visualEntry } from './fmp4.fixtures.ts';

describe('MP4 box splitter', () => {
  it('gives the same whole boxes whatever the chunking, 64-bit sizes included', () => {
    const large = Buffer.concat([u32(1), Buffer.from('free'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 20]), Buffer.alloc(4, 9)]);
    const stream = Buffer.concat([box('ftyp', Buffer.alloc(8)), large, box('mdat', Buffer.alloc(300, 7))]);
    for (const chunk of [1, 3, 7, 16, 100, stream.length]) {
      const splitter = new Mp4BoxSplitter();
      const boxes = [];
      for (let offset = 0; offset < stream.length; offset += chunk) boxes.push(...splitter.push(stream.subarray(offset, offset + chunk)));
      assert.deepEqual(
        boxes.map((entry) => [entry.type, entry.data.length]),
        [
          ['ftyp', 16],
          ['free', 20],
          ['mdat', 308],
        ],
        `chunks of ${chunk}`,
      );
      assert.equal(splitter.bufferedBytes, 0);
    }
  });

  it('refuses sizes a live pipe never carries (0, under the header, above the limit)', () => {
    assert.throws(() => new Mp4BoxSplitter().push(Buffer.concat([u32(0), Buffer.from('mdat')])), /invalid MP4 box size 0/);
    assert.throws(() => new Mp4BoxSplitter().push(Buffer.concat([u32(5), Buffer.from('mdat')])), /invalid MP4 box size 5/);
    assert.throws(() => new Mp4BoxSplitter(1000).push(Buffer.concat([u32(2000), Buffer.from('mdat')])), /invalid MP4 box size 2000/);
  });
});

describe('init segment', () => {
  it('reads an H.264 track: codec string, size, timescale, track, trex defaults', () => {
    const info = parseInitSegment(initSegment(visualEntry('avc1', 320, 180, box('avcC', AVCC)), { trexDuration: 7500, trexFlags: NON_SYNC }));
    assert.deepEqual(info, {
      trackId: 7,
      timescale: 90_000,
      sampleEntry: 'avc1',
      codec: 'h264',
      codecString: 'avc1.64001f',
      width: 320,
      height: 180,
      defaults: { sampleDuration: 7500, sampleSize: 0, sampleFlags: NON_SYNC },
    });
    assert.equal(mimeOf(info.codecString), 'video/mp4; codecs="avc1.64001f"');
  });

  it('reads an H.265 track (hvc1 or hev1) and version-1 headers', () => {
    const hvc1 = parseInitSegment(initSegment(visualEntry('hvc1', 1920, 1080, box('hvcC', HVCC)), { version1: true }));
    assert.deepEqual([hvc1.codec, hvc1.codecString, hvc1.width, hvc1.height, hvc1.trackId, hvc1.timescale], ['h265', 'hvc1.1.6.L93.B0', 1920, 1080, 7, 90_000]);
    assert.equal(parseInitSegment(initSegment(visualEntry('hev1', 640, 360, box('hvcC', HVCC)))).codecString, 'hev1.1.6.L93.B0');
  });

  it('refuses what live cannot announce', () => {
    assert.throws(() => parseInitSegment(initSegment(visualEntry('mp4v', 320, 180, box('esds', Buffer.alloc(4))))), /unsupported sample entry mp4v/);
    assert.throws(() => parseInitSegment(initSegment(visualEntry('avc1', 320, 180, box('btrt', Buffer.alloc(12))))), /avc1 without avcC/);
    assert.throws(() => parseInitSegment(box('ftyp', Buffer.alloc(8))), /no moov/);
  });
});

describe('codec strings', () => {
  it('H.264: profile, compatibility and level in hex', () => {
    assert.equal(avcCodecString('avc1', Buffer.from([1, 0x42, 0xc0, 0x1e])), 'avc1.42c01e');
    assert.equal(avcCodecString('avc3', Buffer.from([1, 0x4d, 0x40, 0x28])), 'avc3.4d4028');
  });

  it('H.265: profile space, reversed compatibility flags, tier, level, constraint bytes without trailing zeros', () => {
    // Main 10, compatibility 0x20000000 -> reversed 0x4, high tier, level 120, constraints B0 00 00 00 00 00.
    const main10High = Buffer.from([1, 0x22, 0x20, 0, 0, 0, 0xb0, 0, 0, 0, 0, 0, 120]);
    assert.equal(hevcCodecString('hvc1', main10High), 'hvc1.2.4.H120.B0');
    // Profile space 1 ("A"), profile 4, no constraint byte set.
    const spaced = Buffer.from([1, 0x44, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 90]);
    assert.equal(hevcCodecString('hev1', spaced), 'hev1.A4.8.L90');
    // Constraint bytes inside are kept, trailing zero bytes dropped.
    const inner = Buffer.from([1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0x01, 0, 0, 0, 30]);
    assert.equal(hevcCodecString('hev1', inner), 'hev1.1.6.L30.90.0.1');
  });
});

describe('fragments and keyframes', () => {
  it('sync samples: not flagged non-sync and not depending on others', () => {
    assert.equal(isSyncSample(SYNC), true);
    assert.equal(isSyncSample(0), true);
    assert.equal(isSyncSample(NON_SYNC), false);
    assert.equal(isSyncSample(0x00010000), false, 'non-sync bit alone');
    assert.equal(isSyncSample(0x01000000), false, 'depends on others');
  });

  it("ffmpeg's layout: tfhd default flags non-sync, first_sample_flags sync on keyframes", () => {
    const defaults = { sampleDuration: 0, sampleSize: 0, sampleFlags: 0 };
    const key = fragment({ sequence: 1, decodeTime: 0, samples: [{ size: 10 }], tfhd: { duration: 7500, flags: NON_SYNC }, firstSampleFlags: SYNC });
    const delta = fragment({ sequence: 2, decodeTime: 7500, samples: [{ size: 4 }], tfhd: { duration: 7500, flags: NON_SYNC } });
    assert.deepEqual(parseMoof(key.moof, defaults), { sequence: 1, decodeTime: 0, duration: 7500, sampleSizes: [10], keyframe: true });
    assert.deepEqual(parseMoof(delta.moof, defaults), { sequence: 2, decodeTime: 7500, duration: 7500, sampleSizes: [4], keyframe: false });
  });

  it('per-sample durations and flags, and the trex defaults when the fragment gives none', () => {
    const perSample = fragment({
      sequence: 3,
      decodeTime: 90_000,
      samples: [
        { size: 5, duration: 3000, flags: NON_SYNC },
        { size: 6, duration: 3003, flags: SYNC },
      ],
    });
    assert.deepEqual(parseMoof(perSample.moof, { sampleDuration: 0, sampleSize: 0, sampleFlags: 0 }), {
      sequence: 3,
      decodeTime: 90_000,
      duration: 6003,
      sampleSizes: [5, 6],
      keyframe: false,
    });
    const bare = fragment({ sequence: 4, decodeTime: 1, samples: [{ size: 5 }, { size: 5 }] });
    assert.deepEqual(parseMoof(bare.moof, { sampleDuration: 3600, sampleSize: 0, sampleFlags: SYNC }), {
      sequence: 4,
      decodeTime: 1,
      duration: 7200,
      sampleSizes: [5, 5],
      keyframe: true,
    });
    assert.deepEqual(
      mdatSamples(perSample.mdat, [5, 6]).map((sample) => [...sample]),
      [
        [1, 1, 1, 1, 1],
        [2, 2, 2, 2, 2, 2],
      ],
    );
  });

  it('the reader pairs moof and mdat, announces the init once, ignores other boxes', () => {
    const key = fragment({ sequence: 1, decodeTime: 0, samples: [{ size: 20 }], tfhd: { duration: 7500, flags: NON_SYNC }, firstSampleFlags: SYNC });
    const delta = fragment({ sequence: 2, decodeTime: 7500, samples: [{ size: 8 }], tfhd: { duration: 7500, flags: NON_SYNC } });
    const stream = Buffer.concat([h264Init, box('free'), key.moof, key.mdat, box('sidx', Buffer.alloc(12)), delta.moof, delta.mdat]);
    const reader = new FragmentedMp4Reader();
    const events = [];
    for (let offset = 0; offset < stream.length; offset += 13) events.push(...reader.push(stream.subarray(offset, offset + 13)));
    assert.deepEqual(
      events.map((event) => event.kind),
      ['init', 'fragment', 'fragment'],
    );
    const [init, first, second] = events;
    assert.ok(init?.kind === 'init' && first?.kind === 'fragment' && second?.kind === 'fragment');
    assert.deepEqual(init.init.data, h264Init, 'ftyp + moov, as a SourceBuffer takes it');
    assert.deepEqual(first.fragment.data, Buffer.concat([key.moof, key.mdat]));
    assert.equal(first.fragment.mdatOffset, key.moof.length);
    assert.deepEqual([first.fragment.keyframe, second.fragment.keyframe], [true, false]);
    assert.equal(reader.init?.codecString, 'avc1.64001f');
  });

  it('drops fragments that come before any init segment', () => {
    const key = fragment({ sequence: 1, decodeTime: 0, samples: [{ size: 4 }], firstSampleFlags: SYNC });
    assert.deepEqual(new FragmentedMp4Reader().push(Buffer.concat([key.moof, key.mdat])), []);
  });
});
