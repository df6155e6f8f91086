// RTCP (RFC 3550 section 6): sender reports and BYE read from a compound packet, receiver
// reports built with the reception statistics of appendix A.1, A.3 and A.8, and the mapping of
// RTP timestamps to the sender's wall clock given by its reports.

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
const TWO_POW_32 = 2 ** 32;

export interface SenderReportPacket {
  type: 'sr';
  ssrc: number;
  /** The sender's wall clock as Unix milliseconds (fractional). */
  ntpMs: number;
  /** The middle 32 bits of the NTP timestamp, echoed as LSR in receiver reports. */
  ntpMiddle: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface ByePacket {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}

export type RtcpPacket = SenderReportPacket | ByePacket;

/** NTP timestamp (seconds since 1900, 32-bit fraction) to Unix ms; era 1 (from 2036-02-07) handled. */
export function ntpToUnixMs(seconds: number, fraction: number): number {
  // RFC 4330 section 3: a most significant bit of 0 means era 1.
  const fullSeconds = seconds < 0x80000000 ? seconds + TWO_POW_32 : seconds;
  return (fullSeconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / TWO_POW_32) * 1000;
}

/** Sender reports and BYEs of a compound RTCP packet; other packets and garbage are skipped. */
export function parseRtcp(buffer: Buffer): RtcpPacket[] {
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset + 4 <= buffer.length) {
    const first = buffer[offset]!;
    if (first >> 6 !== 2) break;
    const count = first & 0x1f;
    const type = buffer[offset + 1]!;
    const end = offset + (buffer.readUInt16BE(offset + 2) + 1) * 4;
    if (end > buffer.length) break;
    if (type === RTCP_SR && end - offset >= 28) {
      const seconds = buffer.readUInt32BE(offset + 8);
      const fraction = buffer.readUInt32BE(offset + 12);
      packets.push({
        type: 'sr',
        ssrc: buffer.readUInt32BE(offset + 4),
        ntpMs: ntpToUnixMs(seconds, fraction),
        ntpMiddle: (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0,
        rtpTimestamp: buffer.readUInt32BE(offset + 16),
        packetCount: buffer.readUInt32BE(offset + 20),
        octetCount: buffer.readUInt32BE(offset + 24),
      });
    } else if (type === RTCP_BYE) {
      const ssrcs: number[] = [];
      let position = offset + 4;
      for (let index = 0; index < count && position + 4 <= end; index += 1, position += 4) ssrcs.push(buffer.readUInt32BE(position));
      const bye: ByePacket = { type: 'bye', ssrcs };
      if (position < end) {
        const reasonLength = buffer[position]!;
        if (position + 1 + reasonLength <= end) bye.reason = buffer.toString('utf8', position + 1, position + 1 + reasonLength);
      }
      packets.push(bye);
    }
    offset = end;
  }
  return packets;
}

export interface ReportBlock {
  sourceSsrc: number;
  /** Fraction lost since the previous report, in 1/256 (0-255). */
  fractionLost: number;
  /** Cumulative number of packets lost (24-bit signed: duplicates can make it negative). */
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp, 0 if none. */
  lastSenderReport: number;
  /** Delay since that SR in 1/65536 s, 0 if none. */
  delaySinceLastSenderReport: number;
}

/** A receiver report (with at most one report block) followed by an SDES CNAME: a compound packet. */
export function buildReceiverReport(ssrc: number, cname: string, block: ReportBlock | undefined): Buffer {
  const reportLength = block ? 32 : 8;
  const name = Buffer.from(cname, 'utf8').subarray(0, 255);
  const sdesLength = 8 + Math.ceil((2 + name.length + 1) / 4) * 4;
  const packet = Buffer.alloc(reportLength + sdesLength);
  packet[0] = 0x80 | (block ? 1 : 0);
  packet[1] = RTCP_RR;
  packet.writeUInt16BE(reportLength / 4 - 1, 2);
  packet.writeUInt32BE(ssrc >>> 0, 4);
  if (block) {
    packet.writeUInt32BE(block.sourceSsrc >>> 0, 8);
    packet[12] = Math.max(0, Math.min(255, block.fractionLost));
    const lost = Math.max(-0x800000, Math.min(0x7fffff, block.cumulativeLost));
    packet.writeUIntBE(lost & 0xffffff, 13, 3);
    packet.writeUInt32BE(block.extendedHighestSequence >>> 0, 16);
    packet.writeUInt32BE(Math.min(0xffffffff, Math.max(0, Math.floor(block.jitter))) >>> 0, 20);
    packet.writeUInt32BE(block.lastSenderReport >>> 0, 24);
    packet.writeUInt32BE(Math.min(0xffffffff, Math.max(0, Math.floor(block.delaySinceLastSenderReport))) >>> 0, 28);
  }
  const sdes = reportLength;
  packet[sdes] = 0x81;
  packet[sdes + 1] = RTCP_SDES;
  packet.writeUInt16BE(sdesLength / 4 - 1, sdes + 2);
  packet.writeUInt32BE(ssrc >>> 0, sdes + 4);
  packet[sdes + 8] = 1; // CNAME; the zero bytes after the text end the item list
  packet[sdes + 9] = name.length;
  name.copy(packet, sdes + 10);
  return packet;
}

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQUENCE_MOD = 0x10000;

/** Reception statistics of one source (RFC 3550 A.1, A.3, A.8). Arithmetic only: cheap per packet. */
export class ReceptionStatistics {
  private started = false;
  private maxSequence = 0;
  private cycles = 0;
  private baseSequence = 0;
  private badSequence = SEQUENCE_MOD + 1;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastTransit = 0;
  private hasTransit = false;
  private jitterValue = 0;

  constructor(private readonly clockRate: number) {}

  /**
   * Counts a packet; false when it was a large jump set aside until the next packet confirms
   * the new sequence (A.1's bad_seq). `arrivalMs` is a monotonic time.
   */
  update(sequence: number, rtpTimestamp: number, arrivalMs: number): boolean {
    if (!this.started) {
      this.restart(sequence);
      this.started = true;
    } else {
      const delta = (sequence - this.maxSequence + SEQUENCE_MOD) % SEQUENCE_MOD;
      if (delta < MAX_DROPOUT) {
        if (sequence < this.maxSequence) this.cycles += SEQUENCE_MOD;
        this.maxSequence = sequence;
      } else if (delta <= SEQUENCE_MOD - MAX_MISORDER) {
        if (sequence !== this.badSequence) {
          this.badSequence = (sequence + 1) % SEQUENCE_MOD;
          return false;
        }
        this.restart(sequence); // the source restarted its sequence: start over
      }
      // otherwise a duplicate or a late packet: counted as received, as A.1 does
    }
    this.received += 1;
    // A.8: transit times in timestamp units, differences taken modulo 2^32.
    const arrival = Math.floor((arrivalMs * this.clockRate) / 1000) % TWO_POW_32;
    const transit = (arrival - rtpTimestamp) | 0;
    if (this.hasTransit) {
      const difference = Math.abs((transit - this.lastTransit) | 0);
      this.jitterValue += (difference - this.jitterValue) / 16;
    }
    this.lastTransit = transit;
    this.hasTransit = true;
    return true;
  }

  private restart(sequence: number): void {
    this.baseSequence = sequence;
    this.maxSequence = sequence;
    this.badSequence = SEQUENCE_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
  }

  get hasPackets(): boolean {
    return this.started;
  }

  get packetsReceived(): number {
    return this.received;
  }

  get extendedHighestSequence(): number {
    return this.cycles + this.maxSequence;
  }

  get expected(): number {
    return this.started ? this.extendedHighestSequence - this.baseSequence + 1 : 0;
  }

  /** Cumulative packets lost (expected minus received; negative with duplicates). */
  get packetsLost(): number {
    return this.expected - this.received;
  }

  get jitter(): number {
    return this.jitterValue;
  }

  /** A.3: fraction lost since the previous call, in 1/256; moves the interval forward. */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    return expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
  }
}

/** How many recent sender reports the clock offset is taken from. */
export const CLOCK_OFFSET_REPORTS = 5;

/**
 * Maps RTP timestamps to the sender's wall clock with its latest report, and measures how far
 * the sender's clock is from ours. Each report gives its clock minus our receive time, that is
 * the offset minus the report's transit delay; a delay is never negative, so the largest of the
 * last few is the best estimate (the least-delayed report, as NTP's clock filter keeps): a
 * report held up behind the start-up burst of pictures, or by a busy machine, does not make a
 * camera's clock look wrong.
 */
export class SenderClock {
  private latest: { ntpMs: number; rtpTimestamp: number } | undefined;
  private readonly offsets: number[] = [];

  constructor(private readonly clockRate: number) {}

  addReport(ntpMs: number, rtpTimestamp: number, receivedAtMs: number): void {
    this.latest = { ntpMs, rtpTimestamp: rtpTimestamp >>> 0 };
    this.offsets.push(ntpMs - receivedAtMs);
    if (this.offsets.length > CLOCK_OFFSET_REPORTS) this.offsets.shift();
  }

  /** Sender wall-clock ms of an RTP timestamp (within 2^31 ticks of the last report), undefined before one. */
  wallClockMs(rtpTimestamp: number): number | undefined {
    const latest = this.latest;
    if (!latest) return undefined;
    const ticks = ((rtpTimestamp >>> 0) - latest.rtpTimestamp) | 0; // signed 32-bit difference: wrap-around
    return latest.ntpMs + (ticks * 1000) / this.clockRate;
  }

  /** Sender clock minus local receive time of its least-delayed recent report, undefined before one. */
  offsetMs(): number | undefined {
    if (this.offsets.length === 0) return undefined;
    return Math.max(...this.offsets);
  }
}
