// Access units (one picture each) of H.264 (ISO/IEC 14496-10) and H.265 (ISO/IEC 23008-2) as
// the depacketizer hands them out, and their MP4 sample form (ISO/IEC 14496-15: 4-byte lengths).
// Pure functions on buffers, no per-byte loops; the media is copied once, into its sample.

export type VideoCodec = 'h264' | 'h265';

export interface ParameterSets {
  /** H.265 only. */
  vps?: Buffer;
  sps: Buffer;
  pps: Buffer;
}

/**
 * A NAL unit without start code: one buffer, or the pieces of one that came in fragmentation
 * units (its rebuilt NAL header first, then each fragment's payload), not joined: the MP4
 * sample is the one copy of a picture (see `samplePayload`).
 */
export type NalUnit = Buffer | readonly Buffer[];

export interface AccessUnit {
  /** RTP timestamp (90 kHz clock, wraps at 2^32). */
  timestamp: number;
  /** NAL units in decoding order, as received (parameter sets, SEI and AUD included). */
  nalUnits: NalUnit[];
  /** H.264 IDR, H.265 IRAP (NAL types 16..21). */
  keyframe: boolean;
  /** On keyframes only: the parameter sets in force (in-band ones, else the SDP's). */
  parameterSets?: ParameterSets;
  /** On a keyframe whose parameter sets differ from those of the previous keyframe: a new init segment is due. */
  parameterSetsChanged?: boolean;
}

const H264_NAL = { IDR: 5, SEI: 6, SPS: 7, PPS: 8, AUD: 9, FILLER: 12 } as const;
const H265_NAL = { VPS: 32, SPS: 33, PPS: 34, AUD: 35, FILLER: 38 } as const;

/** Byte `index` of a NAL unit (0 past its end). */
export function nalByte(unit: NalUnit, index: number): number {
  if (!Array.isArray(unit)) return (unit as Buffer)[index] ?? 0;
  let at = index;
  for (const piece of unit as readonly Buffer[]) {
    if (at < piece.length) return piece[at]!;
    at -= piece.length;
  }
  return 0;
}

export function nalUnitBytes(unit: NalUnit): number {
  if (!Array.isArray(unit)) return (unit as Buffer).length;
  let bytes = 0;
  for (const piece of unit as readonly Buffer[]) bytes += piece.length;
  return bytes;
}

/** The NAL unit as one buffer (a copy only for a fragmented one). */
export function joinNalUnit(unit: NalUnit): Buffer {
  return Array.isArray(unit) ? Buffer.concat(unit as readonly Buffer[]) : (unit as Buffer);
}

export function nalUnitType(codec: VideoCodec, unit: NalUnit): number {
  const first = nalByte(unit, 0);
  return codec === 'h264' ? first & 0x1f : (first >> 1) & 0x3f;
}

export function isVideoSlice(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type >= 1 && type <= 5 : type <= 31;
}

export function isRandomAccess(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type === H264_NAL.IDR : type >= 16 && type <= 21;
}

export type ParameterSetKind = 'vps' | 'sps' | 'pps';

export function parameterSetKind(codec: VideoCodec, type: number): ParameterSetKind | undefined {
  if (codec === 'h264') return type === H264_NAL.SPS ? 'sps' : type === H264_NAL.PPS ? 'pps' : undefined;
  return type === H265_NAL.VPS ? 'vps' : type === H265_NAL.SPS ? 'sps' : type === H265_NAL.PPS ? 'pps' : undefined;
}

/**
 * True when a slice NAL unit starts its picture: H.264 first_mb_in_slice == 0 (Exp-Golomb 0 is
 * the single bit 1) and H.265 first_slice_segment_in_pic_flag, both the first bit after the header.
 */
export function startsPicture(codec: VideoCodec, unit: NalUnit): boolean {
  return (nalByte(unit, codec === 'h264' ? 1 : 2) & 0x80) !== 0;
}

/** Access unit delimiters and filler data carry nothing a decoder needs. */
function isDropped(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type === H264_NAL.AUD || type === H264_NAL.FILLER : type === H265_NAL.AUD || type === H265_NAL.FILLER;
}

/**
 * Space for MP4 samples, carved out of slabs of `slabBytes` (128 KiB): a picture's sample is one
 * view of a slab, so the hundreds of pieces a second of a camera's stream arrives in die young
 * and only one object per picture lives on until its part is written (and its GOP leaves the
 * live cache). A slab is left to the garbage collector once its views are gone; a sample over
 * half a slab (a large keyframe) gets a buffer of its own.
 */
export class SampleSlab {
  private buffer: Buffer | undefined;
  private used = 0;

  constructor(private readonly slabBytes = 128 * 1024) {}

  /** `bytes` of space that nothing else will write: the caller fills it and may keep it. */
  take(bytes: number): Buffer {
    if (bytes > this.slabBytes / 2) return Buffer.allocUnsafeSlow(bytes);
    if (!this.buffer || this.used + bytes > this.buffer.length) {
      this.buffer = Buffer.allocUnsafeSlow(this.slabBytes);
      this.used = 0;
    }
    const view = this.buffer.subarray(this.used, this.used + bytes);
    this.used += bytes;
    return view;
  }
}

/**
 * The MP4 sample of an access unit: its NAL units with 4-byte big-endian lengths, in one buffer
 * (from `slab` when given). AUD and filler data are dropped; SEI is kept (recovery points,
 * camera timestamps). Parameter sets: H.264 keyframes carry the SPS and PPS in force in-band
 * (first, replacing any in-band copies) so that a keyframe decodes even without its init
 * segment, which `avc1` allows; H.265 samples carry none, as `hvc1` requires
 * (array_completeness = 1: all are in the hvcC). Parameter sets inside non-keyframes are
 * dropped: a change takes effect at the next keyframe. The media is copied once, here.
 */
export function samplePayload(codec: VideoCodec, accessUnit: AccessUnit, slab?: SampleSlab): Buffer {
  const { nalUnits } = accessUnit;
  const prepended = codec === 'h264' && accessUnit.keyframe && accessUnit.parameterSets ? accessUnit.parameterSets : undefined;
  let size = prepended ? 8 + prepended.sps.length + prepended.pps.length : 0;
  for (const unit of nalUnits) if (isSampleUnit(codec, unit)) size += 4 + nalUnitBytes(unit);
  const sample = slab ? slab.take(size) : Buffer.allocUnsafe(size);
  let offset = 0;
  if (prepended) {
    offset = writeUnit(sample, offset, prepended.sps);
    offset = writeUnit(sample, offset, prepended.pps);
  }
  for (const unit of nalUnits) if (isSampleUnit(codec, unit)) offset = writeUnit(sample, offset, unit);
  return sample;
}

function writeUnit(target: Buffer, offset: number, unit: NalUnit): number {
  target.writeUInt32BE(nalUnitBytes(unit), offset);
  let at = offset + 4;
  if (Array.isArray(unit)) for (const piece of unit as readonly Buffer[]) at += piece.copy(target, at);
  else at += (unit as Buffer).copy(target, at);
  return at;
}

function isSampleUnit(codec: VideoCodec, unit: NalUnit): boolean {
  const type = nalUnitType(codec, unit);
  return !isDropped(codec, type) && parameterSetKind(codec, type) === undefined;
}

/** The parameter sets of an SDP's fmtp line (RFC 6184 sprop-parameter-sets, RFC 7798 sprop-vps/sps/pps). */
export function spropParameterSets(codec: VideoCodec, fmtp: Readonly<Record<string, string>>): Partial<ParameterSets> {
  const found: Partial<ParameterSets> = {};
  const values =
    codec === 'h264'
      ? (fmtp['sprop-parameter-sets'] ?? '').split(',')
      : [fmtp['sprop-vps'], fmtp['sprop-sps'], fmtp['sprop-pps']].flatMap((value) => (value ?? '').split(','));
  for (const value of values) {
    if (!value.trim()) continue;
    const unit = Buffer.from(value.trim(), 'base64');
    const kind = unit.length > 0 ? parameterSetKind(codec, nalUnitType(codec, unit)) : undefined;
    if (kind) found[kind] ??= unit;
  }
  return found;
}
