// Plays a camera's live stream in a <video>: fragmented MP4 over the live WebSocket into Media
// Source Extensions (ManagedMediaSource on Safari), else the browser's own HLS. Reconnects with
// a bounded backoff until stopped. The rules it applies are in live-stream.ts (tested).
import {
  codecPlan,
  initialLiveStatus,
  liveEdgeAction,
  liveHlsUrl,
  liveSocketUrl,
  nextLiveStatus,
  parseServerMessage,
  rangeAround,
  type LiveEvent,
  type LiveInit,
  type LiveStatus,
  type LiveStream,
} from './live-stream.ts';

export interface LivePlayerOptions {
  cameraId: string;
  stream: LiveStream;
  reason?: string;
  onStatus(status: LiveStatus): void;
}

type MediaSourceClass = typeof MediaSource;

function mediaSourceClass(): MediaSourceClass | null {
  const scope = window as unknown as { ManagedMediaSource?: MediaSourceClass; MediaSource?: MediaSourceClass };
  return scope.ManagedMediaSource ?? scope.MediaSource ?? null;
}

/** Fragments waiting while the SourceBuffer is busy; beyond this we resynchronise on a keyframe. */
const maxQueuedFragments = 150;
/** No fragment for this long on an open socket: the stream is stuck, start again. */
const stallMs = 10_000;
const edgeCheckMs = 500;

export class LivePlayer {
  private status: LiveStatus = initialLiveStatus;
  private socket: WebSocket | null = null;
  private mediaSource: MediaSource | null = null;
  private sourceBuffer: SourceBuffer | null = null;
  private objectUrl: string | null = null;
  private queue: ArrayBuffer[] = [];
  private pendingRemoveBefore: number | null = null;
  private transcode = false;
  private startedAt = 0;
  private lastFragmentAt = 0;
  private lastBufferedEnd: number | null = null;
  private fragmentSeconds = 0;
  private pictureSeen = false;
  private binaryMessages = 0;
  private retryTimer: number | null = null;
  private edgeTimer: number | null = null;
  private stopped = false;
  private readonly detachVideo: () => void;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: LivePlayerOptions,
  ) {
    const onPlaying = () => this.picture();
    video.addEventListener('playing', onPlaying);
    this.detachVideo = () => video.removeEventListener('playing', onPlaying);
  }

  start(): void {
    this.startedAt = performance.now();
    this.edgeTimer = window.setInterval(() => this.tick(), edgeCheckMs);
    this.connect();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.emit({ type: 'stop' });
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    if (this.edgeTimer !== null) window.clearInterval(this.edgeTimer);
    this.detachVideo();
    this.closeSocket();
    this.detachMedia();
  }

  private emit(event: LiveEvent): void {
    const next = nextLiveStatus(this.status, event);
    if (next === this.status) return;
    this.status = next;
    this.options.onStatus(next);
  }

  private connect(): void {
    if (this.stopped) return;
    this.retryTimer = null;
    const MediaSourceType = mediaSourceClass();
    if (!MediaSourceType) {
      this.playHls();
      return;
    }
    this.emit({ type: 'connect', transport: 'mse' });
    this.pictureSeen = false;
    const request = { stream: this.options.stream, reason: this.options.reason, transcode: this.transcode };
    const socket = new WebSocket(liveSocketUrl(window.location, this.options.cameraId, request));
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.emit({ type: 'milestone', name: 'open', elapsedMs: performance.now() - this.startedAt });
    this.socket = socket;
    this.lastFragmentAt = performance.now();
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      if (typeof message.data === 'string') this.onText(message.data, MediaSourceType);
      else if (message.data instanceof ArrayBuffer) this.onFragment(message.data);
    };
    socket.onclose = (closed) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.afterClose(closed.code);
    };
  }

  private onText(raw: string, MediaSourceType: MediaSourceClass): void {
    const message = parseServerMessage(raw);
    if (!message) return;
    if (message.type === 'state') this.emit({ type: 'cameraState', state: message.state });
    else if (message.type === 'error') this.emit({ type: 'serverError', error: message });
    else this.onInit(message, MediaSourceType);
  }

  private onInit(init: LiveInit, MediaSourceType: MediaSourceClass): void {
    const plan = codecPlan(init, { mseSupports: (mime) => MediaSourceType.isTypeSupported(mime), hlsPlayable: this.hlsPlayable() });
    if (plan === 'transcode') {
      // H.265 this browser cannot decode: ask again, transcoded to H.264 by the server.
      this.transcode = true;
      this.restartNow();
      return;
    }
    if (plan === 'hls') {
      this.closeSocket();
      this.playHls();
      return;
    }
    if (plan === 'unsupported') {
      this.closeSocket();
      this.emit({ type: 'fail', error: { code: 'codec_unsupported', message_fr: null, message_en: null } });
      return;
    }
    // The server sends a new init when its source restarts: a new MediaSource, and the picture
    // that follows counts again (the first-picture time stays the first one).
    this.pictureSeen = false;
    this.binaryMessages = 0;
    this.emit({ type: 'milestone', name: 'init', elapsedMs: performance.now() - this.startedAt });
    this.emit({ type: 'init', init, transcodeRequested: this.transcode });
    this.attachMedia(init.mime, MediaSourceType);
  }

  private attachMedia(mime: string, MediaSourceType: MediaSourceClass): void {
    this.detachMedia();
    const mediaSource = new MediaSourceType();
    this.mediaSource = mediaSource;
    // ManagedMediaSource plays only without remote playback (or with an AirPlay source).
    this.video.disableRemotePlayback = true;
    this.objectUrl = URL.createObjectURL(mediaSource);
    this.video.src = this.objectUrl;
    mediaSource.addEventListener(
      'sourceopen',
      () => {
        if (this.mediaSource !== mediaSource) return;
        try {
          const buffer = mediaSource.addSourceBuffer(mime);
          buffer.addEventListener('updateend', () => this.afterAppend(buffer));
          this.sourceBuffer = buffer;
          this.pump();
        } catch {
          this.closeSocket();
          this.emit({ type: 'fail', error: { code: 'codec_unsupported', message_fr: null, message_en: null } });
        }
      },
      { once: true },
    );
  }

  private detachMedia(): void {
    this.sourceBuffer = null;
    this.queue = [];
    this.pendingRemoveBefore = null;
    this.lastBufferedEnd = null;
    if (this.mediaSource?.readyState === 'open') {
      try {
        this.mediaSource.endOfStream();
      } catch {
        // already ending: nothing to do
      }
    }
    this.mediaSource = null;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
    this.video.removeAttribute('src');
    this.video.load();
  }

  private onFragment(data: ArrayBuffer): void {
    this.lastFragmentAt = performance.now();
    this.binaryMessages += 1;
    // The first binary message is the init segment; the second is the first picture's fragment.
    if (this.binaryMessages === 2) this.emit({ type: 'milestone', name: 'fragment', elapsedMs: this.lastFragmentAt - this.startedAt });
    this.queue.push(data);
    if (this.queue.length > maxQueuedFragments) {
      // The decoder fell far behind (a hidden tab, a slow machine): resynchronise on the
      // server's newest keyframe rather than play old pictures.
      this.restartNow();
      return;
    }
    this.pump();
  }

  private pump(): void {
    const buffer = this.sourceBuffer;
    if (!buffer || buffer.updating) return;
    if (this.pendingRemoveBefore !== null && buffer.buffered.length > 0) {
      const removeBefore = this.pendingRemoveBefore;
      this.pendingRemoveBefore = null;
      if (removeBefore > buffer.buffered.start(0)) {
        buffer.remove(buffer.buffered.start(0), removeBefore);
        return;
      }
    }
    const next = this.queue.shift();
    if (!next) return;
    try {
      buffer.appendBuffer(next);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'QuotaExceededError' && this.pendingRemoveBefore === null) {
        this.queue.unshift(next);
        this.pendingRemoveBefore = Math.max(0, this.video.currentTime - 1);
        this.pump();
      } else {
        this.restartNow();
      }
    }
  }

  private afterAppend(buffer: SourceBuffer): void {
    if (buffer !== this.sourceBuffer) return;
    const ranges = buffer.buffered;
    if (ranges.length > 0) {
      const end = ranges.end(ranges.length - 1);
      if (this.lastBufferedEnd !== null && end > this.lastBufferedEnd) {
        const grown = end - this.lastBufferedEnd;
        this.fragmentSeconds = this.fragmentSeconds === 0 ? grown : this.fragmentSeconds * 0.8 + grown * 0.2;
      }
      this.lastBufferedEnd = end;
      this.keepAtEdge();
      if (this.video.paused) void this.video.play().catch(() => undefined);
      this.watchFirstFrame();
    }
    this.pump();
  }

  private keepAtEdge(): void {
    const buffer = this.sourceBuffer;
    if (!buffer) return;
    const list: { start: number; end: number }[] = [];
    for (let index = 0; index < buffer.buffered.length; index += 1) list.push({ start: buffer.buffered.start(index), end: buffer.buffered.end(index) });
    const range = rangeAround(list, this.video.currentTime);
    if (!range) return;
    const action = liveEdgeAction({ ...range, currentTime: this.video.currentTime, fragmentSeconds: this.fragmentSeconds });
    if (action.seekTo !== null) this.video.currentTime = action.seekTo;
    if (action.removeBefore !== null && this.pendingRemoveBefore === null) this.pendingRemoveBefore = action.removeBefore;
  }

  /** The first decoded frame, where the browser says so; `playing` otherwise. */
  private watchFirstFrame(): void {
    if (this.pictureSeen) return;
    const withFrames = this.video as HTMLVideoElement & { requestVideoFrameCallback?: (callback: () => void) => number };
    if (typeof withFrames.requestVideoFrameCallback === 'function') withFrames.requestVideoFrameCallback(() => this.picture());
  }

  private picture(): void {
    if (this.stopped || this.pictureSeen || this.video.readyState < 2) return;
    this.pictureSeen = true;
    this.emit({ type: 'picture', elapsedMs: performance.now() - this.startedAt });
  }

  private tick(): void {
    if (this.stopped) return;
    // A camera the recorder is reconnecting sends nothing for a while: that is not a stuck socket.
    const cameraDown = this.status.cameraState !== null && this.status.cameraState !== 'recording';
    if (!cameraDown && this.socket && this.socket.readyState === WebSocket.OPEN && performance.now() - this.lastFragmentAt > stallMs) {
      this.restartNow();
      return;
    }
    this.keepAtEdge();
    this.pump();
    if (this.sourceBuffer && this.video.paused && this.video.readyState >= 2) void this.video.play().catch(() => undefined);
  }

  /** Closes the socket and connects again at once (a codec switch, a resynchronisation). */
  private restartNow(): void {
    this.closeSocket();
    this.detachMedia();
    this.connect();
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onmessage = null;
    socket.onclose = null;
    // Closing a socket still connecting makes the browser log an error: close it once open.
    if (socket.readyState === WebSocket.CONNECTING) socket.onopen = () => socket.close(1000);
    else if (socket.readyState === WebSocket.OPEN) socket.close(1000);
  }

  private afterClose(closeCode: number): void {
    this.detachMedia();
    this.emit({ type: 'closed', closeCode, now: Date.now() });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.status.phase !== 'reconnecting' || this.status.retryAt === null) return;
    this.retryTimer = window.setTimeout(() => this.connect(), Math.max(0, this.status.retryAt - Date.now()));
  }

  private hlsPlayable(): boolean {
    return this.video.canPlayType('application/vnd.apple.mpegurl') !== '';
  }

  /** No MSE at all: the browser's own HLS, or a clear message. */
  private playHls(): void {
    if (!this.hlsPlayable()) {
      this.emit({ type: 'fail', error: { code: 'mse_unsupported', message_fr: null, message_en: null } });
      return;
    }
    this.emit({ type: 'connect', transport: 'hls' });
    this.pictureSeen = false;
    const request = { stream: this.options.stream, reason: this.options.reason, transcode: this.transcode };
    this.video.src = liveHlsUrl(this.options.cameraId, request);
    this.video.addEventListener(
      'error',
      () => {
        if (this.stopped) return;
        this.video.removeAttribute('src');
        this.emit({ type: 'closed', closeCode: 1006, now: Date.now() });
        if (this.retryTimer === null)
          this.retryTimer = window.setTimeout(
            () => {
              this.retryTimer = null;
              this.playHls();
            },
            Math.max(0, (this.status.retryAt ?? Date.now()) - Date.now()),
          );
      },
      { once: true },
    );
    void this.video.play().catch(() => undefined);
  }
}
