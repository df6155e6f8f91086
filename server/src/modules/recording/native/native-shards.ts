// Recorder shards (issue 12 item 6): the native engine's cameras spread over worker threads
// when one event loop is not enough. Each camera's NativeRecorder runs in one shard (the least
// loaded when it is made); here it is stood for by a ShardedNativeRecorder with the same surface
// (events, state, stats, start, stop, live pictures), so the fleet, the live hub and the bench
// do not know where it runs. What the role's thread does for a shard: index the closed
// segments (the database is here), forward its logs, and tell it which cameras are watched
// live (their pictures cross threads only then).
//
// A shard that dies (a bug, memory) is started again, with a growing delay in a crash loop,
// and its cameras with it: their recorders adopt the files the dead one left (the parts up to
// the last complete one, indexed as `recovered`, gap `recorder_crashed`), as after a kill -9
// of the whole process. Meanwhile their state is `reconnecting`.
import type { Worker } from 'node:worker_threads';
import { silentLog, TypedEvents, type ProcessLog } from '../../../platform/processes.ts';
import { startModuleWorker } from '../../../platform/workers.ts';
import type { RecorderEvents } from '../recorder.ts';
import type { RecorderState } from '../recording.types.ts';
import type { SegmentIndexer } from '../segment-indexer.ts';
import type { NativeLiveEvents, NativeRecorderStats } from './native-recorder.ts';
import type { FromShard, ShardRecorderOptions, ToShard } from './shard-protocol.ts';
import { shardWorkerUrl } from './shard-worker.ts';

/** The state detail while a dead shard's cameras wait for it to start again. */
export const SHARD_CRASHED_DETAIL = 'recorder_thread_crashed';
const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 30_000;
/** A shard that lived this long was healthy: the next crash restarts it after RESTART_MIN_MS again. */
const STABLE_AFTER_MS = 60_000;

/**
 * `auto` records in this thread below this many native cameras: one event loop carries 400
 * cameras at 50-75 % of a core (`./vigie bench record`), and a thread costs about 65 MiB more
 * (its own V8 heap and modules: at 400 cameras on 2 cores, 1.25 MiB per camera instead of 0.9).
 */
export const AUTO_SHARDS_FROM_CAMERAS = 600;
/** `auto` gives a thread about this many cameras, on at most all cores but one (the role's thread has the API, the index and the database). */
const AUTO_CAMERAS_PER_THREAD = 400;
const AUTO_MAX_THREADS = 16;

/** The threads `auto` chooses for this many native cameras on this many cores (0: this thread). */
export function recorderThreadsFor(cameras: number, cores: number): number {
  if (cameras < AUTO_SHARDS_FROM_CAMERAS || cores < 2) return 0;
  return Math.min(AUTO_MAX_THREADS, cores - 1, Math.ceil(cameras / AUTO_CAMERAS_PER_THREAD));
}

export interface NativeShardsOptions {
  /** Worker threads (at least 1); cameras are given to the least loaded. */
  threads: number;
  indexer: SegmentIndexer;
  log?: ProcessLog;
}

const noStats: NativeRecorderStats = {
  packets: 0,
  packetsLost: 0,
  accessUnits: 0,
  droppedPictures: 0,
  partsDroppedForDisk: 0,
  clockOffsetMs: undefined,
  cameraClockTrusted: false,
  transport: 'tcp',
  tcpFallback: null,
};

class Shard {
  worker: Worker | undefined;
  ready = false;
  readonly queue: ToShard[] = [];
  readonly recorders = new Map<number, ShardedNativeRecorder>();
  startedAt = 0;
  crashes = 0;
  /** Dead, waiting for its restart: what is sent meanwhile is dropped (the restart makes its recorders again). */
  down = false;
  restartTimer: NodeJS.Timeout | undefined;
  constructor(readonly index: number) {}
}

export class NativeShards {
  private readonly shards: Shard[];
  private readonly log: ProcessLog;
  private readonly calls = new Map<number, { shard: Shard; resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private nextCall = 1;
  private closing = false;

  constructor(private readonly options: NativeShardsOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 64) throw new Error(`recorder threads ${options.threads} outside 1-64`);
    this.log = options.log ?? silentLog;
    this.shards = Array.from({ length: options.threads }, (_, index) => new Shard(index));
  }

  get threads(): number {
    return this.shards.length;
  }

  /** Cameras per shard, for the health view and the bench. */
  get load(): number[] {
    return this.shards.map((shard) => shard.recorders.size);
  }

  /** A recorder for one camera, in the least loaded shard; it records once started. */
  create(options: ShardRecorderOptions): ShardedNativeRecorder {
    if (this.closing) throw new Error('recorder shards closed');
    const shard = this.shards.reduce((least, candidate) => (candidate.recorders.size < least.recorders.size ? candidate : least));
    const recorder = new ShardedNativeRecorder(this.nextId++, options, shard, this);
    shard.recorders.set(recorder.id, recorder);
    this.send(shard, { t: 'create', id: recorder.id, options });
    return recorder;
  }

  /** Stops the threads (their recorders should have been stopped: what is still recording is cut as by a crash). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.shards.map(async (shard) => {
        clearTimeout(shard.restartTimer);
        const worker = shard.worker;
        shard.worker = undefined;
        shard.recorders.clear();
        if (worker) await worker.terminate();
      }),
    );
    for (const call of this.calls.values()) call.resolve();
    this.calls.clear();
  }

  /** Tests: shard `index` dies as by a crash (its thread is terminated, not closed). */
  async killThread(index: number): Promise<void> {
    await this.shards[index]?.worker?.terminate();
  }

  /** @internal A request a recorder sends; resolves when the shard answers (or is gone: nothing is left to wait for). */
  request(shard: Shard, message: (call: number) => ToShard): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const call = this.nextCall++;
      if (shard.down || this.closing) return resolve(); // nothing runs there to wait for
      this.calls.set(call, { shard, resolve, reject });
      this.send(shard, message(call));
    });
  }

  /** @internal */
  send(shard: Shard, message: ToShard): void {
    if (this.closing || shard.down) return;
    if (!shard.worker) this.spawn(shard);
    if (shard.ready) shard.worker!.postMessage(message);
    else shard.queue.push(message);
  }

  /** @internal The recorder is stopped and forgotten. */
  release(recorder: ShardedNativeRecorder): void {
    recorder.shard.recorders.delete(recorder.id);
  }

  private spawn(shard: Shard): void {
    const worker = startModuleWorker(shardWorkerUrl, { vigieShard: shardWorkerUrl }, { name: `vigie-recorder-${shard.index}` });
    shard.worker = worker;
    shard.ready = false;
    shard.startedAt = Date.now();
    worker.on('message', (message: FromShard) => this.onMessage(shard, worker, message));
    worker.on('error', (error) => this.log.warn({ shard: shard.index, error: error.message }, 'recorder thread failed'));
    worker.on('exit', (code) => {
      if (shard.worker !== worker || this.closing) return;
      this.onCrash(shard, code);
    });
  }

  private onCrash(shard: Shard, code: number): void {
    shard.worker = undefined;
    shard.ready = false;
    shard.down = true;
    shard.queue.length = 0;
    for (const [number, call] of this.calls)
      if (call.shard === shard) {
        this.calls.delete(number);
        call.resolve(); // a start is made again with the shard, a stop has nothing left to stop
      }
    shard.crashes = Date.now() - shard.startedAt >= STABLE_AFTER_MS ? 1 : shard.crashes + 1;
    const delay = Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** (shard.crashes - 1));
    this.log.warn({ shard: shard.index, code, cameras: shard.recorders.size, restartInMs: delay }, 'recorder thread exited: its cameras start again with it');
    for (const recorder of shard.recorders.values()) recorder.shardLost();
    shard.restartTimer = setTimeout(() => {
      shard.down = false;
      if (this.closing || shard.recorders.size === 0) return;
      for (const recorder of shard.recorders.values()) recorder.shardRestarted();
    }, delay);
    shard.restartTimer.unref();
  }

  private onMessage(shard: Shard, worker: Worker, message: FromShard): void {
    if (shard.worker !== worker) return;
    switch (message.t) {
      case 'ready':
        shard.ready = true;
        for (const queued of shard.queue.splice(0)) worker.postMessage(queued);
        break;
      case 'done': {
        const call = this.calls.get(message.call);
        this.calls.delete(message.call);
        if (message.error !== undefined) call?.reject(new Error(message.error));
        else call?.resolve();
        break;
      }
      case 'index':
        this.options.indexer.index(message.segment).then(
          (segment) => shard.worker === worker && worker.postMessage({ t: 'indexed', call: message.call, segment: segment ?? null } satisfies ToShard),
          (error: unknown) =>
            shard.worker === worker &&
            worker.postMessage({
              t: 'indexed',
              call: message.call,
              segment: null,
              error: error instanceof Error ? error.message : String(error),
            } satisfies ToShard),
        );
        break;
      case 'stats':
        for (const [id, stats] of message.stats) shard.recorders.get(id)?.noteStats(stats);
        break;
      case 'log':
        this.log[message.level](message.fields, message.message);
        break;
      default:
        shard.recorders.get(message.id)?.onShardEvent(message);
    }
  }
}

type RecorderMessage = Extract<FromShard, { id: number }>;

/** One camera's NativeRecorder, running in a shard. */
export class ShardedNativeRecorder {
  readonly events = new TypedEvents<RecorderEvents>();
  readonly liveEvents = new TypedEvents<NativeLiveEvents>();
  private stateValue: RecorderState = 'stopped';
  private statsValue: NativeRecorderStats = noStats;
  private wanted = false;
  private watched = false;
  /** Stopped and forgotten by its shard: it cannot be started again. */
  private released = false;

  constructor(
    readonly id: number,
    private readonly options: ShardRecorderOptions,
    readonly shard: Shard,
    private readonly shards: NativeShards,
  ) {}

  get state(): RecorderState {
    return this.stateValue;
  }

  /** No child process: the camera is recorded in a thread of this one. */
  get pid(): number | undefined {
    return undefined;
  }

  /** The counters as the shard last sent them (every few seconds). */
  get stats(): NativeRecorderStats {
    return this.statsValue;
  }

  async start(): Promise<void> {
    if (this.released) throw new Error(`recorder of ${this.options.camera.id} stopped: the fleet makes a new one`);
    if (this.wanted) return;
    this.wanted = true;
    await this.shards.request(this.shard, (call) => ({ t: 'start', id: this.id, call }));
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.shards.request(this.shard, (call) => ({ t: 'stop', id: this.id, call }));
    this.released = true;
    this.shards.release(this);
    if (this.stateValue !== 'stopped') this.setState('stopped', 'stopped');
  }

  /** Resolves when every segment closed so far is written and indexed. */
  idle(): Promise<void> {
    return this.shards.request(this.shard, (call) => ({ t: 'idle', id: this.id, call }));
  }

  /** Someone watches it live (the hub's demand): its pictures cross threads only then. */
  watch(on: boolean): void {
    if (this.watched === on) return;
    this.watched = on;
    this.shards.send(this.shard, { t: 'watch', id: this.id, on });
  }

  /** @internal */
  noteStats(stats: NativeRecorderStats): void {
    this.statsValue = stats;
  }

  /** @internal Its shard died: it records again when the shard is back. */
  shardLost(): void {
    if (this.wanted) this.setState('reconnecting', SHARD_CRASHED_DETAIL);
  }

  /** @internal The shard is started again: the recorder is made again there, and started if it was. */
  shardRestarted(): void {
    this.shards.send(this.shard, { t: 'create', id: this.id, options: this.options });
    if (this.watched) this.shards.send(this.shard, { t: 'watch', id: this.id, on: true });
    if (this.wanted) void this.shards.request(this.shard, (call) => ({ t: 'start', id: this.id, call })).catch(() => undefined);
  }

  /** @internal */
  onShardEvent(message: RecorderMessage): void {
    switch (message.t) {
      case 'state':
        // The shard's recorder starts from `stopped` again after a restart: the change is told from what was last seen here.
        if (message.change.to !== this.stateValue) this.setState(message.change.to, message.change.detail, message.change.at);
        break;
      case 'segment':
        this.events.emit('segment', message.segment);
        break;
      case 'indexError':
        this.events.emit('indexError', message.error);
        break;
      case 'liveInit':
        this.liveEvents.emit('liveInit', { data: asBuffer(message.data), codecString: message.codecString, width: message.width, height: message.height });
        break;
      case 'liveFragment':
        this.liveEvents.emit('liveFragment', { chunks: [asBuffer(message.data)], keyframe: message.keyframe });
        break;
    }
  }

  private setState(to: RecorderState, detail?: string, at = new Date()): void {
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    const { id, communeInsee } = this.options.camera;
    this.events.emit('state', { cameraId: id, communeInsee, from, to, at, detail });
  }
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
