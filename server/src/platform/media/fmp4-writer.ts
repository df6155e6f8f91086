// Fragmented MP4 written natively (ISO/IEC 14496-12 and 14496-15), pure (no IO): the init
// segment (ftyp + moov with avcC / hvcC), media fragments (moof + mdat, one allocation each),
// the `SegmentAssembler` that turns access units into init, parts (archive fragments of at
// most `maxPartMs`), segment boundaries (on a keyframe) and optional one-picture live
// fragments, and the recovery of a segment file cut short by a crash.
import { childBoxes, parseInitSegment, parseMoof } from './fmp4.ts';
import { scanFragments } from './fragmented-mp4.ts';
import { type AccessUnit, type ParameterSets, parseH264Sps, parseH265Sps, SampleSlab, samplePayload, type VideoCodec } from './h26x/index.ts';

/** The RTP clock of video (RFC 3551), used as the media timescale: durations are timestamp differences. */
const VIDEO_TIMESCALE = 90_000;
const TRACK_ID = 1;
/** ISO/IEC 14496-12 sample flags, as ffmpeg writes them. */
const SYNC_SAMPLE_FLAGS = 0x02000000; // sample_depends_on = 2 (depends on no other)
const NON_SYNC_SAMPLE_FLAGS = 0x01010000; // sample_depends_on = 1, sample_is_non_sync_sample

// ---------------------------------------------------------------------------------------------
// Init segment (built once per parameter-set change: small concatenations are fine here).

function u8(...values: number[]): Buffer {
  return Buffer.from(values);
}
function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}
function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}
function box(type: string, ...content: Buffer[]): Buffer {
  const size = content.reduce((total, part) => total + part.length, 8);
  return Buffer.concat([u32(size), Buffer.from(type, 'latin1'), ...content], size);
}
function fullBox(type: string, version: number, flags: number, ...content: Buffer[]): Buffer {
  return box(type, u32((version << 24) | flags), ...content);
}

const UNITY_MATRIX = Buffer.concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

function avcDecoderConfiguration(sps: Buffer, pps: Buffer): Buffer {
  const parsed = parseH264Sps(sps);
  const record = [u8(1, parsed.profileIdc, parsed.constraintFlags, parsed.levelIdc, 0xfc | 3, 0xe0 | 1), u16(sps.length), sps, u8(1), u16(pps.length), pps];
  // ISO/IEC 14496-15 5.3.3.1: profiles other than Baseline, Main and Extended carry chroma and bit depth.
  if (![66, 77, 88].includes(parsed.profileIdc)) {
    record.push(u8(0xfc | parsed.chromaFormatIdc, 0xf8 | (parsed.bitDepthLuma - 8), 0xf8 | (parsed.bitDepthChroma - 8), 0));
  }
  return box('avcC', ...record);
}

function hevcDecoderConfiguration(vps: Buffer, sps: Buffer, pps: Buffer): Buffer {
  const parsed = parseH265Sps(sps);
  const constraints = parsed.generalConstraintIndicatorFlags;
  // ISO/IEC 14496-15 8.3.3.1; min_spatial_segmentation_idc, parallelismType and frame rates 0 (unknown).
  const array = (type: number, unit: Buffer) => Buffer.concat([u8(0x80 | type), u16(1), u16(unit.length), unit]); // array_completeness = 1 (hvc1)
  return box(
    'hvcC',
    u8(1, (parsed.generalProfileSpace << 6) | (parsed.generalTierFlag << 5) | parsed.generalProfileIdc),
    u32(parsed.generalProfileCompatibilityFlags),
    constraints,
    u8(parsed.generalLevelIdc),
    u16(0xf000),
    u8(0xfc, 0xfc | parsed.chromaFormatIdc, 0xf8 | (parsed.bitDepthLuma - 8), 0xf8 | (parsed.bitDepthChroma - 8)),
    u16(0),
    u8(((parsed.temporalLayers & 7) << 3) | (parsed.temporalIdNested ? 4 : 0) | 3, 3),
    array(32, vps),
    array(33, sps),
    array(34, pps),
  );
}

export interface InitSegmentOptions {
  codec: VideoCodec;
  sps: Buffer;
  pps: Buffer;
  /** H.265 only. */
  vps?: Buffer;
  width: number;
  height: number;
  timescale: number;
}

/** ftyp + moov of one video track, no samples (they come in fragments), trex with no defaults. */
export function buildInitSegment(options: InitSegmentOptions): Buffer {
  const { codec, width, height, timescale } = options;
  if (codec === 'h265' && !options.vps) throw new Error('an H.265 init segment needs a VPS');
  const sampleEntryType = codec === 'h264' ? 'avc1' : 'hvc1';
  const configuration = codec === 'h264' ? avcDecoderConfiguration(options.sps, options.pps) : hevcDecoderConfiguration(options.vps!, options.sps, options.pps);
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from(`isomiso5iso6${sampleEntryType}mp41`, 'latin1'));
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0),
    u32(0),
    u32(1000),
    u32(0),
    u32(0x00010000),
    u16(0x0100),
    Buffer.alloc(10),
    UNITY_MATRIX,
    Buffer.alloc(24),
    u32(TRACK_ID + 1),
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3, // enabled, in movie
    u32(0),
    u32(0),
    u32(TRACK_ID),
    u32(0),
    u32(0),
    Buffer.alloc(8),
    u16(0),
    u16(0),
    u16(0),
    u16(0),
    UNITY_MATRIX,
    u32(width * 0x10000),
    u32(height * 0x10000),
  );
  const mdhd = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(timescale), u32(0), u16(0x55c4 /* und */), u16(0));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), Buffer.alloc(12), Buffer.from('VideoHandler\0', 'latin1'));
  const sampleEntry = box(
    sampleEntryType,
    Buffer.alloc(6),
    u16(1), // data_reference_index
    Buffer.alloc(16),
    u16(width),
    u16(height),
    u32(0x00480000), // 72 dpi
    u32(0x00480000),
    u32(0),
    u16(1), // frame_count
    Buffer.alloc(32), // compressorname
    u16(0x18), // depth
    u16(0xffff), // pre_defined = -1
    configuration,
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const minf = box('minf', fullBox('vmhd', 0, 1, Buffer.alloc(8)), dinf, stbl);
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
  const mvex = box('mvex', fullBox('trex', 0, 0, u32(TRACK_ID), u32(1), u32(0), u32(0), u32(0)));
  return Buffer.concat([ftyp, box('moov', mvhd, trak, mvex)]);
}

// ---------------------------------------------------------------------------------------------
// Media fragments.

export interface Mp4Sample {
  /** NAL units, each with a 4-byte length (see `samplePayload`): one buffer, or its pieces in order. */
  data: Buffer | readonly Buffer[];
  /** In the track's timescale. */
  duration: number;
  keyframe: boolean;
}

export interface FragmentOptions {
  sequenceNumber: number;
  /** tfdt: decode time of the first sample, in the track's timescale. */
  baseMediaDecodeTime: number;
  samples: readonly Mp4Sample[];
}

function writeBoxHeader(target: Buffer, at: number, size: number, type: string): number {
  target.writeUInt32BE(size, at);
  return at + 4 + target.write(type, at + 4, 4, 'latin1');
}

const MOOF_FIXED_BYTES = 8 + 16 + 8 + 16 + 20 + 20; // moof, mfhd, traf, tfhd, tfdt, trun header
const TRUN_ENTRY_BYTES = 12; // duration, size, flags

/**
 * moof (mfhd, traf: tfhd default-base-is-moof, tfdt version 1, trun with data offset and per-sample
 * duration, size and flags) + mdat, in one allocation. One sample for a live viewer, a second of
 * them for the archive: the same function.
 */
export function buildFragment(options: FragmentOptions): Buffer {
  const header = buildFragmentHeader(options);
  let mediaBytes = 0;
  for (const sample of options.samples) mediaBytes += sampleBytes(sample);
  const fragment = Buffer.allocUnsafe(header.length + mediaBytes);
  let at = header.copy(fragment, 0);
  for (const sample of options.samples) {
    if (Array.isArray(sample.data)) for (const piece of sample.data as readonly Buffer[]) at += piece.copy(fragment, at);
    else at += (sample.data as Buffer).copy(fragment, at);
  }
  return fragment;
}

/**
 * The same fragment as chunks: its moof and mdat header, then the samples' own buffers. Written
 * with one writev, or joined only when a viewer needs one message, the media is never copied
 * for the hundreds of cameras nobody watches.
 */
export function fragmentChunks(options: FragmentOptions): Buffer[] {
  const chunks = [buildFragmentHeader(options)];
  for (const sample of options.samples) {
    if (Array.isArray(sample.data)) for (const piece of sample.data as readonly Buffer[]) chunks.push(piece);
    else chunks.push(sample.data as Buffer);
  }
  return chunks;
}

function sampleBytes(sample: Mp4Sample): number {
  if (!Array.isArray(sample.data)) return (sample.data as Buffer).length;
  let bytes = 0;
  for (const piece of sample.data as readonly Buffer[]) bytes += piece.length;
  return bytes;
}

/** moof + the mdat box header (the mdat's payload is the samples, in order). */
export function buildFragmentHeader(options: FragmentOptions): Buffer {
  const { samples } = options;
  let mediaBytes = 0;
  for (const sample of samples) mediaBytes += sampleBytes(sample);
  const moofBytes = MOOF_FIXED_BYTES + TRUN_ENTRY_BYTES * samples.length;
  if (8 + mediaBytes > 0xffffffff) throw new Error('fragment too large');
  const fragment = Buffer.allocUnsafe(moofBytes + 8);
  let at = writeBoxHeader(fragment, 0, moofBytes, 'moof');
  at = writeBoxHeader(fragment, at, 16, 'mfhd');
  at = fragment.writeUInt32BE(0, at);
  at = fragment.writeUInt32BE(options.sequenceNumber >>> 0, at);
  at = writeBoxHeader(fragment, at, moofBytes - 16 - 8, 'traf');
  at = writeBoxHeader(fragment, at, 16, 'tfhd');
  at = fragment.writeUInt32BE(0x020000, at); // default-base-is-moof
  at = fragment.writeUInt32BE(TRACK_ID, at);
  at = writeBoxHeader(fragment, at, 20, 'tfdt');
  at = fragment.writeUInt32BE(0x01000000, at); // version 1: 64-bit decode time
  at = fragment.writeUInt32BE(Math.floor(options.baseMediaDecodeTime / 2 ** 32), at);
  at = fragment.writeUInt32BE(options.baseMediaDecodeTime % 2 ** 32, at);
  at = writeBoxHeader(fragment, at, 20 + TRUN_ENTRY_BYTES * samples.length, 'trun');
  at = fragment.writeUInt32BE(0x000701, at); // data-offset, sample-duration, sample-size, sample-flags present
  at = fragment.writeUInt32BE(samples.length, at);
  at = fragment.writeUInt32BE(moofBytes + 8, at); // data offset from the moof start: just after the mdat header
  for (const sample of samples) {
    at = fragment.writeUInt32BE(sample.duration, at);
    at = fragment.writeUInt32BE(sampleBytes(sample), at);
    at = fragment.writeUInt32BE(sample.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS, at);
  }
  writeBoxHeader(fragment, at, 8 + mediaBytes, 'mdat');
  return fragment;
}

// ---------------------------------------------------------------------------------------------
// Segment assembler: access units in, init / parts / segment boundaries / live fragments out.

export interface SegmentStats {
  frames: number;
  /** Media duration: the sum of the sample durations. */
  durationTicks: number;
  durationMs: number;
  width: number;
  height: number;
  /** Frames per second of media, measured (2 decimals). */
  fps: number;
  /** RTP timestamp of the first sample (to map onto wall-clock time with RTCP sender reports). */
  firstTimestamp: number;
  /** Bytes of the segment file: init + parts. */
  bytes: number;
  parts: number;
}

export type SegmentEndReason = 'duration' | 'parameterSets' | 'discontinuity' | 'end';

export type AssemblerOutput =
  /** A new init segment (at the start, then on a parameter-set change): every later segment file starts with it. */
  | { kind: 'init'; data: Buffer; codec: VideoCodec; codecString: string; width: number; height: number }
  /** moof + mdat to append to the current segment file (which starts with the current init). */
  | {
      kind: 'part';
      /** The part as chunks (moof + mdat header, then the samples): see fragmentChunks. */
      chunks: Buffer[];
      /** The part as one buffer (joined on first use). */
      readonly data: Buffer;
      bytes: number;
      sequenceNumber: number;
      frames: number;
      durationTicks: number;
      keyframe: boolean;
      firstTimestamp: number;
    }
  /** The current segment is complete; the next part starts a new file. */
  | { kind: 'segmentBoundary'; reason: SegmentEndReason; segment: SegmentStats }
  /** moof + mdat of one picture for live viewers (own sequence numbers, continuous decode time). */
  | { kind: 'liveFragment'; chunks: Buffer[]; readonly data: Buffer; bytes: number; sequenceNumber: number; keyframe: boolean; timestamp: number };

export interface SegmentAssemblerOptions {
  codec: VideoCodec;
  /** A segment is cut at the first keyframe once it holds this much media. */
  segmentMs: number;
  /**
   * The first segment's length instead (default `segmentMs`): recorders started together give
   * their cameras different first lengths, so that hundreds of segments do not all close, and
   * get indexed, in the same second ever after.
   */
  firstSegmentMs?: number;
  /** At most this much media per part (1000 ms). */
  maxPartMs?: number;
  /** Also produce one `liveFragment` per picture. */
  liveFragments?: boolean;
  /** A timestamp step above this (or not forward) is clamped to the previous duration (3000 ms). */
  maxSampleDurationMs?: number;
  /** Duration assumed before any was measured (3600 ticks: 25 fps). */
  initialSampleDuration?: number;
}

export interface AssemblerStats {
  /** Access units dropped while no keyframe had started the stream (at start, after a discontinuity). */
  droppedBeforeKeyframe: number;
  /** Sample durations taken from the previous one: timestamp backwards, still, or jumping too far. */
  clampedDurations: number;
}

interface Held {
  timestamp: number;
  /** The sample (see `samplePayload`): a view of the assembler's slab. */
  payload: Buffer;
  keyframe: boolean;
}

interface OpenSegment {
  stats: SegmentStats;
  partSequence: number;
}

interface OpenPart {
  samples: Mp4Sample[];
  durationTicks: number;
  baseDecodeTime: number;
  firstTimestamp: number;
}

interface CurrentInit {
  data: Buffer;
  sets: ParameterSets;
  width: number;
  height: number;
}

const NO_OUTPUT: readonly AssemblerOutput[] = Object.freeze([]);

/**
 * Holds one access unit back: its duration is the step to the next timestamp. The last sample
 * before a discontinuity or the end takes the previous duration. Decode times start at 0 in
 * every segment (each segment file plays on its own); live fragments run on their own clock.
 */
export class SegmentAssembler {
  readonly stats: AssemblerStats = { droppedBeforeKeyframe: 0, clampedDurations: 0 };
  private readonly codec: VideoCodec;
  private readonly segmentTicks: number;
  /** The length of the segment in progress: the first one's, then `segmentTicks`. */
  private cutTicks: number;
  private readonly maxPartTicks: number;
  private readonly maxSampleTicks: number;
  private readonly liveFragments: boolean;
  private current: CurrentInit | undefined;
  private held: Held | undefined;
  private segment: OpenSegment | undefined;
  private part: OpenPart = { samples: [], durationTicks: 0, baseDecodeTime: 0, firstTimestamp: 0 };
  private lastDuration: number;
  private needKeyframe = true;
  private liveSequence = 0;
  private liveDecodeTime = 0;
  private output: AssemblerOutput[] | null = null;
  private readonly slab = new SampleSlab();

  constructor(options: SegmentAssemblerOptions) {
    this.codec = options.codec;
    this.segmentTicks = (options.segmentMs * VIDEO_TIMESCALE) / 1000;
    this.cutTicks = ((options.firstSegmentMs ?? options.segmentMs) * VIDEO_TIMESCALE) / 1000;
    this.maxPartTicks = ((options.maxPartMs ?? 1000) * VIDEO_TIMESCALE) / 1000;
    this.maxSampleTicks = ((options.maxSampleDurationMs ?? 3000) * VIDEO_TIMESCALE) / 1000;
    this.liveFragments = options.liveFragments ?? false;
    this.lastDuration = options.initialSampleDuration ?? 3600;
  }

  /** The init segment in force (what a new segment file or a new live viewer starts with). */
  get init(): Buffer | undefined {
    return this.current?.data;
  }

  push(accessUnit: AccessUnit): readonly AssemblerOutput[] {
    this.output = null;
    const sets = accessUnit.keyframe ? accessUnit.parameterSets : undefined;
    if (this.needKeyframe && !sets) {
      this.stats.droppedBeforeKeyframe++;
      return NO_OUTPUT;
    }
    this.needKeyframe = false;
    const duration = this.held ? this.durationUntil(accessUnit.timestamp) : 0;
    if (sets && (!this.current || !sameParameterSets(sets, this.current.sets))) {
      if (this.held) this.commit(duration);
      this.endSegment('parameterSets');
      this.current = this.buildInit(sets);
      const { data, width, height } = this.current;
      this.emit({ kind: 'init', data, codec: this.codec, codecString: codecStringOf(data), width, height });
    } else if (accessUnit.keyframe && this.held && this.segment && this.segment.stats.durationTicks + duration >= this.cutTicks) {
      this.commit(duration);
      this.endSegment('duration');
    }
    if (this.held) this.commit(duration);
    const payload = samplePayload(this.codec, accessUnit, this.slab);
    this.held = { timestamp: accessUnit.timestamp, payload, keyframe: accessUnit.keyframe };
    if (!this.segment) this.segment = this.openSegment(accessUnit.timestamp);
    if (this.liveFragments) {
      const chunks = fragmentChunks({
        sequenceNumber: ++this.liveSequence,
        baseMediaDecodeTime: this.liveDecodeTime,
        samples: [{ data: payload, duration: this.lastDuration, keyframe: accessUnit.keyframe }],
      });
      this.emit(new LiveFragmentOutput(chunks, chunksBytes(chunks), this.liveSequence, accessUnit.keyframe, accessUnit.timestamp));
    }
    return this.output ?? NO_OUTPUT;
  }

  /** A gap in the stream (a loss reported by the depacketizer): the segment ends; the next one starts at a keyframe. */
  discontinuity(): readonly AssemblerOutput[] {
    return this.close('discontinuity');
  }

  /** End of stream: the held picture takes the previous duration, the segment ends. */
  flush(): readonly AssemblerOutput[] {
    return this.close('end');
  }

  private close(reason: SegmentEndReason): readonly AssemblerOutput[] {
    this.output = null;
    if (this.held) this.commit(this.lastDuration);
    this.endSegment(reason);
    this.needKeyframe = true;
    return this.output ?? NO_OUTPUT;
  }

  private emit(output: AssemblerOutput): void {
    if (this.output) this.output.push(output);
    else this.output = [output];
  }

  /** The step to the next timestamp (32-bit wrap handled), clamped to the previous one when absurd. */
  private durationUntil(timestamp: number): number {
    const step = (timestamp - this.held!.timestamp) | 0;
    if (step <= 0 || step > this.maxSampleTicks) {
      this.stats.clampedDurations++;
      return this.lastDuration;
    }
    this.lastDuration = step;
    return step;
  }

  private buildInit(sets: ParameterSets): CurrentInit {
    const { width, height } = this.codec === 'h264' ? parseH264Sps(sets.sps) : parseH265Sps(sets.sps);
    const data = buildInitSegment({ codec: this.codec, sps: sets.sps, pps: sets.pps, vps: sets.vps, width, height, timescale: VIDEO_TIMESCALE });
    return { data, sets, width, height };
  }

  private openSegment(firstTimestamp: number): OpenSegment {
    const { data, width, height } = this.current!;
    return {
      stats: { frames: 0, durationTicks: 0, durationMs: 0, width, height, fps: 0, firstTimestamp, bytes: data.length, parts: 0 },
      partSequence: 0,
    };
  }

  /** The held picture joins the current part (closing the part first if it would overflow). */
  private commit(duration: number): void {
    const held = this.held!;
    const segment = this.segment!.stats;
    this.held = undefined;
    if (this.part.samples.length > 0 && this.part.durationTicks + duration > this.maxPartTicks) this.closePart();
    if (this.part.samples.length === 0) {
      this.part.baseDecodeTime = segment.durationTicks;
      this.part.firstTimestamp = held.timestamp;
    }
    this.part.samples.push({ data: held.payload, duration, keyframe: held.keyframe });
    this.part.durationTicks += duration;
    segment.frames++;
    segment.durationTicks += duration;
    this.liveDecodeTime += duration;
    // Close now rather than one picture later when the next one would not fit either.
    if (this.part.durationTicks + this.lastDuration > this.maxPartTicks) this.closePart();
  }

  private closePart(): void {
    const part = this.part;
    if (part.samples.length === 0) return;
    const segment = this.segment!;
    const sequenceNumber = ++segment.partSequence;
    const chunks = fragmentChunks({ sequenceNumber, baseMediaDecodeTime: part.baseDecodeTime, samples: part.samples });
    const bytes = chunksBytes(chunks);
    segment.stats.bytes += bytes;
    segment.stats.parts++;
    this.emit(new PartOutput(chunks, bytes, sequenceNumber, part.samples.length, part.durationTicks, part.samples[0]!.keyframe, part.firstTimestamp));
    this.part = { samples: [], durationTicks: 0, baseDecodeTime: 0, firstTimestamp: 0 };
  }

  private endSegment(reason: SegmentEndReason): void {
    if (!this.segment) return;
    this.cutTicks = this.segmentTicks;
    this.closePart();
    const stats = this.segment.stats;
    this.segment = undefined;
    if (stats.frames === 0) return;
    stats.durationMs = (stats.durationTicks * 1000) / VIDEO_TIMESCALE;
    stats.fps = Math.round((stats.frames * VIDEO_TIMESCALE * 100) / stats.durationTicks) / 100;
    this.emit({ kind: 'segmentBoundary', reason, segment: stats });
  }
}

function chunksBytes(chunks: readonly Buffer[]): number {
  let bytes = 0;
  for (const chunk of chunks) bytes += chunk.length;
  return bytes;
}

/** Outputs carried as chunks, with `data` joined once on first use (tests, a live viewer), never for the archive. */
class PartOutput {
  readonly kind = 'part' as const;
  private joined: Buffer | undefined;
  constructor(
    readonly chunks: Buffer[],
    readonly bytes: number,
    readonly sequenceNumber: number,
    readonly frames: number,
    readonly durationTicks: number,
    readonly keyframe: boolean,
    readonly firstTimestamp: number,
  ) {}
  get data(): Buffer {
    this.joined ??= Buffer.concat(this.chunks, this.bytes);
    return this.joined;
  }
}

class LiveFragmentOutput {
  readonly kind = 'liveFragment' as const;
  private joined: Buffer | undefined;
  constructor(
    readonly chunks: Buffer[],
    readonly bytes: number,
    readonly sequenceNumber: number,
    readonly keyframe: boolean,
    readonly timestamp: number,
  ) {}
  get data(): Buffer {
    this.joined ??= Buffer.concat(this.chunks, this.bytes);
    return this.joined;
  }
}

function sameParameterSets(a: ParameterSets, b: ParameterSets): boolean {
  return a === b || (a.sps.equals(b.sps) && a.pps.equals(b.pps) && (a.vps === b.vps || (a.vps !== undefined && b.vps !== undefined && a.vps.equals(b.vps))));
}

function codecStringOf(init: Buffer): string {
  return parseInitSegment(init).codecString;
}

// ---------------------------------------------------------------------------------------------
// Crash recovery.

export interface RecoveredSegment {
  /** Bytes to keep: init + every complete part (0 when even the init is incomplete). */
  keepBytes: number;
  parts: number;
  frames: number;
  durationTicks: number;
  durationMs: number;
  /** Nothing to cut. */
  intact: boolean;
}

/** What survives of a segment file (init + parts, the last maybe cut short) and what it holds. */
export function recoverSegment(file: Buffer): RecoveredSegment {
  const boxes = childBoxes(file, 0).map((range) => ({ type: range.type, start: range.start, size: range.end - range.start }));
  // childBoxes stops before a box cut short; scanFragments must see that one to know the file does not end cleanly.
  const listedEnd = boxes.length > 0 ? boxes[boxes.length - 1]!.start + boxes[boxes.length - 1]!.size : 0;
  if (listedEnd + 8 <= file.length)
    boxes.push({ type: file.toString('latin1', listedEnd + 4, listedEnd + 8), start: listedEnd, size: file.readUInt32BE(listedEnd) });
  const scan = scanFragments(boxes, file.length);
  const result: RecoveredSegment = {
    keepBytes: scan.keepBytes,
    parts: scan.completeFragments,
    frames: 0,
    durationTicks: 0,
    durationMs: 0,
    intact: scan.intact,
  };
  if (scan.keepBytes === 0) return result;
  const moov = boxes.find((entry) => entry.type === 'moov')!;
  const info = parseInitSegment(file.subarray(0, moov.start + moov.size));
  for (const entry of boxes) {
    if (entry.type !== 'moof' || entry.start + entry.size > scan.keepBytes) continue;
    const fragment = parseMoof(file.subarray(entry.start, entry.start + entry.size), info.defaults);
    result.frames += fragment.sampleSizes.length;
    result.durationTicks += fragment.duration;
  }
  result.durationMs = (result.durationTicks * 1000) / info.timescale;
  return result;
}
