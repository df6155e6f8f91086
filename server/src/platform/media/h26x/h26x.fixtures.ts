// Test material: parameter sets taken from ffmpeg-encoded streams (libx264 / libx265 on
// testsrc, yuv420p unless said), synthetic pictures, and a small RTP packetizer that also
// aggregates (STAP-A / AP), which the simulator's does not.
import type { RtpPacket, VideoCodec } from './index.ts';

const hex = (text: string) => Buffer.from(text, 'hex');

export const H264 = {
  /** 1280x720 High 3.1: no cropping. */
  sps720: hex('6764001facd9405005bb011000000300100000030180f1831960'),
  /** 1920x1080 High 4.0: 1088 coded lines, 8 cropped. */
  sps1080: hex('67640028acd940780227e5c044000003000400000300603c60c658'),
  /** 640x360 High 2.2: 368 coded lines. */
  sps360: hex('67640016acd940a02ff97011000003000100000300180f162d96'),
  /** 322x242 High 1.2: both dimensions cropped. */
  sps322: hex('6764000cacd94150878888c044000003000400000300603c50a658'),
  /** 640x360 Constrained Baseline 2.2. */
  spsBaseline360: hex('6742c016d900a02ff97011000003000100000300180f162e48'),
  /** 640x360 High 4:4:4 Predictive (chroma_format_idc 3). */
  spsHigh444: hex('67f40016919b281405ff138088000003000800000300c078b16cb0'),
  /** 1920x1080 interlaced (frame_mbs_only_flag 0: 34 map units of 32 lines). */
  spsInterlaced1080: hex('67640028acd94078044fde0220000003002000000643e2c5b2c0'),
  pps: hex('68ebe3cb22c0'),
};

export const H265 = {
  vps720: hex('40010c01ffff01600000030090000003000003005d959809'),
  /** 1280x720 Main, level 3.1 (93). */
  sps720: hex('42010101600000030090000003000003005da00280802d165959a4932bc05a020000030002000003001810'),
  vps1080: hex('40010c01ffff016000000300900000030000030078959809'),
  /** 1920x1080 Main, level 4 (120). */
  sps1080: hex('420101016000000300900000030000030078a003c08010e596566924caf0168080000003008000000604'),
  /** 322x242 Main: coded 328x248, conformance window. */
  sps322: hex('42010101600000030090000003000003003ca00a480f9c9265959a4932bc05a02000000300200000030181'),
  /** 1920x1080 Main 10. */
  spsMain10: hex('420101022000000300900000030000030078a003c08010e4d96566924caf0168080000030008000003006040'),
  pps: hex('4401c172b46240'),
};

/** A slice NAL unit of `size` bytes whose first slice bit says "first in picture" when `first`. */
export function slice(codec: VideoCodec, type: number, size: number, first = true, fill = 0x5a): Buffer {
  const unit = Buffer.alloc(size, fill);
  if (codec === 'h264') {
    unit[0] = 0x60 | type;
    unit[1] = first ? 0x88 : 0x08;
  } else {
    unit[0] = type << 1;
    unit[1] = 1;
    unit[2] = first ? 0xa0 : 0x20;
  }
  return unit;
}

export interface PacketizeOptions {
  maxPayload?: number;
  /** Put consecutive small NAL units into STAP-A / AP packets. */
  aggregate?: boolean;
}

/** One picture's NAL units as RTP packets (single, FU-A / FU, STAP-A / AP), marker on the last. */
export function packetize(codec: VideoCodec, units: readonly Buffer[], sequence: number, timestamp: number, options: PacketizeOptions = {}): RtpPacket[] {
  const maxPayload = options.maxPayload ?? 1400;
  const payloads: Buffer[] = [];
  let aggregated: Buffer[] = [];
  let aggregatedBytes = 0;
  const headerBytes = codec === 'h264' ? 1 : 2;
  const flush = () => {
    if (aggregated.length === 1) payloads.push(aggregated[0]!);
    else if (aggregated.length > 1) {
      const header = codec === 'h264' ? Buffer.from([(aggregated[0]![0]! & 0x60) | 24]) : Buffer.from([48 << 1, 1]);
      payloads.push(Buffer.concat([header, ...aggregated.flatMap((unit) => [Buffer.from([unit.length >> 8, unit.length & 0xff]), unit])]));
    }
    aggregated = [];
    aggregatedBytes = headerBytes;
  };
  flush();
  for (const unit of units) {
    if (options.aggregate && unit.length + 2 + headerBytes <= maxPayload) {
      if (aggregatedBytes + 2 + unit.length > maxPayload) flush();
      aggregated.push(unit);
      aggregatedBytes += 2 + unit.length;
      continue;
    }
    flush();
    payloads.push(...fragmentUnit(codec, unit, maxPayload));
  }
  flush();
  return payloads.map((payload, index) => ({
    sequence: (sequence + index) & 0xffff,
    timestamp: timestamp >>> 0,
    marker: index === payloads.length - 1,
    payload,
  }));
}

function fragmentUnit(codec: VideoCodec, unit: Buffer, maxPayload: number): Buffer[] {
  if (unit.length <= maxPayload) return [unit];
  const headerBytes = codec === 'h264' ? 1 : 2;
  const type = codec === 'h264' ? unit[0]! & 0x1f : (unit[0]! >> 1) & 0x3f;
  const indicator = codec === 'h264' ? [(unit[0]! & 0xe0) | 28] : [(unit[0]! & 0x81) | (49 << 1), unit[1]!];
  const body = unit.subarray(headerBytes);
  const chunk = maxPayload - indicator.length - 1;
  const payloads: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += chunk) {
    const fuHeader = (offset === 0 ? 0x80 : 0) | (offset + chunk >= body.length ? 0x40 : 0) | type;
    payloads.push(Buffer.concat([Buffer.from([...indicator, fuHeader]), body.subarray(offset, offset + chunk)]));
  }
  return payloads;
}
