// A camera's sub-stream received by Vigie itself (issue 12 item 4): the recording module's
// `RtspIngest` (Vigie's RTSP client, H.264/H.265 depacketizer, reconnection with backoff) and,
// per picture, one fragment of fragmented MP4 (moof + mdat), after the init segment of the
// stream in force (ftyp + moov built from the SPS/PPS/VPS). One per live source: its viewers
// share it. The camera's credentials stay in this process: no child process ever gets them.
// - Unmasked and not transcoded, the bytes go straight to the viewers (the source is `direct`).
// - Masked or transcoded, they are the stdin of the source's one ffmpeg, which opens nothing.
// A subscriber gets the init segment and the pictures since the latest keyframe at once, then
// each picture, as soon as it is complete (no picture is held back for its duration). Every RTSP session starts a new init segment, decode times from 0 (as a new
// ffmpeg run did); a subscriber given `onNewInit` (a fed ffmpeg, which cannot take a second moov)
// is told instead, and gets nothing more: its source starts a new run, which subscribes again.
import { buildFragment, buildInitSegment, VIDEO_TIMESCALE } from '../../platform/media/fmp4-boxes.ts';
import type { StreamCredentials } from '../../platform/media/ffmpeg-args.ts';
import { parseH264Sps, parseH265Sps, samplePayload, type AccessUnit, type ParameterSets, type VideoCodec } from '../../platform/media/h26x/index.ts';
import { silentLog, type BackoffPolicy, type ProcessLog } from '../../platform/processes.ts';
import type { RtspClient, RtspClientOptions } from '../../platform/rtsp/index.ts';
import { RtspIngest, type IngestRun, type IngestTransport } from '../recording/index.ts';

/** A GOP larger than this is not cached (a subscriber then waits for the next keyframe). */
const MAX_SUB_STREAM_GOP_BYTES = 16 * 1024 * 1024;
/** A step between two pictures beyond this (or not forward) takes the previous one: 3 s. */
const MAX_STEP_TICKS = 3 * VIDEO_TIMESCALE;
/** Before two pictures were seen: 25 frames/s. */
const DEFAULT_STEP_TICKS = VIDEO_TIMESCALE / 25;

export interface SubStreamIngestOptions {
  /** Key of the live source, for the logs. */
  name: string;
  /** Sub-stream URL, without credentials. */
  rtspUrl: string;
  credentials?: StreamCredentials;
  /** RTP silence, and each RTSP request, give up after this long (then a reconnection). */
  timeoutMs?: number;
  /** The camera's RTSP transport (`auto`: UDP, then TCP for good when UDP does not work); default TCP. */
  transport?: IngestTransport;
  backoff?: BackoffPolicy;
  log?: ProcessLog;
  /** Tests: another RTSP client. */
  createClient?: (options: RtspClientOptions) => RtspClient;
}

interface Subscriber {
  write(bytes: Buffer): void;
  onNewInit: (() => void) | undefined;
  hadInit: boolean;
  /** Told of a new init segment: nothing more is written to it. */
  stale: boolean;
}

interface CurrentInit {
  data: Buffer;
  codec: VideoCodec;
  sets: ParameterSets;
}

export class SubStreamIngest {
  private readonly ingest: RtspIngest;
  private readonly subscribers = new Set<Subscriber>();
  private readonly log: ProcessLog;
  /** The RTSP session in progress, if any. */
  private run: IngestRun | undefined;
  private init: CurrentInit | undefined;
  /** The fragments since the latest keyframe, for a subscriber that comes. */
  private gop: Buffer[] = [];
  private gopBytes = 0;
  private caching = false;
  private last: { timestamp: number; decodeTime: number; duration: number } | undefined;
  private sequence = 0;
  private started = false;
  private closed = false;

  constructor(private readonly options: SubStreamIngestOptions) {
    this.log = options.log ?? silentLog;
    this.ingest = new RtspIngest(
      {
        rtspUrl: options.rtspUrl,
        credentials: options.credentials,
        timeoutMs: options.timeoutMs,
        transport: options.transport,
        backoff: options.backoff,
        createClient: options.createClient,
      },
      {
        runStarted: (run) => this.onRunStarted(run),
        accessUnit: (run, accessUnit) => this.onAccessUnit(run, accessUnit),
        loss: () => undefined, // the depacketizer drops up to the next keyframe; decode times keep the camera's steps
        runEnded: (run) => this.onRunEnded(run),
        retrying: (detail, failed) => this.log.info({ live: options.name, detail, failed }, 'sub-stream reconnecting'),
      },
    );
  }

  /** An RTSP session with the camera is up. */
  get connected(): boolean {
    return this.run !== undefined;
  }

  /** The init segment and cached GOP at once (when known), then each picture; the first subscriber connects to the camera. */
  subscribe(write: (bytes: Buffer) => void, onNewInit?: () => void): () => void {
    if (this.closed) return () => undefined;
    const subscriber: Subscriber = { write, onNewInit, hadInit: false, stale: false };
    if (this.init) {
      subscriber.hadInit = true;
      write(this.init.data);
      if (this.caching) for (const fragment of this.gop) write(fragment);
    }
    this.subscribers.add(subscriber);
    if (!this.started) {
      this.started = true;
      this.ingest.start();
    }
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  /** The camera connection closes, for good. */
  async stop(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    await this.ingest.stop();
  }

  private onRunStarted(run: IngestRun): void {
    this.run = run;
    this.reset();
  }

  private onRunEnded(run: IngestRun): void {
    if (this.run !== run) return;
    this.run = undefined;
    this.reset(); // what was cached is of a session that is over
  }

  private reset(): void {
    this.init = undefined;
    this.last = undefined;
    this.clearGop();
  }

  private clearGop(): void {
    this.gop = [];
    this.gopBytes = 0;
    this.caching = false;
  }

  private onAccessUnit(run: IngestRun, accessUnit: AccessUnit): void {
    if (run !== this.run || this.closed) return;
    const sets = accessUnit.keyframe ? accessUnit.parameterSets : undefined;
    if (sets && (!this.init || !sameSets(sets, this.init.sets))) this.publishInit(run.codec, sets);
    if (!this.init) return; // nothing is playable before the first keyframe with its parameter sets
    const fragment = this.fragmentOf(run.codec, accessUnit);
    if (accessUnit.keyframe) {
      this.clearGop();
      this.caching = true;
    }
    if (this.caching && this.gopBytes + fragment.length <= MAX_SUB_STREAM_GOP_BYTES) {
      this.gop.push(fragment);
      this.gopBytes += fragment.length;
    } else this.clearGop();
    for (const subscriber of [...this.subscribers]) if (subscriber.hadInit && !subscriber.stale) this.deliver(subscriber, fragment);
  }

  private publishInit(codec: VideoCodec, sets: ParameterSets): void {
    const { width, height } = codec === 'h264' ? parseH264Sps(sets.sps) : parseH265Sps(sets.sps);
    const data = buildInitSegment({ codec, sps: sets.sps, pps: sets.pps, vps: sets.vps, width, height, timescale: VIDEO_TIMESCALE });
    this.init = { data, codec, sets };
    this.clearGop();
    for (const subscriber of [...this.subscribers]) {
      if (subscriber.stale) continue;
      if (subscriber.hadInit && subscriber.onNewInit) {
        subscriber.stale = true;
        subscriber.onNewInit();
        continue;
      }
      subscriber.hadInit = true;
      this.deliver(subscriber, data);
    }
  }

  /**
   * moof + mdat of one picture, sent at once: its duration is the step from the previous picture
   * (the next one is not known yet), and its decode time the end of the previous fragment, so
   * that the timeline has no hole (a browser stalls at a gap between two fragments, even one of
   * a few milliseconds). Each picture is thus dated at most one step from its RTP timestamp.
   */
  private fragmentOf(codec: VideoCodec, accessUnit: AccessUnit): Buffer {
    const last = this.last;
    let duration = last?.duration ?? DEFAULT_STEP_TICKS;
    let decodeTime = 0;
    if (last) {
      const step = (accessUnit.timestamp - last.timestamp) | 0;
      // Backwards, still, or a jump of the camera's timestamps: the previous step.
      if (step > 0 && step <= MAX_STEP_TICKS) duration = step;
      decodeTime = last.decodeTime + last.duration;
    }
    this.last = { timestamp: accessUnit.timestamp, decodeTime, duration };
    return buildFragment({
      sequenceNumber: ++this.sequence,
      baseMediaDecodeTime: decodeTime,
      samples: [{ data: samplePayload(codec, accessUnit), duration, keyframe: accessUnit.keyframe }],
    });
  }

  private deliver(subscriber: Subscriber, bytes: Buffer): void {
    try {
      subscriber.write(bytes);
    } catch (error) {
      this.log.warn({ live: this.options.name, error: error instanceof Error ? error.message : String(error) }, 'sub-stream subscriber failed');
      this.subscribers.delete(subscriber);
    }
  }
}

function sameSets(a: ParameterSets, b: ParameterSets): boolean {
  return a.sps.equals(b.sps) && a.pps.equals(b.pps) && (a.vps === b.vps || (a.vps !== undefined && b.vps !== undefined && a.vps.equals(b.vps)));
}
