// One live source: a supervised ffmpeg writing fragmented MP4 for one (camera, stream,
// transcode), shared by all its viewers. Its stdout is cut into an init segment and one
// fragment per picture; the fragments since the last keyframe are kept (GopCache) so that a
// viewer joining gets init + that GOP at once. The main stream is fed from the recorder's
// live copy (no camera connection of its own); a sub-stream source is fed by its own
// `SubStreamIngest` (Vigie's RTSP client: the camera connection is this process's, never
// ffmpeg's). A `direct` run has no ffmpeg: the fed fragmented MP4 goes to the viewers as it is.
// Each new run starts a new init segment: viewers get it again (timestamps restart).
import { FragmentedMp4Reader, type InitSegment, type MediaFragment } from '../../platform/media/fmp4.ts';
import { isStartupNotice } from '../../platform/media/ffmpeg-log.ts';
import { FFMPEG_PATH, silentLog, SupervisedProcess, type BackoffPolicy, type ProcessLog, type Spawner } from '../../platform/processes.ts';
import { TS_PACKET, tsPacketInfo } from '../recording/index.ts';
import { GopCache } from './gop-cache.ts';

export type LiveStream = 'main' | 'sub';

/** Whatever receives a source's media: a WebSocket viewer, the HLS window. */
export interface LiveSink {
  onInit(init: InitSegment): void;
  onFragment(fragment: MediaFragment): void;
}

export interface LiveSourceInput {
  /** ffmpeg's arguments, rebuilt at every run (the mask image may change). */
  args(): readonly string[];
  /** For sources fed through stdin (the recorder's live copy, the sub-stream ingest): starts feeding, returns how to stop. */
  feed?(write: (packets: Buffer) => void): () => void;
  /** This source has a connection to the camera of its own (a sub-stream). */
  readonly cameraConnection: boolean;
  /** Whether that connection is up now (default: while the source runs). */
  cameraConnected?(): boolean;
  /** Releases what the input holds (the sub-stream's camera connection) once the source stops for good. */
  close?(): Promise<void>;
  /**
   * The fed bytes are already the fragmented MP4 to serve (the native engine's live copy, a
   * sub-stream neither masked nor transcoded): no ffmpeg runs, they go straight to the viewers.
   * Read at each run's start: a sub-stream's mask added or removed switches it.
   */
  readonly direct?: boolean;
  /** What is fed on stdin (default the ffmpeg engine's MPEG-TS). */
  readonly inputFormat?: 'mpegts' | 'mp4';
}

export interface LiveSourceOptions {
  key: string;
  cameraId: string;
  stream: LiveStream;
  /** This source re-encodes the picture (mask burn-in on a sub-stream, or H.265 -> H.264). */
  reencodes: boolean;
  /** Whether the H.265 -> H.264 transcode was asked for. */
  transcodeToH264: boolean;
  input: LiveSourceInput;
  /** No stdout for this long: ffmpeg is killed and restarted (default 10 s). */
  stallTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** MPEG-TS waiting in ffmpeg's stdin beyond this is dropped up to the next keyframe (default 8 MiB). */
  maxStdinBufferedBytes?: number;
  spawner?: Spawner;
  ffmpegPath?: string;
  log?: ProcessLog;
}

/** Offset of the first TS packet flagged as a random access point (a keyframe), or -1. */
export function firstRandomAccessOffset(packets: Buffer): number {
  for (let offset = 0; offset + TS_PACKET <= packets.length; offset += TS_PACKET) {
    if (packets[offset] === 0x47 && tsPacketInfo(packets, offset).randomAccess) return offset;
  }
  return -1;
}

export class LiveSource {
  readonly key: string;
  readonly cameraId: string;
  readonly stream: LiveStream;
  /** Changes when a sub-stream's mask is added or removed. */
  reencodes: boolean;
  readonly transcodeToH264: boolean;
  private readonly process: SupervisedProcess;
  private readonly sinks = new Set<LiveSink>();
  private readonly cache = new GopCache();
  private reader = new FragmentedMp4Reader();
  private initSegment: InitSegment | null = null;
  private stopFeed: (() => void) | undefined;
  private resyncing = false;
  private retired = false;
  /** The run in progress is direct (no ffmpeg); set at its start. */
  private directRun = false;
  private readonly log: ProcessLog;
  /** Counters for status and benchmarks. */
  fragmentsOut = 0;
  runs = 0;

  constructor(private readonly options: LiveSourceOptions) {
    this.key = options.key;
    this.cameraId = options.cameraId;
    this.stream = options.stream;
    this.reencodes = options.reencodes;
    this.transcodeToH264 = options.transcodeToH264;
    this.log = options.log ?? silentLog;
    this.process = new SupervisedProcess({
      name: `live ${options.key}`,
      command: options.ffmpegPath ?? FFMPEG_PATH,
      buildArgs: () => options.input.args(),
      activity: 'stdout',
      stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
      backoff: options.backoff ?? { initialMs: 500, maxMs: 10_000, stableAfterMs: 30_000 },
      // A fed ffmpeg reads media on stdin: EOF ends it (blocked in read(), it would not see SIGTERM);
      // a pulling one takes `q`. Then SIGTERM, then SIGKILL.
      ...(options.input.feed ? { quitByClosingStdin: true } : { quitCommand: 'q' }),
      quitGraceMs: 1000,
      termGraceMs: 2000,
      spawner: options.spawner,
      log: this.log,
    });
    this.process.events.on('spawned', () => this.onRunStart());
    this.process.events.on('stdout', (chunk) => this.onStdout(chunk));
    this.process.events.on('exited', () => this.detachFeed());
    this.process.events.on('stderrLine', (line) => {
      if (!isStartupNotice(line)) this.log.info({ live: options.key, ffmpeg: line }, 'ffmpeg');
    });
  }

  get cameraConnection(): boolean {
    return this.options.input.cameraConnection;
  }

  /** The source's own camera connection is up now (false for a source that has none). */
  get cameraConnected(): boolean {
    if (!this.options.input.cameraConnection || this.retired) return false;
    return this.options.input.cameraConnected?.() ?? this.running;
  }

  get init(): InitSegment | null {
    return this.initSegment;
  }

  get cachedFragments(): readonly MediaFragment[] {
    return this.cache.fragments;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** ffmpeg is running now (not in backoff, not stopped); a direct run: it is fed. */
  get running(): boolean {
    if (this.directRun) return this.stopFeed !== undefined;
    return this.process.currentState === 'running';
  }

  get viewerCount(): number {
    return this.sinks.size;
  }

  start(): void {
    if (this.retired) return;
    this.directRun = this.options.input.direct === true;
    if (this.directRun) this.onRunStart();
    else this.process.start();
  }

  /** For good: a stopped source never runs again (its registry entry is gone). */
  async stop(): Promise<void> {
    this.retired = true;
    await this.process.stop(); // nothing to do for a direct run
    this.detachFeed();
    await this.options.input.close?.();
  }

  /** A fresh run now (the recorder's stream restarted, the mask changed), backoff forgotten; nothing once stopped. */
  async restart(): Promise<void> {
    if (this.retired) return;
    await this.process.stop();
    this.detachFeed();
    this.start();
  }

  /** The init segment and the cached GOP at once (when known), then every new fragment. */
  subscribe(sink: LiveSink): () => void {
    if (this.initSegment) {
      this.deliver(sink, (target) => target.onInit(this.initSegment!));
      for (const fragment of this.cache.fragments) this.deliver(sink, (target) => target.onFragment(fragment));
    }
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  private deliver(sink: LiveSink, action: (sink: LiveSink) => void): void {
    try {
      action(sink);
    } catch (error) {
      this.log.warn({ live: this.key, error: error instanceof Error ? error.message : String(error) }, 'live viewer failed');
      this.sinks.delete(sink);
    }
  }

  private onRunStart(): void {
    this.runs += 1;
    this.detachFeed();
    this.reader = new FragmentedMp4Reader();
    this.initSegment = null;
    this.cache.clear();
    this.resyncing = false;
    this.stopFeed = this.options.input.feed?.((packets) => this.feed(packets));
  }

  private detachFeed(): void {
    this.stopFeed?.();
    this.stopFeed = undefined;
  }

  private feed(packets: Buffer): void {
    if (this.directRun) {
      this.onStdout(packets);
      return;
    }
    if (this.options.input.inputFormat === 'mp4') {
      // Boxes cannot be dropped half-way: an ffmpeg that does not keep up starts over from the hub's init and GOP.
      if (this.process.stdinBufferedBytes() > (this.options.maxStdinBufferedBytes ?? 8 * 1024 * 1024)) void this.restart();
      else this.process.writeStdin(packets);
      return;
    }
    if (this.process.stdinBufferedBytes() > (this.options.maxStdinBufferedBytes ?? 8 * 1024 * 1024)) {
      this.resyncing = true; // ffmpeg does not keep up: drop, and resume on a keyframe
      return;
    }
    let data = packets;
    if (this.resyncing) {
      const start = firstRandomAccessOffset(packets);
      if (start < 0) return;
      data = packets.subarray(start);
      this.resyncing = false;
    }
    this.process.writeStdin(data);
  }

  private onStdout(chunk: Buffer): void {
    let events: ReturnType<typeof this.reader.push>;
    try {
      events = this.reader.push(chunk);
    } catch (error) {
      this.log.warn({ live: this.key, error: error instanceof Error ? error.message : String(error) }, 'unreadable live output, restarting');
      void this.restart();
      return;
    }
    for (const event of events) {
      if (event.kind === 'init') {
        this.initSegment = event.init;
        this.cache.clear();
        for (const sink of [...this.sinks]) this.deliver(sink, (target) => target.onInit(event.init));
      } else {
        this.fragmentsOut += 1;
        this.cache.add(event.fragment);
        for (const sink of [...this.sinks]) this.deliver(sink, (target) => target.onFragment(event.fragment));
      }
    }
  }
}
