// The devices module whole, on both databases, over HTTP (inject) against simulated ONVIF
// cameras on loopback: facts read by the job for new cameras (one in HTTP Digest mode), shown
// with firmware and clock offset; a camera whose MAC differs from the inventory flagged as
// possibly swapped, raised once; a changed ONVIF URL read again; quirks learnt by the ONVIF
// client kept with the camera; an administrator's override audited and followed at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DigestAuthenticator } from '../../../../simulator/src/digest.ts';
import { onvifModes } from '../../../../simulator/src/onvif/modes.ts';
import { OnvifServer } from '../../../../simulator/src/onvif/server.ts';
import { PtzHead } from '../../../../simulator/src/ptz.ts';
import { fakeCameraView } from '../../platform/onvif/onvif.fixtures.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { waitFor } from '../../testing/wait.ts';

const COMMUNE = '38997';
const SKEW_MS = 45 * 60_000;

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`ONVIF device facts and quirks [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    let operator: SignedIn;
    const servers: OnvifServer[] = [];
    const urls: string[] = [];
    const heads: PtzHead[] = [];
    const ids: string[] = [];

    const view = async (index: number, user: SignedIn = operator) => {
      const response = await user.request({ method: 'GET', url: `/api/cameras/${ids[index]}/device` });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as {
        manufacturer: string | null;
        model: string | null;
        firmwareVersion: string | null;
        macAddresses: string[];
        clockOffsetMs: number | null;
        authMode: string | null;
        readAt: string | null;
        readError: string | null;
        mismatch: { model: boolean; mac: boolean; possiblySwapped: boolean };
        quirks: { learned: Record<string, unknown>; override: Record<string, unknown>; effective: Record<string, unknown> };
      };
    };
    const swapEvents = async (index: number) =>
      (await context.services.technicalEvents.list({ cameraId: ids[index]!, code: 'camera_possibly_swapped' }, null)).length;

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString() });
      const { services } = context;
      for (const modes of [onvifModes({ auth: 'digest', digestAlgorithm: 'SHA-256' }), onvifModes({ noZoom: true }), onvifModes()]) {
        const head = new PtzHead();
        const camera = { ...fakeCameraView(head, () => Date.now() + SKEW_MS), modes };
        const server = new OnvifServer(camera, new DigestAuthenticator('Sim devices'), '127.0.0.1', 0);
        urls.push(`http://127.0.0.1:${await server.listen()}/onvif/device_service`);
        servers.push(server);
        heads.push(head);
      }
      await services.communes.create({ insee: COMMUNE, name: 'Vigie-le-Port', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: COMMUNE, name: 'Port', kind: 'public_building' }, testCli);
      const inventory = [
        { model: 'Dome', macAddress: '00-11-22-33-44-55' }, // as the camera says, written otherwise
        { model: 'Dome', macAddress: '00:11:22:33:44:99' }, // another MAC: a swapped camera
        { model: null, macAddress: null },
      ];
      for (const [index, url] of urls.entries()) {
        const created = await services.cameras.create(
          {
            siteId: site.id,
            name: `Dôme ${index + 1}`,
            kind: 'ptz',
            fieldClass: 'narrow',
            mainStreamUrl: `rtsp://127.0.0.1:9/cam${index}`,
            onvifUrl: url,
            credentials: { username: 'admin', password: 'pw' },
            purposes: ['people_property_safety'],
            ...inventory[index],
          },
          testCli,
        );
        ids.push(created.id);
      }
      admin = await signIn(context, 'administrator', [COMMUNE]);
      operator = await signIn(context, 'operator', [COMMUNE]);
    });
    after(async () => {
      await context?.close();
      await Promise.all(servers.map((server) => server.close()));
    });

    it('reads the facts of new cameras, with HTTP Digest where the camera asks for it', async () => {
      assert.equal((await view(0)).readAt, null, 'not read before the job runs');
      assert.equal(await context.services.devices.readDue(), 3);
      const digest = await view(0);
      assert.equal(digest.manufacturer, 'Sim');
      assert.equal(digest.model, 'Dome');
      assert.equal(digest.firmwareVersion, '1');
      assert.deepEqual(digest.macAddresses, ['00:11:22:33:44:55']);
      assert.equal(digest.authMode, 'digest');
      assert.equal(digest.quirks.learned.auth, 'digest');
      assert.ok(Math.abs((digest.clockOffsetMs ?? 0) - SKEW_MS) < 2000, String(digest.clockOffsetMs));
      assert.deepEqual(digest.mismatch, { model: false, mac: false, possiblySwapped: false });
      assert.equal((await view(2)).authMode, 'ws-security');
      assert.equal(await context.services.devices.readDue(), 0, 'nothing due until the refresh time');
    });

    it('flags a camera whose MAC differs from the inventory, and raises it once', async () => {
      assert.deepEqual((await view(1)).mismatch, { model: false, mac: true, possiblySwapped: true });
      assert.equal(await swapEvents(1), 1);
      const refreshed = await admin.request({ method: 'POST', url: `/api/cameras/${ids[1]}/device/refresh` });
      assert.equal(refreshed.statusCode, 200, refreshed.body);
      assert.equal(await swapEvents(1), 1, 'still flagged: not raised again');
      assert.equal((await operator.request({ method: 'POST', url: `/api/cameras/${ids[1]}/device/refresh` })).statusCode, 403);
      assert.equal(await swapEvents(0), 0);
    });

    it('reads a camera again when its ONVIF URL changes, and keeps the error of a camera that does not answer', async () => {
      const closed = new OnvifServer(fakeCameraView(undefined), new DigestAuthenticator('gone'), '127.0.0.1', 0);
      const port = await closed.listen();
      await closed.close();
      await context.services.cameras.update(ids[2]!, { onvifUrl: `http://127.0.0.1:${port}/onvif/device_service` }, testCli);
      assert.equal(await context.services.devices.readDue(), 1);
      const gone = await view(2);
      assert.match(gone.readError ?? '', /unreachable/);
      assert.equal(gone.model, 'Dome', 'the last facts stay');
      await context.services.cameras.update(ids[2]!, { onvifUrl: urls[2]! }, testCli);
      assert.equal(await context.services.devices.readDue(), 1);
      assert.equal((await view(2)).readError, null);
    });

    it('keeps what the ONVIF client learns with the camera, and follows an administrator’s audited override', async () => {
      const { services } = context;
      const target = { cameraId: ids[1]!, deviceUrl: urls[1]!, credentials: { username: 'admin', password: 'pw' } };
      await services.onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0.3 }, 500);
      assert.equal(heads[1]!.isMoving(), true, 'moved without a Zoom element');
      await waitFor('the learnt quirks kept', async () => (await view(1)).quirks.learned.zoom === false, 3000, 25);
      assert.equal((await view(1)).quirks.learned.maxPresets, 64);

      const put = (user: SignedIn, payload: object) => user.request({ method: 'PUT', url: `/api/cameras/${ids[1]}/device/quirks`, payload });
      assert.equal((await put(operator, { override: { moveTimeout: 'omit' } })).statusCode, 403);
      assert.equal((await put(admin, { override: { moveTimeout: 'sometimes' } })).statusCode, 400);
      const crossed = await put(admin, { override: { minMoveTimeoutMs: 5000, maxMoveTimeoutMs: 1000 } });
      assert.deepEqual([crossed.statusCode, crossed.json().code, crossed.json().details[0].field], [400, 'validation_failed', 'override.minMoveTimeoutMs']);
      const changed = await put(admin, { override: { moveTimeout: 'omit' }, reason: 'Firmware 1.0 refuse Timeout' });
      assert.equal(changed.statusCode, 200, changed.body);
      const after = await view(1);
      assert.equal(after.quirks.effective.moveTimeout, 'omit');
      assert.equal(after.quirks.effective.zoom, false, 'learnt fields stay under the override');
      const audit = await services.audit.search({ action: 'camera.onvif_quirks.updated', targetId: ids[1]!, limit: 10 }, { allCommunes: true, communes: [] });
      assert.equal(audit.records.length, 1);
      assert.deepEqual(audit.records[0]!.details, { before: {}, after: { moveTimeout: 'omit' } });
      // The client follows the new record at once: the next move carries no Timeout.
      await services.onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 300);
      assert.equal((await services.onvif.state(target)).effective.moveTimeout, 'omit');
      await services.onvif.stop(target);
    });
  });
}
