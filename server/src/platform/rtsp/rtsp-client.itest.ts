// RtspClient over real sockets: against the camera simulator (H.264 and H.265, TCP and UDP,
// Digest, faults, UDP blocked, sender reports) and against small scripted servers for what the simulator
// does not do (redirects, GET_PARAMETER refused, RTCP BYE, receiver reports on the wire).
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { generateFleet, type Simulator, startSimulator } from '../../../../simulator/src/index.ts';
import { parseRtcp } from './rtcp.ts';
import { RtspClient, RtspError, type RtpPacket } from './index.ts';
import { interleavedFrame, RtspFramer } from './rtsp-message.ts';

const FPS = 12;
let sim: Simulator;

before(async () => {
  const cameras = generateFleet({
    count: 4,
    distinctPictures: 1,
    main: { width: 320, height: 180, fps: FPS, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: FPS, bitrateKbps: 100, gopSeconds: 1 },
  });
  cameras[2]!.codec = 'h265';
  sim = await startSimulator({ cameras, loopSeconds: 4, controlPort: false });
});

after(async () => {
  await sim?.stop();
});

const camera = (index: number) => sim.cameras[index]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Received {
  sequences: number[];
  markers: number;
  markerTimes: number[];
  timestamps: number[];
  firstAt: number;
}

function record(client: RtspClient): Received {
  const received: Received = { sequences: [], markers: 0, markerTimes: [], timestamps: [], firstAt: 0 };
  client.events.on('rtp', (packet: Readonly<RtpPacket>) => {
    if (received.sequences.length === 0) received.firstAt = Date.now();
    received.sequences.push(packet.sequence);
    received.timestamps.push(packet.timestamp);
    if (packet.marker) {
      received.markers += 1;
      received.markerTimes.push(Date.now());
    }
  });
  return received;
}

/** Pulls a stream for `seconds` and checks order, frame rate and the loss counter. */
async function pullAndCheck(client: RtspClient, received: Received, seconds: number): Promise<void> {
  await sleep(seconds * 1000);
  assert.ok(received.sequences.length > 20, `RTP packets received: ${received.sequences.length}`);
  // In order, never back: a gap is only a picture the simulator dropped for a viewer that was
  // late reading (its TCP queue full, as a camera does on a loaded machine), and the client counts it as lost.
  let skipped = 0;
  for (let index = 1; index < received.sequences.length; index += 1) {
    const step = (received.sequences[index]! - received.sequences[index - 1]!) & 0xffff;
    assert.ok(step >= 1 && step < 1000, `sequence ${index} moves forward (step ${step})`);
    skipped += step - 1;
  }
  // The simulator sends the pictures since the last keyframe at once on PLAY: the rate is measured after that burst.
  const since = received.firstAt + 1000;
  const rate = received.markerTimes.filter((at) => at >= since).length / ((Date.now() - since) / 1000);
  assert.ok(rate > FPS * 0.6 && rate < FPS * 1.4, `pictures per second: ${rate.toFixed(1)}`);
  assert.equal(client.stats.packetsReceived, received.sequences.length);
  assert.equal(client.stats.packetsLost, skipped, 'every sequence gap counted as lost');
  assert.ok(client.stats.bytesReceived > received.sequences.length * 12);
}

for (const transport of ['tcp', 'udp'] as const) {
  describe(`simulator, H.264 over ${transport}`, () => {
    it('starts with Digest, receives ordered RTP with a marker per picture, maps time with sender reports', async () => {
      const { rtspUrls, credentials } = camera(0);
      const client = new RtspClient({ url: rtspUrls.main, credentials, transport });
      const received = record(client); // before start: a GOP cache may follow the PLAY answer at once
      const closed: string[] = [];
      client.events.on('closed', (event) => closed.push(event.code));
      try {
        const session = await client.start();
        assert.equal(session.transport, transport);
        assert.equal(session.track.codec, 'h264');
        assert.equal(session.track.clockRate, 90000);
        assert.equal(session.track.payloadType, 96);
        assert.equal((session.track.parameterSets.sps?.[0]?.[0] ?? 0) & 0x1f, 7);
        assert.equal((session.track.parameterSets.pps?.[0]?.[0] ?? 0) & 0x1f, 8);
        assert.match(session.sessionId, /^[0-9A-F]+$/);
        await pullAndCheck(client, received, 2.5);
        // The simulator sends a sender report every 5 s of stream time.
        await until(() => client.clockOffsetMs() !== undefined, 7000, 'a sender report');
        const offset = client.clockOffsetMs()!;
        assert.ok(Math.abs(offset) < 2000, `camera clock offset ${offset} ms, expected near 0`);
        const lastTimestamp = received.timestamps.at(-1)!;
        const wallClock = client.wallClockMs(lastTimestamp)!;
        assert.ok(Math.abs(wallClock - Date.now()) < 1500, `wall clock of the last packet: ${Date.now() - wallClock} ms ago`);
      } finally {
        await client.stop();
      }
      assert.deepEqual(closed, ['rtsp_stopped']);
      await client.stop(); // twice is harmless
    });
  });

  describe(`simulator, H.265 over ${transport}`, () => {
    it('announces the VPS, SPS and PPS and streams', async () => {
      const { rtspUrls, credentials } = camera(2);
      const client = new RtspClient({ url: rtspUrls.main, credentials, transport });
      const received = record(client);
      try {
        const session = await client.start();
        assert.equal(session.track.codec, 'h265');
        assert.equal(((session.track.parameterSets.vps?.[0] ?? 0) >> 1) & 0x3f, 32);
        assert.equal(((session.track.parameterSets.sps?.[0]?.[0] ?? 0) >> 1) & 0x3f, 33);
        assert.equal(((session.track.parameterSets.pps?.[0]?.[0] ?? 0) >> 1) & 0x3f, 34);
        await pullAndCheck(client, received, 2.5);
      } finally {
        await client.stop();
      }
    });
  });
}

describe('simulator, failures', () => {
  it('refuses a wrong password and a missing one with rtsp_unauthorized', async () => {
    const { rtspUrls, credentials } = camera(0);
    for (const options of [{ credentials: { ...credentials, password: 'wrong' } }, {}]) {
      const client = new RtspClient({ url: rtspUrls.main, transport: 'tcp', ...options });
      await assert.rejects(client.start(), (error: RtspError) => error instanceof RtspError && error.code === 'rtsp_unauthorized');
      await client.stop();
    }
  });

  it('answers an unknown path with rtsp_not_found, a closed port with rtsp_connection_failed, userinfo with rtsp_invalid_url', async () => {
    const { rtspUrls, credentials } = camera(0);
    const missing = new RtspClient({ url: rtspUrls.main.replace('/main', '/nothing'), credentials, transport: 'tcp' });
    await assert.rejects(missing.start(), { code: 'rtsp_not_found' });
    const port = await closedPort();
    const refused = new RtspClient({ url: `rtsp://127.0.0.1:${port}/x`, transport: 'tcp' });
    await assert.rejects(refused.start(), { code: 'rtsp_connection_failed' });
    assert.throws(() => new RtspClient({ url: 'rtsp://admin:secret@127.0.0.1/x', transport: 'tcp' }), { code: 'rtsp_invalid_url' });
  });

  it('ends with rtsp_timeout when the camera stops sending (stream_stop fault)', async () => {
    const { id, rtspUrls, credentials } = camera(1);
    const client = new RtspClient({ url: rtspUrls.main, credentials, transport: 'tcp', timeoutMs: 1500 });
    const closed: Array<{ code: string; atMs: number }> = [];
    client.events.on('closed', (event) => closed.push({ code: event.code, atMs: Date.now() }));
    const received = record(client);
    try {
      await client.start();
      await until(() => received.sequences.length > 0, 3000, 'first packets');
      await sim.setFault(id, { kind: 'stream_stop' });
      const stoppedAt = Date.now();
      await until(() => closed.length > 0, 4000, 'the closed event');
      assert.equal(closed[0]?.code, 'rtsp_timeout');
      assert.ok(closed[0]!.atMs - stoppedAt < 1500 + 1500, `closed ${closed[0]!.atMs - stoppedAt} ms after the fault`);
    } finally {
      await client.stop();
      await sim.clearFault(id);
    }
    assert.equal(closed.length, 1, 'closed once');
  });

  it('meets UDP blocked (udp_blocked fault): a refused UDP SETUP is rtsp_transport_refused, dropped datagrams end in rtsp_timeout; TCP still works', async () => {
    const { id, rtspUrls, credentials } = camera(1);
    try {
      await sim.setFault(id, { kind: 'udp_blocked', mode: 'refuse' });
      const refused = new RtspClient({ url: rtspUrls.main, credentials, transport: 'udp' });
      await assert.rejects(refused.start(), (error: RtspError) => error.code === 'rtsp_transport_refused' && error.status === 461);
      await refused.stop();

      await sim.setFault(id, { kind: 'udp_blocked', mode: 'drop' });
      const dropped = new RtspClient({ url: rtspUrls.main, credentials, transport: 'udp', timeoutMs: 1500 });
      const closed: string[] = [];
      dropped.events.on('closed', (event) => closed.push(event.code));
      const session = await dropped.start();
      assert.equal(session.transport, 'udp', 'the SETUP over UDP is accepted');
      await until(() => closed.length > 0, 4000, 'the closed event');
      assert.deepEqual(closed, ['rtsp_timeout']);
      assert.equal(dropped.stats.packetsReceived, 0, 'no datagram got through');
      await dropped.stop();

      const tcp = new RtspClient({ url: rtspUrls.main, credentials, transport: 'tcp' });
      const received = record(tcp);
      try {
        await tcp.start();
        await until(() => received.sequences.length > 0, 3000, 'packets over TCP');
      } finally {
        await tcp.stop();
      }
    } finally {
      await sim.clearFault(id);
    }
  });

  it('measures a camera clock off by 300 s (clock_skew fault), when the simulator puts it in its sender reports', async (t) => {
    const { id, rtspUrls, credentials } = camera(3);
    await sim.setFault(id, { kind: 'clock_skew', seconds: 300 });
    const client = new RtspClient({ url: rtspUrls.main, credentials, transport: 'tcp' });
    try {
      await client.start();
      await until(() => client.clockOffsetMs() !== undefined, 7000, 'a sender report');
      const offset = client.clockOffsetMs()!;
      if (Math.abs(offset) < 2000) {
        // simulator/src/stream-source.ts stamps its sender reports with the frame clock, not cameraTimeMs().
        t.skip(`the simulator's sender reports ignore clock_skew (offset measured: ${offset.toFixed(0)} ms)`);
        return;
      }
      assert.ok(Math.abs(offset - 300_000) < 2000, `offset ${offset} ms, expected near 300000`);
      t.diagnostic(`clock_skew 300 s: measured offset ${offset.toFixed(0)} ms`);
    } finally {
      await client.stop();
      await sim.clearFault(id);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Scripted servers

type Handler = (request: { method: string; url: string; headers: Map<string, string> }, socket: Socket) => string | undefined;

async function scriptedServer(handler: Handler): Promise<{ url: string; server: Server; received: Buffer[]; sockets: Set<Socket> }> {
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const framer = new RtspFramer({
      message: (message) => {
        if (message.kind !== 'request') return;
        const headers = new Map<string, string>();
        for (const name of ['cseq', 'session', 'authorization', 'transport']) {
          const value = message.headers.get(name);
          if (value !== undefined) headers.set(name, value);
        }
        const reply = handler({ method: message.method, url: message.url, headers }, socket);
        if (reply !== undefined) socket.write(reply.replace('{cseq}', headers.get('cseq') ?? '0'));
      },
      interleaved: (channel, payload) => {
        if (channel === 1) received.push(Buffer.from(payload));
      },
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `rtsp://127.0.0.1:${port}/stream`, server, received, sockets };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 1;
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n';
const ok = (extra = '', body = '') =>
  `RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n${extra}${body ? `Content-Type: application/sdp\r\nContent-Length: ${body.length}\r\n` : ''}\r\n${body}`;

function rtpPacket(sequence: number, ssrc: number): Buffer {
  const packet = Buffer.alloc(16);
  packet[0] = 0x80;
  packet[1] = 0x80 | 96;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(sequence * 7500, 4);
  packet.writeUInt32BE(ssrc, 8);
  return packet;
}

/** A camera that streams a packet every 50 ms after PLAY; its keep-alive answers are chosen by the test. */
function streamingHandler(onRequest: (method: string) => string | undefined): Handler {
  return (request, socket) => {
    const custom = onRequest(request.method);
    if (custom !== undefined) return custom;
    switch (request.method) {
      case 'OPTIONS':
        return ok('Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n');
      case 'DESCRIBE':
        return ok('Content-Base: rtsp://127.0.0.1/stream/\r\n'.replace('127.0.0.1', `127.0.0.1:${socket.localPort}`), SDP);
      case 'SETUP':
        return ok('Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=0000BEEF\r\nSession: 42;timeout=2\r\n');
      case 'PLAY': {
        let sequence = 65530;
        const timer = setInterval(() => {
          if (socket.destroyed) clearInterval(timer);
          else socket.write(interleavedFrame(0, rtpPacket(sequence++ & 0xffff, 0xbeef)));
        }, 50);
        socket.on('close', () => clearInterval(timer));
        return ok('Session: 42\r\n');
      }
      default:
        return ok();
    }
  };
}

describe('scripted servers', () => {
  it('follows a redirect to the simulator, and refuses a redirect loop with rtsp_redirect_loop', async () => {
    const target = camera(0).rtspUrls.main;
    const redirecting = await scriptedServer((request) =>
      request.method === 'DESCRIBE' ? `RTSP/1.0 302 Moved\r\nCSeq: {cseq}\r\nLocation: ${target}\r\n\r\n` : ok(),
    );
    const looping = await scriptedServer((request) =>
      request.method === 'DESCRIBE' ? `RTSP/1.0 301 Moved\r\nCSeq: {cseq}\r\nLocation: /stream${request.url.length % 2}\r\n\r\n` : ok(),
    );
    try {
      const client = new RtspClient({ url: redirecting.url, credentials: camera(0).credentials, transport: 'tcp' });
      const session = await client.start();
      assert.equal(session.track.control, `${target}/trackID=0`);
      await client.stop();
      const loop = new RtspClient({ url: looping.url, transport: 'tcp' });
      await assert.rejects(loop.start(), { code: 'rtsp_redirect_loop' });
    } finally {
      redirecting.server.close();
      looping.server.close();
    }
  });

  it('keeps the session alive with OPTIONS once GET_PARAMETER is refused, sends receiver reports, ends on RTCP BYE', async () => {
    const methods: string[] = [];
    const scripted = await scriptedServer(
      streamingHandler((method) => {
        methods.push(method);
        return method === 'GET_PARAMETER' ? 'RTSP/1.0 501 Not Implemented\r\nCSeq: {cseq}\r\n\r\n' : undefined;
      }),
    );
    const client = new RtspClient({ url: scripted.url, transport: 'tcp', timeoutMs: 3000 });
    const closed: string[] = [];
    client.events.on('closed', (event) => closed.push(event.code));
    try {
      const session = await client.start();
      assert.equal(session.sessionId, '42');
      // Session timeout 2 s: a keep-alive every second; the first GET_PARAMETER is refused.
      await until(() => methods.filter((method) => method === 'OPTIONS').length >= 3, 4000, 'OPTIONS keep-alives');
      assert.equal(methods.filter((method) => method === 'GET_PARAMETER').length, 1, 'GET_PARAMETER asked once');
      await until(() => scripted.received.length > 0, 6500, 'a receiver report');
      const [report] = scripted.received;
      assert.equal(report![1], 201, 'RTCP RR');
      assert.equal(report![0]! & 0x1f, 1, 'one report block');
      assert.equal(report!.readUInt32BE(8), 0xbeef, 'about the stream');
      assert.ok(report!.readUInt32BE(16) > 0xffff, 'extended highest sequence past the wrap');
      assert.equal(report!.readUIntBE(13, 3), 0, 'nothing lost');
      assert.equal(parseRtcp(report!).length, 0, 'an RR and an SDES, neither SR nor BYE');
      const bye = Buffer.from('81cb00010000beef', 'hex');
      for (const connection of scripted.sockets) connection.write(interleavedFrame(1, bye));
      await until(() => closed.length > 0, 2000, 'the closed event');
      assert.deepEqual(closed, ['rtsp_bye']);
    } finally {
      await client.stop();
      scripted.server.close();
    }
    assert.deepEqual(closed, ['rtsp_bye'], 'closed once');
  });

  it('prefers Digest over Basic, renews a stale nonce with one retry, and reports a server that hangs up', async () => {
    const seen: Array<{ method: string; authorization: string }> = [];
    const base = streamingHandler(() => undefined);
    const scripted = await scriptedServer((request, socket) => {
      const authorization = request.headers.get('authorization') ?? '';
      seen.push({ method: request.method, authorization });
      if (request.method === 'OPTIONS') return base(request, socket);
      const nonce = /nonce="([^"]+)"/.exec(authorization)?.[1];
      if (!nonce)
        return 'RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\nWWW-Authenticate: Basic realm="x"\r\nWWW-Authenticate: Digest realm="x", nonce="n1"\r\n\r\n';
      if (request.method === 'SETUP' && nonce === 'n1') {
        return 'RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\nWWW-Authenticate: Digest realm="x", nonce="n2", stale=TRUE\r\n\r\n';
      }
      return base(request, socket);
    });
    const client = new RtspClient({ url: scripted.url, credentials: { username: 'u', password: 'p' }, transport: 'tcp' });
    const closed: string[] = [];
    client.events.on('closed', (event) => closed.push(event.code));
    try {
      await client.start();
      const summary = seen.map(({ method, authorization }) =>
        `${method} ${/^(\w+)/.exec(authorization)?.[1] ?? '-'} ${/nonce="([^"]+)"/.exec(authorization)?.[1] ?? ''}`.trim(),
      );
      assert.deepEqual(summary, ['OPTIONS -', 'DESCRIBE -', 'DESCRIBE Digest n1', 'SETUP Digest n1', 'SETUP Digest n2', 'PLAY Digest n2']);
      for (const connection of scripted.sockets) connection.destroy();
      await until(() => closed.length > 0, 2000, 'the closed event');
      assert.deepEqual(closed, ['rtsp_connection_closed']);
    } finally {
      await client.stop();
      scripted.server.close();
    }
  });
});
