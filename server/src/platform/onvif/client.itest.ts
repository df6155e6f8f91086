// The ONVIF client's HTTP transport against real loopback sockets: a camera that accepts but
// never answers fails within the deadline, a closed port fails at once, an oversized answer
// and a redirect are refused (nothing is fetched but the camera's own URL).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OnvifPtzClient } from './ptz-client.ts';
import { fetchTransport, OnvifError, type TransportRequest } from './transport.ts';

const request = (url: string, timeoutMs = 300): TransportRequest => ({ url, body: '<x/>', contentType: 'application/soap+xml', timeoutMs, maxBytes: 1024 });

async function rejectsWith(promise: Promise<unknown>, kind: OnvifError['kind'], reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof OnvifError && error.kind === kind && reason.test(error.reason));
}

describe('ONVIF HTTP transport', () => {
  let server: Server;
  let base = '';
  const sockets = new Set<Socket>();

  before(async () => {
    server = createServer((incoming, response) => {
      incoming.resume();
      if (incoming.url === '/silent') return; // never answers
      if (incoming.url === '/huge') return void response.writeHead(200).end('x'.repeat(4096));
      if (incoming.url === '/redirect') return void response.writeHead(302, { location: 'http://127.0.0.2:9/elsewhere' }).end();
      response.writeHead(200, { 'content-type': 'application/soap+xml' }).end('<ok/>');
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers with the status and body', async () => {
    assert.deepEqual(await fetchTransport(request(`${base}/ok`)), { status: 200, body: '<ok/>', challenges: [] });
  });

  it('gives up on a silent camera at the deadline', async () => {
    const started = Date.now();
    await rejectsWith(fetchTransport(request(`${base}/silent`)), 'unreachable', /within 0\.3 s/);
    assert.ok(Date.now() - started < 2000);
  });

  it('fails at once on a closed port, and the client reports it as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await rejectsWith(fetchTransport(request(`http://127.0.0.1:${port}/onvif/device_service`)), 'unreachable', /ECONNREFUSED/);
    const client = new OnvifPtzClient({ timeoutMs: 300 });
    await rejectsWith(
      client.status({ cameraId: 'c', deviceUrl: `http://127.0.0.1:${port}/onvif/device_service`, credentials: null }),
      'unreachable',
      /^camera unreachable \(ECONNREFUSED\)$/,
    );
  });

  it('refuses an oversized answer and does not follow redirects', async () => {
    await rejectsWith(fetchTransport(request(`${base}/huge`)), 'protocol', /larger than 1024 bytes/);
    assert.equal((await fetchTransport(request(`${base}/redirect`))).status, 302);
  });
});
