// The pure rules of a live view: the addresses of the live WebSocket and of the HLS fallback,
// the server's messages, whether the browser can decode the stream, when to reconnect and
// how long to wait, how to stay at the live edge, and the viewer's state machine.
// No DOM here: tested by live-stream.test.ts; mse-player.ts applies them to a <video>.

export type LiveStream = 'auto' | 'main' | 'sub';

export interface LiveRequest {
  stream?: LiveStream;
  /** Why the images are viewed (required for police and partner roles). */
  reason?: string;
  /** Ask the server to transcode H.265 to H.264 for a browser that cannot decode H.265. */
  transcode?: boolean;
}

function liveQuery(request: LiveRequest): string {
  const search = new URLSearchParams();
  search.set('stream', request.stream ?? 'auto');
  const reason = request.reason?.trim();
  if (reason) search.set('reason', reason);
  if (request.transcode) search.set('transcode', 'h264');
  return search.toString();
}

/** `ws://` or `wss://` on the page's own host (the session cookie goes with it). */
export function liveSocketUrl(location: { protocol: string; host: string }, cameraId: string, request: LiveRequest = {}): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/cameras/${encodeURIComponent(cameraId)}/live/ws?${liveQuery(request)}`;
}

/** The native HLS playlist, for browsers without Media Source Extensions (Safari on iPhone). */
export function liveHlsUrl(cameraId: string, request: LiveRequest = {}): string {
  return `/api/cameras/${encodeURIComponent(cameraId)}/live/hls/index.m3u8?${liveQuery(request)}`;
}

export interface LiveInit {
  type: 'init';
  viewingId: string;
  mime: string;
  codec: string;
  stream: 'main' | 'sub';
  width: number | null;
  height: number | null;
  transcoded: boolean;
}

export interface LiveServerError {
  type: 'error';
  code: string;
  message_fr: string | null;
  message_en: string | null;
}

export type LiveServerMessage = LiveInit | { type: 'state'; state: string } | LiveServerError;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** A text frame of the live socket; anything unknown or malformed is null (ignored). */
export function parseServerMessage(raw: string): LiveServerMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const message = parsed as Record<string, unknown>;
  switch (message.type) {
    case 'init': {
      const mime = text(message.mime);
      if (!mime) return null;
      return {
        type: 'init',
        viewingId: text(message.viewingId) ?? '',
        mime,
        codec: text(message.codec) ?? codecOfMime(mime),
        stream: message.stream === 'main' ? 'main' : 'sub',
        width: count(message.width),
        height: count(message.height),
        transcoded: message.transcoded === true,
      };
    }
    case 'state': {
      const state = text(message.state);
      return state ? { type: 'state', state } : null;
    }
    case 'error':
      return { type: 'error', code: text(message.code) ?? 'live_unavailable', message_fr: text(message.message_fr), message_en: text(message.message_en) };
    default:
      return null;
  }
}

/** "h264" or "h265" from a MIME type's codecs parameter. */
export function codecOfMime(mime: string): string {
  if (/hvc1|hev1/i.test(mime)) return 'h265';
  if (/avc1|avc3/i.test(mime)) return 'h264';
  return 'unknown';
}

export type CodecPlan = 'mse' | 'transcode' | 'hls' | 'unsupported';

/**
 * What to do with the stream the server announced: play it through MSE, ask again for an
 * H.264 transcode (H.265 the browser cannot decode, not yet transcoded), fall back to the
 * browser's own HLS, or give up with a clear message.
 */
export function codecPlan(
  init: Pick<LiveInit, 'mime' | 'codec' | 'transcoded'>,
  browser: { mseSupports(mime: string): boolean; hlsPlayable: boolean },
): CodecPlan {
  if (browser.mseSupports(init.mime)) return 'mse';
  if (init.codec === 'h265' && !init.transcoded) return 'transcode';
  return browser.hlsPlayable ? 'hls' : 'unsupported';
}

/** Errors a new attempt cannot fix: the operator has to act (reason, rights, another camera). */
const fatalCodes = new Set([
  'forbidden',
  'not_found',
  'reason_required',
  'recipient_not_authorised',
  'image_access_refused',
  'out_of_scope',
  'unauthenticated',
  'session_expired',
  'codec_unsupported',
]);
const fatalCloseCodes = new Set([4401, 4403, 4404]);

export function isFatal(closeCode: number, lastErrorCode: string | null): boolean {
  if (fatalCloseCodes.has(closeCode)) return true;
  return lastErrorCode !== null && fatalCodes.has(lastErrorCode);
}

export const firstRetryMs = 1_000;
export const maxRetryMs = 10_000;

/** Wait before attempt `attempt` (1-based): 1 s, 2 s, 4 s, 8 s, then 10 s each time. */
export function reconnectDelayMs(attempt: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 10));
  return Math.min(maxRetryMs, firstRetryMs * 2 ** exponent);
}

export interface EdgeInput {
  /** The buffered range that holds (or is nearest to) the play position, in seconds. */
  start: number;
  end: number;
  currentTime: number;
  /** The typical length of one received fragment, in seconds (0 when not known yet). */
  fragmentSeconds: number;
}

export interface EdgeAction {
  /** Where to seek (null: stay). */
  seekTo: number | null;
  /** Remove what is buffered before this time (null: keep). */
  removeBefore: number | null;
}

export const maxLiveLagSeconds = 0.8;
const targetLagSeconds = 0.15;
const keepBehindSeconds = 5;
const trimWhenBehindSeconds = 15;

/**
 * Keeps a view at the live edge: when the picture lags the newest buffered frame by more than
 * ~0.8 s (or by more than one and a half fragments, when fragments are long), jump forward;
 * a position before the buffer (the start) goes to the edge too. The buffer behind the
 * picture is trimmed to a few seconds so that a view left on for a shift does not fill memory.
 */
export function liveEdgeAction(input: EdgeInput): EdgeAction {
  const { start, end, currentTime, fragmentSeconds } = input;
  if (!(end > start)) return { seekTo: null, removeBefore: null };
  const allowedLag = Math.max(maxLiveLagSeconds, fragmentSeconds * 1.5);
  const lag = end - currentTime;
  let seekTo: number | null = null;
  if (currentTime < start || lag > allowedLag) seekTo = Math.max(start, end - Math.max(targetLagSeconds, Math.min(fragmentSeconds, allowedLag / 2)));
  const position = seekTo ?? currentTime;
  const removeBefore = position - start > trimWhenBehindSeconds ? position - keepBehindSeconds : null;
  return { seekTo, removeBefore };
}

/** The buffered range to act on: the one holding `time`, else the last one. */
export function rangeAround(ranges: readonly { start: number; end: number }[], time: number): { start: number; end: number } | null {
  if (ranges.length === 0) return null;
  return ranges.find((range) => time >= range.start && time <= range.end) ?? ranges[ranges.length - 1]!;
}

// The viewer's state machine. data-state of a LiveVideo is its `phase`.
export type LivePhase = 'connecting' | 'buffering' | 'playing' | 'reconnecting' | 'failed' | 'stopped';

export interface LiveError {
  code: string;
  message_fr: string | null;
  message_en: string | null;
}

export interface LiveStatus {
  phase: LivePhase;
  /** Connection attempts since the last one that played (0 before the first). */
  attempt: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retryAt: number | null;
  /** The camera's state as the server last reported it. */
  cameraState: string | null;
  error: LiveError | null;
  init: LiveInit | null;
  transport: 'mse' | 'hls' | null;
  /** From the first connection to the first picture shown, once. */
  firstPictureMs: number | null;
  /** An H.265 stream this browser cannot decode, shown through the server's H.264 transcode. */
  transcodedFromH265: boolean;
  /** Milestones of the first connection, ms from its start (what the first-picture time is made of). */
  milestones: Partial<Record<'open' | 'init' | 'fragment' | 'picture', number>>;
}

export const initialLiveStatus: LiveStatus = {
  phase: 'connecting',
  attempt: 0,
  retryAt: null,
  cameraState: null,
  error: null,
  init: null,
  transport: null,
  firstPictureMs: null,
  transcodedFromH265: false,
  milestones: {},
};

export type LiveEvent =
  | { type: 'connect'; transport: 'mse' | 'hls' }
  | { type: 'init'; init: LiveInit; transcodeRequested?: boolean }
  | { type: 'picture'; elapsedMs: number }
  | { type: 'milestone'; name: 'open' | 'init' | 'fragment'; elapsedMs: number }
  | { type: 'cameraState'; state: string }
  | { type: 'serverError'; error: LiveError }
  | { type: 'closed'; closeCode: number; now: number }
  | { type: 'fail'; error: LiveError }
  | { type: 'stop' };

export function nextLiveStatus(status: LiveStatus, event: LiveEvent): LiveStatus {
  if (status.phase === 'stopped') return status;
  switch (event.type) {
    case 'connect':
      return { ...status, phase: 'connecting', attempt: status.attempt + 1, retryAt: null, transport: event.transport };
    case 'init':
      // `transcoded` is also true for a masked sub-stream re-encoded by the server: only the
      // transcode this viewer asked for is the H.265 one.
      return { ...status, phase: 'buffering', init: event.init, error: null, transcodedFromH265: event.init.transcoded && event.transcodeRequested === true };
    case 'milestone':
      if (status.milestones[event.name] !== undefined || status.firstPictureMs !== null) return status;
      return { ...status, milestones: { ...status.milestones, [event.name]: Math.round(event.elapsedMs) } };
    case 'picture':
      // A connection that shows a picture is a success: the next failure starts again at 1 s.
      if (status.firstPictureMs !== null) return { ...status, phase: 'playing', attempt: 0, retryAt: null, error: null };
      return {
        ...status,
        phase: 'playing',
        attempt: 0,
        retryAt: null,
        error: null,
        firstPictureMs: Math.round(event.elapsedMs),
        milestones: { ...status.milestones, picture: Math.round(event.elapsedMs) },
      };
    case 'cameraState':
      return { ...status, cameraState: event.state };
    case 'serverError':
      return { ...status, error: event.error };
    case 'closed': {
      if (status.phase === 'failed') return status;
      if (isFatal(event.closeCode, status.error?.code ?? null)) {
        return {
          ...status,
          phase: 'failed',
          retryAt: null,
          error: status.error ?? { code: event.closeCode === 4404 ? 'not_found' : 'forbidden', message_fr: null, message_en: null },
        };
      }
      return { ...status, phase: 'reconnecting', retryAt: event.now + reconnectDelayMs(Math.max(1, status.attempt)) };
    }
    case 'fail':
      return { ...status, phase: 'failed', retryAt: null, error: event.error };
    case 'stop':
      return { ...status, phase: 'stopped', retryAt: null };
  }
}
