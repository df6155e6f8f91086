// A recorder shard (issue 12 item 6): a worker thread that runs the NativeRecorders of the
// cameras the role gave it, so that hundreds of cameras' RTSP, depacketizing, MP4 writing and
// hashing spread over the machine's cores instead of one event loop. What needs the database
// (indexing a closed segment) is asked of the role's thread; the files are written here.
// Live pictures cross to the role's thread only while someone watches the camera; the pictures
// since the last keyframe are kept here (by reference, as the live hub would) so that a new
// viewer starts on a picture at once.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ProcessLog } from '../../../platform/processes.ts';
import { MAX_GOP_CACHE_BYTES } from '../live-hub.ts';
import type { IndexedSegment } from '../recording.types.ts';
import type { SegmentIndexer, SegmentToIndex } from '../segment-indexer.ts';
import { NativeRecorder } from './native-recorder.ts';
import { type FromShard, STATS_INTERVAL_MS, type ToShard } from './shard-protocol.ts';

export const shardWorkerUrl = import.meta.url;

interface Hosted {
  recorder: NativeRecorder;
  watched: boolean;
  gop: Buffer[];
  gopBytes: number;
  caching: boolean;
}

/** One buffer of its own (transferable), holding the chunks back to back. */
function ownCopy(chunks: readonly Buffer[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const copy = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    copy.set(chunk, offset);
    offset += chunk.length;
  }
  return copy;
}

function serve(port: NonNullable<typeof parentPort>): void {
  const hosted = new Map<number, Hosted>();
  const pendingIndex = new Map<number, { resolve: (segment: IndexedSegment | undefined) => void; reject: (error: Error) => void }>();
  let calls = 0;
  const post = (message: FromShard, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
  const log: ProcessLog = {
    info: (fields, message) => post({ t: 'log', level: 'info', fields, message }),
    warn: (fields, message) => post({ t: 'log', level: 'warn', fields, message }),
  };
  const indexer = {
    index: (segment: SegmentToIndex) =>
      new Promise<IndexedSegment | undefined>((resolve, reject) => {
        const call = ++calls;
        pendingIndex.set(call, { resolve, reject });
        post({ t: 'index', call, segment });
      }),
  } as unknown as SegmentIndexer;
  const sendStats = () => post({ t: 'stats', stats: [...hosted].map(([id, entry]) => [id, entry.recorder.stats]) });
  const statsTimer = setInterval(sendStats, STATS_INTERVAL_MS);
  statsTimer.unref();

  // The init crossed when it was made (the hub keeps it); a new viewer needs the GOP.
  const sendGop = (id: number, entry: Hosted) => {
    if (entry.caching && entry.gop.length > 0) {
      const data = ownCopy(entry.gop);
      post({ t: 'liveFragment', id, data, keyframe: true }, [data.buffer as ArrayBuffer]);
    }
  };

  const create = (id: number, options: Extract<ToShard, { t: 'create' }>['options']) => {
    const recorder = new NativeRecorder({ ...options, indexer, log });
    const entry: Hosted = { recorder, watched: false, gop: [], gopBytes: 0, caching: false };
    hosted.set(id, entry);
    recorder.events.on('state', (change) => post({ t: 'state', id, change }));
    recorder.events.on('segment', (segment) => post({ t: 'segment', id, segment }));
    recorder.events.on('indexError', (error) => post({ t: 'indexError', id, error }));
    recorder.liveEvents.on('liveInit', (init) => {
      Object.assign(entry, { gop: [], gopBytes: 0, caching: false });
      post({ t: 'liveInit', id, ...init, data: ownCopy([init.data]) });
    });
    recorder.liveEvents.on('liveFragment', ({ chunks, keyframe }) => {
      if (keyframe) Object.assign(entry, { gop: [], gopBytes: 0, caching: true });
      let length = 0;
      for (const chunk of chunks) length += chunk.length;
      if (entry.caching && entry.gopBytes + length <= MAX_GOP_CACHE_BYTES) {
        entry.gop.push(...chunks);
        entry.gopBytes += length;
      } else if (entry.caching) Object.assign(entry, { gop: [], gopBytes: 0, caching: false });
      if (!entry.watched) return;
      const data = ownCopy(chunks);
      post({ t: 'liveFragment', id, data, keyframe }, [data.buffer as ArrayBuffer]);
    });
  };

  const answer = (call: number, work: Promise<void>) =>
    work.then(
      () => post({ t: 'done', call }),
      (error: unknown) => post({ t: 'done', call, error: error instanceof Error ? error.message : String(error) }),
    );

  port.on('message', (message: ToShard) => {
    switch (message.t) {
      case 'create':
        create(message.id, message.options);
        break;
      case 'start':
        answer(message.call, hosted.get(message.id)?.recorder.start() ?? Promise.resolve());
        break;
      case 'idle':
        answer(message.call, hosted.get(message.id)?.recorder.idle() ?? Promise.resolve());
        break;
      case 'stop': {
        const entry = hosted.get(message.id);
        answer(
          message.call,
          (entry?.recorder.stop() ?? Promise.resolve()).then(() => {
            sendStats();
            hosted.delete(message.id);
          }),
        );
        break;
      }
      case 'watch': {
        const entry = hosted.get(message.id);
        if (!entry || entry.watched === message.on) break;
        entry.watched = message.on;
        if (message.on) sendGop(message.id, entry);
        break;
      }
      case 'indexed': {
        const pending = pendingIndex.get(message.call);
        pendingIndex.delete(message.call);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message.segment ?? undefined);
        break;
      }
    }
  });
  post({ t: 'ready' });
}

const data = workerData as { vigieShard?: string } | null;
if (!isMainThread && parentPort && data?.vigieShard === shardWorkerUrl) serve(parentPort);
