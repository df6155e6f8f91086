// The native fragmented-MP4 writer, no IO: init segments and fragments read back by the live
// reader (fmp4.ts: codec strings, sizes, decode times, sample flags and bytes), sample payloads
// (parameter sets, AUD, SEI), the segment assembler (parts, keyframe cuts, stats, live
// fragments, clamped timestamps, parameter-set changes, discontinuities) and crash recovery.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFragment, buildInitSegment } from './fmp4-boxes.ts';
import { type AssemblerOutput, recoverSegment, SegmentAssembler } from './fmp4-writer.ts';
import { FragmentedMp4Reader, type MediaFragment, mdatSamples, parseInitSegment } from './fmp4.ts';
import { H264, H265, slice } from './h26x/h26x.fixtures.ts';
import { type AccessUnit, type ParameterSets, samplePayload, type VideoCodec } from './h26x/index.ts';

const AUD = Buffer.from('0910', 'hex');
const SEI = Buffer.from('06050811223344556677880080', 'hex');
const H264_SETS: ParameterSets = { sps: H264.sps360, pps: H264.pps };

function readBack(...chunks: Buffer[]): { codecString: string; width: number; height: number; fragments: MediaFragment[] } {
  const reader = new FragmentedMp4Reader();
  const fragments: MediaFragment[] = [];
  let info: { codecString: string; width: number; height: number } | undefined;
  for (const event of reader.push(Buffer.concat(chunks))) {
    if (event.kind === 'init') info = event.init.info;
    else fragments.push(event.fragment);
  }
  assert.ok(info, 'an init segment');
  return { ...info, fragments };
}

/** 12 fps pictures, a keyframe every `gop`, from `timestamp`. */
function pictures(count: number, options: { gop?: number; timestamp?: number; sets?: ParameterSets; step?: number } = {}): AccessUnit[] {
  const gop = options.gop ?? 12;
  return Array.from({ length: count }, (_, index) => {
    const keyframe = index % gop === 0;
    return {
      timestamp: ((options.timestamp ?? 0) + index * (options.step ?? 7500)) >>> 0,
      nalUnits: keyframe ? [slice('h264', 5, 2000, true, index & 0xff)] : [slice('h264', 1, 300 + index, true, index & 0xff)],
      keyframe,
      ...(keyframe ? { parameterSets: options.sets ?? H264_SETS } : {}),
    };
  });
}

function feed(assembler: SegmentAssembler, units: readonly AccessUnit[]): AssemblerOutput[] {
  return units.flatMap((unit) => assembler.push(unit));
}
const ofKind = <K extends AssemblerOutput['kind']>(outputs: readonly AssemblerOutput[], kind: K) =>
  outputs.filter((output): output is Extract<AssemblerOutput, { kind: K }> => output.kind === kind);

describe('init segment', () => {
  it('gives the RFC 6381 codec string, size and timescale back through the reader (H.264)', () => {
    for (const [sps, codecString, width, height] of [
      [H264.sps360, 'avc1.640016', 640, 360],
      [H264.sps1080, 'avc1.640028', 1920, 1080],
      [H264.spsBaseline360, 'avc1.42c016', 640, 360],
    ] as const) {
      const init = buildInitSegment({ codec: 'h264', sps, pps: H264.pps, width, height, timescale: 90_000 });
      assert.deepEqual(parseInitSegment(init), {
        trackId: 1,
        timescale: 90_000,
        sampleEntry: 'avc1',
        codec: 'h264',
        codecString,
        width,
        height,
        defaults: { sampleDuration: 0, sampleSize: 0, sampleFlags: 0 },
      });
      assert.equal(init.toString('latin1', 4, 8), 'ftyp');
      assert.match(init.toString('latin1', 8, 40), /^isom.{4}isomiso5iso6avc1/s);
    }
  });

  it('gives the ISO/IEC 14496-15 annex E codec string back (H.265), and needs a VPS', () => {
    const init = buildInitSegment({ codec: 'h265', vps: H265.vps720, sps: H265.sps720, pps: H265.pps, width: 1280, height: 720, timescale: 90_000 });
    const info = parseInitSegment(init);
    assert.deepEqual([info.sampleEntry, info.codecString, info.width, info.height], ['hvc1', 'hvc1.1.6.L93.90', 1280, 720]);
    const main10 = buildInitSegment({ codec: 'h265', vps: H265.vps1080, sps: H265.spsMain10, pps: H265.pps, width: 1920, height: 1080, timescale: 90_000 });
    assert.equal(parseInitSegment(main10).codecString, 'hvc1.2.4.L120.90');
    assert.throws(() => buildInitSegment({ codec: 'h265', sps: H265.sps720, pps: H265.pps, width: 1280, height: 720, timescale: 90_000 }), /VPS/);
  });
});

describe('fragments', () => {
  it('reads back sequence, decode time (64-bit), durations, sizes, keyframe and sample bytes', () => {
    const init = buildInitSegment({ codec: 'h264', sps: H264.sps360, pps: H264.pps, width: 640, height: 360, timescale: 90_000 });
    const samples = [
      { data: Buffer.alloc(1000, 1), duration: 7500, keyframe: true },
      { data: Buffer.alloc(300, 2), duration: 7400, keyframe: false },
      { data: Buffer.alloc(5, 3), duration: 7600, keyframe: false },
    ];
    const archive = buildFragment({ sequenceNumber: 7, baseMediaDecodeTime: 2 ** 33 + 5, samples });
    const live = buildFragment({
      sequenceNumber: 8,
      baseMediaDecodeTime: 2 ** 33 + 22_505,
      samples: [{ data: Buffer.alloc(40, 4), duration: 3000, keyframe: false }],
    });
    const { fragments } = readBack(init, archive, live);
    assert.deepEqual(
      fragments.map(({ sequence, decodeTime, duration, sampleSizes, keyframe }) => ({ sequence, decodeTime, duration, sampleSizes, keyframe })),
      [
        { sequence: 7, decodeTime: 2 ** 33 + 5, duration: 22_500, sampleSizes: [1000, 300, 5], keyframe: true },
        { sequence: 8, decodeTime: 2 ** 33 + 22_505, duration: 3000, sampleSizes: [40], keyframe: false },
      ],
    );
    const first = fragments[0]!;
    assert.deepEqual(
      mdatSamples(first.data.subarray(first.mdatOffset), first.sampleSizes),
      samples.map((sample) => sample.data),
    );
  });
});

describe('sample payload', () => {
  const lengths = (sample: Buffer) => {
    const units: string[] = [];
    for (let offset = 0; offset < sample.length; ) {
      const size = sample.readUInt32BE(offset);
      units.push(sample.toString('hex', offset + 4, offset + 4 + Math.min(size, 2)));
      offset += 4 + size;
    }
    return units;
  };

  it('H.264: a keyframe starts with the SPS and PPS in force; AUD dropped, SEI kept, in-band copies not repeated', () => {
    const idr = slice('h264', 5, 50);
    const keyframe = samplePayload('h264', { timestamp: 0, keyframe: true, parameterSets: H264_SETS, nalUnits: [AUD, H264.sps1080, H264.pps, SEI, idr] });
    assert.deepEqual(lengths(keyframe), ['6764', '68eb', '0605', '6588']);
    assert.equal(keyframe.length, 4 * 4 + H264.sps360.length + H264.pps.length + SEI.length + idr.length);
    const other = samplePayload('h264', { timestamp: 0, keyframe: false, nalUnits: [AUD, H264.pps, slice('h264', 1, 20)] });
    assert.deepEqual(lengths(other), ['6188']);
  });

  it('H.265: no parameter set in the samples (hvc1), AUD dropped', () => {
    const sample = samplePayload('h265', {
      timestamp: 0,
      keyframe: true,
      parameterSets: { vps: H265.vps720, sps: H265.sps720, pps: H265.pps },
      nalUnits: [Buffer.from([35 << 1, 1, 0x50]), H265.vps720, H265.sps720, H265.pps, slice('h265', 19, 30)],
    });
    assert.deepEqual(lengths(sample), ['2601']);
  });
});

describe('segment assembler', () => {
  it('gives the first segment its own length, then the usual one (recorders started together spread their closes)', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 4000, firstSegmentMs: 1000, maxPartMs: 1000 });
    const units = pictures(120, { gop: 12 }); // 10 s, a keyframe every second
    const outputs = [...feed(assembler, units), ...assembler.flush()];
    assert.deepEqual(
      ofKind(outputs, 'segmentBoundary').map(({ segment }) => segment.durationMs),
      [1000, 4000, 4000, 1000],
    );
  });

  it('emits the init, parts of at most 1 s, and cuts segments on keyframes with their stats', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 2500, maxPartMs: 1000 });
    const units = pictures(72, { gop: 12, timestamp: 4_294_900_000 }); // 6 s, the RTP clock wraps
    const outputs = [...feed(assembler, units), ...assembler.flush()];
    assert.equal(outputs[0]!.kind, 'init');
    const init = ofKind(outputs, 'init')[0]!;
    assert.deepEqual([init.codecString, init.width, init.height, ofKind(outputs, 'init').length], ['avc1.640016', 640, 360, 1]);
    for (const part of ofKind(outputs, 'part')) assert.ok(part.durationTicks <= 90_000, `part ${part.sequenceNumber} holds ${part.durationTicks}`);
    const segments = ofKind(outputs, 'segmentBoundary');
    assert.deepEqual(
      segments.map(({ reason, segment }) => [reason, segment.frames, segment.durationMs, segment.fps, segment.parts, segment.width]),
      [
        ['duration', 36, 3000, 12, 3, 640],
        ['end', 36, 3000, 12, 3, 640],
      ],
      'cut at the first keyframe after 2.5 s; the last picture of the stream takes the previous duration',
    );
    assert.equal(segments[0]!.segment.firstTimestamp, 4_294_900_000);
    assert.equal(segments[1]!.segment.firstTimestamp, (4_294_900_000 + 36 * 7500) >>> 0);
    // Each segment file (init + its parts) reads back whole, decode time from 0, keyframe first.
    let cursor = 1;
    for (const { segment } of segments) {
      const parts: Buffer[] = [];
      while (outputs[cursor]!.kind === 'part') parts.push((outputs[cursor++] as { data: Buffer }).data);
      assert.equal(outputs[cursor++]!.kind, 'segmentBoundary');
      assert.equal(segment.bytes, init.data.length + parts.reduce((total, part) => total + part.length, 0));
      const { fragments } = readBack(init.data, ...parts);
      assert.deepEqual(
        fragments.map((fragment) => [fragment.sequence, fragment.decodeTime, fragment.sampleSizes.length, fragment.keyframe]),
        [
          [1, 0, 12, true],
          [2, 90_000, 12, true],
          [3, 180_000, 12, true],
        ],
      );
    }
  });

  it('keeps the samples byte for byte and in order across parts', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 60_000, maxPartMs: 500 });
    const units = pictures(20, { gop: 10 });
    const outputs = [...feed(assembler, units), ...assembler.flush()];
    const { fragments } = readBack(...outputs.flatMap((output) => (output.kind === 'init' || output.kind === 'part' ? [output.data] : [])));
    const samples = fragments.flatMap((fragment) => mdatSamples(fragment.data.subarray(fragment.mdatOffset), fragment.sampleSizes));
    assert.deepEqual(
      samples,
      units.map((unit) => samplePayload('h264', unit)),
    );
    assert.deepEqual(
      fragments.map((fragment) => fragment.duration),
      [45_000, 45_000, 45_000, 15_000],
    );
  });

  it('produces one live fragment per picture at once, with its own sequence and a continuous decode time', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 1000, liveFragments: true });
    const units = pictures(30, { gop: 6, step: 3000 });
    const live: Buffer[] = [];
    for (const unit of units) {
      const outputs = assembler.push(unit);
      const fragments = ofKind(outputs, 'liveFragment');
      assert.equal(fragments.length, 1, 'one live fragment for each picture, as it comes');
      assert.equal(fragments[0]!.timestamp, unit.timestamp);
      live.push(fragments[0]!.data);
    }
    const { fragments } = readBack(assembler.init!, ...live);
    assert.deepEqual(
      fragments.map((fragment) => fragment.sequence),
      Array.from({ length: 30 }, (_, index) => index + 1),
    );
    // Each fragment starts where the previous one ends (a browser stalls at a gap), across the segment cuts at every 1 s;
    // the first picture's duration is a guess, so live times are off the camera's by at most one step.
    for (let index = 1; index < fragments.length; index++)
      assert.equal(fragments[index]!.decodeTime, fragments[index - 1]!.decodeTime + fragments[index - 1]!.duration, `fragment ${index} follows on`);
    for (const [index, fragment] of fragments.entries()) assert.ok(Math.abs(fragment.decodeTime - index * 3000) <= 3000, `fragment ${index} within a step`);
    assert.equal(fragments[1]!.duration, 3000, 'the previous measured duration');
    assert.deepEqual(
      fragments.map((fragment) => fragment.keyframe),
      units.map((unit) => unit.keyframe),
    );
  });

  it('clamps backwards, still and far-jumping timestamps to the previous duration, and counts them', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 60_000 });
    const units = pictures(8, { gop: 100 });
    units[3]!.timestamp = units[2]!.timestamp - 9000; // backwards
    units[4]!.timestamp = units[3]!.timestamp; // still
    for (const unit of units.slice(5)) unit.timestamp += 10 * 90_000; // 10 s forward
    const outputs = [...feed(assembler, units), ...assembler.flush()];
    const { fragments } = readBack(...outputs.flatMap((output) => (output.kind === 'init' || output.kind === 'part' ? [output.data] : [])));
    assert.equal(
      fragments.reduce((total, fragment) => total + fragment.duration, 0),
      8 * 7500,
    );
    assert.equal(assembler.stats.clampedDurations, 3);
  });

  it('starts a new segment with a new init when the parameter sets change at a keyframe', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 60_000 });
    const before = pictures(10, { gop: 5 });
    const after = pictures(5, { gop: 5, timestamp: 10 * 7500, sets: { sps: H264.sps1080, pps: H264.pps } });
    const outputs = [...feed(assembler, [...before, ...after]), ...assembler.flush()];
    assert.deepEqual(
      outputs
        .filter((output) => output.kind !== 'part')
        .map((output) =>
          output.kind === 'init'
            ? `init ${output.width}x${output.height}`
            : output.kind === 'segmentBoundary'
              ? `${output.reason} ${output.segment.frames}`
              : output.kind,
        ),
      ['init 640x360', 'parameterSets 10', 'init 1920x1080', 'end 5'],
    );
  });

  it('ends the segment at a discontinuity and resumes at the next keyframe', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 60_000 });
    const units = pictures(20, { gop: 8 });
    const outputs = [...feed(assembler, units.slice(0, 5)), ...assembler.discontinuity(), ...feed(assembler, units.slice(6)), ...assembler.flush()];
    assert.deepEqual(
      ofKind(outputs, 'segmentBoundary').map(({ reason, segment }) => [reason, segment.frames, segment.firstTimestamp / 7500]),
      [
        ['discontinuity', 5, 0],
        ['end', 12, 8],
      ],
    );
    assert.equal(assembler.stats.droppedBeforeKeyframe, 2, 'pictures 6 and 7');
    assert.equal(ofKind(outputs, 'init').length, 1, 'same parameter sets: the same init');
  });

  it('drops pictures before the first keyframe', () => {
    const assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 60_000 });
    assert.deepEqual(feed(assembler, pictures(4, { gop: 2 }).slice(1, 2)), []);
    assert.equal(assembler.stats.droppedBeforeKeyframe, 1);
    assert.equal(assembler.init, undefined);
  });
});

describe('crash recovery', () => {
  function segmentFile(codec: VideoCodec = 'h264'): { file: Buffer; partEnds: number[]; framesPerPart: number[] } {
    const assembler = new SegmentAssembler({ codec, segmentMs: 60_000, maxPartMs: 1000 });
    const outputs = [...feed(assembler, pictures(40, { gop: 12 })), ...assembler.flush()];
    const chunks: Buffer[] = [];
    const partEnds: number[] = [];
    const framesPerPart: number[] = [];
    let size = 0;
    for (const output of outputs) {
      if (output.kind !== 'init' && output.kind !== 'part') continue;
      chunks.push(output.data);
      size += output.data.length;
      if (output.kind === 'part') {
        partEnds.push(size);
        framesPerPart.push(output.frames);
      }
    }
    return { file: Buffer.concat(chunks), partEnds, framesPerPart };
  }

  it('keeps a whole file as it is, with its frames and duration', () => {
    const { file } = segmentFile();
    assert.deepEqual(recoverSegment(file), {
      keepBytes: file.length,
      parts: 4,
      frames: 40,
      durationTicks: 300_000,
      durationMs: 3333.3333333333335,
      intact: true,
    });
  });

  it('cuts a truncated file at its last complete part, wherever the cut falls', () => {
    const { file, partEnds, framesPerPart } = segmentFile();
    const initEnd = parseInitSegment(file) && file.indexOf('moof', 0, 'latin1') - 4;
    for (const cut of [initEnd + 3, partEnds[0]! + 4, partEnds[0]! + 9, partEnds[1]! - 1, partEnds[2]! + 100, file.length - 1]) {
      const recovered = recoverSegment(file.subarray(0, cut));
      const complete = partEnds.filter((end) => end <= cut);
      assert.equal(recovered.keepBytes, complete.at(-1) ?? initEnd, `cut at ${cut}`);
      assert.equal(
        recovered.frames,
        framesPerPart.slice(0, complete.length).reduce((total, frames) => total + frames, 0),
      );
      assert.equal(recovered.intact, false);
    }
    assert.equal(recoverSegment(file.subarray(0, 20)).keepBytes, 0, 'no whole init: nothing to keep');
  });
});
