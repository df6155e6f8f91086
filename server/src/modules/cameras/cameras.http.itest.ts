// Camera routes through HTTP on both databases: commune scope (A never lists, reads or
// changes B's cameras), credentials never in a response, decommission, position history,
// unauthorised listing, validation errors with their code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { cameraInput, communeA, communeB, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`camera routes and commune scope [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let adminA: SignedIn;
    let operatorA: SignedIn;
    let siteA: string;
    let siteB: string;
    let cameraB: string;

    before(async () => {
      context = await createTestContext(dialect);
      ({ siteA, siteB } = await createCommunesAndSites(context));
      cameraB = (await context.services.cameras.create(cameraInput(siteB, 'Mairie B1', { ipAddress: '10.9.9.9' }), testCli)).id;
      adminA = await signIn(context, 'administrator', [communeA]);
      operatorA = await signIn(context, 'operator', [communeA]);
    });
    after(async () => context?.close());

    it('creates a camera over HTTP: credentials from the URL are kept sealed, never returned', async () => {
      const response = await adminA.request({
        method: 'POST',
        url: '/api/cameras',
        payload: cameraInput(siteA, 'Gare A1', {
          mainStreamUrl: 'rtsp://admin:Secr3t-Pass@10.1.0.20/main',
          subStreamUrl: 'rtsp://10.1.0.20/sub',
          onvifUrl: 'http://10.1.0.20/onvif/device_service',
        }),
      });
      assert.equal(response.statusCode, 201, response.body);
      const body = response.json();
      assert.equal(body.mainStreamUrl, 'rtsp://10.1.0.20/main');
      assert.equal(body.hasCredentials, true);
      assert.equal(body.state, 'unauthorised');
      for (const text of [
        response.body,
        (await operatorA.request({ method: 'GET', url: `/api/cameras/${body.id}` })).body,
        (await adminA.request({ method: 'GET', url: '/api/cameras' })).body,
      ]) {
        assert.ok(!text.includes('Secr3t') && !text.includes('credentials_sealed') && !text.includes('"password"'), text.slice(0, 200));
      }
      const audit = await adminA.request({ method: 'GET', url: `/api/audit?targetId=${body.id}` });
      assert.equal(audit.statusCode, 200);
      assert.ok(audit.body.includes('camera.credentials_changed') && audit.body.includes('camera.created'));
      assert.ok(!audit.body.includes('Secr3t'));
    });

    it('answers validation errors with validation_failed and the faulty field', async () => {
      const response = await adminA.request({
        method: 'POST',
        url: '/api/cameras',
        payload: cameraInput(siteA, 'Bad', { macAddress: 'not-a-mac', headingDeg: 400 }),
      });
      assert.equal(response.statusCode, 400);
      const body = response.json();
      assert.equal(body.code, 'validation_failed');
      assert.match(body.message_en, /macAddress/);
      assert.match(body.message_en, /headingDeg/);
    });

    it("a user of commune A never lists commune B's cameras, gets 404 reading them and 403 changing them", async () => {
      const list = await operatorA.request({ method: 'GET', url: '/api/cameras' });
      assert.equal(list.statusCode, 200);
      assert.ok(list.json().length >= 1);
      assert.ok(!list.body.includes(cameraB) && !list.body.includes(communeB));
      const filtered = await operatorA.request({ method: 'GET', url: `/api/cameras?commune=${communeB}` });
      assert.deepEqual(filtered.json(), []);
      assert.equal((await operatorA.request({ method: 'GET', url: `/api/cameras/${cameraB}` })).statusCode, 404);
      assert.equal((await operatorA.request({ method: 'GET', url: `/api/cameras/${cameraB}/positions` })).statusCode, 404);
      assert.ok(!(await operatorA.request({ method: 'GET', url: '/api/cameras/unauthorised' })).body.includes(cameraB));

      const patch = await adminA.request({ method: 'PATCH', url: `/api/cameras/${cameraB}`, payload: { name: 'Volée' } });
      assert.equal(patch.statusCode, 403);
      assert.equal(patch.json().code, 'commune_out_of_scope');
      const remove = await adminA.request({ method: 'DELETE', url: `/api/cameras/${cameraB}` });
      assert.equal(remove.statusCode, 403);
      const create = await adminA.request({ method: 'POST', url: '/api/cameras', payload: cameraInput(siteB, 'Intrus') });
      assert.equal(create.statusCode, 403);
      assert.equal(create.json().code, 'commune_out_of_scope');
      const exported = await adminA.request({ method: 'GET', url: '/api/cameras/export.csv' });
      assert.ok(!exported.body.includes('10.9.9.9') && !exported.body.includes(communeB));
      const unchanged = await context.services.cameras.get(cameraB, null);
      assert.equal(unchanged.name, 'Mairie B1');
      assert.equal(unchanged.enabled, true);
    });

    it('an operator reads but cannot write (forbidden)', async () => {
      const response = await operatorA.request({ method: 'POST', url: '/api/cameras', payload: cameraInput(siteA, 'Opérateur') });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().code, 'forbidden');
    });

    it('DELETE decommissions (disabled, kept), and the position history follows moves', async () => {
      const [camera] = (await adminA.request({ method: 'GET', url: '/api/cameras?q=Gare%20A1' })).json() as { id: string }[];
      context.clock.advance(1000);
      const moved = await adminA.request({ method: 'PATCH', url: `/api/cameras/${camera!.id}`, payload: { headingDeg: 180 } });
      assert.equal(moved.statusCode, 200, moved.body);
      const history = (await operatorA.request({ method: 'GET', url: `/api/cameras/${camera!.id}/positions` })).json() as {
        headingDeg: number;
        changedBy: string;
      }[];
      assert.deepEqual(
        history.map((entry) => entry.headingDeg),
        [180, 90],
      );
      assert.equal(history[0]?.changedBy, adminA.login);
      const removed = await adminA.request({ method: 'DELETE', url: `/api/cameras/${camera!.id}` });
      assert.equal(removed.statusCode, 200);
      assert.equal(removed.json().state, 'disabled');
      const still = await operatorA.request({ method: 'GET', url: `/api/cameras/${camera!.id}` });
      assert.equal(still.statusCode, 200);
      assert.equal(still.json().vmsStatus, 'disabled');
    });

    it('publishes the reference lists and a valid OpenAPI document', async () => {
      const lists = await operatorA.request({ method: 'GET', url: '/api/cameras/reference-lists' });
      assert.equal(lists.statusCode, 200);
      assert.deepEqual(
        lists.json().kinds.map((kind: { code: string }) => kind.code),
        ['fixed', 'ptz', 'panoramic', 'nomadic', 'armoured'],
      );
      const openapi = context.app.swagger() as { paths: Record<string, unknown> };
      assert.ok(openapi.paths['/api/cameras/import'] && openapi.paths['/api/sites/{id}']);
    });
  });
}
