// One audited live viewing: a viewer (WebSocket or HLS session) attached to a shared source.
// Opening it has been authorised and audited (`image.live.start`) by the service; closing it
// audits `image.live.stop` with what the server measured (duration, bytes sent), once.
import type { DomainError } from '../../platform/errors.ts';
import type { Principal } from '../access/index.ts';
import type { Actor } from '../audit/index.ts';
import type { InitSegment } from '../../platform/media/fmp4.ts';
import type { LiveSink, LiveStream } from './live-source.ts';
import type { SourceHandle } from './live-sources.ts';

export type LiveTransport = 'websocket' | 'hls';

/** A viewer: media, plus the camera's state and the server ending the viewing. */
export interface ViewerSink extends LiveSink {
  onState(state: string): void;
  /** The server ends the viewing (the camera may no longer be shown, or the server stops). */
  onEnd(error: DomainError): void;
  /** What was sent, for the stop's audit row. */
  readonly stats?: ViewingStats;
}

export interface ViewingStats {
  bytesSent: number;
  fragmentsSkipped?: number;
}

export interface ViewingDescription {
  viewingId: string;
  cameraId: string;
  communeInsee: string;
  stream: LiveStream;
  transport: LiveTransport;
  /** The picture is re-encoded by this source (mask burn-in on a sub-stream, or the H.265 -> H.264 transcode). */
  transcoded: boolean;
}

/** The init message a viewer gets before the init segment (the shared HTTP contract). */
export function initMessage(viewing: ViewingDescription, init: InitSegment) {
  return {
    type: 'init' as const,
    viewingId: viewing.viewingId,
    mime: `video/mp4; codecs="${init.info.codecString}"`,
    codec: init.info.codec,
    stream: viewing.stream,
    width: init.info.width,
    height: init.info.height,
    transcoded: viewing.transcoded,
  };
}

export class Viewing {
  private sink: ViewerSink | null = null;
  private unsubscribe: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private readonly openedAt: number;

  constructor(
    readonly description: ViewingDescription,
    /** The viewer's principal as its session gives it now (null: the session ended); checked periodically. */
    readonly currentPrincipal: (() => Promise<Principal | null>) | undefined,
    private readonly handle: SourceHandle,
    private readonly onClosed: (viewing: Viewing, stats: ViewingStats, durationSeconds: number) => Promise<void>,
    private readonly monotonicNow: () => number,
  ) {
    this.openedAt = monotonicNow();
  }

  get id(): string {
    return this.description.viewingId;
  }

  get cameraId(): string {
    return this.description.cameraId;
  }

  get sourceKey(): string {
    return this.handle.source.key;
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /** Starts the media: init and cached GOP at once when the source has them. */
  attach(sink: ViewerSink): void {
    if (this.closing || this.sink) return;
    this.sink = sink;
    this.unsubscribe = this.handle.source.subscribe(sink);
  }

  notifyState(state: string): void {
    this.sink?.onState(state);
  }

  /** The server ends the viewing: the viewer is told why, then it is closed (and audited) as usual. */
  end(error: DomainError): void {
    this.sink?.onEnd(error);
  }

  /** Idempotent: the first call audits the stop, with `stats` or else what the viewer counted. */
  close(stats?: ViewingStats): Promise<void> {
    this.closing ??= (async () => {
      const sent = stats ?? this.sink?.stats ?? { bytesSent: 0 };
      this.unsubscribe?.();
      this.handle.release();
      const durationSeconds = Math.round((this.monotonicNow() - this.openedAt) / 100) / 10;
      await this.onClosed(this, sent, durationSeconds);
    })();
    return this.closing;
  }
}

export interface ViewingRequest {
  cameraId: string;
  stream: 'auto' | LiveStream;
  reason?: string | null;
  transcode?: 'h264' | null;
  transport: LiveTransport;
  /** The viewer's principal as its session gives it now (null once it ended): long viewings are re-checked with it. */
  currentPrincipal?: () => Promise<Principal | null>;
}

/** Who acts: the audited actor and the principal whose rights apply. */
export type Acting = { actor: Actor; principal: Principal };
