// The ONVIF PTZ client against a camera answered in memory by the simulator's SOAP code: one
// discovery per camera, requests kept on the configured origin, camera clock learnt for the
// WS-Security token, faults and silence turned into OnvifError with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameOrigin, type OnvifCamera } from './client.ts';
import { OnvifPtzClient } from './ptz-client.ts';
import { OnvifError } from './transport.ts';
import { inMemoryCamera } from './onvif.fixtures.ts';

const target: OnvifCamera = { cameraId: 'cam-1', deviceUrl: 'http://127.0.0.1:18080/onvif/device_service', credentials: { username: 'admin', password: 'pw' } };

async function rejectsWith(promise: Promise<unknown>, kind: OnvifError['kind'], reason: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof OnvifError && error.kind === kind && reason.test(error.reason));
}

describe('ONVIF PTZ client', () => {
  it('discovers once, then moves, reads and saves presets on the configured origin only', async () => {
    const camera = inMemoryCamera();
    const client = new OnvifPtzClient({ transport: camera.transport });
    await client.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 1000);
    assert.equal(camera.head!.isMoving(), true);
    await client.stop(target);
    assert.equal(camera.head!.isMoving(), false);
    const token = await client.setPreset(target, 'Parvis');
    assert.deepEqual(await client.presets(target), [{ token, name: 'Parvis' }]);
    await client.gotoPreset(target, token);
    assert.ok((await client.status(target)).position);
    assert.deepEqual(
      camera.requests.slice(0, 3).map((request) => request.action),
      ['GetSystemDateAndTime', 'GetCapabilities', 'GetProfiles'],
    );
    assert.equal(camera.requests.filter((request) => request.action === 'GetProfiles').length, 1, 'discovery is cached');
    assert.ok(
      camera.requests.every((request) => request.url.startsWith('http://127.0.0.1:18080/')),
      'never the private address the camera reports',
    );
    assert.ok(camera.requests.some((request) => request.url === 'http://127.0.0.1:18080/onvif/ptz_service'));
  });

  it('learns the camera clock, so a camera 30 minutes ahead still accepts the token', async () => {
    const camera = inMemoryCamera({ cameraTimeMs: () => Date.now() + 30 * 60_000 });
    const client = new OnvifPtzClient({ transport: camera.transport });
    assert.ok((await client.status(target)).position);
  });

  it('reports a camera fault with its reason, and a refused account', async () => {
    const camera = inMemoryCamera();
    const client = new OnvifPtzClient({ transport: camera.transport });
    await rejectsWith(client.gotoPreset(target, 'nope'), 'fault', /no such preset/);
    await rejectsWith(
      client.status({ ...target, cameraId: 'cam-2', credentials: { username: 'admin', password: 'wrong' } }),
      'unauthorized',
      /not authorized/i,
    );
  });

  it('says a fixed camera has no PTZ service', async () => {
    const camera = inMemoryCamera({ ptz: false });
    await rejectsWith(new OnvifPtzClient({ transport: camera.transport }).status(target), 'unsupported', /no ONVIF PTZ service/);
  });

  it('fails as unreachable when the camera is silent, and discovers again once it is back', async () => {
    const camera = inMemoryCamera();
    const client = new OnvifPtzClient({ transport: camera.transport });
    await client.status(target);
    camera.offline = true;
    await rejectsWith(client.status(target), 'unreachable', /within 3 s/);
    camera.offline = false;
    const before = camera.requests.filter((request) => request.action === 'GetProfiles').length;
    await client.status(target);
    assert.equal(camera.requests.filter((request) => request.action === 'GetProfiles').length, before + 1);
  });

  it('refuses a non-HTTP ONVIF URL before any traffic', async () => {
    const camera = inMemoryCamera();
    await rejectsWith(new OnvifPtzClient({ transport: camera.transport }).status({ ...target, deviceUrl: 'file:///etc/passwd' }), 'protocol', /not http/);
    assert.equal(camera.requests.length, 0);
  });

  it('moves reported service addresses onto the configured origin', () => {
    assert.equal(sameOrigin('http://192.168.0.9/onvif/ptz?x=1', 'https://cam.example:8443/onvif/device_service'), 'https://cam.example:8443/onvif/ptz?x=1');
    assert.equal(sameOrigin(null, 'http://127.0.0.1/onvif/device_service'), 'http://127.0.0.1/onvif/device_service');
    assert.equal(sameOrigin('not a url', 'http://127.0.0.1/onvif/device_service'), 'http://127.0.0.1/onvif/device_service');
  });
});
