// The `onvif` client library (as a VMS would use it) reads and steers the simulated cameras.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import onvif from 'onvif';
import type { Simulator, SimCameraInfo } from '../src/index.ts';
import { sleep, startSmallSimulator } from './helpers.ts';

type Callback = (error: Error | null, data?: unknown) => void;
type CamInstance = Record<string, unknown>;

function connectCam(camera: SimCameraInfo, password = camera.credentials.password): Promise<CamInstance> {
  return new Promise((resolve, reject) => {
    const cam = new onvif.Cam(
      { hostname: camera.host, port: camera.onvifPort, username: camera.credentials.username, password, timeout: 5000 },
      (error: Error | null) => {
        if (error) reject(error);
        else resolve(cam as unknown as CamInstance);
      },
    );
  });
}

function call<T>(cam: CamInstance, method: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    (cam[method] as (...rest: unknown[]) => void).call(cam, ...args, ((error, data) => (error ? reject(error) : resolve(data as T))) as Callback);
  });
}

describe('ONVIF services of simulated cameras', () => {
  let sim: Simulator;
  let ptzCamera: SimCameraInfo;
  let fixedCamera: SimCameraInfo;
  before(async () => {
    sim = await startSmallSimulator({ count: 2 });
    ptzCamera = sim.cameras.find((camera) => camera.kind === 'ptz')!;
    fixedCamera = sim.cameras.find((camera) => camera.kind !== 'ptz')!;
  });
  after(async () => {
    await sim?.stop();
  });

  test('reads device information, profiles and the stream URI', async () => {
    const cam = await connectCam(fixedCamera);
    const info = await call<Record<string, string>>(cam, 'getDeviceInformation');
    assert.equal(info.manufacturer, fixedCamera.manufacturer);
    assert.equal(info.model, fixedCamera.model);
    assert.equal(info.serialNumber, fixedCamera.serialNumber);
    const profiles = await call<Array<{ $: { token: string }; videoEncoderConfiguration: { resolution: { width: number } } }>>(cam, 'getProfiles');
    assert.deepEqual(
      profiles.map((profile) => profile.$.token),
      ['main', 'sub'],
    );
    assert.equal(profiles[0]!.videoEncoderConfiguration.resolution.width, 320);
    const stream = await call<{ uri: string }>(cam, 'getStreamUri', { protocol: 'RTSP', profileToken: 'sub' });
    assert.equal(stream.uri, fixedCamera.rtspUrls.sub);
    const time = await call<Date>(cam, 'getSystemDateAndTime');
    assert.ok(Math.abs(time.getTime() - Date.now()) < 5000);
  });

  test('reports the MAC address on the network interface', async () => {
    const cam = await connectCam(fixedCamera);
    const interfaces = await call<{ info: { hwAddress: string } }>(cam, 'getNetworkInterfaces');
    const list = Array.isArray(interfaces) ? interfaces : [interfaces];
    assert.equal(list[0].info.hwAddress, fixedCamera.macAddress);
  });

  test('refuses a wrong password', async () => {
    await assert.rejects(connectCam(fixedCamera, 'wrong').then((cam) => call(cam, 'getDeviceInformation')));
  });

  test('serves a JPEG snapshot at the snapshot URI, behind authentication', async () => {
    const cam = await connectCam(fixedCamera);
    const snapshot = await call<{ uri: string }>(cam, 'getSnapshotUri', { profileToken: 'main' });
    assert.equal(snapshot.uri, fixedCamera.snapshotUrls.main);
    assert.equal((await fetch(snapshot.uri)).status, 401);
    const { username, password } = fixedCamera.credentials;
    const response = await fetch(snapshot.uri, { headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
    assert.equal(response.status, 200);
    const jpeg = Buffer.from(await response.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  });

  test('moves a PTZ camera: absolute, relative, continuous, stop, status', async () => {
    const cam = await connectCam(ptzCamera);
    await call(cam, 'absoluteMove', { profileToken: 'main', x: 0.5, y: -0.2, zoom: 0.3 });
    await sleep(700);
    let status = await call<{ position: { x: number; y: number; zoom: number }; moveStatus: unknown }>(cam, 'getStatus', { profileToken: 'main' });
    assert.ok(
      Math.abs(status.position.x - 0.5) < 1e-3 && Math.abs(status.position.y + 0.2) < 1e-3 && Math.abs(status.position.zoom - 0.3) < 1e-3,
      JSON.stringify(status),
    );
    await call(cam, 'relativeMove', { profileToken: 'main', x: -0.25, y: 0, zoom: 0 });
    await sleep(400);
    status = await call(cam, 'getStatus', { profileToken: 'main' });
    assert.ok(Math.abs(status.position.x - 0.25) < 1e-3, JSON.stringify(status));
    await call(cam, 'continuousMove', { profileToken: 'main', x: 0.25, y: 0, zoom: 0 });
    await sleep(400);
    await call(cam, 'stop', { profileToken: 'main' });
    status = await call(cam, 'getStatus', { profileToken: 'main' });
    assert.ok(status.position.x > 0.35 && status.position.x < 0.6, JSON.stringify(status));
    const stopped = status.position.x;
    await sleep(200);
    status = await call(cam, 'getStatus', { profileToken: 'main' });
    assert.equal(status.position.x, stopped);
  });

  test('sets, lists, goes to and removes presets', async () => {
    const cam = await connectCam(ptzCamera);
    await call(cam, 'absoluteMove', { profileToken: 'main', x: -0.6, y: 0.4, zoom: 0 });
    await sleep(1100);
    const created = await call<{ presetToken: string }>(cam, 'setPreset', { profileToken: 'main', presetName: 'Entrée mairie' });
    const presets = await call<Record<string, { $: { token: string } }>>(cam, 'getPresets', { profileToken: 'main' });
    assert.ok(presets['Entrée mairie']);
    const token = created.presetToken ?? presets['Entrée mairie']!.$.token;
    await call(cam, 'absoluteMove', { profileToken: 'main', x: 0.6, y: 0, zoom: 0 });
    await sleep(200);
    await call(cam, 'gotoPreset', { profileToken: 'main', preset: token });
    await sleep(1400);
    const status = await call<{ position: { x: number; y: number } }>(cam, 'getStatus', { profileToken: 'main' });
    assert.ok(Math.abs(status.position.x + 0.6) < 1e-3 && Math.abs(status.position.y - 0.4) < 1e-3, JSON.stringify(status));
    await call(cam, 'removePreset', { profileToken: 'main', presetToken: token });
    const after = await call<Record<string, unknown>>(cam, 'getPresets', { profileToken: 'main' });
    assert.equal(after['Entrée mairie'], undefined);
  });

  test('a fixed camera answers PTZ commands with a SOAP fault', async () => {
    const cam = await connectCam(fixedCamera);
    cam.activeSource ??= { profileToken: 'main' };
    await assert.rejects(call(cam, 'getStatus', { profileToken: 'main' }));
  });
});
