// A UDP session under the udp_blocked fault (drop): nothing leaves the camera while it holds,
// RTP and RTCP alike, and the datagrams flow again once it is cleared. Fake sockets, no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket as DatagramSocket } from 'node:dgram';
import type { WirePicture } from './rtp.ts';
import { RtspSession } from './rtsp-session.ts';
import type { StreamSource } from './stream-source.ts';

function fakeSocket(sent: number[]): DatagramSocket {
  return {
    send: (_buffer: Buffer, _offsetOrPort: number, lengthOrPort?: number) => {
      sent.push(lengthOrPort ?? 0);
    },
    close: () => undefined,
  } as unknown as DatagramSocket;
}

test('udp_blocked (drop): no RTP nor RTCP datagram is sent while it holds; they flow again after', () => {
  const rtpSent: number[] = [];
  const rtcpSent: number[] = [];
  let blocked = true;
  const session = new RtspSession(
    {} as StreamSource,
    'main',
    'rtsp://127.0.0.1/cam/a/main/trackID=0',
    {
      kind: 'udp',
      rtp: fakeSocket(rtpSent),
      rtcp: fakeSocket(rtcpSent),
      clientHost: '127.0.0.1',
      clientRtpPort: 5000,
      clientRtcpPort: 5001,
      blocked: () => blocked,
    },
    () => undefined,
  );
  const picture: WirePicture = {
    interleaved: Buffer.alloc(4 + 20 + 4 + 30),
    packetOffsets: [4, 28],
    packetLengths: [20, 30],
    keyframe: true,
    timestamp: 0,
    firstSequence: 0,
  };
  session.sendPicture(picture);
  session.sendControl(Buffer.alloc(28));
  assert.deepEqual(rtpSent, []);
  assert.deepEqual(rtcpSent, []);
  blocked = false;
  session.sendPicture(picture);
  session.sendControl(Buffer.alloc(28));
  assert.equal(rtpSent.length, 2, 'one datagram per RTP packet');
  assert.equal(rtcpSent.length, 1);
  session.close();
});
