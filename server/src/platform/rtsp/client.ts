// RTSP/1.0 client (RFC 2326) for the recorder's ingest: DESCRIBE, SETUP of the first video
// track over TCP interleaved or UDP, PLAY, then RTP handed to listeners synchronously from the
// socket's data handler, RTCP receiver reports, keep-alives, and the sender's wall clock from
// its reports. Built to run hundreds per process: per packet it parses into one reused object
// and slices the received buffer; its timers are per session (keep-alive, receiver reports,
// data watchdog, one per request), never per packet.
import { randomBytes, randomInt } from 'node:crypto';
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import { Authenticator, chooseChallenge, parseChallenges } from './auth.ts';
import { buildReceiverReport, parseRtcp, ReceptionStatistics, SenderClock } from './rtcp.ts';
import { emptyRtpPacket, readRtpPacket, type RtpPacket } from './rtp.ts';
import {
  formatRequest,
  formatResponse,
  interleavedFrame,
  parseSessionHeader,
  parseTransportHeader,
  RtspError,
  type RtspErrorCode,
  RtspFramer,
  type RtspMessage,
  type RtspResponse,
} from './rtsp-message.ts';
import { parseSdp, type VideoTrack } from './sdp.ts';
import {
  bindUdpPair,
  ClientEvents,
  connectionError,
  errorForStatus,
  parseStreamUrl,
  REDIRECT_STATUSES,
  redirectTarget,
  unmapped,
  type RtspClientEvents,
  type RtspClientOptions,
  type RtspClientStats,
  type RtspClosedEvent,
  type RtspSessionInfo,
} from './client-support.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Session timeout assumed when the server states none (RFC 2326 section 12.37). */
export const DEFAULT_SESSION_TIMEOUT_SECONDS = 60;
export const DEFAULT_MAX_REDIRECTS = 3;
/** stop() waits this long at most for the answer to TEARDOWN. */
export const TEARDOWN_TIMEOUT_MS = 1000;
export const RECEIVER_REPORT_INTERVAL_MS = 5000;
const DEFAULT_PORTS = { 'rtsp:': 554, 'rtsps:': 322 } as const;

export type { RtspClientOptions, RtspClosedEvent } from './client-support.ts';

interface PendingRequest {
  method: string;
  resolve(response: RtspResponse): void;
  reject(error: RtspError): void;
  timer: NodeJS.Timeout;
}

type State = 'idle' | 'starting' | 'playing' | 'closed';

export class RtspClient {
  readonly events = new ClientEvents<RtspClientEvents>();
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  private state: State = 'idle';
  private socket: Socket | undefined;
  private framer: RtspFramer | undefined;
  private tls = false;
  private cseq = 0;
  private readonly pending = new Map<number, PendingRequest>();
  private authenticator: Authenticator | undefined;
  private sessionId: string | undefined;
  private aggregateControl = '';
  private track: VideoTrack | undefined;
  private transport: 'tcp' | 'udp';
  private rtpChannel = 0;
  private rtcpChannel = 1;
  private rtpSocket: UdpSocket | undefined;
  private rtcpSocket: UdpSocket | undefined;
  private serverAddress: string | undefined;
  private sourceAddress: string | undefined;
  private serverRtcpPort: number | undefined;
  private keepAliveMs = (DEFAULT_SESSION_TIMEOUT_SECONDS * 1000) / 2;
  private keepAliveMethod: 'GET_PARAMETER' | 'OPTIONS' = 'GET_PARAMETER';
  private keepAliveInFlight = false;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private socketError: Error | undefined;
  private readonly packet: RtpPacket = emptyRtpPacket();
  private statistics: ReceptionStatistics | undefined;
  private clock: SenderClock | undefined;
  private mediaSsrc: number | undefined;
  private lastSenderReport: { ntpMiddle: number; receivedMonotonicMs: number } | undefined;
  private readonly ownSsrc = randomInt(1, 0xffffffff);
  private readonly cname = `vigie-${randomBytes(4).toString('hex')}`;
  private bytesReceived = 0;
  private lastPacketAtMs: number | undefined;
  private lastPacketMonotonicMs = 0;
  private stopping: Promise<void> | undefined;
  private closedWith: RtspClosedEvent = { code: 'rtsp_stopped', message: 'not started' };

  constructor(private readonly options: RtspClientOptions) {
    parseStreamUrl(options.url);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.userAgent = options.userAgent ?? 'Vigie';
    this.transport = options.transport;
  }

  /** Connects, describes, sets up the first video track and plays it. Rejects with an RtspError. */
  async start(): Promise<RtspSessionInfo> {
    if (this.state !== 'idle') throw new RtspError('rtsp_stopped', 'a client starts once');
    this.state = 'starting';
    try {
      const track = await this.describe(parseStreamUrl(this.options.url));
      this.track = track;
      this.statistics = new ReceptionStatistics(track.clockRate);
      this.clock = new SenderClock(track.clockRate);
      await this.setup(track);
      await this.play();
      if (this.state !== 'starting') throw new RtspError('rtsp_stopped', 'stopped while starting');
      this.state = 'playing';
      this.startTimers();
      return { track, sessionId: this.sessionId!, transport: this.transport };
    } catch (error) {
      const failure = error instanceof RtspError ? error : new RtspError('rtsp_bad_response', (error as Error).message);
      this.finish(failure.code, failure.message);
      throw failure;
    }
  }

  /** TEARDOWN (waited for at most TEARDOWN_TIMEOUT_MS), then sockets closed and timers cleared. */
  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    if (this.state === 'playing' && this.sessionId) {
      await this.exchange('TEARDOWN', this.aggregateControl, [], TEARDOWN_TIMEOUT_MS).catch(() => undefined);
    }
    this.finish('rtsp_stopped', 'stopped by the client');
  }

  get stats(): RtspClientStats {
    return {
      packetsReceived: this.statistics?.packetsReceived ?? 0,
      bytesReceived: this.bytesReceived,
      packetsLost: Math.max(0, this.statistics?.packetsLost ?? 0),
      lastPacketAtMs: this.lastPacketAtMs,
    };
  }

  /** The camera's wall clock (Unix ms) at an RTP timestamp, from its latest sender report. */
  wallClockMs(rtpTimestamp: number): number | undefined {
    return this.clock?.wallClockMs(rtpTimestamp);
  }

  /** Camera clock minus local clock (ms), from the least-delayed of the last sender reports; undefined before one. */
  clockOffsetMs(): number | undefined {
    return this.clock?.offsetMs();
  }

  // -------------------------------------------------------------------------------------------
  // Start-up steps

  private async describe(initial: URL): Promise<VideoTrack> {
    const visited = new Set<string>();
    let url = initial;
    for (let redirects = 0; ; redirects += 1) {
      visited.add(url.href);
      await this.connect(url);
      const options = await this.request('OPTIONS', url.href, []).catch((error: RtspError) => {
        if (error.code === 'rtsp_unauthorized' || error.code === 'rtsp_timeout' || error.code === 'rtsp_connection_closed') throw error;
        return undefined; // OPTIONS is optional: some servers refuse it
      });
      const methods = options?.status === 200 ? options.headers.get('public') : undefined;
      if (methods && !/\bGET_PARAMETER\b/i.test(methods)) this.keepAliveMethod = 'OPTIONS';
      const response = await this.request('DESCRIBE', url.href, [['Accept', 'application/sdp']]);
      if (REDIRECT_STATUSES.has(response.status)) {
        const next = redirectTarget(response, url, visited, redirects, this.maxRedirects);
        this.closeConnection();
        this.authenticator = undefined; // another server, another challenge
        url = next;
        continue;
      }
      if (response.status < 200 || response.status >= 300) throw errorForStatus('DESCRIBE', response);
      const base = response.headers.get('content-base') ?? response.headers.get('content-location') ?? url.href;
      const description = parseSdp(response.body.toString('utf8'), new URL(base, url).href);
      const track = description.videoTracks[0];
      if (!track) {
        const found = description.unsupportedVideo.length > 0 ? description.unsupportedVideo.join(', ') : 'no video track';
        throw new RtspError('rtsp_unsupported_codec', `no H.264 or H.265 video track (${found})`);
      }
      this.aggregateControl = description.control;
      return track;
    }
  }

  private async setup(track: VideoTrack): Promise<void> {
    let transportHeader: string;
    if (this.transport === 'tcp') {
      transportHeader = 'RTP/AVP/TCP;unicast;interleaved=0-1';
    } else {
      const local = unmapped(this.socket?.localAddress) ?? '0.0.0.0';
      const [rtp, rtcp] = await bindUdpPair(local);
      if (this.state === 'closed') {
        rtp.close();
        rtcp.close();
        throw new RtspError(this.closedWith.code, this.closedWith.message);
      }
      this.rtpSocket = rtp;
      this.rtcpSocket = rtcp;
      transportHeader = `RTP/AVP;unicast;client_port=${rtp.address().port}-${rtcp.address().port}`;
    }
    const response = await this.request('SETUP', track.control, [['Transport', transportHeader]]);
    if (response.status < 200 || response.status >= 300) throw errorForStatus('SETUP', response);
    const session = response.headers.get('session');
    if (!session) throw new RtspError('rtsp_bad_response', 'SETUP answered without a Session header');
    const { id, timeoutSeconds } = parseSessionHeader(session);
    this.sessionId = id;
    const sessionTimeoutMs = (timeoutSeconds ?? DEFAULT_SESSION_TIMEOUT_SECONDS) * 1000;
    this.keepAliveMs = Math.min(this.options.keepAliveMs ?? Number.POSITIVE_INFINITY, sessionTimeoutMs / 2);
    const transport = parseTransportHeader(response.headers.get('transport') ?? '');
    if (transport.ssrc !== undefined) this.mediaSsrc = transport.ssrc;
    const answeredTcp = transport.protocol.includes('/TCP');
    if (this.transport === 'tcp') {
      if (!answeredTcp) throw new RtspError('rtsp_transport_refused', `asked TCP interleaved, the server answered ${transport.protocol || 'nothing'}`);
      [this.rtpChannel, this.rtcpChannel] = transport.interleaved ?? [0, 1];
    } else {
      if (answeredTcp) throw new RtspError('rtsp_transport_refused', 'asked UDP, the server answered TCP');
      this.serverAddress = unmapped(this.socket?.remoteAddress);
      this.sourceAddress = transport.source;
      this.serverRtcpPort = transport.serverPorts?.[1];
      this.rtpSocket!.on('message', (message: Buffer, remote: RemoteInfo) => {
        if (remote.address === this.serverAddress || remote.address === this.sourceAddress) this.onRtp(message);
      });
      this.rtcpSocket!.on('message', (message: Buffer, remote: RemoteInfo) => {
        if (remote.address === this.serverAddress || remote.address === this.sourceAddress) this.onRtcp(message);
      });
    }
  }

  private async play(): Promise<void> {
    const response = await this.request('PLAY', this.aggregateControl, [['Range', 'npt=0.000-']]);
    if (response.status < 200 || response.status >= 300) throw errorForStatus('PLAY', response);
  }

  private startTimers(): void {
    this.lastPacketMonotonicMs = performance.now();
    const watchdogPeriod = Math.max(50, Math.min(1000, this.timeoutMs / 4));
    this.watchdogTimer = setInterval(() => this.checkSilence(), watchdogPeriod).unref();
    this.keepAliveTimer = setInterval(() => void this.keepAlive(), this.keepAliveMs).unref();
    this.reportTimer = setInterval(() => this.sendReceiverReport(), RECEIVER_REPORT_INTERVAL_MS).unref();
    if (this.transport === 'udp') this.sendReceiverReport(); // opens the path back through NATs and firewalls
  }

  // -------------------------------------------------------------------------------------------
  // Connection and requests

  private connect(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol as keyof typeof DEFAULT_PORTS];
    this.tls = url.protocol === 'rtsps:';
    return new Promise((resolve, reject) => {
      const socket = this.tls
        ? tlsConnect({
            host,
            port,
            servername: isIP(host) ? undefined : host,
            ca: this.options.tls?.ca,
            rejectUnauthorized: this.options.tls?.rejectUnauthorized ?? true,
          })
        : netConnect({ host, port });
      this.socket = socket;
      this.socketError = undefined;
      const framer = new RtspFramer({
        message: (message) => this.onMessage(message),
        interleaved: (channel, payload) => this.onInterleaved(channel, payload),
      });
      this.framer = framer;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RtspError('rtsp_timeout', `no connection to ${url.host} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const onConnectError = (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(connectionError(error, this.tls));
      };
      socket.once('error', onConnectError);
      socket.once(this.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onConnectError);
        socket.setNoDelay(true);
        resolve();
      });
      socket.on('error', (error) => {
        this.socketError = error;
      });
      socket.on('data', (chunk: Buffer) => {
        if (socket !== this.socket) return;
        try {
          framer.push(chunk);
        } catch (error) {
          const failure = error instanceof RtspError ? error : new RtspError('rtsp_bad_response', (error as Error).message);
          this.finish(failure.code, failure.message);
        }
      });
      socket.on('close', () => {
        if (socket !== this.socket) return;
        const detail = this.socketError ? `: ${this.socketError.message}` : '';
        this.finish('rtsp_connection_closed', `the server closed the connection${detail}`);
      });
    });
  }

  /** Drops the control connection without ending the client (redirects). */
  private closeConnection(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.framer?.close();
    this.framer = undefined;
    socket?.destroy();
  }

  /** A request, answered once more with credentials after a 401 (Digest preferred; stale nonces renewed). */
  private async request(method: string, url: string, headers: Array<[string, string]>): Promise<RtspResponse> {
    let response = await this.exchange(method, url, headers, this.timeoutMs);
    if (response.status !== 401) return response;
    const credentials = this.options.credentials;
    if (!credentials) throw new RtspError('rtsp_unauthorized', `${method} needs credentials`, 401);
    const challenge = chooseChallenge(parseChallenges(response.headers.getAll('www-authenticate')));
    if (!challenge) throw new RtspError('rtsp_unauthorized', `${method}: no supported authentication scheme offered`, 401);
    this.authenticator = new Authenticator(credentials, challenge);
    response = await this.exchange(method, url, headers, this.timeoutMs);
    if (response.status === 401) throw new RtspError('rtsp_unauthorized', `${method}: credentials refused`, 401);
    return response;
  }

  private exchange(method: string, url: string, extra: Array<[string, string]>, timeoutMs: number): Promise<RtspResponse> {
    const socket = this.socket;
    if (this.state === 'closed') return Promise.reject(new RtspError(this.closedWith.code, `${method}: ${this.closedWith.message}`));
    if (!socket || socket.destroyed) return Promise.reject(new RtspError('rtsp_connection_closed', `${method}: no connection`));
    this.cseq += 1;
    const cseq = this.cseq;
    const headers: Array<[string, string]> = [
      ['CSeq', String(cseq)],
      ['User-Agent', this.userAgent],
    ];
    if (this.authenticator) headers.push(['Authorization', this.authenticator.header(method, url)]);
    if (this.sessionId && method !== 'OPTIONS' && method !== 'DESCRIBE' && method !== 'SETUP') headers.push(['Session', this.sessionId]);
    headers.push(...extra);
    let wire: Buffer;
    try {
      wire = formatRequest(method, url, headers);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(cseq);
        reject(new RtspError('rtsp_timeout', `${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(cseq, { method, resolve, reject, timer });
      socket.write(wire);
    });
  }

  private onMessage(message: RtspMessage): void {
    if (message.kind === 'request') {
      // A server's own request (a keep-alive probe, or an ANNOUNCE): answered, never acted upon.
      const known = message.method === 'OPTIONS' || message.method === 'GET_PARAMETER';
      this.socket?.write(formatResponse(known ? 200 : 501, known ? 'OK' : 'Not Implemented', message.headers.get('cseq')));
      return;
    }
    const cseqText = message.headers.get('cseq');
    let cseq = cseqText === undefined ? Number.NaN : Number(cseqText);
    if (!this.pending.has(cseq) && cseqText === undefined) cseq = this.pending.keys().next().value ?? Number.NaN; // servers that forget CSeq
    const pending = this.pending.get(cseq);
    if (!pending) return;
    this.pending.delete(cseq);
    clearTimeout(pending.timer);
    pending.resolve(message);
  }

  // -------------------------------------------------------------------------------------------
  // Media

  private onInterleaved(channel: number, payload: Buffer): void {
    if (channel === this.rtpChannel) this.onRtp(payload);
    else if (channel === this.rtcpChannel) this.onRtcp(payload);
  }

  private onRtp(buffer: Buffer): void {
    const track = this.track;
    if (!track || this.state === 'closed') return;
    const packet = this.packet;
    if (!readRtpPacket(buffer, packet) || packet.payloadType !== track.payloadType) return;
    const monotonic = performance.now();
    this.lastPacketMonotonicMs = monotonic;
    this.lastPacketAtMs = Date.now();
    this.bytesReceived += buffer.length;
    this.mediaSsrc = packet.ssrc;
    this.statistics!.update(packet.sequence, packet.timestamp, monotonic);
    this.events.emit('rtp', packet);
  }

  private onRtcp(buffer: Buffer): void {
    if (this.state === 'closed') return;
    for (const packet of parseRtcp(buffer)) {
      if (packet.type === 'sr') {
        // The RTCP channel (or port) is this track's alone, so its reports are about our stream
        // whatever SSRC they carry: VLC sends its reports with SSRC 0.
        const receivedAtMs = Date.now();
        this.lastSenderReport = { ntpMiddle: packet.ntpMiddle, receivedMonotonicMs: performance.now() };
        this.clock?.addReport(packet.ntpMs, packet.rtpTimestamp, receivedAtMs);
        this.events.emit('senderReport', { ntpMs: packet.ntpMs, rtpTimestamp: packet.rtpTimestamp, receivedAtMs });
      } else if (this.mediaSsrc === undefined || packet.ssrcs.length === 0 || packet.ssrcs.some((ssrc) => ssrc === this.mediaSsrc || ssrc === 0)) {
        this.finish('rtsp_bye', `the server ended the stream (RTCP BYE${packet.reason ? `: ${packet.reason}` : ''})`);
        return;
      }
    }
  }

  private sendReceiverReport(): void {
    if (this.state !== 'playing') return;
    const statistics = this.statistics!;
    const last = this.lastSenderReport;
    const block =
      statistics.hasPackets && this.mediaSsrc !== undefined
        ? {
            sourceSsrc: this.mediaSsrc,
            fractionLost: statistics.takeFractionLost(),
            cumulativeLost: statistics.packetsLost,
            extendedHighestSequence: statistics.extendedHighestSequence,
            jitter: statistics.jitter,
            lastSenderReport: last?.ntpMiddle ?? 0,
            delaySinceLastSenderReport: last ? ((performance.now() - last.receivedMonotonicMs) / 1000) * 65536 : 0,
          }
        : undefined;
    const report = buildReceiverReport(this.ownSsrc, this.cname, block);
    if (this.transport === 'tcp') {
      this.socket?.write(interleavedFrame(this.rtcpChannel, report));
    } else if (this.rtcpSocket && this.serverRtcpPort && this.serverAddress) {
      this.rtcpSocket.send(report, this.serverRtcpPort, this.serverAddress);
    }
  }

  private checkSilence(): void {
    const silentMs = performance.now() - this.lastPacketMonotonicMs;
    if (this.state === 'playing' && silentMs > this.timeoutMs) {
      this.finish('rtsp_timeout', `no RTP packet for ${Math.round(silentMs)} ms`);
    }
  }

  private async keepAlive(): Promise<void> {
    if (this.state !== 'playing' || this.keepAliveInFlight) return;
    this.keepAliveInFlight = true;
    try {
      let response = await this.request(this.keepAliveMethod, this.aggregateControl, []);
      if (this.keepAliveMethod === 'GET_PARAMETER' && (response.status === 501 || response.status === 405)) {
        this.keepAliveMethod = 'OPTIONS';
        response = await this.request('OPTIONS', this.aggregateControl, []);
      }
      if (response.status === 454) throw errorForStatus(this.keepAliveMethod, response);
    } catch (error) {
      const failure = error instanceof RtspError ? error : new RtspError('rtsp_bad_response', (error as Error).message);
      this.finish(failure.code, `keep-alive failed: ${failure.message}`);
    } finally {
      this.keepAliveInFlight = false;
    }
  }

  // -------------------------------------------------------------------------------------------
  // End

  private finish(code: RtspErrorCode, message: string): void {
    if (this.state === 'closed') return;
    const wasPlaying = this.state === 'playing';
    this.state = 'closed';
    this.closedWith = { code, message };
    clearInterval(this.keepAliveTimer);
    clearInterval(this.reportTimer);
    clearInterval(this.watchdogTimer);
    this.keepAliveTimer = this.reportTimer = this.watchdogTimer = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) {
      clearTimeout(request.timer);
      request.reject(new RtspError(code, `${request.method}: ${message}`));
    }
    this.closeConnection();
    for (const socket of [this.rtpSocket, this.rtcpSocket]) {
      try {
        socket?.close();
      } catch {
        // already closed
      }
    }
    this.rtpSocket = this.rtcpSocket = undefined;
    if (wasPlaying) this.events.emit('closed', { code, message });
  }
}
