// A fake RTSP client for unit tests of what consumes one (RtspIngest and its users): H.264
// pictures packetized as a camera sends them, in real time at 20 frames/s (a step of 4,500 at
// 90 kHz), a keyframe with SPS and PPS every 5 pictures; `lose()` closes the session as a
// camera that leaves. Cast it to RtspClient where a factory expects one.
import { H264, packetize, slice } from '../media/h26x/h26x.fixtures.ts';
import type { RtpPacket } from '../media/h26x/index.ts';
import { TypedEvents } from '../processes.ts';
import type { RtspClientOptions, RtspClosedEvent } from './client.ts';

/** The RTP step between two pictures: 20 frames/s at 90 kHz. */
export const FAKE_CAMERA_STEP = 4500;

export class FakeRtspCamera {
  readonly events = new TypedEvents<{ rtp: RtpPacket; senderReport: object; closed: RtspClosedEvent }>();
  stopped = false;
  private sequence = 0;
  private timestamp = 1000;
  private picture = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly options?: RtspClientOptions) {}

  start() {
    this.timer = setInterval(() => this.sendPicture(), 50);
    return Promise.resolve({
      track: { codec: 'h264' as const, clockRate: 90_000, payloadType: 96, parameterSets: { sps: [H264.sps360], pps: [H264.pps] }, control: '' },
      sessionId: 's',
      transport: 'tcp' as const,
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    return Promise.resolve();
  }

  /** The camera leaves: the session closes. */
  lose(): void {
    clearInterval(this.timer);
    this.events.emit('closed', { code: 'rtsp_connection_closed' as never, message: 'gone' });
  }

  wallClockMs(): number | undefined {
    return undefined;
  }

  clockOffsetMs(): number | undefined {
    return undefined;
  }

  private sendPicture(): void {
    const keyframe = this.picture++ % 5 === 0;
    const units = keyframe ? [H264.sps360, H264.pps, slice('h264', 5, 300)] : [slice('h264', 1, 120)];
    const packets: RtpPacket[] = packetize('h264', units, this.sequence, this.timestamp);
    this.sequence += packets.length;
    this.timestamp += FAKE_CAMERA_STEP;
    for (const packet of packets) this.events.emit('rtp', packet);
  }
}
