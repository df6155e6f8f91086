// The native recorder of ONE camera (issue 12): Vigie's own RTSP client, the H.264/H.265
// depacketizer and the fragmented-MP4 assembler, in this Node process; no ffmpeg, no ffprobe.
// Parts of at most 1 s are appended to the segment file as they complete (a kill -9 loses at
// most the part in progress); a segment is cut on a keyframe, and indexed with the facts the
// writer counted (frames, duration, size, measured rate, SHA-256). Its start is the wall-clock
// time of its first picture: the camera's own clock through RTCP sender reports when that clock
// is right, the local receive clock otherwise. It has the same surface as the ffmpeg Recorder
// (events, state, start, stop, idle), plus the live fragments it hands to live viewers.
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../../platform/clock.ts';
import { parseSegmentFileName, SEGMENT_LIST_SUFFIX } from '../../../platform/media/ffmpeg-args.ts';
import { SegmentAssembler, type AssemblerOutput, type SegmentStats } from '../../../platform/media/fmp4-writer.ts';
import { Depacketizer, type DepacketizerEvent } from '../../../platform/media/h26x/index.ts';
import { backoffDelay, silentLog, TypedEvents, type BackoffPolicy, type ProcessLog } from '../../../platform/processes.ts';
import { RtspClient, type RtspClientOptions, type RtspClosedEvent, type RtpPacket } from '../../../platform/rtsp/index.ts';
import { NO_MASKING, UNKNOWN_MASKING } from '../../masks/index.ts';
import type { RecorderCamera, RecorderEvents } from '../recorder.ts';
import type { RecorderState } from '../recording.types.ts';
import { recoverFragmentedFile, type SegmentIndexer, type SegmentToIndex } from '../segment-indexer.ts';
import { MAX_PENDING_DISK_BYTES, SegmentFile } from './segment-file.ts';
import { CAMERA_CLOCK_TOLERANCE_MS, StreamClock } from './stream-clock.ts';

/** Missing time above this between two segments is indexed as a gap (packet loss, a slow disk). */
export const NATIVE_GAP_TOLERANCE_MS = 250;
/** Packets kept while the RTSP session starts (a 2-s GOP at 2 Mbit/s is about 400). */
const MAX_EARLY_PACKETS = 4096;
/** Parts of the archive hold at most this much media: what a crash can lose. */
export const PART_MS = 1000;

export interface NativeRecorderOptions {
  camera: RecorderCamera;
  volume: { name: string; root: string };
  indexer: SegmentIndexer;
  /** Segment length (default 60 s): a segment is cut at the first keyframe after it. */
  segmentSeconds?: number;
  /** RTP silence, and each RTSP request, give up after this long (default 10 s). */
  timeoutMs?: number;
  transport?: 'tcp' | 'udp';
  backoff?: BackoffPolicy;
  /** Consecutive runs without a single picture before the state is `failed` (default 5). */
  failAfterRuns?: number;
  clock?: Clock;
  log?: ProcessLog;
  /** Tests: another RTSP client. */
  createClient?: (options: RtspClientOptions) => RtspClient;
}

/** What the live module receives: the init segment of the stream in force, then one fragment per picture. */
export interface NativeLiveEvents {
  liveInit: { data: Buffer; codecString: string; width: number; height: number };
  /** moof + mdat header, then the picture's own buffer: joined only if someone watches. */
  liveFragment: { chunks: Buffer[]; keyframe: boolean };
}

export interface NativeRecorderStats {
  packets: number;
  packetsLost: number;
  accessUnits: number;
  /** Pictures dropped after a loss until the next keyframe, or while the disk was too slow. */
  droppedPictures: number;
  /** Parts not written because this camera's disk queue was over MAX_PENDING_DISK_BYTES. */
  partsDroppedForDisk: number;
  /** Camera clock minus ours (RTCP sender reports), for the health checks. */
  clockOffsetMs: number | undefined;
  /** Whether segment times come from the camera's clock (true) or from the receive clock. */
  cameraClockTrusted: boolean;
}

interface OpenFile {
  file: SegmentFile;
  name: string;
  startMs: number;
}

interface Run {
  tag: string;
  codec: 'h264' | 'h265';
  client: RtspClient;
  depacketizer: Depacketizer;
  assembler: SegmentAssembler;
  init: Buffer | undefined;
  open: OpenFile | undefined;
  /** Set after a part was dropped for the disk: nothing is written until a part starting on a keyframe. */
  skipToKeyframe: boolean;
  /** Dates the run's pictures. */
  clock: StreamClock;
  /** The next keyframe starts a segment (at the start of the run, after a segment boundary). */
  segmentStartPending: boolean;
  hadPicture: boolean;
  /** Why time is missing before the next segment of this run. */
  nextGapReason: string;
  ended: boolean;
}

export class NativeRecorder {
  readonly events = new TypedEvents<RecorderEvents>();
  /** The live stream (fragmented MP4), for the live hub: no ffmpeg between the camera and the viewers. */
  readonly liveEvents = new TypedEvents<NativeLiveEvents>();
  private stateValue: RecorderState = 'stopped';
  private readonly clock: Clock;
  private readonly log: ProcessLog;
  private readonly incomingDir: string;
  private run: Run | undefined;
  private runCounter = 0;
  private failures = 0;
  private runsWithoutData = 0;
  private lastExitDetail: string;
  private stopping = false;
  /** Bumped by stop(): a start() after it does not meet the previous connection. */
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly counters = { packets: 0, packetsLost: 0, accessUnits: 0, droppedPictures: 0, partsDroppedForDisk: 0 };
  private clockOffset: number | undefined;

  constructor(private readonly options: NativeRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
    this.lastExitDetail = options.camera.gapReason ?? 'recorder_started';
    const { camera, volume } = options;
    this.incomingDir = join(volume.root, camera.communeInsee, camera.id, '.incoming');
  }

  get state(): RecorderState {
    return this.stateValue;
  }

  /** No child process: the camera is recorded inside this one. */
  get pid(): number | undefined {
    return undefined;
  }

  get stats(): NativeRecorderStats {
    return {
      ...this.counters,
      clockOffsetMs: this.clockOffset,
      cameraClockTrusted: this.clockOffset !== undefined && Math.abs(this.clockOffset) <= CAMERA_CLOCK_TOLERANCE_MS,
    };
  }

  async start(): Promise<void> {
    if (this.stateValue !== 'stopped') return;
    this.stopping = false;
    await mkdir(this.incomingDir, { recursive: true });
    await this.adoptLeftovers();
    this.setState('starting');
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.generation++; // a connection still being set up is dropped when it answers
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const run = this.run;
    if (run) await run.client.stop().catch(() => undefined);
    if (run) this.endRun(run, 'recorder_stopped');
    await this.idle();
    this.setState('stopped', 'stopped');
  }

  /** Resolves when every segment closed so far is written and indexed (tests, shutdown). */
  idle(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  private setState(to: RecorderState, detail?: string): void {
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    const { id, communeInsee } = this.options.camera;
    this.events.emit('state', { cameraId: id, communeInsee, from, to, at: this.clock.now(), detail });
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    const generation = this.generation;
    const { camera } = this.options;
    const createClient = this.options.createClient ?? ((options) => new RtspClient(options));
    const client = createClient({
      url: camera.rtspUrl,
      credentials: camera.credentials,
      transport: this.options.transport ?? 'tcp',
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    const startedAt = Date.now();
    // PLAY is answered with the pictures since the camera's last keyframe, which can arrive before
    // start() resolves: they wait here (the client reuses its packet object: the fields are copied).
    let early: RtpPacket[] | undefined = [];
    let deliver: ((packet: Readonly<RtpPacket>) => void) | undefined;
    client.events.on('rtp', (packet) => {
      if (deliver) deliver(packet);
      else if (early && early.length < MAX_EARLY_PACKETS) early.push({ ...packet });
    });
    try {
      const session = await client.start();
      if (this.stopping || generation !== this.generation) {
        await client.stop();
        return;
      }
      const { track } = session;
      const sets = track.parameterSets;
      const run: Run = {
        tag: `n${this.clock.now().getTime().toString(36)}${(this.runCounter++).toString(36)}`,
        codec: track.codec,
        client,
        depacketizer: new Depacketizer({ codec: track.codec, parameterSets: { vps: sets.vps, sps: sets.sps?.[0], pps: sets.pps?.[0] } }),
        assembler: new SegmentAssembler({ codec: track.codec, segmentMs: (this.options.segmentSeconds ?? 60) * 1000, maxPartMs: PART_MS, liveFragments: true }),
        init: undefined,
        open: undefined,
        skipToKeyframe: false,
        clock: new StreamClock(client),
        segmentStartPending: true,
        hadPicture: false,
        nextGapReason: this.lastExitDetail,
        ended: false,
      };
      this.run = run;
      for (const packet of early) this.onPacket(run, packet);
      early = undefined;
      deliver = (packet) => this.onPacket(run, packet);
      client.events.on('senderReport', () => {
        this.clockOffset = client.clockOffsetMs();
      });
      client.events.on('closed', (closed) => this.onClosed(run, closed, startedAt));
    } catch (error) {
      await client.stop().catch(() => undefined);
      if (generation !== this.generation) return;
      const code = (error as { code?: string }).code ?? 'rtsp_error';
      this.onRunFailed(`stream_lost (${code})`, startedAt, false);
    }
  }

  private onPacket(run: Run, packet: Readonly<RtpPacket>): void {
    if (run.ended) return;
    this.counters.packets++;
    const dropped = run.depacketizer.stats.droppedAccessUnits + run.assembler.stats.droppedBeforeKeyframe;
    for (const event of run.depacketizer.push(packet)) this.onDepacketized(run, event);
    // Pictures damaged by a loss, or waiting for the next keyframe after it.
    this.counters.droppedPictures += run.depacketizer.stats.droppedAccessUnits + run.assembler.stats.droppedBeforeKeyframe - dropped;
  }

  private onDepacketized(run: Run, event: DepacketizerEvent): void {
    if (event.kind === 'loss') {
      this.counters.packetsLost += event.packetsLost;
      this.handle(run, run.assembler.discontinuity());
      run.nextGapReason = 'packet_loss';
      return;
    }
    this.counters.accessUnits++;
    run.clock.noteArrival(event.accessUnit.timestamp);
    if (!run.hadPicture) {
      run.hadPicture = true;
      this.runsWithoutData = 0;
      this.setState('recording');
    }
    this.handle(run, run.assembler.push(event.accessUnit));
    if (event.accessUnit.keyframe && run.segmentStartPending) {
      run.clock.markSegmentStart(event.accessUnit.timestamp);
      run.segmentStartPending = false;
    }
  }

  private handle(run: Run, outputs: readonly AssemblerOutput[]): void {
    for (const output of outputs) {
      switch (output.kind) {
        case 'init':
          run.init = output.data;
          this.liveEvents.emit('liveInit', { data: output.data, codecString: output.codecString, width: output.width, height: output.height });
          break;
        case 'part':
          this.writePart(run, output);
          break;
        case 'segmentBoundary':
          this.closeSegment(run, output.segment);
          break;
        case 'liveFragment':
          this.liveEvents.emit('liveFragment', { chunks: output.chunks, keyframe: output.keyframe });
          break;
      }
    }
  }

  private writePart(run: Run, part: Extract<AssemblerOutput, { kind: 'part' }>): void {
    if (run.skipToKeyframe && !part.keyframe) {
      this.counters.droppedPictures += part.frames;
      return;
    }
    if (!run.open) {
      if (!run.init) return;
      run.skipToKeyframe = false;
      const startMs = Math.round(run.clock.segmentStartOf(part.firstTimestamp));
      const name = `${run.tag}-${fileStamp(startMs)}.mp4`;
      const file = SegmentFile.create(join(this.incomingDir, name));
      file.append(run.init);
      run.open = { file, name, startMs };
    }
    if (run.open.file.pendingBytes > MAX_PENDING_DISK_BYTES) {
      // The disk does not keep up with this camera: its media waits in memory no longer. The hole is indexed as a gap.
      this.counters.partsDroppedForDisk++;
      this.counters.droppedPictures += part.frames;
      run.skipToKeyframe = true;
      run.nextGapReason = 'disk_too_slow';
      this.handle(run, run.assembler.discontinuity());
      return;
    }
    run.open.file.append(...part.chunks);
  }

  private closeSegment(run: Run, stats: SegmentStats): void {
    const open = run.open;
    run.open = undefined;
    run.segmentStartPending = true;
    if (!open) return;
    const gapReason = run.nextGapReason;
    run.nextGapReason = 'no_data';
    const durationMs = Math.round(stats.durationMs); // the index holds whole milliseconds
    // The start again, now that the segment is whole: sender reports (every few seconds) may have come since its first picture.
    const startMs = stats.frames > 0 ? Math.round(run.clock.segmentStartOf(stats.firstTimestamp)) : open.startMs;
    const { camera, volume } = this.options;
    const masking = camera.masking ?? NO_MASKING;
    this.enqueue(async () => {
      let written: { sha256: string; bytes: number };
      try {
        written = await open.file.close();
      } catch (error) {
        this.log.warn({ camera: camera.id, file: open.name, error: error instanceof Error ? error.message : String(error) }, 'segment not written');
        this.events.emit('indexError', { file: open.name, message: error instanceof Error ? error.message : String(error) });
        return;
      }
      const file = join(this.incomingDir, open.name);
      await this.indexAndEmit({
        cameraId: camera.id,
        communeInsee: camera.communeInsee,
        volume,
        file,
        startMs,
        durationMs,
        status: 'closed',
        gapReason,
        masking,
        // Times to the millisecond (not ffmpeg's second): a hole of a lost GOP (under a second) is a gap too.
        gapToleranceMs: NATIVE_GAP_TOLERANCE_MS,
        facts: {
          codec: run.codec === 'h265' ? 'hevc' : 'h264', // as ffprobe names them: the ffmpeg engine's rows say so
          width: stats.width,
          height: stats.height,
          frameCount: stats.frames,
          durationMs,
          measuredFps: stats.fps,
          ...written,
        },
      });
    });
  }

  private onClosed(run: Run, closed: RtspClosedEvent, startedAt: number): void {
    if (run.ended) return;
    const detail = closed.code === 'rtsp_timeout' ? 'stream_stalled' : `stream_lost (${closed.code})`;
    this.endRun(run, detail);
    if (this.stopping) return;
    this.onRunFailed(detail, startedAt, run.hadPicture);
  }

  /** The run's last picture and segment are written and indexed. */
  private endRun(run: Run, detail: string): void {
    if (run.ended) return;
    run.ended = true;
    this.handle(run, run.assembler.flush());
    if (run.open) this.closeSegment(run, { ...emptyStats(), frames: 0 });
    this.lastExitDetail = detail;
    if (this.run === run) this.run = undefined;
  }

  private onRunFailed(detail: string, startedAt: number, hadPicture: boolean): void {
    if (this.stopping) return;
    this.lastExitDetail = detail;
    const policy = this.options.backoff ?? { initialMs: 500, maxMs: 10_000, stableAfterMs: 30_000 };
    if (Date.now() - startedAt >= policy.stableAfterMs) this.failures = 0;
    this.failures++;
    if (!hadPicture) this.runsWithoutData++;
    this.setState(this.runsWithoutData >= (this.options.failAfterRuns ?? 5) ? 'failed' : 'reconnecting', detail);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.connect();
      },
      backoffDelay(this.failures, policy),
    );
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch((error: unknown) => {
      this.log.warn({ camera: this.options.camera.id, error: error instanceof Error ? error.message : String(error) }, 'recording index task failed');
    });
    this.queue = next;
    return next;
  }

  /** Indexes one file; a failure is logged and told (`indexError`), the next segments go on. */
  private async indexAndEmit(segment: SegmentToIndex): Promise<void> {
    try {
      const indexed = await this.options.indexer.index(segment);
      if (indexed) this.events.emit('segment', indexed);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn({ camera: segment.cameraId, file: segment.file, error: message }, 'segment not indexed');
      this.events.emit('indexError', { file: segment.file, message });
    }
  }

  /** Files a killed process left (its parts up to the last complete one are kept), indexed as recovered. */
  private async adoptLeftovers(): Promise<void> {
    const all = await readdir(this.incomingDir).catch(() => [] as string[]);
    // What an ffmpeg run left too (the camera's engine was switched): its files are fragmented MP4 as well.
    for (const name of all.filter((entry) => entry.endsWith(SEGMENT_LIST_SUFFIX) || entry.endsWith('.input.ffconcat')))
      await unlink(join(this.incomingDir, name)).catch(() => undefined);
    const names = all.filter((name) => parseSegmentFileName(name)).sort();
    if (names.length === 0) return;
    this.lastExitDetail = 'recorder_crashed';
    const { camera, volume } = this.options;
    for (const name of names) {
      const file = join(this.incomingDir, name);
      await this.enqueue(async () => {
        if (!(await recoverFragmentedFile(file).catch(() => false))) {
          this.log.warn({ file }, 'unrecoverable segment (no complete part) removed');
          await unlink(file).catch(() => undefined);
          return;
        }
        await this.indexAndEmit({
          cameraId: camera.id,
          communeInsee: camera.communeInsee,
          volume,
          file,
          startMs: parseSegmentFileName(name)!.openedAtMs,
          status: 'recovered',
          gapReason: 'recorder_crashed',
          // What a crashed process burnt in is not known (LEGAL 4): playback masks it with every mask.
          masking: UNKNOWN_MASKING,
        });
      });
    }
  }
}

function emptyStats(): SegmentStats {
  return { frames: 0, durationTicks: 0, durationMs: 0, width: 0, height: 0, fps: 0, firstTimestamp: 0, bytes: 0, parts: 0 };
}

/** File-name stamp to the millisecond: `20261203T081502.123Z` (parseSegmentFileName reads it back). */
export function fileStamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19).replace(/[-:]/g, '')}.${iso.slice(20, 23)}Z`;
}
