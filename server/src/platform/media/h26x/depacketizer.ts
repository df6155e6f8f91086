// RTP depacketizers: RFC 6184 (H.264: single NAL unit, STAP-A, FU-A; non-interleaved mode) and
// RFC 7798 (H.265: single NAL unit, aggregation packets, fragmentation units; no DONL, i.e.
// sprop-max-don-diff = 0). Packets in, access units out. No reorder window: a sequence gap is a
// loss (a late packet then counts as old and is ignored). After a loss, or until the first
// keyframe, access units are dropped until a keyframe whose first slice starts the picture;
// the transition into that state is reported once as a `loss` event, so the engine can record a
// gap from `fromTimestamp` to the timestamp of the next access unit it receives.
import {
  type AccessUnit,
  isRandomAccess,
  isVideoSlice,
  joinNalUnit,
  type NalUnit,
  nalUnitType,
  type ParameterSetKind,
  type ParameterSets,
  parameterSetKind,
  startsPicture,
  type VideoCodec,
} from './access-unit.ts';

export interface RtpPacket {
  sequence: number;
  timestamp: number;
  marker: boolean;
  payload: Buffer;
}

export type LossReason = 'sequenceGap' | 'sequenceReset' | 'unsupportedPacket' | 'malformedPacket';

export type DepacketizerEvent =
  | { kind: 'accessUnit'; accessUnit: AccessUnit }
  | {
      kind: 'loss';
      reason: LossReason;
      /** Missing sequence numbers (0 for a reason other than a gap). */
      packetsLost: number;
      /** Where the damage starts: the RTP timestamp of the last packet received before a gap, or of the refused packet. */
      fromTimestamp: number;
    };

/** Packets whose type this depacketizer refuses (counted by reason; the access unit is then damaged). */
export type UnsupportedPacketType = 'stapB' | 'mtap16' | 'mtap24' | 'fuB' | 'paci';

export interface DepacketizerStats {
  packets: number;
  /** Duplicates and packets older than the last one: ignored. */
  oldPackets: number;
  packetsLost: number;
  accessUnits: number;
  /** Dropped because damaged or while waiting for a keyframe. */
  droppedAccessUnits: number;
  /** Keyframes dropped because no SPS/PPS (and VPS) was known yet. */
  keyframesWithoutParameterSets: number;
  unsupported: Record<UnsupportedPacketType, number>;
  /** Empty packets, reserved NAL types, aggregation packets that run past their end. */
  ignoredPackets: number;
}

export interface DepacketizerOptions {
  codec: VideoCodec;
  /** From the SDP (see `spropParameterSets`); in-band ones replace them. */
  parameterSets?: Partial<ParameterSets>;
}

const NO_EVENTS: readonly DepacketizerEvent[] = Object.freeze([]);
/** Consecutive "old" packets after which the sender is taken to have restarted its sequence. */
const SEQUENCE_RESET_AFTER = 32;

export class Depacketizer {
  readonly stats: DepacketizerStats = {
    packets: 0,
    oldPackets: 0,
    packetsLost: 0,
    accessUnits: 0,
    droppedAccessUnits: 0,
    keyframesWithoutParameterSets: 0,
    unsupported: { stapB: 0, mtap16: 0, mtap24: 0, fuB: 0, paci: 0 },
    ignoredPackets: 0,
  };
  private readonly codec: VideoCodec;
  private lastSequence = -1;
  private lastTimestamp = 0;
  private consecutiveOld = 0;
  /** The access unit being received. */
  private units: NalUnit[] = [];
  private timestamp = 0;
  private started = false;
  private damaged = false;
  /** Fragmentation unit in progress: its rebuilt NAL header, then its pieces (never joined: see NalUnit). */
  private fragmentHeader: Buffer | null = null;
  private fragments: Buffer[] = [];
  private waitingForKeyframe = true;
  /** Replaced (never mutated) when a parameter set changes, so identity tells a change. */
  private current: Partial<ParameterSets>;
  private lastKeyframeSets: Partial<ParameterSets> | undefined;
  private events: DepacketizerEvent[] | null = null;

  constructor(options: DepacketizerOptions) {
    this.codec = options.codec;
    this.current = { ...options.parameterSets };
  }

  /** The events this packet completes, in order (usually none). */
  push(packet: RtpPacket): readonly DepacketizerEvent[] {
    this.events = null;
    this.stats.packets++;
    if (this.lastSequence >= 0) {
      const step = (packet.sequence - this.lastSequence) & 0xffff;
      if (step === 0 || step >= 0x8000) {
        this.stats.oldPackets++;
        if (++this.consecutiveOld < SEQUENCE_RESET_AFTER) return NO_EVENTS;
        this.damage('sequenceReset', 0);
      } else if (step > 1) {
        this.stats.packetsLost += step - 1;
        this.damage('sequenceGap', step - 1);
      }
    }
    this.consecutiveOld = 0;
    this.lastSequence = packet.sequence & 0xffff;
    const timestamp = packet.timestamp >>> 0;
    if (this.started && timestamp !== this.timestamp) this.finish();
    if (!this.started) {
      this.started = true;
      this.timestamp = timestamp;
    }
    this.lastTimestamp = timestamp;
    this.payload(packet.payload);
    if (packet.marker) this.finish();
    return this.events ?? NO_EVENTS;
  }

  /** Ends the access unit in progress (end of stream): it is emitted if complete. */
  flush(): readonly DepacketizerEvent[] {
    this.events = null;
    if (this.started) this.finish();
    return this.events ?? NO_EVENTS;
  }

  private emit(event: DepacketizerEvent): void {
    if (this.events) this.events.push(event);
    else this.events = [event];
  }

  /** The access unit in progress is incomplete; everything up to the next keyframe is dropped. */
  private damage(reason: LossReason, packetsLost: number): void {
    if (this.started) this.damaged = true;
    if (this.waitingForKeyframe) return;
    this.waitingForKeyframe = true;
    this.emit({ kind: 'loss', reason, packetsLost, fromTimestamp: this.lastTimestamp });
  }

  private payload(payload: Buffer): void {
    if (payload.length === 0) {
      this.stats.ignoredPackets++;
      return;
    }
    if (this.codec === 'h264') this.h264Payload(payload);
    else this.h265Payload(payload);
  }

  private h264Payload(payload: Buffer): void {
    const type = payload[0]! & 0x1f;
    if (type >= 1 && type <= 23) this.unit(payload);
    else if (type === 24) this.aggregation(payload, 1);
    else if (type === 28) this.fragment(payload, 2);
    else if (type === 25) this.unsupported('stapB');
    else if (type === 26) this.unsupported('mtap16');
    else if (type === 27) this.unsupported('mtap24');
    else if (type === 29) this.unsupported('fuB');
    else this.stats.ignoredPackets++; // 0, 30, 31: undefined, ignored (RFC 6184 5.2)
  }

  private h265Payload(payload: Buffer): void {
    if (payload.length < 2) {
      this.malformed();
      return;
    }
    const type = (payload[0]! >> 1) & 0x3f;
    if (type <= 47) this.unit(payload);
    else if (type === 48) this.aggregation(payload, 2);
    else if (type === 49) this.fragment(payload, 3);
    else if (type === 50) this.unsupported('paci');
    else this.stats.ignoredPackets++; // 51..63: unspecified, ignored (RFC 7798 4.4)
  }

  private unsupported(type: UnsupportedPacketType): void {
    this.stats.unsupported[type]++;
    this.damage('unsupportedPacket', 0);
  }

  private malformed(): void {
    this.stats.ignoredPackets++;
    this.damage('malformedPacket', 0);
  }

  private unit(unit: Buffer): void {
    if (this.fragmentHeader) this.malformed(); // a fragmentation unit never ended
    this.fragmentHeader = null;
    if (!this.damaged) this.units.push(unit);
  }

  /** STAP-A / AP: 16-bit sizes, each followed by a NAL unit (no DONL). */
  private aggregation(payload: Buffer, headerSize: number): void {
    let offset = headerSize;
    while (offset + 2 <= payload.length) {
      const size = payload.readUInt16BE(offset);
      offset += 2;
      if (offset + size > payload.length) {
        this.malformed();
        return;
      }
      if (size > 0) this.unit(payload.subarray(offset, offset + size));
      offset += size;
    }
  }

  /** FU-A / FU: start and end bits in the FU header, the last byte of `headerSize`. */
  private fragment(payload: Buffer, headerSize: number): void {
    if (payload.length <= headerSize) {
      this.malformed();
      return;
    }
    const fuHeader = payload[headerSize - 1]!;
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    const piece = payload.subarray(headerSize);
    if (start) {
      if (this.fragmentHeader) this.malformed();
      // The NAL header the fragments replaced: F/NRI (H.264) or F/layer/TID (H.265) kept, type from the FU header.
      this.fragmentHeader =
        this.codec === 'h264'
          ? Buffer.from([(payload[0]! & 0xe0) | (fuHeader & 0x1f)])
          : Buffer.from([(payload[0]! & 0x81) | ((fuHeader & 0x3f) << 1), payload[1]!]);
      this.fragments = [this.fragmentHeader, piece];
    } else if (this.fragmentHeader) {
      this.fragments.push(piece);
    } else {
      // A continuation without its start: the start was lost or came before we joined.
      this.damage('malformedPacket', 0);
      return;
    }
    if (!end) return;
    const unit = this.fragments;
    this.fragmentHeader = null;
    this.fragments = [];
    if (!this.damaged) this.units.push(unit);
  }

  private finish(): void {
    const units = this.units;
    const damaged = this.damaged || this.fragmentHeader !== null;
    if (this.fragmentHeader && !this.damaged) this.damage('malformedPacket', 0);
    this.units = [];
    this.damaged = false;
    this.fragmentHeader = null;
    this.fragments = [];
    this.started = false;
    if (damaged) {
      this.stats.droppedAccessUnits++;
      return;
    }
    if (units.length === 0) return;
    let keyframe = false;
    let firstSlice: NalUnit | undefined;
    for (const unit of units) {
      const type = nalUnitType(this.codec, unit);
      const kind = parameterSetKind(this.codec, type);
      if (kind) this.parameterSet(kind, unit);
      else if (isVideoSlice(this.codec, type)) {
        firstSlice ??= unit;
        if (isRandomAccess(this.codec, type)) keyframe = true;
      }
    }
    if (!firstSlice) {
      // Parameter sets or SEI alone (sent before a keyframe by some cameras): nothing to show.
      return;
    }
    if (this.waitingForKeyframe && (!keyframe || !startsPicture(this.codec, firstSlice))) {
      this.stats.droppedAccessUnits++;
      return;
    }
    const accessUnit: AccessUnit = { timestamp: this.timestamp, nalUnits: units, keyframe };
    if (keyframe) {
      const sets = this.current;
      if (!sets.sps || !sets.pps || (this.codec === 'h265' && !sets.vps)) {
        this.stats.keyframesWithoutParameterSets++;
        this.stats.droppedAccessUnits++;
        this.waitingForKeyframe = true;
        return;
      }
      accessUnit.parameterSets = sets as ParameterSets;
      if (this.lastKeyframeSets && this.lastKeyframeSets !== sets) accessUnit.parameterSetsChanged = true;
      this.lastKeyframeSets = sets;
    }
    this.waitingForKeyframe = false;
    this.stats.accessUnits++;
    this.emit({ kind: 'accessUnit', accessUnit });
  }

  private parameterSet(kind: ParameterSetKind, unit: NalUnit): void {
    const joined = joinNalUnit(unit);
    const known = this.current[kind];
    if (known?.equals(joined)) return;
    // A copy: the unit may be a view of a large receive buffer, and parameter sets live long.
    this.current = { ...this.current, [kind]: joined === unit ? Buffer.from(joined) : joined };
  }
}
