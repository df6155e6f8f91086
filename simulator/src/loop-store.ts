// Pre-encoded picture loops: encoded once by ffmpeg (bounded worker pool), cached on disk
// under the data directory keyed by every parameter that changes the picture, loaded in
// memory only while a stream is served, and released a while after its last viewer left.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gopFrames, loopEncodeArgs, pictureGraph, type LoopSpec, type PtzView } from './ffmpeg-args.ts';
import { findParameterSets, parseAccessUnits, type ParameterSets, type VideoCodec } from './h26x.ts';
import { runFfmpeg } from './processes.ts';
import { prepareFrame, type PreparedFrame } from './rtp.ts';

/** Bump when the encode arguments change in a way the key does not capture. */
const CACHE_VERSION = 3;
const FONT_CANDIDATES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'];

export type LoopRequest = Omit<LoopSpec, 'labelFile' | 'fontFile'> & { label: string };

export interface EncodedLoop {
  key: string;
  codec: VideoCodec;
  width: number;
  height: number;
  fps: number;
  gopFrames: number;
  frames: PreparedFrame[];
  parameterSets: ParameterSets;
  bytes: number;
}

interface Resident {
  loop: EncodedLoop;
  users: number;
  releaseTimer?: NodeJS.Timeout;
}

export function loopKey(request: LoopRequest): string {
  return createHash('sha256')
    .update(JSON.stringify({ CACHE_VERSION, ...request }))
    .digest('hex')
    .slice(0, 20);
}

export class LoopStore {
  private readonly queue: Array<() => void> = [];
  private activeEncodes = 0;
  private readonly encoding = new Map<string, Promise<string>>();
  private readonly resident = new Map<string, Resident>();
  private readonly loading = new Map<string, Promise<EncodedLoop>>();
  private readonly fontFile = FONT_CANDIDATES.find((path) => existsSync(path));

  constructor(
    private readonly cacheDir: string,
    private readonly concurrency = 2,
    private readonly idleReleaseMs = 30_000,
  ) {
    mkdirSync(cacheDir, { recursive: true });
  }

  /** The full spec of a live picture (its burnt-in label file written beside the loops). */
  liveSpec(request: LoopRequest, live: PtzView): LoopSpec {
    const { label, ...spec } = request;
    const labelFile = join(this.cacheDir, `label-${createHash('sha256').update(label).digest('hex').slice(0, 16)}.txt`);
    if (!existsSync(labelFile)) writeAtomically(labelFile, label.replace(/%/g, '%%'));
    return { ...spec, labelFile, fontFile: this.fontFile, live };
  }

  /** Makes sure the loop exists on disk (encoding it if needed); returns its file. */
  ensureEncoded(request: LoopRequest): Promise<string> {
    const key = loopKey(request);
    const file = join(this.cacheDir, `${key}.${request.codec === 'h264' ? 'h264' : 'hevc'}`);
    if (existsSync(file)) return Promise.resolve(file);
    const existing = this.encoding.get(key);
    if (existing) return existing;
    const promise = this.withWorker(async () => {
      const labelFile = join(this.cacheDir, `${key}.txt`);
      writeAtomically(labelFile, request.label.replace(/%/g, '%%')); // drawtext expands %{...} in text files
      const partial = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.partial`; // concurrent simulators may share the cache
      const { label: _label, ...spec } = request;
      try {
        await runFfmpeg(loopEncodeArgs({ ...spec, labelFile, fontFile: this.fontFile }, partial), { timeoutMs: 600_000 });
        renameSync(partial, file);
      } finally {
        rmSync(partial, { force: true });
      }
      return file;
    }).finally(() => this.encoding.delete(key));
    this.encoding.set(key, promise);
    return promise;
  }

  private withWorker<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        this.activeEncodes += 1;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.activeEncodes -= 1;
            this.queue.shift()?.();
          });
      };
      if (this.activeEncodes < this.concurrency) run();
      else this.queue.push(run);
    });
  }

  /** Loads the loop in memory (encoding first if needed); pair with release(). */
  async acquire(request: LoopRequest): Promise<EncodedLoop> {
    const key = loopKey(request);
    const present = this.resident.get(key);
    if (present) {
      present.users += 1;
      clearTimeout(present.releaseTimer);
      return present.loop;
    }
    let loading = this.loading.get(key);
    if (!loading) {
      loading = this.ensureEncoded(request)
        .then((file) => readLoop(key, request, file))
        .finally(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    const loop = await loading;
    const entry = this.resident.get(key) ?? { loop, users: 0 };
    entry.users += 1;
    clearTimeout(entry.releaseTimer);
    this.resident.set(key, entry);
    return entry.loop;
  }

  release(loop: EncodedLoop): void {
    const entry = this.resident.get(loop.key);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    entry.releaseTimer = setTimeout(() => {
      if (entry.users <= 0) this.resident.delete(loop.key);
    }, this.idleReleaseMs);
    entry.releaseTimer.unref();
  }

  residentBytes(): number {
    let total = 0;
    for (const entry of this.resident.values()) total += entry.loop.bytes;
    return total;
  }

  clear(): void {
    for (const entry of this.resident.values()) clearTimeout(entry.releaseTimer);
    this.resident.clear();
  }
}

function readLoop(key: string, request: LoopRequest, file: string): EncodedLoop {
  const stream = readFileSync(file);
  const units = parseAccessUnits(request.codec, stream);
  if (units.length === 0 || !units[0]!.keyframe) throw new Error(`loop ${file} does not start with a keyframe`);
  const { width, height, fps } = pictureGraph({ ...request, labelFile: '' });
  const frames = units.map((unit) => prepareFrame(request.codec, unit));
  return {
    key,
    codec: request.codec,
    width,
    height,
    fps,
    gopFrames: gopFrames(fps, request.gopSeconds),
    frames,
    parameterSets: copyParameterSets(findParameterSets(request.codec, units.slice(0, 1))),
    bytes: frames.reduce((sum, frame) => sum + frame.data.length, 0),
  };
}

/** Another simulator sharing the cache may be reading the file: replace it whole, never truncate it. */
function writeAtomically(path: string, content: string): void {
  const partial = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, path);
}

/** Copies so that the file buffer the units were cut from can be freed. */
function copyParameterSets(sets: ParameterSets): ParameterSets {
  return { sps: Buffer.from(sets.sps), pps: Buffer.from(sets.pps), ...(sets.vps ? { vps: Buffer.from(sets.vps) } : {}) };
}
