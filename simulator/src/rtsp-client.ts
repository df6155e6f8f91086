// A minimal RTSP/1.0 client over TCP interleaved, with Digest authentication: enough for the
// tests and the bench to pull streams cheaply and count what arrives (no decoding).
import { connect, type Socket } from 'node:net';
import { authorizationFor, type Credentials } from './digest.ts';
import { formatRequest, takeMessages } from './rtsp-message.ts';

export interface RtspResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PullStats {
  bytes: number;
  rtpPackets: number;
  pictures: number;
  keyframes: number;
  senderReports: number;
  firstTimestamp: number | undefined;
  lastTimestamp: number | undefined;
  /** Arrival time (ms) of the last RTP packet. */
  lastPacketAtMs: number | undefined;
  payloads: Buffer[] | undefined;
}

export class RtspClient {
  private socket: Socket | undefined;
  private cseq = 0;
  private pending: Buffer = Buffer.alloc(0);
  private waiting: ((response: RtspResponse) => void) | undefined;
  private challenge: string | undefined;
  private session: string | undefined;
  readonly stats: PullStats = {
    bytes: 0,
    rtpPackets: 0,
    pictures: 0,
    keyframes: 0,
    senderReports: 0,
    firstTimestamp: undefined,
    lastTimestamp: undefined,
    lastPacketAtMs: undefined,
    payloads: undefined,
  };
  closed = false;
  /** Sees every interleaved packet as it arrives (RTP on even channels, RTCP on odd ones). */
  private readonly onPacket: ((channel: number, packet: Buffer) => void) | undefined;

  constructor(
    readonly url: string,
    private readonly credentials?: Credentials,
    options: { keepPayloads?: boolean; onPacket?: (channel: number, packet: Buffer) => void } = {},
  ) {
    if (options.keepPayloads) this.stats.payloads = [];
    this.onPacket = options.onPacket;
  }

  connect(timeoutMs = 5000): Promise<void> {
    const target = new URL(this.url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.hostname, port: Number(target.port || 554) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('RTSP connect timeout'));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('data', (data: Buffer) => this.onData(data));
      socket.on('close', () => {
        this.closed = true;
      });
      this.socket = socket;
    });
  }

  private onData(data: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    const { chunks, rest } = takeMessages(this.pending);
    this.pending = rest.length ? Buffer.from(rest) : Buffer.alloc(0);
    for (const chunk of chunks) {
      if (chunk.kind === 'interleaved') this.count(chunk.channel, chunk.payload);
      else if (chunk.kind === 'response') {
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting?.({ status: chunk.status, headers: chunk.headers, body: Buffer.from(chunk.body) });
      }
    }
  }

  private count(channel: number, packet: Buffer): void {
    this.onPacket?.(channel, packet);
    this.stats.bytes += packet.length + 4;
    if (channel % 2 === 1) {
      if (packet[1] === 200) this.stats.senderReports += 1;
      return;
    }
    this.stats.rtpPackets += 1;
    this.stats.lastPacketAtMs = Date.now();
    const timestamp = packet.readUInt32BE(4);
    this.stats.firstTimestamp ??= timestamp;
    this.stats.lastTimestamp = timestamp;
    const payload = packet.subarray(12);
    const nalType = (payload[0] ?? 0) & 0x1f;
    const fuType = nalType === 28 ? (payload[1] ?? 0) & 0x1f : nalType;
    if (fuType === 5 && (nalType !== 28 || (payload[1] ?? 0) & 0x80)) this.stats.keyframes += 1;
    if ((packet[1] ?? 0) & 0x80) this.stats.pictures += 1;
    this.stats.payloads?.push(Buffer.from(payload));
  }

  /** Sends a request, answering one Digest challenge if needed. */
  async request(method: string, url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<RtspResponse> {
    let response = await this.send(method, url, headers, timeoutMs);
    if (response.status === 401 && this.credentials && response.headers['www-authenticate']) {
      // Remembered: every later request answers it (send() builds the Authorization header).
      this.challenge = response.headers['www-authenticate'];
      response = await this.send(method, url, headers, timeoutMs);
    }
    return response;
  }

  private send(method: string, url: string, headers: Record<string, string>, timeoutMs: number): Promise<RtspResponse> {
    const socket = this.socket;
    if (!socket || this.closed) return Promise.reject(new Error('RTSP connection closed'));
    const all = { ...headers };
    if (this.challenge && this.credentials) all.Authorization = authorizationFor(this.challenge, this.credentials, method, url);
    if (this.session) all.Session = this.session;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`RTSP ${method} timed out`));
      }, timeoutMs);
      this.waiting = (response) => {
        clearTimeout(timer);
        resolve(response);
      };
      socket.write(formatRequest(method, url, ++this.cseq, all));
    });
  }

  /** DESCRIBE, SETUP (TCP interleaved 0-1), PLAY. Returns the DESCRIBE response (SDP). */
  async play(): Promise<RtspResponse> {
    const describe = await this.request('DESCRIBE', this.url, { Accept: 'application/sdp' });
    if (describe.status !== 200) throw new RtspStatusError('DESCRIBE', describe.status);
    const base = describe.headers['content-base'] ?? `${this.url}/`;
    const setup = await this.request('SETUP', `${base}trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    if (setup.status !== 200) throw new RtspStatusError('SETUP', setup.status);
    this.session = setup.headers.session?.split(';')[0];
    const play = await this.request('PLAY', this.url, { Range: 'npt=0.000-' });
    if (play.status !== 200) throw new RtspStatusError('PLAY', play.status);
    return describe;
  }

  close(): void {
    this.socket?.destroy();
    this.closed = true;
  }
}

export class RtspStatusError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
  ) {
    super(`RTSP ${method} answered ${status}`);
  }
}
