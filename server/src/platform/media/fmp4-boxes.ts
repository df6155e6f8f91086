// Fragmented MP4 boxes written natively (ISO/IEC 14496-12 and 14496-15), pure (no IO): the
// init segment (ftyp + moov with avcC / hvcC) and media fragments (moof + mdat). The
// `SegmentAssembler` (fmp4-writer.ts) decides what goes in them.
import { parseH264Sps, parseH265Sps, type VideoCodec } from './h26x/index.ts';

/** The RTP clock of video (RFC 3551), used as the media timescale: durations are timestamp differences. */
export const VIDEO_TIMESCALE = 90_000;
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
  /** NAL units, each with a 4-byte length (see `samplePayload`). */
  data: Buffer;
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
  for (const sample of options.samples) mediaBytes += sample.data.length;
  const fragment = Buffer.allocUnsafe(header.length + mediaBytes);
  let at = header.copy(fragment, 0);
  for (const sample of options.samples) at += sample.data.copy(fragment, at);
  return fragment;
}

/**
 * The same fragment as chunks: its moof and mdat header, then the samples' own buffers. Written
 * with one writev, or joined only when a viewer needs one message, the media is never copied
 * for the hundreds of cameras nobody watches.
 */
export function fragmentChunks(options: FragmentOptions): Buffer[] {
  const chunks = [buildFragmentHeader(options)];
  for (const sample of options.samples) chunks.push(sample.data);
  return chunks;
}

/** moof + the mdat box header (the mdat's payload is the samples, in order). */
export function buildFragmentHeader(options: FragmentOptions): Buffer {
  const { samples } = options;
  let mediaBytes = 0;
  for (const sample of samples) mediaBytes += sample.data.length;
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
    at = fragment.writeUInt32BE(sample.data.length, at);
    at = fragment.writeUInt32BE(sample.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS, at);
  }
  writeBoxHeader(fragment, at, 8 + mediaBytes, 'mdat');
  return fragment;
}
