// The native engine's fragmented-MP4 writer, pure (no IO): the `SegmentAssembler` turns access
// units into init, parts (archive fragments of at most `maxPartMs`), segment boundaries (on a
// keyframe) and optional one-picture live fragments, built with fmp4-boxes.ts; and the recovery
// of a segment file cut short by a crash.
import { buildInitSegment, fragmentChunks, type Mp4Sample, VIDEO_TIMESCALE } from './fmp4-boxes.ts';
import { childBoxes, parseInitSegment, parseMoof } from './fmp4.ts';
import { scanFragments } from './fragmented-mp4.ts';
import { type AccessUnit, type ParameterSets, parseH264Sps, parseH265Sps, SampleSlab, samplePayload, type VideoCodec } from './h26x/index.ts';

// ---------------------------------------------------------------------------------------------
// Segment assembler: access units in, init / parts / segment boundaries / live fragments out.

export interface SegmentStats {
  frames: number;
  /** Media duration: the sum of the sample durations. */
  durationTicks: number;
  durationMs: number;
  width: number;
  height: number;
  /** Frames per second of media, measured (2 decimals). */
  fps: number;
  /** RTP timestamp of the first sample (to map onto wall-clock time with RTCP sender reports). */
  firstTimestamp: number;
  /** Bytes of the segment file: init + parts. */
  bytes: number;
  parts: number;
}

export type SegmentEndReason = 'duration' | 'parameterSets' | 'discontinuity' | 'end';

export type AssemblerOutput =
  /** A new init segment (at the start, then on a parameter-set change): every later segment file starts with it. */
  | { kind: 'init'; data: Buffer; codec: VideoCodec; codecString: string; width: number; height: number }
  /** moof + mdat to append to the current segment file (which starts with the current init). */
  | {
      kind: 'part';
      /** The part as chunks (moof + mdat header, then the samples): see fragmentChunks. */
      chunks: Buffer[];
      /** The part as one buffer (joined on first use). */
      readonly data: Buffer;
      bytes: number;
      sequenceNumber: number;
      frames: number;
      durationTicks: number;
      keyframe: boolean;
      firstTimestamp: number;
    }
  /** The current segment is complete; the next part starts a new file. */
  | { kind: 'segmentBoundary'; reason: SegmentEndReason; segment: SegmentStats }
  /** moof + mdat of one picture for live viewers (own sequence numbers, continuous decode time). */
  | { kind: 'liveFragment'; chunks: Buffer[]; readonly data: Buffer; bytes: number; sequenceNumber: number; keyframe: boolean; timestamp: number };

export interface SegmentAssemblerOptions {
  codec: VideoCodec;
  /** A segment is cut at the first keyframe once it holds this much media. */
  segmentMs: number;
  /**
   * The first segment's length instead (default `segmentMs`): recorders started together give
   * their cameras different first lengths, so that hundreds of segments do not all close, and
   * get indexed, in the same second ever after.
   */
  firstSegmentMs?: number;
  /** At most this much media per part (1000 ms). */
  maxPartMs?: number;
  /** Also produce one `liveFragment` per picture. */
  liveFragments?: boolean;
  /** A timestamp step above this (or not forward) is clamped to the previous duration (3000 ms). */
  maxSampleDurationMs?: number;
  /** Duration assumed before any was measured (3600 ticks: 25 fps). */
  initialSampleDuration?: number;
}

export interface AssemblerStats {
  /** Access units dropped while no keyframe had started the stream (at start, after a discontinuity). */
  droppedBeforeKeyframe: number;
  /** Sample durations taken from the previous one: timestamp backwards, still, or jumping too far. */
  clampedDurations: number;
}

interface Held {
  timestamp: number;
  /** The sample (see `samplePayload`): a view of the assembler's slab. */
  payload: Buffer;
  keyframe: boolean;
}

interface OpenSegment {
  stats: SegmentStats;
  partSequence: number;
}

interface OpenPart {
  samples: Mp4Sample[];
  durationTicks: number;
  baseDecodeTime: number;
  firstTimestamp: number;
}

interface CurrentInit {
  data: Buffer;
  sets: ParameterSets;
  width: number;
  height: number;
}

const NO_OUTPUT: readonly AssemblerOutput[] = Object.freeze([]);

/**
 * Holds one access unit back: its duration is the step to the next timestamp. The last sample
 * before a discontinuity or the end takes the previous duration. Decode times start at 0 in
 * every segment (each segment file plays on its own); live fragments run on their own clock.
 */
export class SegmentAssembler {
  readonly stats: AssemblerStats = { droppedBeforeKeyframe: 0, clampedDurations: 0 };
  private readonly codec: VideoCodec;
  private readonly segmentTicks: number;
  /** The length of the segment in progress: the first one's, then `segmentTicks`. */
  private cutTicks: number;
  private readonly maxPartTicks: number;
  private readonly maxSampleTicks: number;
  private readonly liveFragments: boolean;
  private current: CurrentInit | undefined;
  private held: Held | undefined;
  private segment: OpenSegment | undefined;
  private part: OpenPart = { samples: [], durationTicks: 0, baseDecodeTime: 0, firstTimestamp: 0 };
  private lastDuration: number;
  private needKeyframe = true;
  private liveSequence = 0;
  private liveDecodeTime = 0;
  private output: AssemblerOutput[] | null = null;
  private readonly slab = new SampleSlab();

  constructor(options: SegmentAssemblerOptions) {
    this.codec = options.codec;
    this.segmentTicks = (options.segmentMs * VIDEO_TIMESCALE) / 1000;
    this.cutTicks = ((options.firstSegmentMs ?? options.segmentMs) * VIDEO_TIMESCALE) / 1000;
    this.maxPartTicks = ((options.maxPartMs ?? 1000) * VIDEO_TIMESCALE) / 1000;
    this.maxSampleTicks = ((options.maxSampleDurationMs ?? 3000) * VIDEO_TIMESCALE) / 1000;
    this.liveFragments = options.liveFragments ?? false;
    this.lastDuration = options.initialSampleDuration ?? 3600;
  }

  /** The init segment in force (what a new segment file or a new live viewer starts with). */
  get init(): Buffer | undefined {
    return this.current?.data;
  }

  push(accessUnit: AccessUnit): readonly AssemblerOutput[] {
    this.output = null;
    const sets = accessUnit.keyframe ? accessUnit.parameterSets : undefined;
    if (this.needKeyframe && !sets) {
      this.stats.droppedBeforeKeyframe++;
      return NO_OUTPUT;
    }
    this.needKeyframe = false;
    const duration = this.held ? this.durationUntil(accessUnit.timestamp) : 0;
    if (sets && (!this.current || !sameParameterSets(sets, this.current.sets))) {
      if (this.held) this.commit(duration);
      this.endSegment('parameterSets');
      this.current = this.buildInit(sets);
      const { data, width, height } = this.current;
      this.emit({ kind: 'init', data, codec: this.codec, codecString: codecStringOf(data), width, height });
    } else if (accessUnit.keyframe && this.held && this.segment && this.segment.stats.durationTicks + duration >= this.cutTicks) {
      this.commit(duration);
      this.endSegment('duration');
    }
    if (this.held) this.commit(duration);
    const payload = samplePayload(this.codec, accessUnit, this.slab);
    this.held = { timestamp: accessUnit.timestamp, payload, keyframe: accessUnit.keyframe };
    if (!this.segment) this.segment = this.openSegment(accessUnit.timestamp);
    if (this.liveFragments) {
      // The picture's duration is not known before the next one: it is given the last step, and the
      // live timeline advances by what each fragment declares, so fragments follow each other with
      // no gap nor overlap (a browser stalls at a gap). Each picture's live time thus differs from
      // its camera time by at most one step (the declared steps telescope).
      const chunks = fragmentChunks({
        sequenceNumber: ++this.liveSequence,
        baseMediaDecodeTime: this.liveDecodeTime,
        samples: [{ data: payload, duration: this.lastDuration, keyframe: accessUnit.keyframe }],
      });
      this.liveDecodeTime += this.lastDuration;
      this.emit(new LiveFragmentOutput(chunks, chunksBytes(chunks), this.liveSequence, accessUnit.keyframe, accessUnit.timestamp));
    }
    return this.output ?? NO_OUTPUT;
  }

  /** A gap in the stream (a loss reported by the depacketizer): the segment ends; the next one starts at a keyframe. */
  discontinuity(): readonly AssemblerOutput[] {
    return this.close('discontinuity');
  }

  /** End of stream: the held picture takes the previous duration, the segment ends. */
  flush(): readonly AssemblerOutput[] {
    return this.close('end');
  }

  private close(reason: SegmentEndReason): readonly AssemblerOutput[] {
    this.output = null;
    if (this.held) this.commit(this.lastDuration);
    this.endSegment(reason);
    this.needKeyframe = true;
    return this.output ?? NO_OUTPUT;
  }

  private emit(output: AssemblerOutput): void {
    if (this.output) this.output.push(output);
    else this.output = [output];
  }

  /** The step to the next timestamp (32-bit wrap handled), clamped to the previous one when absurd. */
  private durationUntil(timestamp: number): number {
    const step = (timestamp - this.held!.timestamp) | 0;
    if (step <= 0 || step > this.maxSampleTicks) {
      this.stats.clampedDurations++;
      return this.lastDuration;
    }
    this.lastDuration = step;
    return step;
  }

  private buildInit(sets: ParameterSets): CurrentInit {
    const { width, height } = this.codec === 'h264' ? parseH264Sps(sets.sps) : parseH265Sps(sets.sps);
    const data = buildInitSegment({ codec: this.codec, sps: sets.sps, pps: sets.pps, vps: sets.vps, width, height, timescale: VIDEO_TIMESCALE });
    return { data, sets, width, height };
  }

  private openSegment(firstTimestamp: number): OpenSegment {
    const { data, width, height } = this.current!;
    return {
      stats: { frames: 0, durationTicks: 0, durationMs: 0, width, height, fps: 0, firstTimestamp, bytes: data.length, parts: 0 },
      partSequence: 0,
    };
  }

  /** The held picture joins the current part (closing the part first if it would overflow). */
  private commit(duration: number): void {
    const held = this.held!;
    const segment = this.segment!.stats;
    this.held = undefined;
    if (this.part.samples.length > 0 && this.part.durationTicks + duration > this.maxPartTicks) this.closePart();
    if (this.part.samples.length === 0) {
      this.part.baseDecodeTime = segment.durationTicks;
      this.part.firstTimestamp = held.timestamp;
    }
    this.part.samples.push({ data: held.payload, duration, keyframe: held.keyframe });
    this.part.durationTicks += duration;
    segment.frames++;
    segment.durationTicks += duration;
    // Close now rather than one picture later when the next one would not fit either.
    if (this.part.durationTicks + this.lastDuration > this.maxPartTicks) this.closePart();
  }

  private closePart(): void {
    const part = this.part;
    if (part.samples.length === 0) return;
    const segment = this.segment!;
    const sequenceNumber = ++segment.partSequence;
    const chunks = fragmentChunks({ sequenceNumber, baseMediaDecodeTime: part.baseDecodeTime, samples: part.samples });
    const bytes = chunksBytes(chunks);
    segment.stats.bytes += bytes;
    segment.stats.parts++;
    this.emit(new PartOutput(chunks, bytes, sequenceNumber, part.samples.length, part.durationTicks, part.samples[0]!.keyframe, part.firstTimestamp));
    this.part = { samples: [], durationTicks: 0, baseDecodeTime: 0, firstTimestamp: 0 };
  }

  private endSegment(reason: SegmentEndReason): void {
    if (!this.segment) return;
    this.cutTicks = this.segmentTicks;
    this.closePart();
    const stats = this.segment.stats;
    this.segment = undefined;
    if (stats.frames === 0) return;
    stats.durationMs = (stats.durationTicks * 1000) / VIDEO_TIMESCALE;
    stats.fps = Math.round((stats.frames * VIDEO_TIMESCALE * 100) / stats.durationTicks) / 100;
    this.emit({ kind: 'segmentBoundary', reason, segment: stats });
  }
}

function chunksBytes(chunks: readonly Buffer[]): number {
  let bytes = 0;
  for (const chunk of chunks) bytes += chunk.length;
  return bytes;
}

/** Outputs carried as chunks, with `data` joined once on first use (tests, a live viewer), never for the archive. */
class PartOutput {
  readonly kind = 'part' as const;
  private joined: Buffer | undefined;
  constructor(
    readonly chunks: Buffer[],
    readonly bytes: number,
    readonly sequenceNumber: number,
    readonly frames: number,
    readonly durationTicks: number,
    readonly keyframe: boolean,
    readonly firstTimestamp: number,
  ) {}
  get data(): Buffer {
    this.joined ??= Buffer.concat(this.chunks, this.bytes);
    return this.joined;
  }
}

class LiveFragmentOutput {
  readonly kind = 'liveFragment' as const;
  private joined: Buffer | undefined;
  constructor(
    readonly chunks: Buffer[],
    readonly bytes: number,
    readonly sequenceNumber: number,
    readonly keyframe: boolean,
    readonly timestamp: number,
  ) {}
  get data(): Buffer {
    this.joined ??= Buffer.concat(this.chunks, this.bytes);
    return this.joined;
  }
}

function sameParameterSets(a: ParameterSets, b: ParameterSets): boolean {
  return a === b || (a.sps.equals(b.sps) && a.pps.equals(b.pps) && (a.vps === b.vps || (a.vps !== undefined && b.vps !== undefined && a.vps.equals(b.vps))));
}

function codecStringOf(init: Buffer): string {
  return parseInitSegment(init).codecString;
}

// ---------------------------------------------------------------------------------------------
// Crash recovery.

export interface RecoveredSegment {
  /** Bytes to keep: init + every complete part (0 when even the init is incomplete). */
  keepBytes: number;
  parts: number;
  frames: number;
  durationTicks: number;
  durationMs: number;
  /** Nothing to cut. */
  intact: boolean;
}

/** What survives of a segment file (init + parts, the last maybe cut short) and what it holds. */
export function recoverSegment(file: Buffer): RecoveredSegment {
  const boxes = childBoxes(file, 0).map((range) => ({ type: range.type, start: range.start, size: range.end - range.start }));
  // childBoxes stops before a box cut short; scanFragments must see that one to know the file does not end cleanly.
  const listedEnd = boxes.length > 0 ? boxes[boxes.length - 1]!.start + boxes[boxes.length - 1]!.size : 0;
  if (listedEnd + 8 <= file.length)
    boxes.push({ type: file.toString('latin1', listedEnd + 4, listedEnd + 8), start: listedEnd, size: file.readUInt32BE(listedEnd) });
  const scan = scanFragments(boxes, file.length);
  const result: RecoveredSegment = {
    keepBytes: scan.keepBytes,
    parts: scan.completeFragments,
    frames: 0,
    durationTicks: 0,
    durationMs: 0,
    intact: scan.intact,
  };
  if (scan.keepBytes === 0) return result;
  const moov = boxes.find((entry) => entry.type === 'moov')!;
  const info = parseInitSegment(file.subarray(0, moov.start + moov.size));
  for (const entry of boxes) {
    if (entry.type !== 'moof' || entry.start + entry.size > scan.keepBytes) continue;
    const fragment = parseMoof(file.subarray(entry.start, entry.start + entry.size), info.defaults);
    result.frames += fragment.sampleSizes.length;
    result.durationTicks += fragment.duration;
  }
  result.durationMs = (result.durationTicks * 1000) / info.timescale;
  return result;
}
