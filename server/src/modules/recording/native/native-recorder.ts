// The native recorder of ONE camera (issue 12): Vigie's own RTSP client and the H.264/H.265
// depacketizer (the camera's ingest, `RtspIngest`), and the fragmented-MP4 assembler, in this
// Node process; no ffmpeg, no ffprobe.
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
import type { AccessUnit } from '../../../platform/media/h26x/index.ts';
import { silentLog, TypedEvents, type BackoffPolicy, type ProcessLog } from '../../../platform/processes.ts';
import type { RtspClient, RtspClientOptions } from '../../../platform/rtsp/index.ts';
import { NO_MASKING, UNKNOWN_MASKING } from '../../masks/index.ts';
import type { RecorderCamera, RecorderEvents } from '../recorder.ts';
import type { RecorderState } from '../recording.types.ts';
import { recoverFragmentedFile, type SegmentIndexer, type SegmentToIndex } from '../segment-indexer.ts';
import { RtspIngest, type IngestRun, type IngestTransport, type TransportFallback } from './rtsp-ingest.ts';
import { MAX_PENDING_DISK_BYTES, SegmentFile } from './segment-file.ts';
import { CAMERA_CLOCK_TOLERANCE_MS, type StreamClock } from './stream-clock.ts';

/** Missing time above this between two segments is indexed as a gap (packet loss, a slow disk). */
export const NATIVE_GAP_TOLERANCE_MS = 250;
/** Parts of the archive hold at most this much media: what a crash can lose. */
export const PART_MS = 1000;

export interface NativeRecorderOptions {
  camera: RecorderCamera;
  volume: { name: string; root: string };
  indexer: SegmentIndexer;
  /** Segment length (default 60 s): a segment is cut at the first keyframe after it. */
  segmentSeconds?: number;
  /**
   * Gives each camera its own first segment length (default true), so that recorders started
   * together (a restart of the recorder) do not close and index all their segments in the same
   * second ever after; tests that count segment lengths turn it off.
   */
  spreadSegments?: boolean;
  /** RTP silence, and each RTSP request, give up after this long (default 10 s). */
  timeoutMs?: number;
  /** How the camera is received (rtsp-ingest.ts: `auto` falls back to TCP); default the camera's `rtspTransport`, else `tcp`. */
  transport?: IngestTransport;
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
  /** The RTSP transport of the session (or of the next attempt). */
  transport: 'tcp' | 'udp';
  /** Set when an `auto` camera left UDP for TCP (for the rest of the recorder's life). */
  tcpFallback: TransportFallback | null;
}

interface OpenFile {
  file: SegmentFile;
  name: string;
  startMs: number;
}

interface Run {
  tag: string;
  codec: 'h264' | 'h265';
  ingest: IngestRun;
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
  private readonly segmentMs: number;
  /** The camera's one connection (Vigie's RTSP client and depacketizer), shared in shape with the masked recorder. */
  private readonly ingest: RtspIngest;
  private run: Run | undefined;
  private runCounter = 0;
  private lastExitDetail: string;
  private queue: Promise<void> = Promise.resolve();
  /** Pictures the assembler or the disk bound dropped (the depacketizer's are the ingest's). */
  private readonly counters = { droppedPictures: 0, partsDroppedForDisk: 0 };

  constructor(private readonly options: NativeRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
    this.lastExitDetail = options.camera.gapReason ?? 'recorder_started';
    const { camera, volume } = options;
    this.incomingDir = join(volume.root, camera.communeInsee, camera.id, '.incoming');
    this.segmentMs = (options.segmentSeconds ?? 60) * 1000;
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
        runStarted: (ingestRun) => this.onRunStarted(ingestRun),
        accessUnit: (ingestRun, accessUnit) => this.onAccessUnit(ingestRun, accessUnit),
        loss: (ingestRun) => this.onLoss(ingestRun),
        runEnded: (ingestRun, detail) => this.onRunEnded(ingestRun, detail),
        retrying: (detail, failed) => {
          this.lastExitDetail = detail;
          this.setState(failed ? 'failed' : 'reconnecting', detail);
        },
        transportFallback: ({ reason, detail }) =>
          this.log.warn({ camera: camera.id, reason, detail }, 'RTSP over UDP does not work for this camera: TCP from now on'),
      },
    );
  }

  get state(): RecorderState {
    return this.stateValue;
  }

  /** No child process: the camera is recorded inside this one. */
  get pid(): number | undefined {
    return undefined;
  }

  get stats(): NativeRecorderStats {
    const { packets, packetsLost, accessUnits, droppedAccessUnits, transport, tcpFallback } = this.ingest.stats;
    const clockOffsetMs = this.ingest.clockOffsetMs;
    return {
      packets,
      packetsLost,
      accessUnits,
      droppedPictures: droppedAccessUnits + this.counters.droppedPictures,
      partsDroppedForDisk: this.counters.partsDroppedForDisk,
      clockOffsetMs,
      cameraClockTrusted: this.run?.clock.cameraClockTrusted() ?? (clockOffsetMs !== undefined && Math.abs(clockOffsetMs) <= CAMERA_CLOCK_TOLERANCE_MS),
      transport,
      tcpFallback,
    };
  }

  async start(): Promise<void> {
    if (this.stateValue !== 'stopped') return;
    await mkdir(this.incomingDir, { recursive: true });
    await this.adoptLeftovers();
    this.setState('starting');
    this.ingest.start();
  }

  async stop(): Promise<void> {
    await this.ingest.stop(); // the run in progress ends: its last picture and segment are written and indexed
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

  private onRunStarted(ingest: IngestRun): void {
    this.run = {
      tag: `n${this.clock.now().getTime().toString(36)}${(this.runCounter++).toString(36)}`,
      codec: ingest.codec,
      ingest,
      assembler: new SegmentAssembler({
        codec: ingest.codec,
        segmentMs: this.segmentMs,
        firstSegmentMs: this.options.spreadSegments === false ? undefined : firstSegmentMs(this.options.camera.id, this.segmentMs),
        maxPartMs: PART_MS,
        liveFragments: true,
      }),
      init: undefined,
      open: undefined,
      skipToKeyframe: false,
      clock: ingest.clock,
      segmentStartPending: true,
      hadPicture: false,
      nextGapReason: this.lastExitDetail,
      ended: false,
    };
  }

  private onLoss(ingest: IngestRun): void {
    const run = this.run;
    if (!run || run.ingest !== ingest || run.ended) return;
    this.handle(run, run.assembler.discontinuity());
    run.nextGapReason = 'packet_loss';
  }

  private onAccessUnit(ingest: IngestRun, accessUnit: AccessUnit): void {
    const run = this.run;
    if (!run || run.ingest !== ingest || run.ended) return;
    if (!run.hadPicture) {
      run.hadPicture = true;
      this.setState('recording');
    }
    // Pictures waiting for the next keyframe after a loss (the assembler's share of the drops).
    const dropped = run.assembler.stats.droppedBeforeKeyframe;
    this.handle(run, run.assembler.push(accessUnit));
    this.counters.droppedPictures += run.assembler.stats.droppedBeforeKeyframe - dropped;
    if (accessUnit.keyframe && run.segmentStartPending) {
      run.clock.markSegmentStart(accessUnit.timestamp);
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
      file.append([run.init]);
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
    run.open.file.append(part.chunks);
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

  /** The session ended (camera lost, or stop()): the run's last picture and segment are written and indexed. */
  private onRunEnded(ingest: IngestRun, detail: string): void {
    const run = this.run;
    if (!run || run.ingest !== ingest || run.ended) return;
    run.ended = true;
    this.handle(run, run.assembler.flush());
    if (run.open) this.closeSegment(run, { ...emptyStats(), frames: 0 });
    this.lastExitDetail = detail;
    this.run = undefined;
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

/**
 * The first segment's length for a camera: between 1 s and a whole segment, from a hash of its
 * id, so that closes spread evenly over the segment length whatever the start order.
 */
export function firstSegmentMs(cameraId: string, segmentMs: number): number {
  let hash = 2166136261;
  for (let index = 0; index < cameraId.length; index++) hash = Math.imul(hash ^ cameraId.charCodeAt(index), 16777619) >>> 0;
  // FNV-1a, then MurmurHash3's finaliser: ids that differ in one character land far apart.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
  hash = (hash ^ (hash >>> 16)) >>> 0;
  return Math.max(1000, Math.round((hash / 2 ** 32) * segmentMs));
}
