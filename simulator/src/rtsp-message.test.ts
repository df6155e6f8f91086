import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatResponse, parseTransport, takeMessages } from './rtsp-message.ts';

test('requests are taken whole, interleaved frames in between, partial data kept', () => {
  const describe = 'DESCRIBE rtsp://127.0.0.1/cam/a/main RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n';
  const rtcp = Buffer.from([0x24, 1, 0, 2, 0xaa, 0xbb]);
  const partial = 'GET_PARAMETER rtsp://127.0.0.1/cam/a/main RTSP/1.0\r\nCSeq: 3\r\nContent-Length: 4\r\n\r\nab';
  const { chunks, rest } = takeMessages(Buffer.concat([Buffer.from(describe), rtcp, Buffer.from(partial)]));
  assert.equal(chunks.length, 2);
  assert.deepEqual(chunks[0], {
    kind: 'request',
    request: { method: 'DESCRIBE', url: 'rtsp://127.0.0.1/cam/a/main', headers: { cseq: '2', accept: 'application/sdp' }, body: '' },
  });
  assert.equal(chunks[1]!.kind, 'interleaved');
  const next = takeMessages(Buffer.concat([rest, Buffer.from('cd')]));
  assert.equal(next.chunks.length, 1);
  assert.equal(next.chunks[0]!.kind === 'request' && next.chunks[0]!.request.body, 'abcd');
});

test('an endless header is refused', () => {
  assert.throws(() => takeMessages(Buffer.alloc(20_000, 0x41)));
});

test('responses echo CSeq and carry the body length', () => {
  const text = formatResponse(200, '5', { Session: 'AB' }, 'v=0\r\n').toString();
  assert.match(text, /^RTSP\/1.0 200 OK\r\nCSeq: 5\r\n/);
  assert.match(text, /Content-Length: 5\r\n\r\nv=0\r\n$/);
});

test('transports: TCP interleaved channels, UDP client ports, multicast skipped', () => {
  assert.deepEqual(parseTransport('RTP/AVP/TCP;unicast;interleaved=2-3'), { tcp: true, interleaved: [2, 3] });
  assert.deepEqual(parseTransport('RTP/AVP/TCP;unicast'), { tcp: true, interleaved: [0, 1] });
  assert.deepEqual(parseTransport('RTP/AVP;unicast;client_port=5000-5001'), { tcp: false, clientPorts: [5000, 5001] });
  assert.deepEqual(parseTransport('RTP/AVP;multicast;port=5000-5001,RTP/AVP/TCP;interleaved=0-1'), { tcp: true, interleaved: [0, 1] });
  assert.equal(parseTransport('RAW/RAW/UDP;unicast'), undefined);
});

test('transports with UDP refused (udp_blocked fault, refuse): a UDP-only SETUP finds none, a list falls through to TCP', () => {
  const tcpOnly = { udp: false };
  assert.equal(parseTransport('RTP/AVP;unicast;client_port=5000-5001', tcpOnly), undefined);
  assert.equal(parseTransport('RTP/AVP/UDP;unicast;client_port=5000-5001', tcpOnly), undefined);
  assert.deepEqual(parseTransport('RTP/AVP;unicast;client_port=5000-5001,RTP/AVP/TCP;unicast;interleaved=0-1', tcpOnly), { tcp: true, interleaved: [0, 1] });
  assert.deepEqual(parseTransport('RTP/AVP/TCP;unicast;interleaved=2-3', tcpOnly), { tcp: true, interleaved: [2, 3] });
});
