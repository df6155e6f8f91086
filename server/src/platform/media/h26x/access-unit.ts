// Access units (one picture each) of H.264 (ISO/IEC 14496-10) and H.265 (ISO/IEC 23008-2) as
// the depacketizer hands them out, and their MP4 sample form (ISO/IEC 14496-15: 4-byte lengths).
// Pure functions on buffers, no per-byte loops.

export type VideoCodec = 'h264' | 'h265';

export interface ParameterSets {
  /** H.265 only. */
  vps?: Buffer;
  sps: Buffer;
  pps: Buffer;
}

export interface AccessUnit {
  /** RTP timestamp (90 kHz clock, wraps at 2^32). */
  timestamp: number;
  /** NAL units without start codes, in decoding order, as received (parameter sets, SEI and AUD included). */
  nalUnits: Buffer[];
  /** H.264 IDR, H.265 IRAP (NAL types 16..21). */
  keyframe: boolean;
  /** On keyframes only: the parameter sets in force (in-band ones, else the SDP's). */
  parameterSets?: ParameterSets;
  /** On a keyframe whose parameter sets differ from those of the previous keyframe: a new init segment is due. */
  parameterSetsChanged?: boolean;
}

const H264_NAL = { IDR: 5, SEI: 6, SPS: 7, PPS: 8, AUD: 9, FILLER: 12 } as const;
const H265_NAL = { VPS: 32, SPS: 33, PPS: 34, AUD: 35, FILLER: 38 } as const;

export function nalUnitType(codec: VideoCodec, unit: Buffer): number {
  const first = unit[0] ?? 0;
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
export function startsPicture(codec: VideoCodec, unit: Buffer): boolean {
  return ((unit[codec === 'h264' ? 1 : 2] ?? 0) & 0x80) !== 0;
}

/** Access unit delimiters and filler data carry nothing a decoder needs. */
function isDropped(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type === H264_NAL.AUD || type === H264_NAL.FILLER : type === H265_NAL.AUD || type === H265_NAL.FILLER;
}

/**
 * The MP4 sample of an access unit: its NAL units with 4-byte big-endian lengths, in one
 * allocation. AUD and filler data are dropped; SEI is kept (recovery points, camera timestamps).
 * Parameter sets: H.264 keyframes carry the SPS and PPS in force in-band (first, replacing any
 * in-band copies) so that a keyframe decodes even without its init segment, which `avc1` allows;
 * H.265 samples carry none, as `hvc1` requires (array_completeness = 1: all are in the hvcC).
 * Parameter sets inside non-keyframes are dropped: a change takes effect at the next keyframe.
 */
export function samplePayload(codec: VideoCodec, accessUnit: AccessUnit): Buffer {
  const { nalUnits } = accessUnit;
  const prepended = codec === 'h264' && accessUnit.keyframe && accessUnit.parameterSets ? accessUnit.parameterSets : undefined;
  let size = prepended ? 8 + prepended.sps.length + prepended.pps.length : 0;
  for (const unit of nalUnits) {
    const type = nalUnitType(codec, unit);
    if (!isDropped(codec, type) && parameterSetKind(codec, type) === undefined) size += 4 + unit.length;
  }
  const sample = Buffer.allocUnsafe(size);
  let offset = 0;
  if (prepended) {
    offset = writeUnit(sample, offset, prepended.sps);
    offset = writeUnit(sample, offset, prepended.pps);
  }
  for (const unit of nalUnits) {
    const type = nalUnitType(codec, unit);
    if (!isDropped(codec, type) && parameterSetKind(codec, type) === undefined) offset = writeUnit(sample, offset, unit);
  }
  return sample;
}

function writeUnit(target: Buffer, offset: number, unit: Buffer): number {
  target.writeUInt32BE(unit.length, offset);
  unit.copy(target, offset + 4);
  return offset + 4 + unit.length;
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
