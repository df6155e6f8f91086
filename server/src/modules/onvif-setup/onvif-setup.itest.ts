// Adding a camera from ONVIF and its events, whole, on both databases, against a simulated camera
// on loopback: an administrator reads the profiles (main and sub proposed, stream URLs filled,
// floors checked), a stream below the legal floor is refused and nothing is stored, the chosen
// streams are saved with the inventory's own checks and audit; then the camera's PullPoint
// subscription turns motion, tamper, input and video loss into technical events, dies with a
// simulated reboot ("events lost"), comes back by itself ("events restored") and keeps working.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type SimCameraInfo, type Simulator } from '../../../../simulator/src/index.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { sleep } from '../../testing/wait.ts';

const COMMUNE = '38997';
let simulator: Simulator | undefined;
let sim: SimCameraInfo;

before(async () => {
  simulator = await startSimulator({
    count: 1,
    loopSeconds: 2,
    controlPort: false,
    camerasPerSite: 1,
    main: { width: 800, height: 600, fps: 12, bitrateKbps: 400, gopSeconds: 1 },
    sub: { width: 320, height: 180, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
  sim = simulator.cameras[0]!;
});
after(async () => simulator?.stop());

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`ONVIF set-up and events [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    let operator: SignedIn;
    let siteId = '';
    let cameraId = '';

    const probe = (user: SignedIn, payload: object) => user.request({ method: 'POST', url: '/api/cameras/onvif/probe', payload });
    const cameraCount = async () => (await context.services.cameras.list(null)).length;
    const events = async (code: string) => (await context.services.technicalEvents.list({ cameraId, code }, null)).length;
    const newCamera = (extra: object) => ({
      siteId,
      name: 'Parvis ONVIF',
      kind: 'fixed',
      fieldClass: 'narrow',
      onvifUrl: sim.onvifUrl,
      credentials: sim.credentials,
      purposes: ['people_property_safety'],
      ...extra,
    });

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString(), clockRunning: true });
      await context.services.communes.create({ insee: COMMUNE, name: 'Vigie-sur-Onde', retentionDays: 14 }, testCli);
      siteId = (await context.services.sites.create({ communeInsee: COMMUNE, name: 'Parvis', kind: 'public_building' }, testCli)).id;
      admin = await signIn(context, 'administrator', 'all');
      operator = await signIn(context, 'operator', [COMMUNE]);
    });
    after(async () => {
      await context?.services.onvifEvents.stop();
      await context?.close();
    });

    it('reads the profiles: main and sub proposed with codec, size, frame rate, stream and snapshot URLs, and the floors', async () => {
      const response = await probe(admin, { onvifUrl: sim.onvifUrl, credentials: sim.credentials, fieldClass: 'narrow', siteId });
      assert.equal(response.statusCode, 200, response.body);
      const answer = response.json();
      assert.equal(answer.media, 'media');
      assert.equal(answer.model, sim.model);
      assert.equal(answer.macAddress, sim.macAddress.toUpperCase());
      assert.deepEqual(answer.proposal, { mainProfileToken: 'main', subProfileToken: 'sub' });
      assert.deepEqual(answer.floor, { minWidth: 704, minHeight: 576, minFps: 6 });
      const [main, sub] = answer.profiles;
      assert.deepEqual(
        [main.codec, main.width, main.height, main.fps, main.streamUrl, main.snapshotUrl, main.belowFloor],
        ['H264', 800, 600, 12, sim.rtspUrls.main, sim.snapshotUrls.main, []],
      );
      assert.deepEqual([sub.width, sub.streamUrl, sub.belowFloor], [320, sim.rtspUrls.sub, ['resolution_below_floor']]);
      assert.ok(!response.body.includes(sim.credentials.password), 'the password is never answered back');
    });

    it('refuses what is not an http(s) URL, a wrong password, and anyone but an administrator', async () => {
      const notHttp = await probe(admin, { onvifUrl: 'file:///etc/passwd', credentials: null });
      assert.equal(notHttp.statusCode, 400);
      assert.equal(notHttp.json().code, 'validation_failed');
      const wrong = await probe(admin, { onvifUrl: sim.onvifUrl, credentials: { username: sim.credentials.username, password: 'not-it' } });
      assert.equal(wrong.statusCode, 400, wrong.body);
      assert.equal(wrong.json().code, 'onvif_credentials_refused');
      assert.ok(!wrong.body.includes('not-it'));
      assert.equal((await probe(operator, { onvifUrl: sim.onvifUrl, credentials: sim.credentials })).statusCode, 403);
      const closed = await probe(admin, { onvifUrl: 'http://127.0.0.1:9/onvif/device_service', credentials: null });
      assert.equal(closed.json().code, 'onvif_camera_error', closed.body);
    });

    it('refuses a recorded stream below the legal floor and stores nothing', async () => {
      const before = await cameraCount();
      const response = await admin.request({
        method: 'POST',
        url: '/api/cameras/onvif',
        payload: newCamera({ mainProfileToken: 'sub', subProfileToken: null }),
      });
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().code, 'stream_below_floor');
      assert.match(response.json().message_fr, /sous le plancher légal/);
      assert.equal(await cameraCount(), before);
      const unknown = await admin.request({ method: 'POST', url: '/api/cameras/onvif', payload: newCamera({ mainProfileToken: 'nope' }) });
      assert.equal(unknown.json().code, 'validation_failed');
    });

    it('saves the chosen streams through the inventory, audited, credentials sealed and not echoed', async () => {
      const response = await admin.request({
        method: 'POST',
        url: '/api/cameras/onvif',
        payload: newCamera({ mainProfileToken: 'main', subProfileToken: 'sub' }),
      });
      assert.equal(response.statusCode, 201, response.body);
      const camera = response.json();
      cameraId = camera.id;
      assert.deepEqual(
        [camera.mainStreamUrl, camera.subStreamUrl, camera.onvifUrl, camera.model],
        [sim.rtspUrls.main, sim.rtspUrls.sub, sim.onvifUrl, sim.model],
      );
      assert.ok(!response.body.includes(sim.credentials.password));
      assert.deepEqual(await context.services.cameras.streamCredentials(cameraId), sim.credentials);
      const audit = await context.services.audit.search({ targetId: cameraId, limit: 10 }, { allCommunes: true, communes: [] });
      assert.deepEqual(audit.records.map((record) => record.action).sort(), ['camera.created', 'camera.credentials_changed']);
      await context.services.authorisations.create(
        {
          reference: 'AP-ONVIF-1',
          communeInsee: COMMUNE,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Parvis',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: [cameraId],
        },
        testCli,
      );
    });

    it('turns the camera’s events into technical events, and recovers its subscription after a reboot', async () => {
      const watcher = context.services.onvifEvents;
      await watcher.tick();
      assert.deepEqual(
        watcher.status().map((entry) => [entry.cameraId, entry.state]),
        [[cameraId, 'active']],
      );
      await simulator!.sendEvent(sim.id, { kind: 'motion', active: true });
      await simulator!.sendEvent(sim.id, { kind: 'tamper', tamper: 'too_dark', active: true });
      await simulator!.sendEvent(sim.id, { kind: 'input', input: '1', active: true });
      await simulator!.sendEvent(sim.id, { kind: 'video_loss', active: true });
      await simulator!.sendEvent(sim.id, { kind: 'tamper', tamper: 'too_dark', active: false });
      await watcher.tick();
      assert.deepEqual(
        [
          await events('camera_motion'),
          await events('camera_tamper'),
          await events('camera_input'),
          await events('camera_video_loss'),
          await events('camera_tamper_cleared'),
        ],
        [1, 1, 1, 1, 1],
      );
      const [tamper] = await context.services.technicalEvents.list({ cameraId, code: 'camera_tamper' }, null);
      assert.equal(tamper!.communeInsee, COMMUNE);
      assert.deepEqual([tamper!.severity, tamper!.details.tamper], ['warning', 'too_dark']);

      await simulator!.sendEvent(sim.id, { kind: 'reboot', downSeconds: 1 });
      await watcher.tick();
      assert.equal(watcher.status()[0]!.state, 'lost');
      assert.equal(await events('onvif_events_lost'), 1);
      await sleep(1200);
      for (let attempt = 0; attempt < 10 && watcher.status()[0]!.state !== 'active'; attempt++) {
        await watcher.tick();
        if (watcher.status()[0]!.state !== 'active') await sleep(500);
      }
      assert.equal(watcher.status()[0]!.state, 'active');
      assert.equal(await events('onvif_events_lost'), 1, 'one loss, raised once');
      assert.equal(await events('onvif_events_restored'), 1);
      await simulator!.sendEvent(sim.id, { kind: 'motion', active: true });
      await watcher.tick();
      assert.equal(await events('camera_motion'), 2, 'events flow again on the new subscription');
    });
  });
}
