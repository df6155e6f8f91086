// A live PTZ camera's picture follows its head, as steered through ONVIF.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator, SimCameraInfo } from '../src/index.ts';
import { pictureStats, probe, sleep, startSmallSimulator, withCredentials } from './helpers.ts';

async function absoluteMove(camera: SimCameraInfo, pan: number, tilt: number): Promise<void> {
  // HTTP Digest is the other way in: the test answers the camera's challenge like a client.
  const body =
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>' +
    '<AbsoluteMove xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>main</ProfileToken>' +
    `<Position><PanTilt xmlns="http://www.onvif.org/ver10/schema" x="${pan}" y="${tilt}"/></Position></AbsoluteMove></s:Body></s:Envelope>`;
  const url = camera.onvifUrl.replace('device_service', 'ptz_service');
  const challenge = await fetch(url, { method: 'POST', body });
  assert.equal(challenge.status, 401);
  const { authorizationFor } = await import('../src/digest.ts');
  const authorization = authorizationFor(challenge.headers.get('www-authenticate')!, camera.credentials, 'POST', new URL(url).pathname);
  const response = await fetch(url, { method: 'POST', body, headers: { Authorization: authorization, 'Content-Type': 'application/soap+xml' } });
  assert.equal(response.status, 200, await response.text());
}

describe('live PTZ picture', () => {
  let sim: Simulator;
  let camera: SimCameraInfo;
  before(async () => {
    sim = await startSmallSimulator({ count: 1, livePtzCameras: 1 });
    camera = sim.cameras[0]!;
  });
  after(async () => {
    await sim?.stop();
  });

  test('is a stream ffprobe reads', async () => {
    const { stream, result } = await probe(withCredentials(camera.rtspUrls.main, camera));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(stream?.width, 320);
  });

  test('changes when the head turns from one side to the other', async () => {
    const url = withCredentials(camera.rtspUrls.main, camera);
    await absoluteMove(camera, -1, 0);
    await sleep(1500);
    const left = await pictureStats(url, 1);
    await absoluteMove(camera, 1, 0);
    await sleep(1500);
    const right = await pictureStats(url, 1);
    assert.ok(left.frames >= 8 && right.frames >= 8, JSON.stringify({ left, right }));
    const shift = Math.abs(left.luma - right.luma) + Math.abs(left.chromaU - right.chromaU) + Math.abs(left.chromaV - right.chromaV);
    assert.ok(shift > 15, JSON.stringify({ left, right }));
  });
});
