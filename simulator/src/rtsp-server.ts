// The RTSP/1.0 server of one camera (RFC 2326): OPTIONS, DESCRIBE, SETUP (TCP interleaved or
// UDP), PLAY, PAUSE, TEARDOWN, GET_PARAMETER/SET_PARAMETER as keep-alive, Digest auth on
// everything but OPTIONS. Going offline closes the listener, so connections are refused.
import { listenOn } from './listen.ts';
import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { ProfileName } from './config.ts';
import type { Credentials, DigestAuthenticator } from './digest.ts';
import { formatResponse, parseTransport, takeMessages, type RtspRequest } from './rtsp-message.ts';
import { RtspSession } from './rtsp-session.ts';
import { buildSdp } from './sdp.ts';
import type { StreamSource } from './stream-source.ts';

const SESSION_TIMEOUT_SECONDS = 60;
const ALLOWED = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER';

export interface RtspCameraEndpoint {
  id: string;
  name: string;
  credentials: Credentials;
  authenticator: DigestAuthenticator;
  /** The stream of a profile, with its picture loaded. */
  openStream(profile: ProfileName): Promise<StreamSource>;
  bandwidthCapKbps(): number | undefined;
  /** The `udp_blocked` fault: UDP SETUPs refused (461), or accepted with every datagram dropped. */
  udpBlocked(): 'refuse' | 'drop' | undefined;
}

interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  body?: string;
  afterSend?: () => void;
}

export class RtspServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Map<string, RtspSession>();
  private sweepTimer: NodeJS.Timeout | undefined;
  port: number;

  constructor(
    private readonly endpoint: RtspCameraEndpoint,
    readonly host: string,
    port: number,
  ) {
    this.port = port;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The RTSP sessions set up and not torn down, by transport (tests check what a client asked for). */
  sessionsByTransport(): { tcp: number; udp: number } {
    const counts = { tcp: 0, udp: 0 };
    for (const session of this.sessions.values()) counts[session.transport.kind] += 1;
    return counts;
  }

  async listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    this.sweepTimer ??= setInterval(() => this.sweepIdleSessions(), 10_000).unref();
    this.port = await listenOn(server, this.host, this.port);
    return this.port;
  }

  /** Stops listening and drops every connection and session (camera offline or stopped). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.close();
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const owned = new Set<RtspSession>();
    let pending: Buffer = Buffer.alloc(0);
    let queue = Promise.resolve();
    socket.on('data', (data: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      let taken: ReturnType<typeof takeMessages>;
      try {
        taken = takeMessages(pending);
      } catch {
        socket.destroy();
        return;
      }
      pending = Buffer.from(taken.rest);
      for (const chunk of taken.chunks) {
        if (chunk.kind !== 'request') {
          for (const session of owned) session.lastSeenMs = Date.now(); // RTCP receiver reports
          continue;
        }
        queue = queue
          .then(() => this.handle(chunk.request, socket, owned))
          .catch(() => {
            socket.destroy();
          });
      }
    });
    const cleanup = () => {
      this.sockets.delete(socket);
      for (const session of owned) this.endSession(session);
    };
    socket.on('close', cleanup);
    socket.on('error', () => socket.destroy());
  }

  private async handle(request: RtspRequest, socket: Socket, owned: Set<RtspSession>): Promise<void> {
    const cseq = request.headers.cseq;
    const reply = await this.dispatch(request, socket, owned).catch((): Reply => ({ status: 500 }));
    if (socket.destroyed) return;
    socket.write(formatResponse(reply.status, cseq, reply.headers, reply.body));
    reply.afterSend?.();
  }

  private async dispatch(request: RtspRequest, socket: Socket, owned: Set<RtspSession>): Promise<Reply> {
    if (request.method === 'OPTIONS') return { status: 200, headers: { Public: ALLOWED } };
    const { authenticator, credentials } = this.endpoint;
    if (!authenticator.verify(request.headers.authorization, request.method, credentials)) {
      return { status: 401, headers: { 'WWW-Authenticate': authenticator.challenge(request.headers.authorization) } };
    }
    const sessionId = request.headers.session?.split(';')[0]?.trim();
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (session) session.lastSeenMs = Date.now();
    switch (request.method) {
      case 'DESCRIBE':
        return this.describe(request);
      case 'SETUP':
        return this.setup(request, socket, owned, sessionId);
      case 'PLAY':
        return session ? this.play(session) : { status: 454 };
      case 'PAUSE':
        if (!session) return { status: 454 };
        session.pause();
        return { status: 200, headers: { Session: session.id } };
      case 'TEARDOWN':
        if (!session) return { status: 454 };
        owned.delete(session);
        this.endSession(session);
        return { status: 200 };
      case 'GET_PARAMETER':
      case 'SET_PARAMETER':
        return { status: 200, headers: session ? { Session: session.id } : {} };
      default:
        return { status: 405, headers: { Allow: ALLOWED } };
    }
  }

  /** `/cam/<id>/<main|sub>` with an optional trailing track control; undefined otherwise. */
  private profileOf(url: string): ProfileName | undefined {
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
    const match = /^\/cam\/([^/]+)\/(main|sub)(?:\/trackID=0)?\/?$/.exec(path);
    if (!match || decodeURIComponent(match[1] ?? '') !== this.endpoint.id) return undefined;
    return match[2] as ProfileName;
  }

  private async describe(request: RtspRequest): Promise<Reply> {
    const profile = this.profileOf(request.url);
    if (!profile) return { status: 404 };
    const source = await this.endpoint.openStream(profile);
    const stream = source.description();
    if (!stream) return { status: 503 };
    const sdp = buildSdp({ ...stream, sessionName: this.endpoint.name, serverAddress: this.host, sessionId: source.ssrc });
    const base = new URL(request.url);
    const contentBase = `rtsp://${base.host}/cam/${this.endpoint.id}/${profile}/`;
    return { status: 200, headers: { 'Content-Base': contentBase, 'Content-Type': 'application/sdp' }, body: sdp };
  }

  private async setup(request: RtspRequest, socket: Socket, owned: Set<RtspSession>, sessionId: string | undefined): Promise<Reply> {
    const profile = this.profileOf(request.url);
    if (!profile) return { status: 404 };
    if (sessionId && this.sessions.has(sessionId)) return { status: 455 }; // one track per stream
    const transport = parseTransport(request.headers.transport, { udp: this.endpoint.udpBlocked() !== 'refuse' });
    if (!transport) return { status: 461 };
    const source = await this.endpoint.openStream(profile);
    const capKbps = () => this.endpoint.bandwidthCapKbps();
    let session: RtspSession;
    let transportReply: string;
    if (transport.tcp) {
      const [rtpChannel, rtcpChannel] = transport.interleaved ?? [0, 1];
      session = new RtspSession(source, profile, request.url, { kind: 'tcp', socket, rtpChannel, rtcpChannel }, capKbps);
      transportReply = `RTP/AVP/TCP;unicast;interleaved=${rtpChannel}-${rtcpChannel}`;
    } else {
      const [clientRtpPort, clientRtcpPort] = transport.clientPorts!;
      const [rtp, rtcp] = await Promise.all([this.bindDatagram(), this.bindDatagram()]);
      const clientHost = socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
      const blocked = () => this.endpoint.udpBlocked() === 'drop';
      session = new RtspSession(source, profile, request.url, { kind: 'udp', rtp, rtcp, clientHost, clientRtpPort, clientRtcpPort, blocked }, capKbps);
      rtcp.on('message', () => {
        if (!blocked()) session.lastSeenMs = Date.now();
      });
      transportReply = `RTP/AVP;unicast;client_port=${clientRtpPort}-${clientRtcpPort};server_port=${rtp.address().port}-${rtcp.address().port}`;
    }
    this.sessions.set(session.id, session);
    owned.add(session);
    return {
      status: 200,
      headers: {
        Transport: `${transportReply};ssrc=${source.ssrc.toString(16).toUpperCase().padStart(8, '0')}`,
        Session: `${session.id};timeout=${SESSION_TIMEOUT_SECONDS}`,
      },
    };
  }

  private bindDatagram(): Promise<DatagramSocket> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.host, port: 0 }, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined); // a vanished UDP client is the session timeout's business
        resolve(socket);
      });
    });
  }

  private async play(session: RtspSession): Promise<Reply> {
    await this.endpoint.openStream(session.profile); // reloads the picture if it was released
    const headers: Record<string, string> = { Session: session.id, Range: 'npt=now-' };
    if (session.source.viewerCount > 0) headers['RTP-Info'] = `url=${session.controlUrl};seq=${session.source.nextSequenceForNewViewer()}`;
    // The first pictures must follow the PLAY response on the wire, hence afterSend.
    return { status: 200, headers, afterSend: () => session.play() };
  }

  private endSession(session: RtspSession): void {
    session.close();
    this.sessions.delete(session.id);
  }

  private sweepIdleSessions(): void {
    const deadline = Date.now() - (SESSION_TIMEOUT_SECONDS + 5) * 1000;
    for (const session of this.sessions.values()) {
      if (session.transport.kind === 'udp' && session.lastSeenMs < deadline) this.endSession(session);
    }
  }
}
