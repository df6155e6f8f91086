// Plays a playback session's segments in one <video> through Media Source Extensions. Each
// segment is a self-contained fragmented MP4 whose timestamps start at 0: it is fetched whole
// (through the server's access control) and appended to a SourceBuffer in 'segments' mode with
// timestampOffset = segment start - session origin, so that the video's currentTime maps
// linearly to wall-clock time. What to fetch and drop comes from planSegments (session.ts);
// this class only does the browser side, one buffer operation at a time.
import type { PlaybackSession } from '../../api/types.ts';
import { ApiError, networkError, parseErrorBody } from '../../lib/errors.ts';
import { codecOfSegment, frameDurationOfSegment, isHevc, mp4Mime } from './codec.ts';
import { mediaTimeOf, planSegments, segmentIndexAt, sessionOrigin, timedSegments, type TimedSegment } from './session.ts';

export interface SegmentPlayerEvents {
  /** A segment could not be fetched or appended (shown on the tile). */
  onError(error: unknown): void;
  /** The server no longer honours the session (expired, idle): open a new one. */
  onSessionInvalid(): void;
  /** The browser cannot decode the recording's codec (H.265 in most browsers). */
  onUnsupported(codec: string): void;
}

/** After a failed fetch the segment is left alone this long, so that an error is not retried in a loop. */
const retryAfterMs = 5000;

export class SegmentPlayer {
  private mediaSource: MediaSource | null = null;
  private sourceBuffer: SourceBuffer | null = null;
  private objectUrl: string | null = null;
  private codec: string | null = null;
  private segmentList: TimedSegment[] = [];
  private originMs = 0;
  private sessionTo = 0;
  private readonly appended = new Set<string>();
  private readonly failedAt = new Map<string, number>();
  private busy = false;
  private generation = 0;
  private abort = new AbortController();
  private opened: Promise<void> = Promise.resolve();
  private unsupported = false;
  private frameSeconds: number | null = null;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly events: SegmentPlayerEvents,
  ) {}

  get origin(): number {
    return this.originMs;
  }

  get segments(): readonly TimedSegment[] {
    return this.segmentList;
  }

  /** Seconds per frame as the recording says (null until a segment is read). */
  get frameDuration(): number | null {
    return this.frameSeconds;
  }

  /** Starts over on a new session: a fresh MediaSource, nothing buffered. */
  load(session: PlaybackSession): void {
    this.reset();
    this.segmentList = timedSegments(session);
    this.originMs = sessionOrigin(session, this.segmentList);
    this.sessionTo = Date.parse(session.to);
    const mediaSource = new MediaSource();
    this.mediaSource = mediaSource;
    this.objectUrl = URL.createObjectURL(mediaSource);
    this.opened = new Promise((resolve) => mediaSource.addEventListener('sourceopen', () => resolve(), { once: true }));
    this.video.src = this.objectUrl;
  }

  /** Whether a segment covers the instant (footage exists there). */
  hasFootage(wallMs: number): boolean {
    return segmentIndexAt(this.segmentList, wallMs) >= 0;
  }

  /** Whether the picture at `wallMs` is in the buffer. */
  isBuffered(wallMs: number): boolean {
    const time = mediaTimeOf(this.originMs, wallMs);
    const ranges = this.video.buffered;
    for (let index = 0; index < ranges.length; index++) if (ranges.start(index) - 0.05 <= time && time < ranges.end(index)) return true;
    return false;
  }

  /** Fetches what the playhead needs next and drops what it no longer needs; cheap to call often. */
  update(playheadMs: number, forward: boolean): void {
    if (this.mediaSource?.readyState !== 'open' || this.busy || this.unsupported) return;
    const now = Date.now();
    const blocked = new Set([...this.appended, ...[...this.failedAt].filter(([, at]) => now - at < retryAfterMs).map(([id]) => id)]);
    const plan = planSegments({ segments: this.segmentList, playheadMs, appended: blocked, busy: false, forward });
    const evict = plan.evict.filter((segment) => this.appended.has(segment.id));
    if (!plan.fetch && evict.length === 0) return;
    this.busy = true;
    const generation = this.generation;
    void this.run(plan.fetch, evict, generation).finally(() => {
      if (generation === this.generation) this.busy = false;
    });
  }

  destroy(): void {
    this.reset();
    this.video.removeAttribute('src');
    this.video.load();
  }

  private async run(fetchSegment: TimedSegment | null, evict: TimedSegment[], generation: number): Promise<void> {
    try {
      for (const segment of evict) {
        await this.bufferOperation(generation, (buffer) =>
          buffer.remove(mediaTimeOf(this.originMs, segment.startMs), mediaTimeOf(this.originMs, segment.endMs)),
        );
        this.appended.delete(segment.id);
      }
      if (fetchSegment) await this.fetchAndAppend(fetchSegment, generation);
    } catch (error) {
      if (generation !== this.generation || (error instanceof DOMException && error.name === 'AbortError')) return;
      if (fetchSegment) this.failedAt.set(fetchSegment.id, Date.now());
      this.events.onError(error);
    }
  }

  private async fetchAndAppend(segment: TimedSegment, generation: number): Promise<void> {
    let response: Response;
    try {
      response = await fetch(segment.url, { credentials: 'same-origin', signal: this.abort.signal, cache: 'no-store' });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw networkError();
    }
    if (!response.ok) {
      const failure = new ApiError(response.status, parseErrorBody(await response.text()));
      if (failure.code === 'playback_session_invalid' || response.status === 410) {
        if (generation === this.generation) this.events.onSessionInvalid();
        return;
      }
      throw failure;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (generation !== this.generation) return;
    this.frameSeconds = frameDurationOfSegment(bytes) ?? this.frameSeconds;
    await this.ensureSourceBuffer(bytes, generation);
    if (this.unsupported) return;
    const offset = mediaTimeOf(this.originMs, segment.startMs);
    try {
      await this.bufferOperation(generation, (buffer) => {
        buffer.timestampOffset = offset;
        buffer.appendBuffer(bytes);
      });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'QuotaExceededError')) throw error;
      // The browser's buffer is full: drop everything but what is appended now, then try once more.
      for (const id of [...this.appended]) {
        const old = this.segmentList.find((candidate) => candidate.id === id);
        if (old)
          await this.bufferOperation(generation, (buffer) => buffer.remove(mediaTimeOf(this.originMs, old.startMs), mediaTimeOf(this.originMs, old.endMs)));
        this.appended.delete(id);
      }
      await this.bufferOperation(generation, (buffer) => {
        buffer.timestampOffset = offset;
        buffer.appendBuffer(bytes);
      });
    }
    this.appended.add(segment.id);
    this.failedAt.delete(segment.id);
  }

  /** The SourceBuffer, created from the first segment's codec; a later codec change uses changeType where the browser has it. */
  private async ensureSourceBuffer(bytes: Uint8Array, generation: number): Promise<void> {
    await this.opened;
    if (generation !== this.generation || !this.mediaSource) return;
    const codec = codecOfSegment(bytes) ?? 'avc1.640028';
    const mime = mp4Mime(codec);
    if (!MediaSource.isTypeSupported(mime)) {
      this.unsupported = true;
      this.events.onUnsupported(isHevc(codec) ? `H.265 (${codec})` : codec);
      return;
    }
    if (!this.sourceBuffer) {
      const buffer = this.mediaSource.addSourceBuffer(mime);
      buffer.mode = 'segments';
      this.sourceBuffer = buffer;
      this.codec = codec;
      // The whole session's length, so that a seek into a part not yet buffered is not clamped.
      this.mediaSource.duration = Math.max(1, mediaTimeOf(this.originMs, this.sessionTo));
    } else if (codec !== this.codec && typeof this.sourceBuffer.changeType === 'function') {
      await this.bufferOperation(generation, (buffer) => buffer.changeType(mime), false);
      this.codec = codec;
    }
  }

  /** Runs one SourceBuffer operation and waits for its end. */
  private bufferOperation(generation: number, operation: (buffer: SourceBuffer) => void, waitsForUpdate = true): Promise<void> {
    const buffer = this.sourceBuffer;
    if (!buffer || generation !== this.generation) return Promise.reject(new DOMException('stale', 'AbortError'));
    return new Promise((resolve, reject) => {
      const done = () => {
        buffer.removeEventListener('updateend', done);
        buffer.removeEventListener('error', failed);
        resolve();
      };
      const failed = () => {
        buffer.removeEventListener('updateend', done);
        buffer.removeEventListener('error', failed);
        reject(new Error('SourceBuffer error'));
      };
      const start = () => {
        try {
          operation(buffer);
        } catch (error) {
          reject(error);
          return;
        }
        if (!waitsForUpdate || !buffer.updating) resolve();
        else {
          buffer.addEventListener('updateend', done);
          buffer.addEventListener('error', failed);
        }
      };
      if (buffer.updating) buffer.addEventListener('updateend', start, { once: true });
      else start();
    });
  }

  private reset(): void {
    this.generation++;
    this.abort.abort();
    this.abort = new AbortController();
    this.appended.clear();
    this.failedAt.clear();
    this.busy = false;
    this.unsupported = false;
    this.sourceBuffer = null;
    this.codec = null;
    this.mediaSource = null;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
  }
}
