// RTSPS (RTSP over TLS, port 322 by default): the client against a TLS server it did not write
// (Node's TLS, with a certificate OpenSSL makes for the test) in front of the camera simulator,
// as a camera's TLS endpoint or a stunnel in front of an older camera would be. Trusted
// certificate: the stream plays, Digest included; unknown certificate or a name that does not
// match: refused with rtsp_tls_error, before any RTSP byte (and so any credential) is sent.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { generateFleet, type Simulator, startSimulator } from '../../../../simulator/src/index.ts';
import { RtspClient, RtspError } from './index.ts';

const run = promisify(execFile);
let sim: Simulator;
let dir: string;
let cert: Buffer;
let proxy: TlsServer;
let proxyPort = 0;
/** Bytes the TLS server received in clear from clients (what reached "the camera"). */
let clearBytes = 0;
const sockets = new Set<Socket>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-rtsps-'));
  // A self-signed certificate for 127.0.0.1 (IP subjectAltName), valid one day; the key stays in the test's private folder.
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=vigie-test-camera',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  cert = readFileSync(join(dir, 'cert.pem'));
  const cameras = generateFleet({
    count: 1,
    distinctPictures: 1,
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 12, bitrateKbps: 100, gopSeconds: 1 },
  });
  sim = await startSimulator({ cameras, loopSeconds: 4, controlPort: false });
  const target = new URL(sim.cameras[0]!.rtspUrls.main);
  proxy = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (tlsSocket) => {
    const upstream = netConnect(Number(target.port), target.hostname);
    sockets.add(tlsSocket);
    sockets.add(upstream);
    tlsSocket.on('data', (chunk: Buffer) => {
      clearBytes += chunk.length;
    });
    tlsSocket.pipe(upstream).pipe(tlsSocket);
    const end = () => {
      tlsSocket.destroy();
      upstream.destroy();
      sockets.delete(tlsSocket);
      sockets.delete(upstream);
    };
    tlsSocket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  proxy.on('tlsClientError', () => {}); // refused handshakes are the point of two tests
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
});

after(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function rtspsUrl(host = '127.0.0.1'): string {
  const target = new URL(sim.cameras[0]!.rtspUrls.main);
  return `rtsps://${host}:${proxyPort}${target.pathname}`;
}

describe('RTSPS', () => {
  it('plays over TLS with the camera certificate trusted, Digest inside the tunnel', async () => {
    const client = new RtspClient({ url: rtspsUrl(), credentials: sim.cameras[0]!.credentials, transport: 'tcp', tls: { ca: cert } });
    let markers = 0;
    client.events.on('rtp', (packet) => {
      if (packet.marker) markers++;
    });
    try {
      const session = await client.start();
      assert.equal(session.track.codec, 'h264');
      const deadline = Date.now() + 5000;
      while (markers < 12 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(markers >= 12, `pictures received over TLS: ${markers}`);
      // TLS over TCP loses no byte, and a corrupted frame would end the session (rtsp_bad_response): the pictures above are
      // the proof. Sequence gaps are not asserted: the source's frame clock skips ahead when a starved event loop (the full
      // suite runs tests side by side) leaves it over 1 s behind, which a full run showed once (5 packets).
      assert.ok(client.stats.packetsReceived >= markers);
    } finally {
      await client.stop();
    }
  });

  it('refuses a certificate it does not trust, and a name the certificate does not cover, before sending anything', async () => {
    for (const [url, tls] of [
      [rtspsUrl(), undefined],
      [rtspsUrl('localhost'), { ca: cert }],
    ] as const) {
      const before = clearBytes;
      const client = new RtspClient({ url, credentials: sim.cameras[0]!.credentials, transport: 'tcp', tls, timeoutMs: 3000 });
      await assert.rejects(client.start(), (error: unknown) => error instanceof RtspError && error.code === 'rtsp_tls_error', url);
      await client.stop();
      assert.equal(clearBytes, before, 'no RTSP request reached the server');
    }
  });

  it('answers a missing password inside the tunnel with rtsp_unauthorized, not a TLS error', async () => {
    const client = new RtspClient({ url: rtspsUrl(), transport: 'tcp', tls: { ca: cert } });
    await assert.rejects(client.start(), (error: unknown) => error instanceof RtspError && error.code === 'rtsp_unauthorized');
    await client.stop();
  });
});
