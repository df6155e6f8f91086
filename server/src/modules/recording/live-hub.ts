// Live fan-out: the recorder's single camera connection feeds every viewer (issue 4 item 1).
// Each recorder's MPEG-TS copy is cut into whole 188-byte packets and published to the
// camera's subscribers; the hub also keeps the packets since the last keyframe (random access
// indicator), preceded by the latest PAT and PMT, so that a new viewer starts on a picture at
// once instead of waiting for the next keyframe. Viewers beyond the first cost no camera
// connection, only a copy of the bytes in memory.
// A camera recorded by the native engine (issue 12) publishes fragmented MP4 instead: its init
// segment, then one moof + mdat per picture; a new viewer gets the init and the fragments since
// the last keyframe, as one buffer, then each fragment. `formatOf` says which a camera speaks.

export const TS_PACKET = 188;
/** A GOP larger than this is not cached (a viewer then waits for the next keyframe). */
export const MAX_GOP_CACHE_BYTES = 16 * 1024 * 1024;

export type LiveListener = (packets: Buffer) => void;

/** What a camera's live bytes are: the ffmpeg engine's MPEG-TS, or the native engine's fragmented MP4. */
export type LiveFormat = 'mpegts' | 'mp4';

interface CameraFeed {
  format: LiveFormat;
  /** The native engine's init segment in force (mp4 only). */
  init: Buffer | null;
  pending: Buffer;
  pat: Buffer | null;
  pmt: Buffer | null;
  pmtPid: number | null;
  gop: Buffer[];
  gopBytes: number;
  caching: boolean;
  listeners: Set<LiveListener>;
  /** Set for a camera recorded in another thread (a recorder shard): told when the first viewer comes and the last leaves. */
  demand: ((watched: boolean) => void) | undefined;
  /** Stills waiting for a GOP (snapshot): they count as watching. */
  waiters: Set<(gop: Buffer | null) => void>;
}

/** PID, payload-unit-start, and whether the adaptation field flags a random access point. */
export function tsPacketInfo(packet: Buffer, offset = 0): { pid: number; unitStart: boolean; randomAccess: boolean } {
  const pid = ((packet[offset + 1]! & 0x1f) << 8) | packet[offset + 2]!;
  const unitStart = (packet[offset + 1]! & 0x40) !== 0;
  const adaptation = (packet[offset + 3]! >> 4) & 0x3;
  const randomAccess = (adaptation & 0x2) !== 0 && packet[offset + 4]! > 0 && (packet[offset + 5]! & 0x40) !== 0;
  return { pid, unitStart, randomAccess };
}

/** The PMT PID of the first program of a PAT packet, or null. */
export function pmtPidOfPat(packet: Buffer): number | null {
  const adaptation = (packet[3]! >> 4) & 0x3;
  let index = 4 + (adaptation & 0x2 ? 1 + packet[4]! : 0);
  index += 1 + packet[index]!; // pointer field
  if (packet[index] !== 0x00) return null; // table id of a PAT
  const sectionLength = ((packet[index + 1]! & 0x0f) << 8) | packet[index + 2]!;
  const end = Math.min(index + 3 + sectionLength - 4, TS_PACKET);
  for (let entry = index + 8; entry + 4 <= end; entry += 4) {
    const program = (packet[entry]! << 8) | packet[entry + 1]!;
    if (program !== 0) return ((packet[entry + 2]! & 0x1f) << 8) | packet[entry + 3]!;
  }
  return null;
}

export class LiveHub {
  private readonly feeds = new Map<string, CameraFeed>();

  private feed(cameraId: string): CameraFeed {
    let feed = this.feeds.get(cameraId);
    if (!feed) {
      feed = {
        format: 'mpegts',
        init: null,
        pending: Buffer.alloc(0),
        pat: null,
        pmt: null,
        pmtPid: null,
        gop: [],
        gopBytes: 0,
        caching: false,
        listeners: new Set(),
        demand: undefined,
        waiters: new Set(),
      };
      this.feeds.set(cameraId, feed);
    }
    return feed;
  }

  /** Set when the camera's recorder is made: a viewer may come before its first picture. */
  declareFormat(cameraId: string, format: LiveFormat): void {
    const feed = this.feed(cameraId);
    if (feed.format !== format) Object.assign(feed, { format, init: null, pending: Buffer.alloc(0), gop: [], gopBytes: 0, caching: false });
  }

  formatOf(cameraId: string): LiveFormat {
    return this.feeds.get(cameraId)?.format ?? 'mpegts';
  }

  /** The native engine's init segment (at its start, and when the stream's parameters change). */
  publishInit(cameraId: string, init: Buffer): void {
    const feed = this.feed(cameraId);
    Object.assign(feed, { format: 'mp4', init, pending: Buffer.alloc(0), gop: [], gopBytes: 0, caching: false });
    for (const listener of feed.listeners) listener(init);
  }

  /**
   * One picture of the native engine, as chunks (moof + mdat header, then the picture's buffer,
   * shared with the archive's part): kept by reference for the GOP cache, joined into one
   * buffer only when a viewer listens.
   */
  publishFragment(cameraId: string, chunks: Buffer[], keyframe: boolean): void {
    const feed = this.feed(cameraId);
    if (feed.format !== 'mp4' || !feed.init) return;
    if (keyframe) Object.assign(feed, { gop: [], gopBytes: 0, caching: true });
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    if (feed.caching && feed.gopBytes + length <= MAX_GOP_CACHE_BYTES) {
      for (const chunk of chunks) feed.gop.push(chunk);
      feed.gopBytes += length;
    } else if (feed.caching) Object.assign(feed, { gop: [], gopBytes: 0, caching: false });
    if (keyframe) this.serveWaiters(feed);
    if (feed.listeners.size === 0) return;
    const fragment = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
    for (const listener of feed.listeners) listener(fragment);
  }

  /** Bytes from a recorder's live output (any chunking). */
  publish(cameraId: string, chunk: Buffer): void {
    const feed = this.feed(cameraId);
    if (feed.format !== 'mpegts') Object.assign(feed, { format: 'mpegts', init: null, gop: [], gopBytes: 0, caching: false });
    const data = feed.pending.length > 0 ? Buffer.concat([feed.pending, chunk]) : chunk;
    const start = data.indexOf(0x47);
    if (start < 0) {
      feed.pending = Buffer.alloc(0);
      return;
    }
    const whole = Math.floor((data.length - start) / TS_PACKET) * TS_PACKET;
    const packets = data.subarray(start, start + whole);
    feed.pending = Buffer.from(data.subarray(start + whole));
    let runStart = 0;
    let sawKeyframe = false;
    for (let offset = 0; offset < packets.length; offset += TS_PACKET) {
      if (packets[offset] !== 0x47) continue; // lost sync: skipped, resynchronised on the next chunk
      const info = tsPacketInfo(packets, offset);
      const packet = packets.subarray(offset, offset + TS_PACKET);
      if (info.pid === 0 && info.unitStart) {
        feed.pat = Buffer.from(packet);
        feed.pmtPid = pmtPidOfPat(packet) ?? feed.pmtPid;
      } else if (info.pid === feed.pmtPid && info.unitStart) {
        feed.pmt = Buffer.from(packet);
      }
      if (info.randomAccess) {
        // Cache from here: what came before in this chunk belongs to the previous GOP.
        this.cache(feed, packets.subarray(runStart, offset));
        feed.gop = [feed.pat, feed.pmt].filter((header): header is Buffer => header !== null);
        feed.gopBytes = feed.gop.reduce((sum, header) => sum + header.length, 0);
        feed.caching = true;
        runStart = offset;
        sawKeyframe = true;
      }
    }
    this.cache(feed, packets.subarray(runStart));
    // A still needs its keyframe whole: served from the chunk after the one that started the GOP.
    if (!sawKeyframe) this.serveWaiters(feed);
    if (packets.length > 0) for (const listener of feed.listeners) listener(packets);
  }

  private cache(feed: CameraFeed, packets: Buffer): void {
    if (!feed.caching || packets.length === 0) return;
    if (feed.gopBytes + packets.length > MAX_GOP_CACHE_BYTES) {
      feed.caching = false;
      feed.gop = [];
      feed.gopBytes = 0;
      return;
    }
    feed.gop.push(Buffer.from(packets));
    feed.gopBytes += packets.length;
  }

  /**
   * A camera whose pictures come from another thread only while watched (a recorder shard):
   * `demand(true)` when its first viewer comes (the shard then sends the pictures since its last
   * keyframe), `demand(false)` when the last leaves. Told at once if it is watched already.
   */
  setDemand(cameraId: string, demand: ((watched: boolean) => void) | undefined): void {
    const feed = this.feed(cameraId);
    feed.demand = demand;
    if (demand && this.watched(feed)) demand(true);
  }

  private watched(feed: CameraFeed): boolean {
    return feed.listeners.size > 0 || feed.waiters.size > 0;
  }

  /** Nobody watches any more: a demand-fed camera's shard stops sending, and what the hub kept goes stale. */
  private unwatched(feed: CameraFeed): void {
    if (!feed.demand || this.watched(feed)) return;
    Object.assign(feed, { gop: [], gopBytes: 0, caching: false });
    feed.demand(false);
  }

  /** The GOP cached now, whole (init first for mp4), or null. */
  private cachedGop(feed: CameraFeed): Buffer | null {
    if (!feed.caching || feed.gop.length === 0) return null;
    if (feed.format === 'mpegts') return Buffer.concat(feed.gop);
    return feed.init ? Buffer.concat([feed.init, ...feed.gop]) : null;
  }

  /**
   * The pictures since the last keyframe, for a still: at once when the hub has them, else the
   * next GOP that starts (a recorder just started, a demand-fed camera nobody watched), or null
   * after `timeoutMs`.
   */
  snapshot(cameraId: string, timeoutMs: number): Promise<Buffer | null> {
    const feed = this.feed(cameraId);
    const now = feed.demand && !this.watched(feed) ? null : this.cachedGop(feed);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const wasWatched = this.watched(feed);
      const waiter = (gop: Buffer | null) => {
        clearTimeout(timer);
        feed.waiters.delete(waiter);
        resolve(gop);
        this.unwatched(feed);
      };
      const timer = setTimeout(() => waiter(null), timeoutMs);
      feed.waiters.add(waiter);
      if (!wasWatched) {
        if (feed.demand) Object.assign(feed, { gop: [], gopBytes: 0, caching: false });
        feed.demand?.(true);
      }
    });
  }

  /** A GOP has started in the cache: the stills waiting for one get it. */
  private serveWaiters(feed: CameraFeed): void {
    if (feed.waiters.size === 0) return;
    const gop = this.cachedGop(feed);
    if (!gop) return;
    for (const waiter of [...feed.waiters]) waiter(gop);
  }

  /** Starts a viewer: it gets the cached GOP (if any) at once, then every new packet. */
  subscribe(cameraId: string, listener: LiveListener): () => void {
    const feed = this.feed(cameraId);
    const first = !this.watched(feed);
    // Nobody watched: what the hub kept of a demand-fed camera is stale; the shard sends its own GOP.
    if (first && feed.demand) Object.assign(feed, { gop: [], gopBytes: 0, caching: false });
    if (feed.format === 'mp4') {
      if (feed.init) listener(feed.caching ? Buffer.concat([feed.init, ...feed.gop]) : feed.init);
    } else if (feed.caching && feed.gop.length > 0) listener(Buffer.concat(feed.gop));
    feed.listeners.add(listener);
    if (first) feed.demand?.(true);
    return () => {
      if (feed.listeners.delete(listener)) this.unwatched(feed);
    };
  }

  viewers(cameraId: string): number {
    return this.feeds.get(cameraId)?.listeners.size ?? 0;
  }

  /** The camera's recorder stopped: the cached picture is stale, viewers stay subscribed. */
  reset(cameraId: string): void {
    const feed = this.feeds.get(cameraId);
    if (!feed) return;
    Object.assign(feed, { pending: Buffer.alloc(0), init: null, gop: [], gopBytes: 0, caching: false });
  }
}
