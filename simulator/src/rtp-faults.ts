// Network faults on a stream's RTP packets: loss and reordering, both driven by a seeded
// pseudo-random generator so a test sees the same packets on every run. Applied once per
// picture before the picture is fanned out, so every session of the camera (TCP or UDP) gets
// the same packets, as if the loss or reordering happened on the camera's uplink. Sequence
// numbers are assigned before: a dropped packet leaves a gap, a delayed one arrives late.
import type { WirePicture } from './rtp.ts';

export interface RtpPathFaults {
  packetLoss?: { percent: number; seed?: number };
  reorder?: { percent: number; depth: number };
}

const DEFAULT_SEED = 1;
const REORDER_SEED = 0x5eed;

/** Mulberry32: a tiny generator giving the same sequence in [0, 1) for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface HeldPacket {
  /** The packet with its 4-byte interleaved prefix. */
  framed: Buffer;
  /** Later packets still to go out before this one. */
  remaining: number;
}

/** The loss and reordering state of one stream (its generators and the packets held back). */
export class RtpPathShaper {
  private lossFault: RtpPathFaults['packetLoss'];
  private lossRandom = seededRandom(DEFAULT_SEED);
  private reorderFault: RtpPathFaults['reorder'];
  private reorderRandom = seededRandom(REORDER_SEED);
  private held: HeldPacket[] = [];
  dropped = 0;
  delayed = 0;

  /** Packets held back: they go out with the next picture even once the fault is cleared. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** The picture as it goes on the wire: the same object when no packet is dropped or moved. */
  apply(picture: WirePicture, faults: RtpPathFaults): WirePicture {
    this.follow(faults);
    const loss = faults.packetLoss && faults.packetLoss.percent > 0 ? faults.packetLoss.percent / 100 : 0;
    const reorder = faults.reorder && faults.reorder.percent > 0 ? faults.reorder : undefined;
    if (loss === 0 && !reorder && this.held.length === 0) return picture;
    const out: Buffer[] = [];
    let changed = false;
    if (!reorder && this.held.length > 0) {
      // Reordering turned off: what was held goes out first, late.
      for (const entry of this.held) out.push(entry.framed);
      this.held = [];
      changed = true;
    }
    for (let index = 0; index < picture.packetOffsets.length; index += 1) {
      const offset = picture.packetOffsets[index]!;
      const framed = picture.interleaved.subarray(offset - 4, offset + picture.packetLengths[index]!);
      if (loss > 0 && this.lossRandom() < loss) {
        this.dropped += 1;
        changed = true;
        continue;
      }
      if (reorder && this.reorderRandom() < reorder.percent / 100) {
        this.held.push({ framed, remaining: 1 + Math.floor(this.reorderRandom() * reorder.depth) });
        this.delayed += 1;
        changed = true;
        continue;
      }
      out.push(framed);
      if (this.held.length > 0 && this.releaseAfterOne(out)) changed = true;
    }
    return changed ? rebuild(picture, out) : picture;
  }

  /** One packet went out: every held packet is one position closer to its turn. True if one went out too. */
  private releaseAfterOne(out: Buffer[]): boolean {
    const still: HeldPacket[] = [];
    for (const entry of this.held) {
      entry.remaining -= 1;
      if (entry.remaining <= 0) out.push(entry.framed);
      else still.push(entry);
    }
    const released = still.length < this.held.length;
    this.held = still;
    return released;
  }

  /** A fault set anew (another object) restarts its generator from its seed. */
  private follow(faults: RtpPathFaults): void {
    if (faults.packetLoss !== this.lossFault) {
      this.lossFault = faults.packetLoss;
      this.lossRandom = seededRandom(faults.packetLoss?.seed ?? DEFAULT_SEED);
    }
    if (faults.reorder !== this.reorderFault) {
      this.reorderFault = faults.reorder;
      this.reorderRandom = seededRandom(REORDER_SEED);
    }
  }
}

function rebuild(picture: WirePicture, framedPackets: Buffer[]): WirePicture {
  const interleaved = Buffer.concat(framedPackets);
  const packetOffsets: number[] = [];
  const packetLengths: number[] = [];
  let offset = 0;
  for (const framed of framedPackets) {
    packetOffsets.push(offset + 4);
    packetLengths.push(framed.length - 4);
    offset += framed.length;
  }
  return { ...picture, interleaved, packetOffsets, packetLengths };
}
