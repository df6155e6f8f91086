// Live HLS, the fallback for browsers without Media Source Extensions over WebSocket: built
// from the same fragments as the WebSocket viewers. A segment is a keyframe-aligned group of
// fragments (one GOP), the playlist a sliding window of the last ones with the init segment as
// EXT-X-MAP. One HLS session per (user session, camera, stream, transcode): it is one viewing,
// audited once at its first fetch (`image.live.start`) and stopped, audited, after 30 s
// without any fetch. Segment URLs carry the session id, checked against the user's session.
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';
import type { InitSegment, MediaFragment } from '../../platform/media/fmp4.ts';
import type { Acting, Viewing, ViewerSink, ViewingRequest } from './viewing.ts';

/** What the HLS fallback needs of live viewing (the live service). */
export interface HlsViewings {
  authorise(cameraId: string, acting: Acting, reason: string | null | undefined): Promise<unknown>;
  openViewing(request: ViewingRequest, acting: Acting): Promise<Viewing>;
}

export interface HlsSegment {
  sequence: number;
  durationSeconds: number;
  data: Buffer;
}

export const HLS_WINDOW_SEGMENTS = 6;

/** The sliding window of one HLS session: pure, fed like any viewer. */
export class HlsWindow implements ViewerSink {
  private initSegment: InitSegment | null = null;
  private readonly segments: HlsSegment[] = [];
  private building: MediaFragment[] = [];
  private nextSequence = 0;
  ended: DomainError | null = null;

  constructor(private readonly maxSegments = HLS_WINDOW_SEGMENTS) {}

  get init(): Buffer | null {
    return this.initSegment?.data ?? null;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  onInit(init: InitSegment): void {
    // A new ffmpeg run: earlier segments do not fit the new init segment.
    this.initSegment = init;
    this.segments.length = 0;
    this.building = [];
  }

  onFragment(fragment: MediaFragment): void {
    if (!this.initSegment) return;
    if (fragment.keyframe) {
      this.closeSegment();
      this.building = [fragment];
    } else if (this.building.length > 0) {
      this.building.push(fragment);
    }
  }

  onState(): void {}

  onEnd(error: DomainError): void {
    this.ended = error;
  }

  private closeSegment(): void {
    if (this.building.length === 0 || !this.initSegment) return;
    const timescale = this.initSegment.info.timescale || 90_000;
    const duration = this.building.reduce((total, fragment) => total + fragment.duration, 0) / timescale;
    this.segments.push({ sequence: this.nextSequence++, durationSeconds: duration, data: Buffer.concat(this.building.map((fragment) => fragment.data)) });
    while (this.segments.length > this.maxSegments) this.segments.shift();
    this.building = [];
  }

  segment(sequence: number): HlsSegment | undefined {
    return this.segments.find((segment) => segment.sequence === sequence);
  }

  /** The live playlist (RFC 8216, fMP4 segments), or null before the first whole segment. */
  playlist(query: string): string | null {
    if (this.segments.length === 0) return null;
    const target = Math.max(1, Math.ceil(Math.max(...this.segments.map((segment) => segment.durationSeconds))));
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      `#EXT-X-TARGETDURATION:${target}`,
      `#EXT-X-MEDIA-SEQUENCE:${this.segments[0]!.sequence}`,
      '#EXT-X-INDEPENDENT-SEGMENTS',
      `#EXT-X-MAP:URI="init.mp4?${query}"`,
    ];
    for (const segment of this.segments) lines.push(`#EXTINF:${segment.durationSeconds.toFixed(3)},`, `${segment.sequence}.m4s?${query}`);
    return `${lines.join('\n')}\n`;
  }
}

interface HlsSession {
  id: string;
  key: string;
  userSession: string;
  viewing: Viewing;
  window: HlsWindow;
  lastFetchAt: number;
  bytesSent: number;
}

export interface LiveHlsOptions {
  /** A session with no fetch for this long ends (audited stop). */
  idleMs: number;
  /** The first playlist waits this long at most for a whole segment. */
  firstSegmentTimeoutMs: number;
  now?: () => number;
}

const sessionGone = () =>
  new DomainError('not_found', {
    fr: 'Session HLS inconnue ou terminée ; rechargez la liste de lecture.',
    en: 'Unknown or ended HLS session; reload the playlist.',
  });

export class LiveHls {
  private readonly sessions = new Map<string, HlsSession>();
  private readonly byKey = new Map<string, HlsSession>();
  private readonly opening = new Map<string, Promise<HlsSession>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly live: HlsViewings,
    private readonly options: LiveHlsOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The playlist; the session's first fetch opens (and audits) the viewing, later ones re-check access. */
  async playlist(request: Omit<ViewingRequest, 'transport'>, userSession: string, acting: Acting): Promise<string> {
    const key = [userSession, request.cameraId, request.stream, request.transcode ?? 'copy'].join('|');
    let session = this.byKey.get(key);
    if (session) {
      await this.live.authorise(request.cameraId, acting, request.reason);
    } else {
      session = await this.open(key, request, userSession, acting);
    }
    session.lastFetchAt = this.now();
    const deadline = this.now() + this.options.firstSegmentTimeoutMs;
    for (;;) {
      if (session.window.ended) throw session.window.ended;
      const text = session.window.playlist(`h=${session.id}`);
      if (text) return text;
      if (this.now() >= deadline) throw new DomainError('live_unavailable');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  init(cameraId: string, sessionId: string, userSession: string): Buffer {
    const session = this.touch(cameraId, sessionId, userSession);
    const init = session.window.init;
    if (!init) throw sessionGone();
    session.bytesSent += init.length;
    return init;
  }

  segment(cameraId: string, sessionId: string, userSession: string, sequence: number): Buffer {
    const session = this.touch(cameraId, sessionId, userSession);
    const segment = session.window.segment(sequence);
    if (!segment) throw new DomainError('not_found', { fr: 'Segment hors de la fenêtre du direct.', en: 'Segment outside the live window.' });
    session.bytesSent += segment.data.length;
    return segment.data;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Ends sessions idle for too long (or all of them): their viewings close, audited. */
  async sweep(all = false): Promise<void> {
    const limit = this.now() - this.options.idleMs;
    const ending = [...this.sessions.values()].filter((session) => all || session.lastFetchAt < limit || session.window.ended);
    await Promise.all(ending.map((session) => this.end(session)));
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.sweep(true);
  }

  private async open(key: string, request: Omit<ViewingRequest, 'transport'>, userSession: string, acting: Acting): Promise<HlsSession> {
    let pending = this.opening.get(key);
    if (!pending) {
      pending = (async () => {
        const viewing = await this.live.openViewing({ ...request, transport: 'hls' }, acting);
        const session: HlsSession = { id: randomUUID(), key, userSession, viewing, window: new HlsWindow(), lastFetchAt: this.now(), bytesSent: 0 };
        viewing.attach(session.window);
        if (!this.sweepTimer) {
          this.sweepTimer = setInterval(() => void this.sweep(), Math.max(1000, Math.min(5000, this.options.idleMs / 3)));
          this.sweepTimer.unref();
        }
        this.sessions.set(session.id, session);
        this.byKey.set(key, session);
        return session;
      })().finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  private touch(cameraId: string, sessionId: string, userSession: string): HlsSession {
    const session = this.sessions.get(sessionId);
    // Another user's (or another session's) id is answered as unknown.
    if (!session || session.userSession !== userSession || session.viewing.cameraId !== cameraId) throw sessionGone();
    session.lastFetchAt = this.now();
    return session;
  }

  private async end(session: HlsSession): Promise<void> {
    this.sessions.delete(session.id);
    if (this.byKey.get(session.key) === session) this.byKey.delete(session.key);
    await session.viewing.close({ bytesSent: session.bytesSent });
  }
}
