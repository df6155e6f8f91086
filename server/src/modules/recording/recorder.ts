// The recorder of ONE camera: a supervised ffmpeg pulling the camera once (archive segments +
// live TS on stdout), a watcher of ffmpeg's segment lists that hands each closed file to the
// indexer in order, crash recovery of files left in the incoming folder, and the camera's
// recording state as typed events (health and alarms subscribe to them).
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { systemClock, type Clock } from '../../platform/clock.ts';
import {
  parseSegmentFileName,
  parseSegmentList,
  RECORDING_ENV,
  recordingCommand,
  SEGMENT_LIST_SUFFIX,
  segmentListPath,
  type PrivateInputFile,
  type RecordingMask,
  type StreamCredentials,
} from '../../platform/media/ffmpeg-args.ts';
import { isStartupNotice } from '../../platform/media/ffmpeg-log.ts';
import {
  FFMPEG_PATH,
  silentLog,
  SupervisedProcess,
  TypedEvents,
  type BackoffPolicy,
  type ProcessLog,
  type Spawner,
  type SupervisedEvents,
} from '../../platform/processes.ts';
import { NO_MASKING, UNKNOWN_MASKING, type RecorderMasking } from '../masks/index.ts';
import { segmentStartMs } from './recorded-ranges.ts';
import type { IndexedSegment, RecorderState, RecorderStateChange, StorageVolume } from './recording.types.ts';
import { recoverFragmentedFile, type SegmentIndexer } from './segment-indexer.ts';

export interface RecorderCamera {
  id: string;
  communeInsee: string;
  /** Main stream URL without credentials. */
  rtspUrl: string;
  credentials?: StreamCredentials;
  /** What records it: Vigie's own RTSP client and MP4 writer (`native`) or one ffmpeg (`ffmpeg`, the fallback). Absent: `native`. */
  engine?: 'native' | 'ffmpeg';
  /** How its RTSP stream is received: `tcp` (interleaved), `udp`, or `auto` (UDP, TCP if UDP does not work). Absent: `tcp`. */
  rtspTransport?: 'tcp' | 'udp' | 'auto';
  /** Privacy mask burnt in before both outputs (LEGAL 4): the PNG the fleet wrote for this camera. */
  mask?: RecordingMask;
  /** The masking written on every segment of its runs: what `mask` burns in and the mask revisions it accounts for (default: no mask). */
  masking?: RecorderMasking;
  /** Why time is missing before its first segment, for the gap row (default `recorder_started`; `mask_changed` when restarted for a new mask). */
  gapReason?: string;
}

export interface RecorderOptions {
  camera: RecorderCamera;
  volume: StorageVolume;
  indexer: SegmentIndexer;
  /** Segment length (default 60 s). */
  segmentSeconds?: number;
  /** ffmpeg's own socket timeout (default 10 s). */
  socketTimeoutSeconds?: number;
  /** Our no-data timer on the live bytes (default 15 s). */
  stallTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** Consecutive runs without a single byte of video before the state is `failed` (default 5). */
  failAfterRuns?: number;
  /** How often ffmpeg's segment list is read (default 1 s). */
  pollIntervalMs?: number;
  clock?: Clock;
  log?: ProcessLog;
  spawner?: Spawner;
  ffmpegPath?: string;
  /**
   * ffmpeg reads the camera as fragmented MP4 on stdin instead of opening it (the masked camera of
   * the native engine, fed by `PipedRecorder`): runs start only through `startRun`, the feeder
   * writes with `writeInput`, and a run ends when its stdin is closed.
   */
  pipedInput?: boolean;
  /** Missing time above this between two segments is indexed as a gap (default the indexer's, 1 s: ffmpeg's file names carry the second). */
  gapToleranceMs?: number;
}

export interface RecorderEvents {
  state: RecorderStateChange;
  segment: IndexedSegment;
  /** MPEG-TS bytes of the live copy, for the live module's fan-out. */
  live: Buffer;
  indexError: { file: string; message: string };
  /** Piped input: an ffmpeg run started and waits for the init segment on its stdin. */
  inputOpened: { run: number };
  /** Piped input: that run has exited (nothing more can be written to it). */
  inputClosed: { run: number };
}

interface RunBook {
  runTag: string;
  ended: boolean;
  handled: Set<string>;
  lastEndMs?: number;
  /** Why time may be missing before this run's first segment. */
  gapReason: string;
  /** What the run burnt in; unknown for runs left by an earlier process. */
  masking: RecorderMasking;
  /** Piped input: the wall-clock time of the first picture fed to the run (asked when its first segment is indexed). */
  firstPictureMs?: () => number;
}

export const INCOMING_FOLDER = '.incoming';

export class Recorder {
  readonly events = new TypedEvents<RecorderEvents>();
  private stateValue: RecorderState = 'stopped';
  private readonly process: SupervisedProcess;
  private readonly runs = new Map<string, RunBook>();
  private readonly incomingDir: string;
  private readonly clock: Clock;
  private readonly log: ProcessLog;
  private queue: Promise<void> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | undefined;
  private runCounter = 0;
  private runsWithoutData = 0;
  private lastExitDetail: string;
  /** The credentials file of the run being started (never on the command line). */
  private runPrivateFile: PrivateInputFile | undefined;
  /** Piped input: why the run that `endRun` stops ends (the gap reason of the next run). */
  private endingDetail: string | undefined;
  /** The run started last (its book). */
  private latestRun: RunBook | undefined;

  constructor(private readonly options: RecorderOptions) {
    const { camera, volume } = options;
    this.lastExitDetail = camera.gapReason ?? 'recorder_started';
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
    this.incomingDir = join(volume.root, camera.communeInsee, camera.id, INCOMING_FOLDER);
    this.process = new SupervisedProcess({
      name: `recorder ${camera.communeInsee}/${camera.id}`,
      command: options.ffmpegPath ?? FFMPEG_PATH,
      buildArgs: () => this.nextRunArgs(),
      privateFile: () => this.runPrivateFile,
      env: RECORDING_ENV, // on top of the inherited environment
      activity: 'stdout',
      stallTimeoutMs: options.stallTimeoutMs ?? 15_000,
      backoff: options.backoff,
      // A piped ffmpeg reads media on stdin: EOF ends it cleanly (segments closed, listed). Otherwise `q`.
      ...(options.pipedInput ? { quitByClosingStdin: true } : { quitCommand: 'q' }),
      spawner: options.spawner,
      log: this.log,
    });
    this.process.events.on('stdout', (chunk) => this.events.emit('live', chunk));
    this.process.events.on('active', () => {
      this.runsWithoutData = 0;
      this.setState('recording');
    });
    this.process.events.on('exited', (exit) => {
      if (options.pipedInput) this.events.emit('inputClosed', { run: exit.run });
      this.onRunExit(exit);
    });
    if (options.pipedInput) this.process.events.on('spawned', ({ run }) => this.events.emit('inputOpened', { run }));
    this.process.events.on('stderrLine', (line) => {
      if (!isStartupNotice(line)) this.log.info({ camera: camera.id, ffmpeg: line }, 'ffmpeg');
    });
  }

  get state(): RecorderState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Recovers what a previous crash left, then starts ffmpeg (piped input: at `startRun`) and the segment-list watcher. */
  async start(): Promise<void> {
    if (this.stateValue !== 'stopped') return;
    await mkdir(this.incomingDir, { recursive: true });
    await this.adoptLeftovers();
    this.setState('starting');
    if (!this.options.pipedInput) this.process.start();
    this.pollTimer = setInterval(() => this.enqueue(() => this.pollRuns()), this.options.pollIntervalMs ?? 1000);
  }

  /** Stops ffmpeg gracefully (its last segment is closed and indexed), then the watcher. */
  async stop(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    await this.process.stop();
    await this.enqueue(() => this.sweepEndedRuns());
    this.setState('stopped', 'stopped');
  }

  /** Resolves when every segment seen so far is indexed (tests, shutdown). */
  idle(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  /** Piped input: starts an ffmpeg run unless one runs or waits for its restart (`inputOpened` follows at once). */
  startRun(): void {
    if (this.options.pipedInput && this.pollTimer) this.process.start();
  }

  /** Piped input: whether an ffmpeg run is running now (its stdin takes media). */
  get inputOpen(): boolean {
    return this.process.currentState === 'running';
  }

  /** Piped input: whether no run is running nor scheduled (after `endRun`, or before the first `startRun`). */
  get runIdle(): boolean {
    const state = this.process.currentState;
    return state === 'idle' || state === 'stopped';
  }

  /**
   * Piped input: ends the run in progress by closing its stdin (its last segment is closed,
   * listed and indexed); `detail` is the reason of the time missing before the next run.
   */
  async endRun(detail: string): Promise<void> {
    this.endingDetail = detail;
    await this.process.stop();
    this.endingDetail = undefined;
  }

  /**
   * Piped input: the run just started gets its first picture, whose wall-clock time the feeder
   * knows (to the millisecond, from the camera's clock or the receive clock): its first segment
   * starts then, rather than at the second of ffmpeg's file name.
   */
  noteRunStart(firstPictureMs: () => number): void {
    if (this.latestRun && !this.latestRun.ended) this.latestRun.firstPictureMs ??= firstPictureMs;
  }

  /** Piped input: writes media to the running ffmpeg's stdin; false when none runs. */
  writeInput(chunks: readonly Buffer[]): boolean {
    for (const chunk of chunks) if (!this.process.writeStdin(chunk)) return false;
    return true;
  }

  /** Piped input: bytes written to stdin that ffmpeg has not read yet (Node's buffer; the kernel's pipe holds 64 KiB more). */
  inputBufferedBytes(): number {
    return this.process.stdinBufferedBytes();
  }

  private setState(to: RecorderState, detail?: string): void {
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    const { id, communeInsee } = this.options.camera;
    this.events.emit('state', { cameraId: id, communeInsee, from, to, at: this.clock.now(), detail });
  }

  private nextRunArgs(): readonly string[] {
    const runTag = `r${this.clock.now().getTime().toString(36)}${(this.runCounter++).toString(36)}`;
    const { camera } = this.options;
    this.latestRun = { runTag, ended: false, handled: new Set(), gapReason: this.lastExitDetail, masking: camera.masking ?? NO_MASKING };
    this.runs.set(runTag, this.latestRun);
    const command = recordingCommand({
      rtspUrl: camera.rtspUrl,
      credentials: camera.credentials,
      segmentSeconds: this.options.segmentSeconds ?? 60,
      incomingDir: this.incomingDir,
      runTag,
      socketTimeoutSeconds: this.options.socketTimeoutSeconds ?? 10,
      mask: camera.mask,
      pipedInput: this.options.pipedInput,
      rtspTransport: camera.rtspTransport,
    });
    this.runPrivateFile = command.privateFile;
    return command.args;
  }

  private onRunExit(exit: SupervisedEvents['exited']): void {
    for (const run of this.runs.values()) run.ended = true; // one run at a time: the one that ended
    const detail =
      exit.reason === 'stalled'
        ? 'stream_stalled'
        : exit.reason === 'stopped'
          ? (this.endingDetail ?? 'recorder_stopped')
          : `stream_lost (code ${exit.code ?? exit.signal})`;
    this.lastExitDetail = detail;
    this.enqueue(() => this.sweepEndedRuns());
    if (exit.reason === 'stopped') return;
    if (!exit.hadActivity) this.runsWithoutData += 1;
    const failAfter = this.options.failAfterRuns ?? 5;
    this.setState(this.runsWithoutData >= failAfter ? 'failed' : 'reconnecting', detail);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch((error: unknown) => {
      this.log.warn({ camera: this.options.camera.id, error: error instanceof Error ? error.message : String(error) }, 'recording index task failed');
    });
    this.queue = next;
    return next;
  }

  private async pollRuns(): Promise<void> {
    for (const run of this.runs.values()) if (!run.ended) await this.indexListed(run);
  }

  private async indexListed(run: RunBook): Promise<void> {
    const text = await readFile(segmentListPath(this.incomingDir, run.runTag), 'utf8').catch(() => '');
    for (const entry of parseSegmentList(text)) {
      const name = basename(entry.file);
      if (run.handled.has(name)) continue;
      run.handled.add(name);
      const opened = parseSegmentFileName(name);
      if (!opened) continue;
      const durationMs = Math.round((entry.endSeconds - entry.startSeconds) * 1000);
      await this.indexOne(run, name, this.startOf(run, opened.openedAtMs), durationMs, 'closed');
    }
  }

  /** After a run ended: its listed segments, then any file it left unlisted (killed mid-write). */
  private async sweepEndedRuns(): Promise<void> {
    const names = await readdir(this.incomingDir).catch(() => [] as string[]);
    for (const run of [...this.runs.values()].filter((candidate) => candidate.ended)) {
      await this.indexListed(run);
      const leftovers = names.filter((name) => name.startsWith(`${run.runTag}-`) && !run.handled.has(name)).sort();
      for (const name of leftovers) {
        run.handled.add(name);
        const opened = parseSegmentFileName(name);
        if (!opened) continue;
        const file = join(this.incomingDir, name);
        if (!(await recoverFragmentedFile(file).catch(() => false))) {
          this.log.warn({ file }, 'unrecoverable segment (no complete fragment) removed');
          await unlink(file).catch(() => undefined);
          continue;
        }
        await this.indexOne(run, name, this.startOf(run, opened.openedAtMs), undefined, 'recovered');
      }
      await unlink(segmentListPath(this.incomingDir, run.runTag)).catch(() => undefined);
      this.runs.delete(run.runTag);
    }
  }

  /** A run's first segment starts at its first picture when the feeder told it, else at its file name's second; the next ones follow. */
  private startOf(run: RunBook, openedAtMs: number): number {
    if (run.lastEndMs === undefined && run.firstPictureMs) return Math.round(run.firstPictureMs());
    return segmentStartMs(openedAtMs, run.lastEndMs);
  }

  private async indexOne(run: RunBook, name: string, startMs: number, durationMs: number | undefined, status: 'closed' | 'recovered'): Promise<void> {
    const { camera, volume, indexer } = this.options;
    const file = join(this.incomingDir, name);
    try {
      const indexed = await indexer.index({
        cameraId: camera.id,
        communeInsee: camera.communeInsee,
        volume,
        file,
        startMs,
        durationMs,
        status,
        gapReason: run.lastEndMs === undefined ? run.gapReason : 'no_data',
        masking: run.masking,
        gapToleranceMs: this.options.gapToleranceMs,
      });
      if (!indexed) return;
      run.lastEndMs = indexed.endMs;
      this.events.emit('segment', indexed);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn({ camera: camera.id, file, error: message }, 'segment not indexed');
      this.events.emit('indexError', { file, message });
    }
  }

  /** Runs found in the incoming folder at start: a previous process died; index what they left. */
  private async adoptLeftovers(): Promise<void> {
    const names = await readdir(this.incomingDir).catch(() => [] as string[]);
    const tags = new Set<string>();
    for (const name of names) {
      if (name.endsWith(SEGMENT_LIST_SUFFIX)) tags.add(name.slice(0, -SEGMENT_LIST_SUFFIX.length));
      const parsed = parseSegmentFileName(name);
      if (parsed) tags.add(parsed.runTag);
    }
    // What a crashed process burnt in is not known: its files account for no mask (playback masks them with every one).
    for (const runTag of [...tags].sort())
      this.runs.set(runTag, { runTag, ended: true, handled: new Set(), gapReason: 'recorder_crashed', masking: UNKNOWN_MASKING });
    // A clean stop leaves nothing behind: leftovers mean the time until this start was lost to a crash.
    if (tags.size > 0) this.lastExitDetail = 'recorder_crashed';
    if (tags.size > 0) await this.enqueue(() => this.sweepEndedRuns());
  }
}
