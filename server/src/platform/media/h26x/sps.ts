// Sequence parameter sets read as far as an MP4 init segment needs them: profile, level,
// chroma format, bit depth and the displayed picture size (cropping / conformance window).
// H.264: ISO/IEC 14496-10 7.3.2.1.1; H.265: ISO/IEC 23008-2 7.3.2.2 and 7.3.3.

const EMULATION_PREVENTION = Buffer.from([0, 0, 3]);

/** The RBSP of a NAL unit: every 00 00 03 becomes 00 00 (the 03 only guards against start codes). */
export function removeEmulationPrevention(unit: Buffer): Buffer {
  let found = unit.indexOf(EMULATION_PREVENTION);
  if (found < 0) return unit;
  const rbsp = Buffer.allocUnsafe(unit.length);
  let written = 0;
  let from = 0;
  while (found >= 0) {
    written += unit.copy(rbsp, written, from, found + 2);
    from = found + 3;
    found = unit.indexOf(EMULATION_PREVENTION, from);
  }
  written += unit.copy(rbsp, written, from);
  return rbsp.subarray(0, written);
}

class BitReader {
  private position = 0;

  constructor(private readonly data: Buffer) {}

  bits(count: number): number {
    let value = 0;
    for (let index = 0; index < count; index++) {
      const byte = this.data[this.position >> 3];
      if (byte === undefined) throw new Error('parameter set truncated');
      value = value * 2 + ((byte >> (7 - (this.position & 7))) & 1);
      this.position++;
    }
    return value;
  }

  flag(): boolean {
    return this.bits(1) === 1;
  }

  skip(count: number): void {
    this.position += count;
  }

  /** Exp-Golomb unsigned. */
  ue(): number {
    let zeros = 0;
    while (this.bits(1) === 0) {
      zeros++;
      if (zeros > 31) throw new Error('invalid Exp-Golomb code');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  se(): number {
    const value = this.ue();
    return value & 1 ? (value + 1) / 2 : -(value / 2);
  }
}

export interface H264Sps {
  profileIdc: number;
  /** constraint_set0..5 flags and reserved bits: the avcC profile_compatibility byte. */
  constraintFlags: number;
  levelIdc: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Displayed size, cropping applied. */
  width: number;
  height: number;
}

/** Profiles whose SPS carries chroma_format_idc, bit depths and scaling lists. */
const H264_HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Parses an H.264 SPS NAL unit (header byte included). */
export function parseH264Sps(unit: Buffer): H264Sps {
  const reader = new BitReader(removeEmulationPrevention(unit));
  reader.skip(8); // NAL header
  const profileIdc = reader.bits(8);
  const constraintFlags = reader.bits(8);
  const levelIdc = reader.bits(8);
  reader.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (H264_HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = reader.ue();
    if (chromaFormatIdc === 3) separateColourPlane = reader.flag();
    bitDepthLuma = 8 + reader.ue();
    bitDepthChroma = 8 + reader.ue();
    reader.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (reader.flag()) {
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let list = 0; list < lists; list++) if (reader.flag()) skipScalingList(reader, list < 6 ? 16 : 64);
    }
  }
  reader.ue(); // log2_max_frame_num_minus4
  const pictureOrderCountType = reader.ue();
  if (pictureOrderCountType === 0) {
    reader.ue(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (pictureOrderCountType === 1) {
    reader.skip(1); // delta_pic_order_always_zero_flag
    reader.se(); // offset_for_non_ref_pic
    reader.se(); // offset_for_top_to_bottom_field
    const cycle = reader.ue();
    for (let index = 0; index < cycle; index++) reader.se();
  }
  reader.ue(); // max_num_ref_frames
  reader.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMacroblocks = reader.ue() + 1;
  const heightInMapUnits = reader.ue() + 1;
  const frameMbsOnly = reader.flag();
  if (!frameMbsOnly) reader.skip(1); // mb_adaptive_frame_field_flag
  reader.skip(1); // direct_8x8_inference_flag
  let crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (reader.flag()) crop = { left: reader.ue(), right: reader.ue(), top: reader.ue(), bottom: reader.ue() };
  // Table 6-1: SubWidthC / SubHeightC; monochrome and separate planes crop in luma samples.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const cropUnitX = chromaArrayType === 0 ? 1 : chromaArrayType === 3 ? 1 : 2;
  const cropUnitY = (chromaArrayType === 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width: widthInMacroblocks * 16 - cropUnitX * (crop.left + crop.right),
    height: (frameMbsOnly ? 1 : 2) * heightInMapUnits * 16 - cropUnitY * (crop.top + crop.bottom),
  };
}

function skipScalingList(reader: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let index = 0; index < size; index++) {
    if (next !== 0) next = (last + reader.se() + 256) % 256;
    if (next !== 0) last = next;
  }
}

export interface H265Sps {
  generalProfileSpace: number;
  generalTierFlag: number;
  generalProfileIdc: number;
  generalProfileCompatibilityFlags: number;
  /** The 48 bits of general constraint indicator flags. */
  generalConstraintIndicatorFlags: Buffer;
  generalLevelIdc: number;
  /** sps_max_sub_layers_minus1 + 1. */
  temporalLayers: number;
  temporalIdNested: boolean;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Displayed size, conformance window applied. */
  width: number;
  height: number;
}

/** Parses an H.265 SPS NAL unit (2-byte header included). */
export function parseH265Sps(unit: Buffer): H265Sps {
  const rbsp = removeEmulationPrevention(unit);
  const reader = new BitReader(rbsp);
  reader.skip(16); // NAL header
  reader.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = reader.bits(3);
  const temporalIdNested = reader.flag();
  // profile_tier_level(1, sps_max_sub_layers_minus1): the general part is byte-aligned (bytes 3..14).
  const generalProfileSpace = reader.bits(2);
  const generalTierFlag = reader.bits(1);
  const generalProfileIdc = reader.bits(5);
  const generalProfileCompatibilityFlags = reader.bits(32);
  const generalConstraintIndicatorFlags = Buffer.from(rbsp.subarray(8, 14));
  reader.skip(48);
  const generalLevelIdc = reader.bits(8);
  const subLayerProfilePresent: boolean[] = [];
  const subLayerLevelPresent: boolean[] = [];
  for (let layer = 0; layer < maxSubLayersMinus1; layer++) {
    subLayerProfilePresent.push(reader.flag());
    subLayerLevelPresent.push(reader.flag());
  }
  if (maxSubLayersMinus1 > 0) reader.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  for (let layer = 0; layer < maxSubLayersMinus1; layer++) {
    if (subLayerProfilePresent[layer]) reader.skip(88);
    if (subLayerLevelPresent[layer]) reader.skip(8);
  }
  reader.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = reader.ue();
  const separateColourPlane = chromaFormatIdc === 3 ? reader.flag() : false;
  const pictureWidth = reader.ue();
  const pictureHeight = reader.ue();
  let window = { left: 0, right: 0, top: 0, bottom: 0 };
  if (reader.flag()) window = { left: reader.ue(), right: reader.ue(), top: reader.ue(), bottom: reader.ue() };
  const bitDepthLuma = 8 + reader.ue();
  const bitDepthChroma = 8 + reader.ue();
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidth = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeight = chromaArrayType === 1 ? 2 : 1;
  return {
    generalProfileSpace,
    generalTierFlag,
    generalProfileIdc,
    generalProfileCompatibilityFlags,
    generalConstraintIndicatorFlags,
    generalLevelIdc,
    temporalLayers: maxSubLayersMinus1 + 1,
    temporalIdNested,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width: pictureWidth - subWidth * (window.left + window.right),
    height: pictureHeight - subHeight * (window.top + window.bottom),
  };
}
