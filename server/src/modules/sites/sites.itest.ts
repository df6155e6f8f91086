// Sites on both databases: CRUD with audit, closed list of kinds, unique names per commune,
// delete refused while cameras remain, commune scope through HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';

const communeA = '38185';
const communeB = '38421';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`sites [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let adminA: SignedIn;
    let siteB: string;

    before(async () => {
      context = await createTestContext(dialect);
      await context.services.communes.create({ insee: communeA, name: 'Grenoble', retentionDays: 14 }, testCli);
      await context.services.communes.create({ insee: communeB, name: 'Échirolles', retentionDays: 14 }, testCli);
      siteB = (await context.services.sites.create({ communeInsee: communeB, name: 'Mairie B', kind: 'public_building' }, testCli)).id;
      adminA = await signIn(context, 'administrator', [communeA]);
    });
    after(async () => context?.close());

    it('creates, reads, updates and deletes a site, each change audited', async () => {
      const created = await adminA.request({
        method: 'POST',
        url: '/api/sites',
        payload: { communeInsee: communeA, name: 'École Jean Jaurès', kind: 'school', address: '3 rue Jean Jaurès', latitude: 45.18, longitude: 5.72 },
      });
      assert.equal(created.statusCode, 201, created.body);
      const site = created.json();
      assert.equal(site.kind, 'school');
      const updated = await adminA.request({ method: 'PATCH', url: `/api/sites/${site.id}`, payload: { kind: 'nursery', address: null } });
      assert.equal(updated.statusCode, 200);
      assert.equal(updated.json().address, null);
      assert.equal((await adminA.request({ method: 'GET', url: `/api/sites/${site.id}` })).json().kind, 'nursery');
      const removed = await adminA.request({ method: 'DELETE', url: `/api/sites/${site.id}` });
      assert.equal(removed.statusCode, 204);
      assert.equal((await adminA.request({ method: 'GET', url: `/api/sites/${site.id}` })).statusCode, 404);
      const audit = await context.services.audit.search({ targetId: site.id }, { allCommunes: true, communes: [] });
      assert.deepEqual(
        audit.records.map((record) => record.action),
        ['site.deleted', 'site.updated', 'site.created'],
      );
      assert.deepEqual(audit.records[1]?.details, { before: { kind: 'school', address: '3 rue Jean Jaurès' }, after: { kind: 'nursery', address: null } });
    });

    it('refuses an unknown kind, a formula-like name and a duplicate name with clear codes', async () => {
      const kind = await adminA.request({ method: 'POST', url: '/api/sites', payload: { communeInsee: communeA, name: 'X', kind: 'castle' } });
      assert.equal(kind.statusCode, 400);
      assert.equal(kind.json().code, 'validation_failed');
      const formula = await adminA.request({ method: 'POST', url: '/api/sites', payload: { communeInsee: communeA, name: '=cmd|calc', kind: 'other' } });
      assert.equal(formula.json().code, 'validation_failed');
      await adminA.request({ method: 'POST', url: '/api/sites', payload: { communeInsee: communeA, name: 'Marché', kind: 'market' } });
      const duplicate = await adminA.request({ method: 'POST', url: '/api/sites', payload: { communeInsee: communeA, name: 'Marché', kind: 'market' } });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json().code, 'conflict');
      await assert.rejects(
        context.services.sites.create({ communeInsee: '99999', name: 'Nulle part', kind: 'other' }, testCli),
        (error: { code: string }) => error.code === 'validation_failed',
      );
    });

    it('refuses to delete a site while cameras remain on it', async () => {
      const site = await context.services.sites.create({ communeInsee: communeA, name: 'Gare', kind: 'station' }, testCli);
      await context.services.cameras.create(
        { siteId: site.id, name: 'Gare 1', kind: 'fixed', fieldClass: 'wide', mainStreamUrl: 'rtsp://10.0.0.1/main' },
        testCli,
      );
      const response = await adminA.request({ method: 'DELETE', url: `/api/sites/${site.id}` });
      assert.equal(response.statusCode, 409);
      assert.equal(response.json().code, 'conflict');
      assert.match(response.json().message_fr, /caméras/);
      assert.equal((await context.services.sites.get(site.id, null)).name, 'Gare');
    });

    it("a user of commune A never lists nor reads B's sites, and cannot change them", async () => {
      const list = await adminA.request({ method: 'GET', url: '/api/sites' });
      assert.ok(list.json().length >= 2);
      assert.ok(!list.body.includes(siteB) && !list.body.includes(communeB));
      assert.deepEqual((await adminA.request({ method: 'GET', url: `/api/sites?commune=${communeB}` })).json(), []);
      assert.equal((await adminA.request({ method: 'GET', url: `/api/sites/${siteB}` })).statusCode, 404);
      const create = await adminA.request({ method: 'POST', url: '/api/sites', payload: { communeInsee: communeB, name: 'Intrus', kind: 'other' } });
      assert.equal(create.json().code, 'commune_out_of_scope');
      const patch = await adminA.request({ method: 'PATCH', url: `/api/sites/${siteB}`, payload: { name: 'Volé' } });
      assert.equal(patch.statusCode, 403);
      assert.equal((await adminA.request({ method: 'DELETE', url: `/api/sites/${siteB}` })).statusCode, 403);
      assert.equal((await context.services.sites.get(siteB, null)).name, 'Mairie B');
    });

    it('lists the site kinds with French labels', async () => {
      const kinds = (await adminA.request({ method: 'GET', url: '/api/sites/kinds' })).json() as { code: string; fr: string }[];
      assert.equal(kinds.find((kind) => kind.code === 'town_entrance')?.fr, 'Entrée de ville');
      assert.equal(kinds.length, 12);
    });
  });
}
