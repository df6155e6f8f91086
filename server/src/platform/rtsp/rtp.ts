// RTP fixed header (RFC 3550 section 5.1). Parsing fills an object the caller owns, so the
// receive path allocates nothing per packet but the payload slice.

export interface RtpPacket {
  sequence: number;
  timestamp: number;
  marker: boolean;
  payloadType: number;
  ssrc: number;
  /** The payload, padding removed: a slice of the received buffer (it may be kept). */
  payload: Buffer;
}

export function emptyRtpPacket(): RtpPacket {
  return { sequence: 0, timestamp: 0, marker: false, payloadType: 0, ssrc: 0, payload: Buffer.alloc(0) };
}

const FIXED_HEADER_BYTES = 12;

/**
 * Reads `buffer` into `target`; false (target untouched) when it is not a valid RTP version 2
 * packet (too short, header extension or padding past the end).
 */
export function readRtpPacket(buffer: Buffer, target: RtpPacket): boolean {
  const length = buffer.length;
  if (length < FIXED_HEADER_BYTES) return false;
  const first = buffer[0]!;
  if (first >> 6 !== 2) return false;
  const csrcCount = first & 0x0f;
  let start = FIXED_HEADER_BYTES + csrcCount * 4;
  if (first & 0x10) {
    // Header extension: 16-bit profile, 16-bit length in 32-bit words, then the words.
    if (start + 4 > length) return false;
    start += 4 + ((buffer[start + 2]! << 8) | buffer[start + 3]!) * 4;
  }
  let end = length;
  if (first & 0x20) {
    const padding = buffer[length - 1]!;
    if (padding === 0) return false;
    end -= padding;
  }
  if (start > end) return false;
  const second = buffer[1]!;
  target.marker = (second & 0x80) !== 0;
  target.payloadType = second & 0x7f;
  target.sequence = (buffer[2]! << 8) | buffer[3]!;
  target.timestamp = buffer.readUInt32BE(4);
  target.ssrc = buffer.readUInt32BE(8);
  target.payload = buffer.subarray(start, end);
  return true;
}
