// The wall-clock time of a camera's pictures, for one RTSP run of the native engine: the
// camera's own clock through its RTCP sender reports when that clock is right, the receive
// clock otherwise. Media times are the machine's real clock, as the RTSP client's and ffmpeg's
// are: the injectable clock (tests move it) dates states, not footage.

/** A camera clock further than this from the receive clock of its least-delayed picture is not trusted for segment times. */
export const CAMERA_CLOCK_TOLERANCE_MS = 1000;
/** The receive-clock anchor is renewed over windows this long (clock drift). */
const ANCHOR_WINDOW_MS = 30_000;
/**
 * A picture further than this from where the receive clock expects it: the camera's RTP
 * timestamps jumped (firmware), so the receive clock starts over from it and a sender report
 * that disagrees this much with the receive clock is not used until the two agree again.
 */
const TIMELINE_JUMP_MS = 2000;
/** How long PLAY's burst of the pictures since the last keyframe may take to arrive. */
const PLAY_BURST_MS = 1000;

/** What the RTSP client knows of the camera's clock (RtspClient fits). */
export interface SenderClockReading {
  wallClockMs(rtpTimestamp: number): number | undefined;
  clockOffsetMs(): number | undefined;
}

interface Arrival {
  localMs: number;
  timestamp: number;
}

export class StreamClock {
  /**
   * Receive-clock anchor, for a camera without (trusted) sender reports: the picture that
   * arrived with the least delay so far (PLAY is answered with a burst of pictures already
   * old: anchoring on the first one would date the run late by up to a GOP).
   */
  private anchor: Arrival | undefined;
  /** The least-delayed picture of the current 30-s window: it replaces the anchor at the window's end (the two clocks drift apart slowly). */
  private candidate: { since: number; best: Arrival } | undefined;
  /** Counts the jumps of the camera's RTP timestamps: times mapped before a jump do not hold after it. */
  private timeline = 0;
  /** Local time of the run's first picture (PLAY's burst of old pictures comes with it). */
  private firstArrivalMs: number | undefined;
  /** The keyframe that starts the segment in progress, dated when it arrived (what a later jump cannot move). */
  private segmentStart: { timestamp: number; timeline: number; wallClockMs: number } | undefined;

  constructor(private readonly sender: SenderClockReading) {}

  /** Keeps the least-delayed picture as the receive-clock anchor (once per picture, not per packet). */
  noteArrival(timestamp: number): void {
    const localMs = Date.now();
    const arrival = { localMs, timestamp };
    this.firstArrivalMs ??= localMs;
    const lateMs = this.anchor ? localMs - receiveClockOf(this.anchor, timestamp) : 0;
    // PLAY's burst of old pictures arrives early on the clock of its first one: not a jump.
    if (lateMs > TIMELINE_JUMP_MS || (lateMs < -TIMELINE_JUMP_MS && localMs - this.firstArrivalMs > PLAY_BURST_MS)) {
      // The RTP timestamps jumped: the receive clock starts over from this picture (a picture
      // merely late is forgotten as soon as a less-delayed one comes).
      this.timeline++;
      this.anchor = arrival;
      this.candidate = { since: localMs, best: arrival };
      return;
    }
    if (!this.candidate || localMs - this.candidate.since > ANCHOR_WINDOW_MS) {
      if (this.candidate) this.anchor = this.candidate.best;
      this.candidate = { since: localMs, best: arrival };
    } else if (localMs < receiveClockOf(this.candidate.best, timestamp)) this.candidate.best = arrival;
    if (!this.anchor || localMs < receiveClockOf(this.anchor, timestamp)) this.anchor = arrival;
  }

  /** The keyframe that starts a segment, dated now: a later jump of the timestamps cannot move it. */
  markSegmentStart(timestamp: number): void {
    this.segmentStart = { timestamp, timeline: this.timeline, wallClockMs: this.wallClockOf(timestamp) };
  }

  /** Wall-clock ms of the picture that starts a segment: as it was dated on arrival if the timestamps jumped since. */
  segmentStartOf(timestamp: number): number {
    const start = this.segmentStart;
    if (start && start.timestamp === timestamp && start.timeline !== this.timeline) return start.wallClockMs;
    return this.wallClockOf(timestamp);
  }

  /**
   * Wall-clock ms of a picture: the camera's clock when it is right, else the receive clock.
   * "Right" is judged on the pictures, not on the reports' own arrival: the camera's time of the
   * picture and the receive clock of the least-delayed picture agree within 1 s. (A report can
   * sit in the connection's queue behind pictures, or wait for a busy event loop, for seconds:
   * measured at 400 cameras, whose reports arrived 1.4-1.9 s late while their pictures' least
   * delay was 0.1 s.) A report from before a jump of the timestamps, or one that never followed
   * it, maps them wrongly and disagrees too.
   */
  wallClockOf(timestamp: number): number {
    const camera = this.sender.wallClockMs(timestamp);
    const received = receiveClockOf(this.anchor ?? { localMs: Date.now(), timestamp }, timestamp);
    if (camera !== undefined && Math.abs(camera - received) <= CAMERA_CLOCK_TOLERANCE_MS) return camera;
    return received;
  }

  /** Whether the camera's clock dates the pictures now (see wallClockOf); undefined before a sender report and a picture. */
  cameraClockTrusted(): boolean | undefined {
    const anchor = this.anchor;
    const camera = anchor ? this.sender.wallClockMs(anchor.timestamp) : undefined;
    if (!anchor || camera === undefined) return undefined;
    return Math.abs(camera - anchor.localMs) <= CAMERA_CLOCK_TOLERANCE_MS;
  }
}

function receiveClockOf(anchor: Arrival, timestamp: number): number {
  return anchor.localMs + ((((timestamp >>> 0) - (anchor.timestamp >>> 0)) | 0) * 1000) / 90_000;
}
