// Annex-B elementary streams (what ffmpeg writes with `-f h264` / `-f hevc`) split into NAL
// units, grouped into access units (one picture each), so that frames can be served one by one.

export type VideoCodec = 'h264' | 'h265';

export interface AccessUnit {
  /** NAL units without start codes, in decoding order. */
  nalUnits: Buffer[];
  /** True for a random-access picture (H.264 IDR, H.265 IRAP) with its parameter sets. */
  keyframe: boolean;
}

export interface ParameterSets {
  vps?: Buffer;
  sps: Buffer;
  pps: Buffer;
}

/** Splits an Annex-B byte stream on 3- or 4-byte start codes. */
export function splitAnnexB(stream: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let start = -1;
  let index = 0;
  while (index + 2 < stream.length) {
    if (stream[index] === 0 && stream[index + 1] === 0 && stream[index + 2] === 1) {
      if (start >= 0) units.push(trimTrailingZeros(stream.subarray(start, index)));
      index += 3;
      start = index;
    } else {
      index += 1;
    }
  }
  if (start >= 0 && start < stream.length) units.push(trimTrailingZeros(stream.subarray(start)));
  return units.filter((unit) => unit.length > 0);
}

/** A 4-byte start code leaves a zero before the next unit's 3-byte code: drop it. */
function trimTrailingZeros(unit: Buffer): Buffer {
  let end = unit.length;
  while (end > 0 && unit[end - 1] === 0) end -= 1;
  return unit.subarray(0, end);
}

export function nalType(codec: VideoCodec, unit: Buffer): number {
  const first = unit[0] ?? 0;
  return codec === 'h264' ? first & 0x1f : (first >> 1) & 0x3f;
}

function isVcl(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type >= 1 && type <= 5 : type <= 31;
}

function isRandomAccess(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type === 5 : type >= 16 && type <= 23;
}

/** Access unit delimiters and SEI carry nothing a viewer needs; dropping them saves bytes. */
function isDropped(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type === 9 || type === 6 : type === 35 || type === 39 || type === 40;
}

/**
 * True when this VCL unit starts a new picture: H.264 first_mb_in_slice == 0 and H.265
 * first_slice_segment_in_pic_flag, both read from the first bit after the NAL header
 * (first_mb_in_slice is Exp-Golomb, so value 0 is the single bit "1").
 */
function startsPicture(codec: VideoCodec, unit: Buffer): boolean {
  const byte = codec === 'h264' ? unit[1] : unit[2];
  return ((byte ?? 0) & 0x80) !== 0;
}

/**
 * Groups NAL units into pictures as they come (also from a live encoder): a picture is
 * complete when the next one starts, so `push` returns the picture before the current one.
 */
export class AccessUnitAssembler {
  private pending: Buffer[] = [];
  private current: AccessUnit | undefined;

  constructor(private readonly codec: VideoCodec) {}

  push(unit: Buffer): AccessUnit | undefined {
    const type = nalType(this.codec, unit);
    if (isDropped(this.codec, type)) return undefined;
    if (!isVcl(this.codec, type)) {
      this.pending.push(unit);
      return undefined;
    }
    if (!this.current || startsPicture(this.codec, unit) || this.pending.length > 0) {
      const completed = this.current;
      this.current = { nalUnits: [...this.pending, unit], keyframe: isRandomAccess(this.codec, type) };
      this.pending = [];
      return completed;
    }
    this.current.nalUnits.push(unit);
    return undefined;
  }

  flush(): AccessUnit | undefined {
    const completed = this.current;
    this.current = undefined;
    return completed;
  }
}

export function groupAccessUnits(codec: VideoCodec, units: Buffer[]): AccessUnit[] {
  const assembler = new AccessUnitAssembler(codec);
  const frames: AccessUnit[] = [];
  for (const unit of units) {
    const completed = assembler.push(unit);
    if (completed) frames.push(completed);
  }
  const last = assembler.flush();
  if (last) frames.push(last);
  return frames;
}

/** Splits an Annex-B byte stream arriving in chunks; returns the NAL units completed so far. */
export class AnnexBSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const starts: number[] = [];
    for (let index = 0; index + 2 < this.buffer.length; index += 1) {
      if (this.buffer[index + 2]! > 1)
        index += 2; // no start code can begin before index + 3
      else if (this.buffer[index] === 0 && this.buffer[index + 1] === 0 && this.buffer[index + 2] === 1) {
        starts.push(index + 3);
        index += 2;
      }
    }
    if (starts.length < 2) return [];
    const units: Buffer[] = [];
    for (let index = 0; index + 1 < starts.length; index += 1) {
      const unit = trimTrailingZeros(this.buffer.subarray(starts[index]!, starts[index + 1]! - 3));
      if (unit.length > 0) units.push(Buffer.from(unit));
    }
    this.buffer = Buffer.from(this.buffer.subarray(starts.at(-1)! - 3));
    return units;
  }
}

export function parseAccessUnits(codec: VideoCodec, stream: Buffer): AccessUnit[] {
  return groupAccessUnits(codec, splitAnnexB(stream));
}

/** The parameter sets carried by the first keyframe (needed for the SDP). */
export function findParameterSets(codec: VideoCodec, frames: AccessUnit[]): ParameterSets {
  const types = codec === 'h264' ? { sps: 7, pps: 8, vps: -1 } : { sps: 33, pps: 34, vps: 32 };
  const found: Partial<ParameterSets> = {};
  for (const frame of frames) {
    for (const unit of frame.nalUnits) {
      const type = nalType(codec, unit);
      if (type === types.sps) found.sps ??= unit;
      else if (type === types.pps) found.pps ??= unit;
      else if (type === types.vps) found.vps ??= unit;
    }
    if (found.sps && found.pps) break;
  }
  if (!found.sps || !found.pps) throw new Error(`no ${codec} parameter sets in the stream`);
  return found as ParameterSets;
}

/** Rebuilds an Annex-B stream (used to feed one picture to ffmpeg for snapshots). */
export function toAnnexB(frames: AccessUnit[]): Buffer {
  const startCode = Buffer.from([0, 0, 0, 1]);
  return Buffer.concat(frames.flatMap((frame) => frame.nalUnits.flatMap((unit) => [startCode, unit])));
}
