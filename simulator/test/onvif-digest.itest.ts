// The simulated camera's HTTP Digest mode (MD5 and SHA-256, RFC 7616) and quirk modes, read by
// the third-party `onvif` client library with WS-Security off, as a VMS set to "Digest" does:
// an independent check of the camera side that Vigie's own ONVIF client is tested against.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import onvif from 'onvif';
import { DigestAuthenticator } from '../src/digest.ts';
import { CameraEvents } from '../src/onvif/events-service.ts';
import { onvifModes, type OnvifModes } from '../src/onvif/modes.ts';
import { OnvifServer } from '../src/onvif/server.ts';
import type { OnvifCameraView } from '../src/onvif/view.ts';
import { PtzHead } from '../src/ptz.ts';

type CamInstance = Record<string, unknown>;

function view(port: () => number, modes: OnvifModes): OnvifCameraView {
  const profile = { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 };
  const head = new PtzHead();
  return {
    id: 'cam-digest',
    name: 'Dôme Digest',
    host: '127.0.0.1',
    manufacturer: 'Vigie-Sim',
    model: 'VS-P4232 Dome PTZ',
    serialNumber: 'SN-42',
    firmwareVersion: '2.4.1',
    macAddress: '02:00:00:00:00:42',
    codec: 'h264',
    credentials: { username: 'admin', password: 'secret-42' },
    hasPtz: true,
    ptz: head,
    profiles: { main: profile, sub: profile },
    modes,
    events: new CameraEvents(Date.now),
    cameraTimeMs: Date.now,
    serviceUrl: (service) => `http://127.0.0.1:${port()}/onvif/${service}_service`,
    streamUrl: (name) => `rtsp://127.0.0.1:9/${name}`,
    snapshotUrl: (name) => `http://127.0.0.1:${port()}/onvif/snapshot/${name}.jpg`,
    snapshot: async () => Buffer.alloc(0),
  };
}

function connect(port: number, password: string): Promise<CamInstance> {
  return new Promise((resolve, reject) => {
    const cam = new onvif.Cam({ hostname: '127.0.0.1', port, username: 'admin', password, timeout: 5000, useWSSecurity: false }, (error: Error | null) =>
      error ? reject(error) : resolve(cam as unknown as CamInstance),
    );
  });
}

function call<T>(cam: CamInstance, method: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    (cam[method] as (...rest: unknown[]) => void).call(cam, ...args, (error: Error | null, data?: unknown) => (error ? reject(error) : resolve(data as T)));
  });
}

describe('simulated camera in HTTP Digest mode, read by the onvif library', () => {
  const servers: OnvifServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function start(modes: OnvifModes): Promise<number> {
    let port = 0;
    const server = new OnvifServer(
      view(() => port, modes),
      new DigestAuthenticator('Vigie-Sim digest'),
      '127.0.0.1',
      0,
    );
    port = await server.listen();
    servers.push(server);
    return port;
  }

  for (const digestAlgorithm of ['MD5', 'SHA-256'] as const) {
    test(`Digest ${digestAlgorithm}: device information and the MAC address`, async () => {
      const port = await start(onvifModes({ auth: 'digest', digestAlgorithm }));
      const cam = await connect(port, 'secret-42');
      const info = await call<Record<string, string>>(cam, 'getDeviceInformation');
      assert.equal(info.firmwareVersion, '2.4.1');
      assert.equal(info.model, 'VS-P4232 Dome PTZ');
      const interfaces = await call<unknown>(cam, 'getNetworkInterfaces');
      assert.match(JSON.stringify(interfaces), /02:00:00:00:00:42/);
    });
  }

  test('Digest with a wrong password is refused', async () => {
    const port = await start(onvifModes({ auth: 'digest', digestAlgorithm: 'SHA-256' }));
    await assert.rejects(async () => {
      const cam = await connect(port, 'wrong');
      await call(cam, 'getDeviceInformation');
    });
  });
});
