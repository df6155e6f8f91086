// The live WebSocket of one viewer (the shared HTTP contract): a text `init` message, the
// binary init segment, then one binary message per fragment (the first a keyframe, from the
// source's cache), `state` messages when the camera's state changes, and an `error` message
// before the server closes (4403 refused, 4404 unknown camera, 4503 unavailable, 4500 other).
// A viewer that does not keep up (its socket's send buffer grows) skips to the next keyframe
// instead of making the server hold its backlog.
import { DomainError, errorCatalogue } from '../../platform/errors.ts';
import type { InitSegment, MediaFragment } from '../../platform/media/fmp4.ts';
import type { LiveService, ViewingRequest, Acting } from './live.service.ts';
import { initMessage, type Viewing, type ViewerSink, type ViewingStats } from './viewing.ts';

/** What the viewer needs of a `ws` WebSocket (tests use a fake). */
export interface LiveSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string | Buffer): void;
  close(code?: number, reason?: string): void;
  on(event: 'close', listener: () => void): unknown;
}

const OPEN = 1;
/** Above this many bytes waiting to be sent, fragments are skipped up to a keyframe... */
export const BACKPRESSURE_HIGH_BYTES = 1024 * 1024;
/** ...at which sending resumes once the backlog is below this. */
export const BACKPRESSURE_LOW_BYTES = 256 * 1024;

export function closeCodeOf(error: unknown): number {
  if (!(error instanceof DomainError)) return 4500;
  if (error.status === 401) return 4401;
  if (error.status === 404) return 4404;
  if (error.status === 503) return 4503;
  if (error.status >= 400 && error.status < 500) return 4403;
  return 4500;
}

export function errorMessage(error: unknown) {
  if (error instanceof DomainError) return { type: 'error' as const, code: error.code, message_fr: error.messageFr, message_en: error.messageEn };
  const entry = errorCatalogue.internal_error;
  return { type: 'error' as const, code: 'internal_error', message_fr: entry.fr, message_en: entry.en };
}

export class WebSocketViewer implements ViewerSink {
  private bytes = 0;
  private skipped = 0;
  private waitingForKeyframe = true;

  constructor(
    private readonly socket: LiveSocket,
    private readonly viewing: Pick<Viewing, 'description'>,
  ) {}

  get stats(): ViewingStats {
    return { bytesSent: this.bytes, fragmentsSkipped: this.skipped };
  }

  onInit(init: InitSegment): void {
    if (this.socket.readyState !== OPEN) return;
    this.sendText(initMessage(this.viewing.description, init));
    this.sendBinary(init.data);
    this.waitingForKeyframe = true; // a new init (new ffmpeg run) starts at its keyframe
  }

  onFragment(fragment: MediaFragment): void {
    if (this.socket.readyState !== OPEN) return;
    const backlog = this.socket.bufferedAmount;
    if (this.waitingForKeyframe) {
      if (!fragment.keyframe || backlog > BACKPRESSURE_LOW_BYTES) {
        this.skipped += 1;
        return;
      }
      this.waitingForKeyframe = false;
    } else if (backlog > BACKPRESSURE_HIGH_BYTES) {
      this.waitingForKeyframe = true;
      this.skipped += 1;
      return;
    }
    this.sendBinary(fragment.data);
  }

  onState(state: string): void {
    if (this.socket.readyState === OPEN) this.sendText({ type: 'state', state });
  }

  onEnd(error: DomainError): void {
    closeWithError(this.socket, error);
  }

  private sendText(message: object): void {
    const text = JSON.stringify(message);
    this.bytes += Buffer.byteLength(text);
    this.socket.send(text);
  }

  private sendBinary(data: Buffer): void {
    this.bytes += data.length;
    this.socket.send(data);
  }
}

export function closeWithError(socket: LiveSocket, error: unknown): void {
  if (socket.readyState !== OPEN) return;
  socket.send(JSON.stringify(errorMessage(error)));
  socket.close(closeCodeOf(error), error instanceof DomainError ? error.code : 'internal_error');
}

/** Serves one live WebSocket from its opening to its close (audited start and stop). */
export async function serveLiveSocket(socket: LiveSocket, live: LiveService, request: ViewingRequest, acting: Acting): Promise<void> {
  let socketClosed = false;
  let viewing: Viewing | undefined;
  let viewer: WebSocketViewer | undefined;
  socket.on('close', () => {
    socketClosed = true;
    if (viewing && viewer) void viewing.close();
  });
  try {
    viewing = await live.openViewing(request, acting);
  } catch (error) {
    closeWithError(socket, error);
    return;
  }
  viewer = new WebSocketViewer(socket, viewing);
  if (socketClosed) {
    await viewing.close(viewer.stats);
    return;
  }
  const state = live.cameraState(viewing.cameraId);
  if (state && state !== 'recording') viewer.onState(state);
  viewing.attach(viewer);
}
