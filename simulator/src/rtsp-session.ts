// One RTSP session: a viewer of one stream, over TCP interleaved or UDP. It is the stream's
// sink: it writes each picture, dropping pictures (until the next keyframe) when its
// connection cannot keep up or when a slow-network fault caps its bandwidth.
import { randomBytes } from 'node:crypto';
import type { Socket as DatagramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { ProfileName } from './config.ts';
import { interleave, withChannel, type WirePicture } from './rtp.ts';
import type { StreamSink, StreamSource } from './stream-source.ts';

/** Beyond this many bytes queued on a TCP viewer, pictures are dropped instead of queued. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export type SessionTransport =
  | { kind: 'tcp'; socket: Socket; rtpChannel: number; rtcpChannel: number }
  | {
      kind: 'udp';
      rtp: DatagramSocket;
      rtcp: DatagramSocket;
      clientHost: string;
      clientRtpPort: number;
      clientRtcpPort: number;
      /** True while the `udp_blocked` fault drops datagrams: nothing is sent (counted as sent, as the camera does). */
      blocked?: () => boolean;
    };

export class RtspSession implements StreamSink {
  readonly id = randomBytes(4).toString('hex').toUpperCase();
  needsKeyframe = false;
  playing = false;
  lastSeenMs = Date.now();
  bytesSent = 0;
  private closed = false;
  private allowanceBytes = 0;
  private allowanceAtMs = Date.now();

  constructor(
    readonly source: StreamSource,
    readonly profile: ProfileName,
    readonly controlUrl: string,
    readonly transport: SessionTransport,
    private readonly bandwidthCapKbps: () => number | undefined,
  ) {}

  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.source.addSink(this);
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.source.removeSink(this);
  }

  sendPicture(picture: WirePicture): void {
    if (this.closed || (this.needsKeyframe && !picture.keyframe)) return;
    const size = picture.interleaved.length;
    if (!this.withinBandwidth(size)) {
      this.needsKeyframe = true;
      return;
    }
    if (this.transport.kind === 'tcp') {
      const { socket } = this.transport;
      if (socket.destroyed || socket.writableLength > MAX_QUEUED_BYTES) {
        this.needsKeyframe = true;
        return;
      }
      this.needsKeyframe = false;
      socket.write(withChannel(picture, this.transport.rtpChannel));
    } else {
      this.needsKeyframe = false;
      const { rtp, clientHost, clientRtpPort, blocked } = this.transport;
      if (!blocked?.())
        picture.packetOffsets.forEach((offset, index) => {
          rtp.send(picture.interleaved, offset, picture.packetLengths[index]!, clientRtpPort, clientHost);
        });
    }
    this.bytesSent += size;
  }

  sendControl(rtcpPacket: Buffer): void {
    if (this.closed) return;
    if (this.transport.kind === 'tcp') {
      if (!this.transport.socket.destroyed) this.transport.socket.write(interleave(this.transport.rtcpChannel, rtcpPacket));
    } else if (!this.transport.blocked?.()) {
      this.transport.rtcp.send(rtcpPacket, this.transport.clientRtcpPort, this.transport.clientHost);
    }
  }

  /** Token bucket of the slow-network fault: one second of burst at the capped rate. */
  private withinBandwidth(size: number): boolean {
    const capKbps = this.bandwidthCapKbps();
    if (capKbps === undefined) return true;
    const now = Date.now();
    const bytesPerMs = (capKbps * 1000) / 8 / 1000;
    this.allowanceBytes = Math.min(bytesPerMs * 1000, this.allowanceBytes + (now - this.allowanceAtMs) * bytesPerMs);
    this.allowanceAtMs = now;
    if (size > this.allowanceBytes) return false;
    this.allowanceBytes -= size;
    return true;
  }

  close(): void {
    this.pause();
    if (this.closed) return;
    this.closed = true;
    if (this.transport.kind === 'udp') {
      this.transport.rtp.close();
      this.transport.rtcp.close();
    }
  }
}
