// RTSP framing over a byte stream: responses mixed with interleaved frames, cut anywhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatRequest,
  interleavedFrame,
  MAX_BODY_BYTES,
  MAX_INTERLEAVED_FRAME_BYTES,
  MAX_RESPONSE_HEADER_BYTES,
  parseSessionHeader,
  parseTransportHeader,
  RtspError,
  RtspFramer,
  type RtspMessage,
} from './rtsp-message.ts';

type Seen =
  | { kind: 'frame'; channel: number; payload: string }
  | { kind: 'response'; status: number; cseq?: string; body: string }
  | { kind: 'request'; method: string };

function collector() {
  const seen: Seen[] = [];
  const framer = new RtspFramer({
    message: (message: RtspMessage) =>
      seen.push(
        message.kind === 'response'
          ? { kind: 'response', status: message.status, cseq: message.headers.get('cseq'), body: message.body.toString() }
          : { kind: 'request', method: message.method },
      ),
    interleaved: (channel, payload) => seen.push({ kind: 'frame', channel, payload: payload.toString('hex') }),
  });
  return { seen, framer };
}

const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\n';
const stream = Buffer.concat([
  interleavedFrame(0, Buffer.from('a1a2a3', 'hex')),
  Buffer.from(`RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`),
  interleavedFrame(1, Buffer.from('b1', 'hex')),
  interleavedFrame(0, Buffer.alloc(0)),
  Buffer.from('\r\nRTSP/1.0 401 Unauthorized\r\nCSeq: 4\r\nWWW-Authenticate: Digest realm="x", nonce="y"\r\n\r\n'),
  Buffer.from('GET_PARAMETER rtsp://client/ RTSP/1.0\r\nCSeq: 9\r\n\r\n'),
  interleavedFrame(0, Buffer.alloc(300, 0xcd)),
]);
const expected: Seen[] = [
  { kind: 'frame', channel: 0, payload: 'a1a2a3' },
  { kind: 'response', status: 200, cseq: '3', body: sdp },
  { kind: 'frame', channel: 1, payload: 'b1' },
  { kind: 'frame', channel: 0, payload: '' },
  { kind: 'response', status: 401, cseq: '4', body: '' },
  { kind: 'request', method: 'GET_PARAMETER' },
  { kind: 'frame', channel: 0, payload: 'cd'.repeat(300) },
];

describe('RtspFramer', () => {
  it('splits responses, server requests and interleaved frames pushed whole', () => {
    const { seen, framer } = collector();
    framer.push(stream);
    assert.deepEqual(seen, expected);
  });

  it('gives the same result when the stream is cut at every byte boundary (two pieces)', () => {
    for (let cut = 1; cut < stream.length; cut += 1) {
      const { seen, framer } = collector();
      framer.push(stream.subarray(0, cut));
      framer.push(stream.subarray(cut));
      assert.deepEqual(seen, expected, `cut at ${cut}`);
    }
  });

  it('gives the same result when the stream arrives one byte at a time, and in three pieces', () => {
    const { seen, framer } = collector();
    for (let index = 0; index < stream.length; index += 1) framer.push(stream.subarray(index, index + 1));
    assert.deepEqual(seen, expected);
    for (let first = 1; first < stream.length; first += 7) {
      for (let second = first + 1; second < stream.length; second += 11) {
        const piece = collector();
        piece.framer.push(stream.subarray(0, first));
        piece.framer.push(stream.subarray(first, second));
        piece.framer.push(stream.subarray(second));
        assert.deepEqual(piece.seen, expected, `cuts at ${first}, ${second}`);
      }
    }
  });

  it('hands whole frames as slices of the chunk (no copy)', () => {
    const chunk = interleavedFrame(0, Buffer.from('0102', 'hex'));
    let payload: Buffer | undefined;
    new RtspFramer({ message: () => undefined, interleaved: (_channel, data) => (payload = data) }).push(chunk);
    assert.equal(payload?.buffer, chunk.buffer);
  });

  it('carries the largest interleaved frame the format allows', () => {
    const big = Buffer.alloc(MAX_INTERLEAVED_FRAME_BYTES, 7);
    const frame = interleavedFrame(2, big);
    const { seen, framer } = collector();
    for (let offset = 0; offset < frame.length; offset += 1000) framer.push(frame.subarray(offset, offset + 1000));
    assert.equal(seen.length, 1);
    assert.equal((seen[0] as { payload: string }).payload.length, MAX_INTERLEAVED_FRAME_BYTES * 2);
    assert.throws(() => interleavedFrame(0, Buffer.alloc(MAX_INTERLEAVED_FRAME_BYTES + 1)), RtspError);
  });

  it('refuses a header block over 64 KiB, even before its end arrives', () => {
    assert.equal(MAX_RESPONSE_HEADER_BYTES, 64 * 1024);
    const { framer } = collector();
    framer.push(Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 1\r\n'));
    assert.throws(() => framer.push(Buffer.from(`X-Filler: ${'a'.repeat(MAX_RESPONSE_HEADER_BYTES)}\r\n`)), { code: 'rtsp_bad_response' });
    const fits = collector();
    fits.framer.push(Buffer.from(`RTSP/1.0 200 OK\r\nCSeq: 1\r\nX-Filler: ${'a'.repeat(MAX_RESPONSE_HEADER_BYTES - 100)}\r\n\r\n`));
    assert.equal(fits.seen.length, 1);
  });

  it('refuses a body over 64 KiB', () => {
    assert.equal(MAX_BODY_BYTES, 64 * 1024);
    const { framer } = collector();
    assert.throws(() => framer.push(Buffer.from(`RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`)), {
      code: 'rtsp_bad_response',
    });
    const fits = collector();
    fits.framer.push(Buffer.from(`RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: ${MAX_BODY_BYTES}\r\n\r\n${'s'.repeat(MAX_BODY_BYTES)}`));
    assert.equal(fits.seen.length, 1);
  });

  it('refuses what is not RTSP', () => {
    assert.throws(() => collector().framer.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), { code: 'rtsp_bad_response' });
    assert.throws(() => collector().framer.push(Buffer.from('RTSP/1.0 200 OK\r\nno colon here\r\n\r\n')), { code: 'rtsp_bad_response' });
  });

  it('reads LF-only headers, folded lines and repeated fields', () => {
    let message: RtspMessage | undefined;
    const framer = new RtspFramer({ message: (value) => (message = value), interleaved: () => undefined });
    framer.push(Buffer.from('RTSP/1.0 401 Unauthorized\nCSeq: 2\nWWW-Authenticate: Digest realm="a",\n nonce="b"\nWWW-Authenticate: Basic realm="a"\n\n'));
    assert.equal(message?.kind, 'response');
    assert.deepEqual(message?.headers.getAll('www-authenticate'), ['Digest realm="a", nonce="b"', 'Basic realm="a"']);
  });

  it('stops delivering once closed, even inside a chunk', () => {
    const seen: number[] = [];
    const framer: RtspFramer = new RtspFramer({
      message: () => undefined,
      interleaved: (channel) => {
        seen.push(channel);
        framer.close();
      },
    });
    framer.push(Buffer.concat([interleavedFrame(0, Buffer.from('aa', 'hex')), interleavedFrame(1, Buffer.from('bb', 'hex'))]));
    assert.deepEqual(seen, [0]);
  });
});

describe('RTSP headers', () => {
  it('formats a request and refuses line breaks in values', () => {
    assert.equal(formatRequest('OPTIONS', 'rtsp://h/s', [['CSeq', '1']]).toString(), 'OPTIONS rtsp://h/s RTSP/1.0\r\nCSeq: 1\r\n\r\n');
    assert.throws(() => formatRequest('OPTIONS', 'rtsp://h/s', [['User-Agent', 'x\r\nInjected: 1']]), RtspError);
  });

  it('reads Session with and without timeout', () => {
    assert.deepEqual(parseSessionHeader('12345678;timeout=30'), { id: '12345678', timeoutSeconds: 30 });
    assert.deepEqual(parseSessionHeader(' ABCD '), { id: 'ABCD', timeoutSeconds: undefined });
  });

  it('reads Transport answers', () => {
    assert.deepEqual(parseTransportHeader('RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=0000ABCD'), {
      protocol: 'RTP/AVP/TCP',
      interleaved: [2, 3],
      ssrc: 0xabcd,
    });
    assert.deepEqual(parseTransportHeader('RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;source=10.0.0.2'), {
      protocol: 'RTP/AVP',
      clientPorts: [5000, 5001],
      serverPorts: [6970, 6971],
      source: '10.0.0.2',
    });
  });
});
