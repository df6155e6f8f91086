// One stream of one camera (its main or sub profile): plays a pre-encoded loop on the shared
// frame clock, builds each picture's RTP packets once and hands them to every viewer (sink).
// Timestamps run on a 90 kHz image of the wall clock, so they continue across loop restarts
// and across changes of picture (a fault), and RTCP sender reports map them to NTP time.
import { randomInt } from 'node:crypto';
import type { TickSource, TickSources } from './frame-clock.ts';
import type { ParameterSets, VideoCodec } from './h26x.ts';
import type { EncodedLoop } from './loop-store.ts';
import { buildSenderReport, buildWirePicture, type PreparedFrame, type WirePicture } from './rtp.ts';
import { RtpPathShaper, type RtpPathFaults } from './rtp-faults.ts';

export interface StreamSink {
  /** Set when the viewer missed pictures: it gets nothing until the next keyframe. */
  needsKeyframe: boolean;
  sendPicture(picture: WirePicture): void;
  sendControl(rtcpPacket: Buffer): void;
}

export interface StreamSourceOptions {
  clocks: TickSources;
  cname: string;
  /** True while the camera's stream is stopped by a fault: time passes, nothing is sent. */
  isStalled: () => boolean;
  /** Called when a loop is no longer played, so its owner can release it. */
  onLoopDropped: (loop: EncodedLoop) => void;
  /** Called when the last viewer leaves (a live encoder can then stop). */
  onIdle?: () => void;
  /** Faults of the RTP path, read at every picture; absent means none. */
  rtpPath?: () => RtpPathState | undefined;
  /** The camera's clock minus the true time, in ms: sender reports carry the camera's time. */
  clockOffsetMs?: () => number;
}

export interface RtpPathState extends RtpPathFaults {
  /** A stall: pictures due are skipped (sequence numbers do not advance), sender reports go on. */
  paused?: boolean;
}

/** What DESCRIBE needs to announce a stream. */
export interface StreamDescription {
  codec: VideoCodec;
  parameterSets: ParameterSets;
  width: number;
  height: number;
  fps: number;
}

const SENDER_REPORT_INTERVAL_MS = 5000;
const MAX_GOP_CACHE_SECONDS = 10;

export class StreamSource {
  readonly ssrc = randomInt(1, 2 ** 31);
  private sequence = randomInt(0, 65536);
  private timestampOffset = randomInt(0, 2 ** 31);
  /** What sender reports use; differs from timestampOffset after a jump the reports do not follow. */
  private reportTimestampOffset = this.timestampOffset;
  private readonly shaper = new RtpPathShaper();
  private current: EncodedLoop | undefined;
  /** Set while pictures come from a live encoder instead of a loop. */
  private live: StreamDescription | undefined;
  private pending: EncodedLoop | undefined;
  private clock: TickSource | undefined;
  private pendingClock: TickSource | undefined;
  private readonly sinks = new Set<StreamSink>();
  private gopCache: WirePicture[] = [];
  private lastTick = 0;
  private lastSenderReportMs = 0;
  private packetCount = 0;
  private octetCount = 0;
  picturesSent = 0;

  constructor(private readonly options: StreamSourceOptions) {}

  get loop(): EncodedLoop | undefined {
    return this.current;
  }

  description(): StreamDescription | undefined {
    if (this.live) return this.live;
    const loop = this.current;
    return loop && { codec: loop.codec, parameterSets: loop.parameterSets, width: loop.width, height: loop.height, fps: loop.fps };
  }

  get isLive(): boolean {
    return this.live !== undefined;
  }

  /** Serves pictures pushed by a live encoder from now on (pass undefined to go back to loops). */
  setLive(description: StreamDescription | undefined): void {
    this.live = description;
    if (description) {
      this.clock?.unsubscribe(this.onTick);
      this.clock = undefined;
      this.dropPending();
      if (this.current) this.options.onLoopDropped(this.current);
      this.current = undefined;
    }
  }

  /** A picture from the live encoder: sent at once, stamped with the wall-clock frame grid. */
  pushLiveFrame(frame: PreparedFrame, fps: number): void {
    if (!this.live || this.sinks.size === 0) return;
    if (fps !== this.live.fps) {
      this.live = { ...this.live, fps };
      this.lastTick = 0;
    }
    const tick = Math.max(this.lastTick + 1, Math.round(Date.now() / (1000 / fps)));
    this.emitFrame(tick, frame, fps);
  }

  get viewerCount(): number {
    return this.sinks.size;
  }

  /**
   * Plays `loop` from now if idle, else from its next keyframe (the picture stays decodable).
   * Returns false when the loop was already playing (the caller keeps its reference to give back).
   */
  setLoop(loop: EncodedLoop): boolean {
    if (loop === this.current && !this.pending) return false;
    if (!this.current || this.sinks.size === 0) {
      this.dropPending();
      if (this.current === loop) return false;
      if (this.current) this.options.onLoopDropped(this.current);
      this.current = loop;
      return true;
    }
    this.dropPending();
    if (loop === this.current) return false;
    this.pending = loop;
    if (loop.fps !== this.current.fps) {
      this.pendingClock = this.options.clocks.forRate(loop.fps);
      this.pendingClock.subscribe(this.onPendingTick);
    }
    return true;
  }

  private dropPending(): void {
    if (this.pendingClock) this.pendingClock.unsubscribe(this.onPendingTick);
    this.pendingClock = undefined;
    if (this.pending) this.options.onLoopDropped(this.pending);
    this.pending = undefined;
  }

  addSink(sink: StreamSink): void {
    if (!this.current && !this.live) throw new Error('stream has no picture loaded');
    this.sinks.add(sink);
    if (this.sinks.size === 1 && !this.live) {
      this.start();
      return;
    }
    sink.needsKeyframe = this.gopCache.length === 0;
    for (const picture of this.gopCache) sink.sendPicture(picture);
  }

  removeSink(sink: StreamSink): void {
    if (!this.sinks.delete(sink) || this.sinks.size > 0) return;
    // Last viewer gone: stop ticking and give the picture back (the store keeps it warm a while).
    this.clock?.unsubscribe(this.onTick);
    this.clock = undefined;
    this.gopCache = [];
    this.dropPending();
    if (this.current) this.options.onLoopDropped(this.current);
    this.current = undefined;
    this.options.onIdle?.();
  }

  /** Gives the loop back if nobody watches (a client that described the stream but never played). */
  releaseIfIdle(): void {
    if (this.sinks.size > 0 || this.live) return;
    this.dropPending();
    if (this.current) this.options.onLoopDropped(this.current);
    this.current = undefined;
  }

  /** Sequence number of the first packet a viewer joining now receives (for RTP-Info). */
  nextSequenceForNewViewer(): number {
    return this.gopCache[0]?.firstSequence ?? this.sequence;
  }

  timestampAt(tick: number, fps: number, offset = this.timestampOffset): number {
    return ((Math.round((tick * 90000) / fps) % 2 ** 32) + offset) % 2 ** 32;
  }

  /**
   * Buggy firmware: RTP timestamps jump by `seconds` from the next picture on, then run on
   * from there. Sender reports follow the jump (`consistent`: they still map RTP time to the
   * true time) or keep the old mapping (`stale`: they contradict the packets).
   */
  jumpTimestamps(seconds: number, rtcp: 'consistent' | 'stale'): void {
    const delta = Math.round(seconds * 90000) % 2 ** 32;
    this.timestampOffset = (((this.timestampOffset + delta) % 2 ** 32) + 2 ** 32) % 2 ** 32;
    if (rtcp === 'consistent') this.reportTimestampOffset = this.timestampOffset;
  }

  /** Packets dropped and delayed so far by the loss and reorder faults. */
  get shaped(): { dropped: number; delayed: number } {
    return { dropped: this.shaper.dropped, delayed: this.shaper.delayed };
  }

  /** Starts on the wall-clock-aligned frame, sending at once the pictures since its keyframe. */
  private start(): void {
    const loop = this.current!;
    this.clock = this.options.clocks.forRate(loop.fps);
    const tick = this.clock.currentTick();
    const index = tick % loop.frames.length;
    let keyIndex = index;
    while (keyIndex > 0 && !loop.frames[keyIndex]!.keyframe) keyIndex -= 1;
    this.lastTick = tick - (index - keyIndex) - 1;
    this.lastSenderReportMs = 0;
    for (const sink of this.sinks) sink.needsKeyframe = false;
    while (this.lastTick < tick) this.emit(this.lastTick + 1);
    this.clock.subscribe(this.onTick);
  }

  private readonly onTick = (tick: number): void => {
    if (tick <= this.lastTick) return;
    if (tick > this.lastTick + 1) this.markAllNeedKeyframe();
    if (this.pending && this.pending.fps === this.current!.fps && this.pending.frames[tick % this.pending.frames.length]!.keyframe) {
      this.switchToPending();
    }
    this.emit(tick);
  };

  private readonly onPendingTick = (tick: number): void => {
    const pending = this.pending;
    if (!pending || !pending.frames[tick % pending.frames.length]!.keyframe) return;
    this.clock?.unsubscribe(this.onTick);
    this.pendingClock?.unsubscribe(this.onPendingTick);
    this.clock = this.pendingClock;
    this.pendingClock = undefined;
    this.switchToPending();
    this.lastTick = tick - 1;
    this.emit(tick);
    this.clock?.subscribe(this.onTick);
  };

  private switchToPending(): void {
    const previous = this.current!;
    this.current = this.pending;
    this.pending = undefined;
    this.options.onLoopDropped(previous);
  }

  private markAllNeedKeyframe(): void {
    this.gopCache = [];
    for (const sink of this.sinks) sink.needsKeyframe = true;
  }

  private emit(tick: number): void {
    const loop = this.current!;
    this.emitFrame(tick, loop.frames[tick % loop.frames.length]!, loop.fps);
  }

  private emitFrame(tick: number, frame: PreparedFrame, fps: number): void {
    this.lastTick = tick;
    if (this.options.isStalled()) {
      this.markAllNeedKeyframe();
      return;
    }
    const path = this.options.rtpPath?.();
    if (path?.paused) {
      // Unlike stream_stop, viewers are not made to wait for a keyframe: the stream resumes
      // with the picture due, as a camera whose encoder hung does.
      this.gopCache = [];
      this.maybeSendSenderReport(tick, fps);
      return;
    }
    const timestamp = this.timestampAt(tick, fps);
    const built = buildWirePicture(frame, this.sequence, timestamp, this.ssrc);
    const picture = path || this.shaper.holding ? this.shaper.apply(built, path ?? {}) : built;
    this.sequence = (this.sequence + frame.payloadEnds.length) & 0xffff;
    this.packetCount += frame.payloadEnds.length;
    this.octetCount += frame.data.length;
    this.picturesSent += 1;
    if (frame.keyframe) this.gopCache = [picture];
    else if (this.gopCache.length > 0 && this.gopCache.length < fps * MAX_GOP_CACHE_SECONDS) this.gopCache.push(picture);
    for (const sink of this.sinks) sink.sendPicture(picture);
    this.maybeSendSenderReport(tick, fps);
  }

  private maybeSendSenderReport(tick: number, fps: number): void {
    const wallClockMs = (tick * 1000) / fps;
    if (wallClockMs - this.lastSenderReportMs < SENDER_REPORT_INTERVAL_MS) return;
    this.lastSenderReportMs = wallClockMs;
    const report = buildSenderReport({
      ssrc: this.ssrc,
      wallClockMs: wallClockMs + (this.options.clockOffsetMs?.() ?? 0),
      rtpTimestamp: this.timestampAt(tick, fps, this.reportTimestampOffset),
      packetCount: this.packetCount,
      octetCount: this.octetCount,
      cname: this.options.cname,
    });
    for (const sink of this.sinks) sink.sendControl(report);
  }

  /** Frame of the current loop on screen now, and its keyframe (for snapshots). */
  frameIndexNow(nowMs: number): number | undefined {
    const loop = this.current;
    return loop ? Math.floor(nowMs / (1000 / loop.fps)) % loop.frames.length : undefined;
  }

  stop(): void {
    this.clock?.unsubscribe(this.onTick);
    this.sinks.clear();
    this.clock = undefined;
    this.dropPending();
    if (this.current) this.options.onLoopDropped(this.current);
    this.current = undefined;
  }
}
