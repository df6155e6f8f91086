// The DC-09 receiver's sockets (docs/alarms.md "SIA DC-09"): one TCP listener and one UDP socket
// on the configured address and port. TCP: several messages per connection, each answered in
// turn (a connection's messages are handled one after the other, connections concurrently); a
// connection over the limit is closed at once, one idle past the timeout is closed, and one that
// sends more than a frame's worth of bytes with no CR is dropped. UDP: one datagram per message,
// answered to its sender's address. A failed commit sends nothing: the panel resends. Nothing a
// client sends can throw out of here.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { Dc09Intake } from './alarms.dc09.ts';
import { maxFrameBytes } from './alarms.dc09.frame.ts';

export interface Dc09ListenerConfig {
  host: string;
  /** The TCP and UDP port (0: any free port, for tests). */
  port: number;
  maxConnections: number;
  idleTimeoutMs: number;
  /** Above this many concurrent UDP messages in flight, datagrams are dropped (the panel resends). */
  maxUdpInFlight: number;
}

export class Dc09Listener {
  private tcp: Server | null = null;
  private udp: UdpSocket | null = null;
  private readonly sockets = new Set<Socket>();
  private udpInFlight = 0;
  lastError: string | null = null;

  constructor(
    private readonly intake: Dc09Intake,
    private readonly config: Dc09ListenerConfig | null,
    private readonly log: ProcessLog = silentLog,
  ) {}

  status(): { listening: boolean; host: string | null; tcpPort: number | null; udpPort: number | null; connections: number } {
    const tcpAddress = this.tcp?.address();
    const udpAddress = this.udp ? this.udp.address() : null;
    return {
      listening: this.tcp?.listening ?? false,
      host: this.config?.host ?? null,
      tcpPort: tcpAddress && typeof tcpAddress === 'object' ? tcpAddress.port : null,
      udpPort: udpAddress?.port ?? null,
      connections: this.sockets.size,
    };
  }

  /** Binds TCP then UDP on the configured address (nothing when DC-09 is not configured). */
  async start(): Promise<void> {
    const config = this.config;
    if (!config || this.tcp) return;
    const tcp = createServer({ noDelay: true }, (socket) => this.connection(socket, config));
    tcp.maxConnections = config.maxConnections;
    tcp.on('error', (error) => {
      this.lastError = error.message;
      this.log.warn({ error: error.message }, 'DC-09 receiver: TCP error');
    });
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: config.host, port: config.port }, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    const tcpPort = (tcp.address() as { port: number }).port;
    const udp = createSocket({ type: config.host.includes(':') ? 'udp6' : 'udp4' });
    udp.on('error', (error) => {
      this.lastError = error.message;
      this.log.warn({ error: error.message }, 'DC-09 receiver: UDP error');
    });
    udp.on('message', (datagram, remote) => this.datagram(udp, datagram, remote, config));
    this.udp = udp;
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: config.host, port: tcpPort }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.log.info({ host: config.host, port: tcpPort }, 'DC-09 receiver listening (TCP and UDP)');
  }

  async stop(): Promise<void> {
    const tcp = this.tcp;
    const udp = this.udp;
    this.tcp = null;
    this.udp = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  private connection(socket: Socket, config: Dc09ListenerConfig): void {
    this.sockets.add(socket);
    socket.setTimeout(config.idleTimeoutMs, () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf(0x0d);
        if (end < 0) break;
        // A frame starts at its LF: bytes before it (line noise) are dropped with it.
        const start = pending.lastIndexOf(0x0a, end);
        const frameBytes = start >= 0 ? pending.subarray(start, end + 1) : pending.subarray(0, end + 1);
        pending = pending.subarray(end + 1);
        queue = queue.then(() => this.answer(frameBytes, 'tcp', (response) => socket.write(response)));
      }
      if (pending.length > maxFrameBytes) {
        this.log.warn({ remote: socket.remoteAddress }, 'DC-09 receiver: frame too long, connection dropped');
        socket.destroy();
      }
    });
  }

  private datagram(udp: UdpSocket, datagram: Buffer, remote: { address: string; port: number }, config: Dc09ListenerConfig): void {
    if (this.udpInFlight >= config.maxUdpInFlight || datagram.length > maxFrameBytes) return;
    this.udpInFlight++;
    void this.answer(datagram, 'udp', (response) => udp.send(response, remote.port, remote.address)).finally(() => this.udpInFlight--);
  }

  /** Handles one frame and sends its answer; a failed commit is logged and answered with nothing. */
  private async answer(frameBytes: Buffer, transport: 'tcp' | 'udp', send: (response: Buffer) => void): Promise<void> {
    try {
      const answer = await this.intake.handle(frameBytes, transport);
      if (answer.response) send(answer.response);
    } catch (error) {
      this.log.warn({ transport, error: error instanceof Error ? error.message : String(error) }, 'DC-09 message NOT STORED: no answer, the panel resends');
    }
  }
}
