// The permission matrix, through HTTP on both databases: every registered route against every
// role (granted -> not refused, not granted -> 403 forbidden), without a session (401), and
// against a foreign commune (never 2xx on its data; listings never show it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, testPassword, type SignedIn } from '../../testing/http.ts';
import { roleGrants, roles, type Action, type Role } from './policy.ts';

const home = '38999';
const foreign = '38998';

interface ForeignFixtures {
  authorisationId: string;
  userId: string;
  userLogin: string;
  siteId: string | null;
  cameraId: string | null;
  tokenId: string;
  tokenName: string;
}

function fillPath(url: string, ids: { insee: string; id: string }): string {
  return url.replace(':insee', ids.insee).replace(':key', 'totp_required_for_image_roles').replace(/:id\b/, ids.id);
}

function foreignIdFor(url: string, fixtures: ForeignFixtures): string | null {
  if (url.startsWith('/api/authorisations/:id')) return fixtures.authorisationId;
  if (url.startsWith('/api/users/:id')) return fixtures.userId;
  if (url.startsWith('/api/sites/:id')) return fixtures.siteId;
  if (url.startsWith('/api/cameras/:id')) return fixtures.cameraId;
  if (url.startsWith('/api/tokens/:id')) return fixtures.tokenId;
  return null;
}

/** Bodies that target the foreign commune, for the routes that create or change its data. */
function foreignBody(method: string, url: string, fixtures: ForeignFixtures): unknown {
  const key = `${method} ${url}`;
  const bodies: Record<string, unknown> = {
    'POST /api/communes': { insee: '38990', name: 'Nouvelle', retentionDays: 10 },
    'PATCH /api/communes/:insee': { name: 'Renamed' },
    'POST /api/authorisations': {
      reference: 'AP-FOREIGN',
      communeInsee: foreign,
      startOn: '2026-01-01',
      endOn: '2027-01-01',
      perimeter: 'x',
      purposes: ['public_buildings'],
      minRetentionDays: 1,
      maxRetentionDays: 30,
    },
    'PATCH /api/authorisations/:id': { perimeter: 'changed' },
    'POST /api/authorisations/:id/revoke': { reason: 'no reason at all' },
    'POST /api/users': { login: 'foreign-new', role: 'operator', password: testPassword, communes: [foreign] },
    'PATCH /api/users/:id': { displayName: 'changed' },
    'POST /api/users/:id/reset-password': { password: testPassword },
    'POST /api/tokens': { name: 'foreign', role: 'auditor', communes: [foreign] },
    'POST /api/sites': { communeInsee: foreign, name: 'Site étranger', kind: 'street' },
    'PATCH /api/sites/:id': { name: 'changed' },
    'PATCH /api/cameras/:id': { name: 'changed' },
  };
  if (key in bodies) return bodies[key];
  if (key === 'POST /api/cameras' && fixtures.siteId) {
    return {
      communeInsee: foreign,
      siteId: fixtures.siteId,
      name: 'Caméra étrangère',
      kind: 'fixed',
      fieldClass: 'wide',
      mainStreamUrl: 'rtsp://127.0.0.1:8554/cam/x/main',
      purposes: ['public_buildings'],
    };
  }
  return method === 'GET' || method === 'DELETE' ? undefined : {};
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`permission matrix [${dialect}]`, { skip }, () => {
    let context: TestContext;
    const users = new Map<Role, SignedIn>();
    let fixtures: ForeignFixtures;

    before(async () => {
      context = await createTestContext(dialect);
      await context.services.communes.create({ insee: home, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await context.services.communes.create({ insee: foreign, name: 'Saint-Guet', retentionDays: 14 }, testCli);
      const authorisation = await context.services.authorisations.create(
        {
          reference: 'AP-B-1',
          communeInsee: foreign,
          startOn: '2026-01-01',
          endOn: '2030-01-01',
          perimeter: 'B',
          purposes: ['public_buildings'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
        },
        testCli,
      );
      const foreignUser = await context.services.accounts.create(
        { login: 'only-foreign', role: 'operator', password: testPassword, communes: [foreign] },
        testCli,
      );
      const token = await context.services.tokens.create({ name: 'foreign-sync-token', role: 'technician', communes: [foreign] }, testCli);
      fixtures = {
        authorisationId: authorisation.id,
        userId: foreignUser.id,
        userLogin: foreignUser.login,
        siteId: null,
        cameraId: null,
        tokenId: token.view.id,
        tokenName: token.view.name,
      };
      const centreAdmin = await signIn(context, 'administrator', 'all');
      const site = await centreAdmin.request({ method: 'POST', url: '/api/sites', payload: { communeInsee: foreign, name: 'Site B', kind: 'street' } });
      if (site.statusCode === 201) {
        fixtures.siteId = site.json().id;
        const camera = await centreAdmin.request({ method: 'POST', url: '/api/cameras', payload: foreignBody('POST', '/api/cameras', fixtures) as object });
        if (camera.statusCode === 201) fixtures.cameraId = camera.json().id;
      }
      for (const role of roles) users.set(role, await signIn(context, role, [home]));
    });
    after(async () => context?.close());

    it('every route declares its access', () => {
      assert.ok(context.app.vigieRoutes.length >= 30, `only ${context.app.vigieRoutes.length} routes`);
      for (const route of context.app.vigieRoutes) assert.ok(route.access, `${route.method} ${route.url}`);
    });

    it('every non-public route refuses a request without a session (401)', async () => {
      for (const route of context.app.vigieRoutes.filter((candidate) => candidate.access !== 'public')) {
        const response = await context.app.inject({
          method: route.method as 'GET',
          url: fillPath(route.url, { insee: home, id: 'x' }),
          payload: route.method === 'GET' ? undefined : {},
        });
        assert.equal(response.statusCode, 401, `${route.method} ${route.url}`);
      }
    });

    it('every role x route follows the policy: granted is served, not granted is 403 forbidden', async () => {
      const checked: string[] = [];
      for (const route of context.app.vigieRoutes.filter((candidate) => !['public', 'pending', 'signed-in'].includes(candidate.access))) {
        for (const role of roles) {
          const user = users.get(role)!;
          const response = await user.request({
            method: route.method as 'GET',
            url: fillPath(route.url, { insee: home, id: 'does-not-exist' }),
            payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
          });
          const label = `${role} ${route.method} ${route.url} -> ${response.statusCode} ${response.body.slice(0, 120)}`;
          if (roleGrants(role, route.access as Action)) {
            assert.ok(response.statusCode !== 401 && !(response.statusCode === 403 && response.json().code === 'forbidden'), label);
          } else {
            assert.equal(response.statusCode, 403, label);
            assert.equal(response.json().code, 'forbidden', label);
          }
          checked.push(label);
        }
      }
      assert.ok(checked.length >= 30 * roles.length);
    });

    it('a user of commune A never reads nor changes commune B', async () => {
      const markers = [foreign, fixtures.authorisationId, fixtures.userLogin, fixtures.siteId, fixtures.cameraId, fixtures.tokenName].filter(
        (marker): marker is string => Boolean(marker),
      );
      for (const route of context.app.vigieRoutes.filter((candidate) => !['public', 'pending', 'signed-in'].includes(candidate.access))) {
        for (const role of roles.filter((candidate) => roleGrants(candidate, route.access as Action))) {
          const user = users.get(role)!;
          const hasId = route.url.includes(':id');
          const foreignId = hasId ? foreignIdFor(route.url, fixtures) : null;
          if (hasId && !foreignId) continue; // fixtures not built yet
          const url = fillPath(route.url, { insee: foreign, id: foreignId ?? '' });
          const withQuery = route.method === 'GET' && !hasId && !route.url.includes(':insee') ? `${url}?commune=${foreign}&communeInsee=${foreign}` : url;
          const response = await user.request({
            method: route.method as 'GET',
            url: withQuery,
            payload: foreignBody(route.method, route.url, fixtures) as object | undefined,
          });
          const label = `${role} ${route.method} ${withQuery} -> ${response.statusCode} ${response.body.slice(0, 160)}`;
          const targetsForeign = hasId || route.url.includes(':insee') || route.method !== 'GET';
          if (targetsForeign) {
            const isSideEffectFree = route.url === '/api/audit/verify';
            if (isSideEffectFree) continue;
            assert.ok(response.statusCode >= 400, label);
          } else if (response.statusCode === 200) {
            for (const marker of markers) assert.ok(!response.body.includes(marker), `${label} leaks ${marker}`);
          }
        }
      }
    });

    it('the audit chain is intact after the whole matrix', async () => {
      assert.equal((await context.services.audit.verify()).ok, true);
    });
  });
}
