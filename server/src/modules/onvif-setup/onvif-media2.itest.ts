// Media2 (ONVIF Profile T, ver20) end to end, on both databases, against simulated cameras on
// loopback: a camera that offers media2 only (its GetCapabilities names no media service, its
// ver10 media operations are refused, GetServices lists ver20/media) is read by the probe route
// through media2: the ver20 profiles (codec, size, frame rate, bit rate), GetStreamUri with the
// RTSP protocol and GetSnapshotUri. A camera that offers both is read through media2 too, and
// gives the same streams as through media (ver10).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateFleet, startSimulator, type SimCameraInfo, type Simulator } from '../../../../simulator/src/index.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';

const COMMUNE = '38996';
// The same pictures as onvif-setup.itest.ts, so the encoded loops are shared.
const fleet = {
  main: { width: 800, height: 600, fps: 12, bitrateKbps: 400, gopSeconds: 1 },
  sub: { width: 320, height: 180, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
};
let simulator: Simulator | undefined;
let media2Only: SimCameraInfo;
let both: SimCameraInfo;

before(async () => {
  const [first, second] = generateFleet({ count: 2, camerasPerSite: 1, distinctPictures: 1, ...fleet });
  simulator = await startSimulator({
    cameras: [
      { ...first!, onvif: { media: 'media2' } },
      { ...second!, onvif: { media: 'both' } },
    ],
    loopSeconds: 2,
    controlPort: false,
  });
  [media2Only, both] = simulator.cameras as [SimCameraInfo, SimCameraInfo];
});
after(async () => simulator?.stop());

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`ONVIF media2 (Profile T) probe [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    const probe = (camera: SimCameraInfo) =>
      admin.request({
        method: 'POST',
        url: '/api/cameras/onvif/probe',
        payload: { onvifUrl: camera.onvifUrl, credentials: camera.credentials, fieldClass: 'narrow' },
      });

    before(async () => {
      context = await createTestContext(dialect);
      await context.services.communes.create({ insee: COMMUNE, name: 'Vigie-sur-Média', retentionDays: 14 }, testCli);
      admin = await signIn(context, 'administrator', 'all');
    });
    after(async () => context?.close());

    it('reads a media2-only camera through media2: ver20 profiles, RTSP stream URIs, snapshot URIs, the floors', async () => {
      const response = await probe(media2Only);
      assert.equal(response.statusCode, 200, response.body);
      const answer = response.json();
      assert.equal(answer.media, 'media2');
      assert.deepEqual([answer.model, answer.macAddress], [media2Only.model, media2Only.macAddress.toUpperCase()]);
      assert.deepEqual(answer.proposal, { mainProfileToken: 'main', subProfileToken: 'sub' });
      const [main, sub] = answer.profiles;
      assert.deepEqual(
        [main.codec, main.width, main.height, main.fps, main.bitrateKbps, main.streamUrl, main.snapshotUrl, main.belowFloor],
        ['H264', 800, 600, 12, 400, media2Only.rtspUrls.main, media2Only.snapshotUrls.main, []],
      );
      assert.deepEqual(
        [sub.codec, sub.width, sub.height, sub.fps, sub.streamUrl, sub.snapshotUrl, sub.belowFloor],
        ['H264', 320, 180, 6, media2Only.rtspUrls.sub, media2Only.snapshotUrls.sub, ['resolution_below_floor']],
      );
      assert.ok(!response.body.includes(media2Only.credentials.password));
    });

    it('prefers media2 on a camera that offers both, with the same streams as media gives', async () => {
      const response = await probe(both);
      assert.equal(response.statusCode, 200, response.body);
      const answer = response.json();
      assert.equal(answer.media, 'media2');
      assert.deepEqual(
        answer.profiles.map((profile: { token: string; width: number; streamUrl: string }) => [profile.token, profile.width, profile.streamUrl]),
        [
          ['main', 800, both.rtspUrls.main],
          ['sub', 320, both.rtspUrls.sub],
        ],
      );
    });
  });
}
