// The recorder of ONE masked camera of the native engine (issue 12, LEGAL 4): the camera's only
// connection is Vigie's own ingest (`RtspIngest`: RTSP client and depacketizer), whose pictures
// are written as fragmented MP4 (an init segment, then one moof + mdat per picture) to the stdin
// of ONE ffmpeg, the masked `Recorder` with piped input, which burns the mask in and writes the
// segments and the live MPEG-TS copy exactly as when it pulls the camera itself. ffmpeg thus
// never connects to the camera and never sees its credentials, on its command line or anywhere.
//
// - Decode times are the camera's (RTP timestamp steps within a session): a hole of up to
//   PIPE_HOLE_MS stays a longer picture, as when ffmpeg pulls the camera; a longer hole (a long
//   loss, pictures dropped for a slow ffmpeg) ends the ffmpeg run, so that its segment closes at its last picture and the index
//   records the gap with its reason, and the next run starts at the keyframe after the hole.
// - A new init segment (codec, SPS/PPS/VPS: a new resolution) also ends the run: the next
//   segment starts with it.
// - Every ffmpeg run, a restart after a crash included, gets the init segment and then the
//   pictures since the latest keyframe (what is cached of them: at most MAX_GOP_CACHE_BYTES).
// - Back-pressure: above MAX_PIPE_BUFFERED_BYTES written to stdin and not yet read, pictures are
//   dropped up to the next keyframe (counted); that hole ends the run if it is longer than
//   PIPE_HOLE_MS (gap `encoder_too_slow`).
// - A session that ends (camera lost) ends the ffmpeg run at once, and ffmpeg is started again
//   with the first keyframe of the next session (no ffmpeg idling on an offline camera). Even a
//   quick reconnect does so: the time it lost would otherwise be counted as recorded inside the
//   segment, and the camera answers PLAY with pictures since its last keyframe, some of which
//   may already have been fed (nothing tells them apart before its sender reports).
import { systemClock, type Clock } from '../../../platform/clock.ts';
import { buildInitSegment, fragmentChunks } from '../../../platform/media/fmp4-boxes.ts';
import { parseH264Sps, parseH265Sps, samplePayload, type AccessUnit, type ParameterSets, type VideoCodec } from '../../../platform/media/h26x/index.ts';
import { TypedEvents } from '../../../platform/processes.ts';
import type { RtspClient, RtspClientOptions } from '../../../platform/rtsp/index.ts';
import { MAX_GOP_CACHE_BYTES } from '../live-hub.ts';
import { Recorder, type RecorderEvents, type RecorderOptions } from '../recorder.ts';
import type { RecorderState } from '../recording.types.ts';
import { NATIVE_GAP_TOLERANCE_MS } from './native-recorder.ts';
import { RtspIngest, type IngestRun, type IngestTransport, type TransportFallback } from './rtsp-ingest.ts';

/** Bytes written to ffmpeg's stdin and not read yet beyond which pictures are dropped up to the next keyframe. */
export const MAX_PIPE_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A hole between two pictures longer than this (the ffmpeg engine's gap tolerance) ends the ffmpeg run: the index records it. */
export const PIPE_HOLE_MS = 1000;
/** The video timescale of the fragments (the RTP clock). */
const TICKS_PER_MS = 90;

export interface PipedRecorderOptions extends Omit<RecorderOptions, 'pipedInput' | 'socketTimeoutSeconds'> {
  /** RTP silence, and each RTSP request, give up after this long (default 10 s). */
  timeoutMs?: number;
  /** How the camera is received (rtsp-ingest.ts: `auto` falls back to TCP); default the camera's `rtspTransport`, else `tcp`. */
  transport?: IngestTransport;
  /** Tests: another RTSP client. */
  createClient?: (options: RtspClientOptions) => RtspClient;
}

export interface PipedRecorderStats {
  /** Pictures written to ffmpeg's stdin. */
  picturesFed: number;
  /** Pictures dropped: for a slow ffmpeg (back-pressure), or not fed before a newer keyframe while no ffmpeg ran. */
  droppedPictures: number;
  /** Of which for back-pressure. */
  droppedForPipe: number;
  /** ffmpeg runs ended by a hole or a new init segment. */
  runsEnded: number;
  /** The RTSP transport of the session (or of the next attempt). */
  transport: 'tcp' | 'udp';
  /** Set when an `auto` camera left UDP for TCP (for the rest of the recorder's life). */
  tcpFallback: TransportFallback | null;
}

interface Fed {
  wallMs: number;
  timestamp: number;
  ingest: IngestRun;
  decodeTime: number;
  stepTicks: number;
}

export class PipedRecorder {
  readonly events = new TypedEvents<RecorderEvents>();
  private readonly counters = { picturesFed: 0, droppedPictures: 0, droppedForPipe: 0, runsEnded: 0 };
  private readonly recorder: Recorder;
  private readonly ingest: RtspIngest;
  private readonly clock: Clock;
  private stateValue: RecorderState = 'stopped';
  private ingestState: 'starting' | 'receiving' | 'reconnecting' | 'failed' = 'starting';
  private stopped = true;
  private init: { data: Buffer; codec: VideoCodec; sets: ParameterSets } | undefined;
  /** The fragments since the latest keyframe, for an ffmpeg run that starts. */
  private gop: Buffer[][] = [];
  private gopBytes = 0;
  private gopCaching = false;
  /** The ingest run and RTP timestamp of the keyframe the cache starts with. */
  private gopStart: { run: IngestRun; timestamp: number } | undefined;
  /** The run being fed has had its init segment: fragments may follow. */
  private feeding = false;
  private last: Fed | undefined;
  private sequence = 0;
  /** Set after a drop or a hole: nothing is fed until a keyframe. */
  private waitKeyframe = true;
  /** The wait for a keyframe comes from a stdin that did not drain. */
  private skippingForPipe = false;
  /** Why pictures may be missing before the next one (the gap reason if the hole ends the run). */
  private holeReason = 'no_data';
  /** Pictures cached and not written to any ffmpeg yet: lost if a newer keyframe replaces them. */
  private unfed = 0;
  private ending: Promise<void> | undefined;

  constructor(private readonly options: PipedRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    const { camera } = options;
    // Run starts are dated to the millisecond (noteRunStart), as the native engine's: a hole over 250 ms is a gap.
    this.recorder = new Recorder({ ...options, pipedInput: true, gapToleranceMs: NATIVE_GAP_TOLERANCE_MS });
    this.recorder.events.on('segment', (segment) => this.events.emit('segment', segment));
    this.recorder.events.on('live', (chunk) => this.events.emit('live', chunk));
    this.recorder.events.on('indexError', (error) => this.events.emit('indexError', error));
    this.recorder.events.on('state', ({ detail }) => this.updateState(detail));
    this.recorder.events.on('inputOpened', () => this.feedRun());
    this.recorder.events.on('inputClosed', () => {
      this.feeding = false;
    });
    this.ingest = new RtspIngest(
      {
        rtspUrl: camera.rtspUrl,
        credentials: camera.credentials,
        timeoutMs: options.timeoutMs,
        transport: options.transport ?? camera.rtspTransport,
        backoff: options.backoff,
        failAfterRuns: options.failAfterRuns,
        createClient: options.createClient,
      },
      {
        runStarted: () => undefined,
        accessUnit: (run, accessUnit) => this.onAccessUnit(run, accessUnit),
        loss: () => {
          this.holeReason = 'packet_loss';
        },
        runEnded: (_run, detail) => this.onSessionEnded(detail),
        retrying: (detail, failed) => {
          this.ingestState = failed ? 'failed' : 'reconnecting';
          this.updateState(detail);
        },
        transportFallback: ({ reason, detail }) =>
          options.log?.warn({ camera: camera.id, reason, detail }, 'RTSP over UDP does not work for this camera: TCP from now on'),
      },
    );
  }

  get stats(): PipedRecorderStats {
    const { transport, tcpFallback } = this.ingest.stats;
    return { ...this.counters, transport, tcpFallback };
  }

  get state(): RecorderState {
    return this.stateValue;
  }

  /** The ffmpeg that burns the mask in (it opens no camera connection). */
  get pid(): number | undefined {
    return this.recorder.pid;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.ingestState = 'starting';
    this.waitKeyframe = true;
    await this.recorder.start();
    this.updateState();
    this.ingest.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.ingest.stop();
    await this.ending;
    await this.recorder.stop(); // stdin closed: ffmpeg's last segment is closed and indexed
    this.updateState('stopped');
  }

  idle(): Promise<void> {
    return this.recorder.idle();
  }

  private updateState(detail?: string): void {
    let to: RecorderState = this.recorder.state;
    if (this.stopped) to = 'stopped';
    else if (this.ingestState === 'failed') to = 'failed';
    else if (this.ingestState === 'reconnecting') to = 'reconnecting';
    else if (this.ingestState === 'starting' && to !== 'failed') to = 'starting';
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    const { id, communeInsee } = this.options.camera;
    this.events.emit('state', { cameraId: id, communeInsee, from, to, at: this.clock.now(), detail });
  }

  private onAccessUnit(run: IngestRun, accessUnit: AccessUnit): void {
    if (this.stopped) return;
    if (this.ingestState !== 'receiving') {
      this.ingestState = 'receiving';
      this.updateState();
    }
    const wallMs = run.clock.wallClockOf(accessUnit.timestamp);
    const last = this.last;
    const expectedMs = last ? last.stepTicks / TICKS_PER_MS : 0;
    if (last && wallMs - last.wallMs - expectedMs > PIPE_HOLE_MS) this.endRun(this.holeReason);
    const sets = accessUnit.keyframe ? accessUnit.parameterSets : undefined;
    if (sets && (!this.init || this.init.codec !== run.codec || !sameSets(sets, this.init.sets))) {
      if (this.init) this.endRun('stream_changed');
      this.init = { data: initSegmentOf(run.codec, sets), codec: run.codec, sets };
    }
    if (this.waitKeyframe && !(accessUnit.keyframe && sets)) {
      this.counters.droppedPictures++;
      if (this.skippingForPipe) this.counters.droppedForPipe++;
      return;
    }
    if (this.feeding && this.recorder.inputBufferedBytes() > MAX_PIPE_BUFFERED_BYTES) {
      // ffmpeg does not keep up: its input waits in memory no longer; the hole ends the run if it is long.
      this.counters.droppedPictures++;
      this.counters.droppedForPipe++;
      this.waitKeyframe = true;
      this.skippingForPipe = true;
      this.clearCache(); // what it holds was fed; a GOP with a hole could not start another run
      this.holeReason = 'encoder_too_slow';
      return;
    }
    this.waitKeyframe = false;
    this.skippingForPipe = false;
    this.holeReason = 'no_data';
    const chunks = this.fragmentOf(run, accessUnit, wallMs);
    if (accessUnit.keyframe) {
      this.clearCache();
      this.gopCaching = true;
      this.gopStart = { run, timestamp: accessUnit.timestamp };
    }
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    const cached = this.gopCaching && this.gopBytes + bytes <= MAX_GOP_CACHE_BYTES;
    if (cached) {
      this.gop.push(chunks);
      this.gopBytes += bytes;
    } else this.gopCaching = false;
    if (this.feeding) {
      if (this.recorder.writeInput(chunks)) this.counters.picturesFed++;
      return;
    }
    if (cached) this.unfed++;
    else this.counters.droppedPictures++;
    if (this.recorder.inputOpen) this.feedRun();
    else if (!this.ending && this.recorder.runIdle && this.gopCaching) this.recorder.startRun(); // inputOpened feeds it at once
  }

  /** moof + mdat of one picture, its decode time the camera's own (see the header). */
  private fragmentOf(run: IngestRun, accessUnit: AccessUnit, wallMs: number): Buffer[] {
    const last = this.last;
    let stepTicks = last?.stepTicks ?? 3600;
    let decodeTime = 0;
    if (last) {
      const maxTicks = (PIPE_HOLE_MS + last.stepTicks / TICKS_PER_MS) * TICKS_PER_MS;
      const step = last.ingest === run ? (accessUnit.timestamp - last.timestamp) | 0 : Math.round((wallMs - last.wallMs) * TICKS_PER_MS);
      // Backwards, still, or a jump of the timestamps that the wall clock does not see: the previous step.
      if (step > 0 && step <= maxTicks) stepTicks = step;
      decodeTime = last.decodeTime + stepTicks;
    }
    this.last = { wallMs, timestamp: accessUnit.timestamp, ingest: run, decodeTime, stepTicks };
    return fragmentChunks({
      sequenceNumber: ++this.sequence,
      baseMediaDecodeTime: decodeTime,
      samples: [{ data: samplePayload(run.codec, accessUnit), duration: stepTicks, keyframe: accessUnit.keyframe }],
    });
  }

  /** A new ffmpeg run: the init segment, then the pictures since the latest keyframe (else from the next keyframe on). */
  private feedRun(): void {
    if (this.feeding || !this.init || !this.gopCaching || this.gop.length === 0) return;
    this.feeding = this.recorder.writeInput([this.init.data]);
    for (const fragment of this.gop) if (this.feeding && this.recorder.writeInput(fragment)) this.counters.picturesFed++;
    this.unfed = 0;
    const start = this.gopStart;
    if (this.feeding && start) {
      // Dated when its first segment is indexed: the sender reports that came since may date it better (as the native engine does).
      start.run.clock.markSegmentStart(start.timestamp);
      this.recorder.noteRunStart(() => start.run.clock.segmentStartOf(start.timestamp));
    }
  }

  private clearCache(): void {
    this.counters.droppedPictures += this.unfed;
    this.unfed = 0;
    this.gop = [];
    this.gopBytes = 0;
    this.gopCaching = false;
  }

  /** The ffmpeg run in progress ends (its segment closed at its last picture); the next keyframe fed starts another. */
  private endRun(detail: string): void {
    this.waitKeyframe = true;
    if (this.ending || this.recorder.runIdle) return;
    if (this.feeding) this.clearCache(); // fed to this run: the next one starts at the keyframe after the hole
    this.feeding = false;
    this.counters.runsEnded++;
    this.ending = this.recorder.endRun(detail).finally(() => {
      this.ending = undefined;
      if (!this.stopped && this.gopCaching && this.gop.length > 0) this.recorder.startRun();
    });
  }

  private onSessionEnded(detail: string): void {
    if (this.stopped) return;
    this.holeReason = detail;
    this.clearCache(); // what it had was fed (or is lost with the session)
    this.endRun(detail);
  }
}

function initSegmentOf(codec: VideoCodec, sets: ParameterSets): Buffer {
  const { width, height } = codec === 'h264' ? parseH264Sps(sets.sps) : parseH265Sps(sets.sps);
  return buildInitSegment({ codec, sps: sets.sps, pps: sets.pps, vps: sets.vps, width, height, timescale: 90_000 });
}

function sameSets(a: ParameterSets, b: ParameterSets): boolean {
  return a.sps.equals(b.sps) && a.pps.equals(b.pps) && (a.vps === b.vps || (a.vps !== undefined && b.vps !== undefined && a.vps.equals(b.vps)));
}
