// RTP packetisation of H.264 (RFC 6184: single NAL unit and FU-A) and H.265 (RFC 7798:
// single NAL unit and FU), and RTCP sender reports (RFC 3550). Pure functions on buffers.
import type { AccessUnit, VideoCodec } from './h26x.ts';

export const RTP_PAYLOAD_TYPE = 96;
/** Payload bytes per packet: stays under a 1500-byte Ethernet MTU once headers are added. */
export const MAX_RTP_PAYLOAD = 1400;

/** Splits one NAL unit into RTP payloads (itself, or fragmentation units). */
export function payloadsForNalUnit(codec: VideoCodec, unit: Buffer, maxPayload = MAX_RTP_PAYLOAD): Buffer[] {
  if (unit.length <= maxPayload) return [unit];
  return codec === 'h264' ? fragmentH264(unit, maxPayload) : fragmentH265(unit, maxPayload);
}

function fragmentH264(unit: Buffer, maxPayload: number): Buffer[] {
  const header = unit[0] ?? 0;
  const indicator = (header & 0xe0) | 28; // F and NRI kept, type FU-A
  const type = header & 0x1f;
  const body = unit.subarray(1);
  const chunk = maxPayload - 2;
  const payloads: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += chunk) {
    const last = offset + chunk >= body.length;
    const fuHeader = (offset === 0 ? 0x80 : 0) | (last ? 0x40 : 0) | type;
    payloads.push(Buffer.concat([Buffer.from([indicator, fuHeader]), body.subarray(offset, offset + chunk)]));
  }
  return payloads;
}

function fragmentH265(unit: Buffer, maxPayload: number): Buffer[] {
  const type = ((unit[0] ?? 0) >> 1) & 0x3f;
  const payloadHeader = [((unit[0] ?? 0) & 0x81) | (49 << 1), unit[1] ?? 1]; // type FU, same layer/TID
  const body = unit.subarray(2);
  const chunk = maxPayload - 3;
  const payloads: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += chunk) {
    const last = offset + chunk >= body.length;
    const fuHeader = (offset === 0 ? 0x80 : 0) | (last ? 0x40 : 0) | type;
    payloads.push(Buffer.concat([Buffer.from([...payloadHeader, fuHeader]), body.subarray(offset, offset + chunk)]));
  }
  return payloads;
}

/** All payloads of one picture; the marker bit goes on the last one. */
export function payloadsForAccessUnit(codec: VideoCodec, frame: AccessUnit, maxPayload = MAX_RTP_PAYLOAD): Buffer[] {
  return frame.nalUnits.flatMap((unit) => payloadsForNalUnit(codec, unit, maxPayload));
}

export interface RtpHeaderFields {
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payloadType?: number;
}

export function writeRtpHeader(target: Buffer, offset: number, fields: RtpHeaderFields): void {
  target[offset] = 0x80; // version 2, no padding, no extension, no CSRC
  target[offset + 1] = (fields.marker ? 0x80 : 0) | (fields.payloadType ?? RTP_PAYLOAD_TYPE);
  target.writeUInt16BE(fields.sequence & 0xffff, offset + 2);
  target.writeUInt32BE(fields.timestamp >>> 0, offset + 4);
  target.writeUInt32BE(fields.ssrc >>> 0, offset + 8);
}

export interface WirePicture {
  /**
   * The picture as RTSP interleaved frames ('$', channel 0, length, RTP packet) back to back,
   * ready to write to a TCP session as one buffer.
   */
  interleaved: Buffer;
  /** Offset of each RTP packet inside `interleaved` (its '$' prefix starts 4 bytes before). */
  packetOffsets: number[];
  packetLengths: number[];
  keyframe: boolean;
  timestamp: number;
  firstSequence: number;
}

/** One picture's RTP payloads packed in a single buffer (built once per loop, at load). */
export interface PreparedFrame {
  data: Buffer;
  /** End offset of each payload inside `data`. */
  payloadEnds: number[];
  keyframe: boolean;
}

export function prepareFrame(codec: VideoCodec, frame: AccessUnit, maxPayload = MAX_RTP_PAYLOAD): PreparedFrame {
  const payloads = payloadsForAccessUnit(codec, frame, maxPayload);
  const payloadEnds: number[] = [];
  let end = 0;
  for (const payload of payloads) {
    end += payload.length;
    payloadEnds.push(end);
  }
  return { data: Buffer.concat(payloads, end), payloadEnds, keyframe: frame.keyframe };
}

/**
 * Builds the wire form of one picture. Sessions of the same stream share SSRC, sequence and
 * timestamps (as multicast viewers of a real camera do), so this is done once per picture.
 */
export function buildWirePicture(frame: PreparedFrame, firstSequence: number, timestamp: number, ssrc: number): WirePicture {
  const count = frame.payloadEnds.length;
  const interleaved = Buffer.allocUnsafe(frame.data.length + count * 16);
  const packetOffsets: number[] = [];
  const packetLengths: number[] = [];
  let offset = 0;
  let payloadStart = 0;
  for (let index = 0; index < count; index += 1) {
    const payloadEnd = frame.payloadEnds[index]!;
    const length = 12 + payloadEnd - payloadStart;
    interleaved[offset] = 0x24;
    interleaved[offset + 1] = 0;
    interleaved.writeUInt16BE(length, offset + 2);
    writeRtpHeader(interleaved, offset + 4, { sequence: firstSequence + index, timestamp, ssrc, marker: index === count - 1 });
    frame.data.copy(interleaved, offset + 16, payloadStart, payloadEnd);
    packetOffsets.push(offset + 4);
    packetLengths.push(length);
    offset += 4 + length;
    payloadStart = payloadEnd;
  }
  return { interleaved, packetOffsets, packetLengths, keyframe: frame.keyframe, timestamp: timestamp >>> 0, firstSequence: firstSequence & 0xffff };
}

/** Same picture for a session that chose another interleaved channel than 0. */
export function withChannel(picture: WirePicture, channel: number): Buffer {
  if (channel === 0) return picture.interleaved;
  const copy = Buffer.from(picture.interleaved);
  for (const offset of picture.packetOffsets) copy[offset - 3] = channel;
  return copy;
}

const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** RTCP sender report with no report blocks, followed by an SDES CNAME (a compound packet). */
export function buildSenderReport(fields: {
  ssrc: number;
  wallClockMs: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  cname: string;
}): Buffer {
  const report = Buffer.alloc(28);
  report[0] = 0x80;
  report[1] = 200;
  report.writeUInt16BE(6, 2); // length in 32-bit words minus one
  report.writeUInt32BE(fields.ssrc >>> 0, 4);
  const seconds = Math.floor(fields.wallClockMs / 1000);
  const fraction = Math.floor(((fields.wallClockMs % 1000) / 1000) * 2 ** 32);
  report.writeUInt32BE((seconds + NTP_UNIX_OFFSET_SECONDS) >>> 0, 8);
  report.writeUInt32BE(fraction >>> 0, 12);
  report.writeUInt32BE(fields.rtpTimestamp >>> 0, 16);
  report.writeUInt32BE(fields.packetCount >>> 0, 20);
  report.writeUInt32BE(fields.octetCount >>> 0, 24);
  const name = Buffer.from(fields.cname, 'utf8').subarray(0, 255);
  const itemLength = 2 + name.length + 1; // type, length, text, end-of-list
  const sdesLength = 8 + Math.ceil(itemLength / 4) * 4;
  const sdes = Buffer.alloc(sdesLength);
  sdes[0] = 0x81;
  sdes[1] = 202;
  sdes.writeUInt16BE(sdesLength / 4 - 1, 2);
  sdes.writeUInt32BE(fields.ssrc >>> 0, 4);
  sdes[8] = 1; // CNAME
  sdes[9] = name.length;
  name.copy(sdes, 10);
  return Buffer.concat([report, sdes]);
}

export function interleave(channel: number, packet: Buffer): Buffer {
  const prefix = Buffer.from([0x24, channel, 0, 0]);
  prefix.writeUInt16BE(packet.length, 2);
  return Buffer.concat([prefix, packet]);
}

/** Reassembles NAL units from RTP payloads (single NAL units and FU-A / FU fragments). */
export function depacketize(codec: VideoCodec, payloads: Buffer[]): Buffer[] {
  const units: Buffer[] = [];
  let fragments: Buffer[] = [];
  for (const payload of payloads) {
    const type = codec === 'h264' ? (payload[0] ?? 0) & 0x1f : ((payload[0] ?? 0) >> 1) & 0x3f;
    const isFragment = codec === 'h264' ? type === 28 : type === 49;
    if (!isFragment) {
      units.push(payload);
      continue;
    }
    const headerLength = codec === 'h264' ? 2 : 3;
    const fuHeader = payload[headerLength - 1] ?? 0;
    if (fuHeader & 0x80) {
      const header =
        codec === 'h264'
          ? Buffer.from([((payload[0] ?? 0) & 0xe0) | (fuHeader & 0x1f)])
          : Buffer.from([((payload[0] ?? 0) & 0x81) | ((fuHeader & 0x3f) << 1), payload[1] ?? 1]);
      fragments = [header];
    }
    fragments.push(payload.subarray(headerLength));
    if (fuHeader & 0x40) {
      units.push(Buffer.concat(fragments));
      fragments = [];
    }
  }
  return units;
}

export function framePayloads(frame: PreparedFrame): Buffer[] {
  let start = 0;
  return frame.payloadEnds.map((end) => {
    const payload = frame.data.subarray(start, end);
    start = end;
    return payload;
  });
}
