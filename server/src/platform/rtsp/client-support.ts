// The RTSP client's public types and its small helpers: the typed emitter, the mapping of
// answers and socket errors to stable codes, the stream URL check, UDP binding.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { RtspCredentials } from './auth.ts';
import type { RtpPacket } from './rtp.ts';
import { RtspError, type RtspErrorCode, type RtspResponse } from './rtsp-message.ts';
import type { VideoTrack } from './sdp.ts';

const UDP_RECEIVE_BUFFER_BYTES = 1024 * 1024;
const UDP_PORT_PAIR_ATTEMPTS = 20;

export interface RtspClientOptions {
  /** rtsp:// or rtsps:// URL, without credentials. */
  url: string;
  credentials?: RtspCredentials;
  transport: 'tcp' | 'udp';
  /** Connection, each request, and the longest silence of RTP once playing (default 10 s). */
  timeoutMs?: number;
  /** Keep-alive period; at most half the session timeout the server states (default: that half). */
  keepAliveMs?: number;
  maxRedirects?: number;
  /** For rtsps://: trusted certificates, and whether an untrusted one is refused (default true). */
  tls?: { ca?: string | Buffer | Array<string | Buffer>; rejectUnauthorized?: boolean };
  userAgent?: string;
}

export interface RtspSessionInfo {
  track: VideoTrack;
  sessionId: string;
  transport: 'tcp' | 'udp';
}

export interface RtspSenderReport {
  /** The camera's wall clock at `rtpTimestamp`, Unix ms. */
  ntpMs: number;
  rtpTimestamp: number;
  /** Local wall clock when the report arrived, Unix ms. */
  receivedAtMs: number;
}

export interface RtspClosedEvent {
  code: RtspErrorCode;
  message: string;
}

export interface RtspClientEvents {
  /**
   * One RTP packet of the video track, emitted synchronously from the socket handler. The object
   * is reused for the next packet: copy the fields you keep (the `payload` Buffer itself may be kept).
   */
  rtp: Readonly<RtpPacket>;
  senderReport: RtspSenderReport;
  /** Once, when a started session ends: socket closed, RTP silence, RTCP BYE, keep-alive failure, stop(). */
  closed: RtspClosedEvent;
}

export interface RtspClientStats {
  packetsReceived: number;
  bytesReceived: number;
  /** From sequence numbers (RFC 3550 A.3: expected minus received). */
  packetsLost: number;
  /** Wall clock of the last RTP packet, Unix ms. */
  lastPacketAtMs: number | undefined;
}

/** A minimal typed emitter: listener arrays replaced on change, so emitting allocates nothing. */
export class ClientEvents<Events extends object> {
  private readonly listeners = new Map<keyof Events, ReadonlyArray<(event: never) => void>>();

  on<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): () => void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener as (event: never) => void]);
    return () => {
      this.listeners.set(
        name,
        (this.listeners.get(name) ?? []).filter((item) => item !== listener),
      );
    };
  }

  emit<K extends keyof Events>(name: K, event: Events[K]): void {
    const list = this.listeners.get(name) as ReadonlyArray<(event: Events[K]) => void> | undefined;
    if (!list) return;
    for (let index = 0; index < list.length; index += 1) {
      try {
        list[index]!(event);
      } catch {
        // A faulty listener must not break the session of the others.
      }
    }
  }
}

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307]);

export function errorForStatus(method: string, response: RtspResponse): RtspError {
  const what = `${method} answered ${response.status} ${response.reason}`.trim();
  const { status } = response;
  if (status === 401) return new RtspError('rtsp_unauthorized', what, status);
  if (status === 403) return new RtspError('rtsp_forbidden', what, status);
  if (status === 404) return new RtspError('rtsp_not_found', what, status);
  if (status === 454) return new RtspError('rtsp_session_lost', what, status);
  if (status === 461) return new RtspError('rtsp_transport_refused', what, status);
  if (status >= 500) return new RtspError('rtsp_server_error', what, status);
  return new RtspError('rtsp_bad_response', what, status);
}

export function connectionError(error: NodeJS.ErrnoException, tls: boolean): RtspError {
  const code = error.code ?? '';
  const tlsFailure = tls && (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code) || /SSL|TLS|certificate/i.test(error.message));
  return new RtspError(tlsFailure ? 'rtsp_tls_error' : 'rtsp_connection_failed', `${code ? `${code}: ` : ''}${error.message}`);
}

export const unmapped = (address: string | undefined): string | undefined => address?.replace(/^::ffff:(?=\d+\.)/, '');

/** Parses and checks a stream URL: rtsp or rtsps, with no credentials in it. */
export function parseStreamUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RtspError('rtsp_invalid_url', 'the stream URL cannot be parsed');
  }
  if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:') throw new RtspError('rtsp_invalid_url', `unsupported scheme ${url.protocol}`);
  if (url.username || url.password) throw new RtspError('rtsp_invalid_url', 'the stream URL must not carry credentials: pass them as `credentials`');
  if (!url.hostname) throw new RtspError('rtsp_invalid_url', 'the stream URL has no host');
  return url;
}

function bindUdp(type: 'udp4' | 'udp6', address: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, recvBufferSize: UDP_RECEIVE_BUFFER_BYTES });
    const onError = (error: Error) => {
      try {
        socket.close();
      } catch {
        // never bound
      }
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      socket.on('error', () => undefined); // an ICMP port unreachable must not crash the process
      resolve(socket);
    });
  });
}

/** Two UDP sockets on consecutive ports of `address`: RTP on the even one, RTCP on the next (RFC 3550 section 11). */
export async function bindUdpPair(address: string): Promise<[UdpSocket, UdpSocket]> {
  const type = isIP(address) === 6 ? 'udp6' : 'udp4';
  for (let attempt = 0; attempt < UDP_PORT_PAIR_ATTEMPTS; attempt += 1) {
    const first = await bindUdp(type, address, 0);
    const port = first.address().port;
    const pairPort = port % 2 === 0 ? port + 1 : port - 1;
    const second = await bindUdp(type, address, pairPort).catch(() => undefined);
    if (!second) {
      first.close();
      continue;
    }
    return port % 2 === 0 ? [first, second] : [second, first];
  }
  throw new RtspError('rtsp_connection_failed', `no pair of consecutive UDP ports on ${address}`);
}

/** Where a DESCRIBE redirect leads, refused when it has no Location, is invalid, downgrades rtsps, loops or goes too far. */
export function redirectTarget(response: RtspResponse, url: URL, visited: ReadonlySet<string>, redirects: number, maxRedirects: number): URL {
  const location = response.headers.get('location');
  if (!location) throw new RtspError('rtsp_bad_response', `DESCRIBE answered ${response.status} without Location`, response.status);
  let next: URL;
  try {
    next = parseStreamUrl(new URL(location, url).href);
  } catch (error) {
    throw new RtspError('rtsp_bad_response', `redirected to an invalid URL (${(error as Error).message})`, response.status);
  }
  if (url.protocol === 'rtsps:' && next.protocol !== 'rtsps:') throw new RtspError('rtsp_bad_response', 'redirect from rtsps to rtsp refused');
  if (redirects >= maxRedirects || visited.has(next.href)) {
    throw new RtspError('rtsp_redirect_loop', `more than ${maxRedirects} redirects, or a redirect loop`, response.status);
  }
  return next;
}
