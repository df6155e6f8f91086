// The simulator's WS-Discovery option (`startSimulator({ discovery })`, each camera's
// `discoverable()`) answering Vigie's own Probe, on loopback only: the Probe is sent unicast to
// the responder's port on 127.0.0.1 (WS-Discovery's directed probe), never to the multicast
// group, so nothing leaves this machine. Each camera answers with its stable endpoint, its ONVIF
// address, name, model and location, read back by Vigie's reader; a Probe for other device
// types gets no answer; a camera taken off the network is not answered for. Multicast through a
// chosen interface is tested in network namespaces (discovery.itest.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { probeMessage, readProbeMatches, type DiscoveredDevice } from './discovery.ts';

const LOOPBACK = '127.0.0.1';

/** A UDP port free on loopback now (bound, read, released). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, LOOPBACK, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** One unicast Probe to the responder; the answers read for at most `waitMs` (or until `expected` came). */
async function probeOnLoopback(port: number, xml: string, messageId: string, expected: number, waitMs: number): Promise<DiscoveredDevice[]> {
  const socket: Socket = createSocket('udp4');
  const found: DiscoveredDevice[] = [];
  try {
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, () => resolve()));
    return await new Promise<DiscoveredDevice[]>((resolve) => {
      const timer = setTimeout(() => resolve(found), waitMs);
      socket.on('message', (datagram, remote) => {
        found.push(...readProbeMatches(datagram.toString('utf8'), messageId, remote.address));
        if (found.length >= expected) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      socket.send(Buffer.from(xml, 'utf8'), port, LOOPBACK);
    });
  } finally {
    socket.close();
  }
}

describe('the simulator’s WS-Discovery responder, probed on loopback', () => {
  let simulator: Simulator | undefined;
  let port = 0;

  before(async () => {
    port = await freeUdpPort();
    simulator = await startSimulator({
      count: 2,
      camerasPerSite: 1,
      distinctPictures: 1,
      loopSeconds: 2,
      controlPort: false,
      main: { width: 800, height: 600, fps: 12, bitrateKbps: 400, gopSeconds: 1 },
      sub: { width: 320, height: 180, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
      discovery: { interfaceAddress: LOOPBACK, port },
    });
  });
  after(async () => simulator?.stop());

  const probeAll = (expected: number, waitMs = 2000) => {
    const id = randomUUID();
    return probeOnLoopback(port, probeMessage(id), id, expected, waitMs);
  };

  it('answers a Probe for each camera: endpoint, ONVIF address, name, model, location, read by Vigie', async () => {
    const devices = await probeAll(2);
    const byAddress = new Map(devices.map((device) => [device.xaddrs[0], device]));
    assert.equal(devices.length, 2);
    for (const camera of simulator!.cameras) {
      const device = byAddress.get(camera.onvifUrl);
      assert.ok(device, `no answer for ${camera.id}`);
      assert.match(device.endpoint, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual([device.name, device.hardware, device.location, device.from], [camera.name, camera.model, camera.id, LOOPBACK]);
      assert.ok(device.types.includes('dn:NetworkVideoTransmitter'));
      assert.deepEqual(device.profiles, ['Streaming']);
    }
    assert.notEqual(devices[0]!.endpoint, devices[1]!.endpoint);
    const again = await probeAll(2);
    assert.deepEqual(again.map((device) => device.endpoint).sort(), devices.map((device) => device.endpoint).sort(), 'endpoints are stable');
  });

  it('ignores a Probe for other device types, and leaves out a camera that is off the network', async () => {
    const id = randomUUID();
    const printers = probeMessage(id).replace('<d:Types>dn:NetworkVideoTransmitter</d:Types>', '<d:Types>p:Printer</d:Types>');
    assert.deepEqual(await probeOnLoopback(port, printers, id, 1, 500), []);
    const [first, second] = simulator!.cameras;
    await simulator!.setFault(first!.id, { kind: 'offline' });
    try {
      const devices = await probeAll(2, 800);
      assert.deepEqual(
        devices.map((device) => device.xaddrs[0]),
        [second!.onvifUrl],
      );
    } finally {
      await simulator!.clearFault(first!.id, 'offline');
    }
  });
});
