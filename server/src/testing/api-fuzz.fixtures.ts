// The world the API fuzzer runs in, shared by api-fuzz.itest.ts and `./vigie bench fuzz`: one
// item of each kind that a path names, and three callers (administrator, operator, anonymous).
import { cameraInput, communeA, createCommunesAndSites } from './inventory.fixtures.ts';
import { fuzzApi, type FuzzClient, type FuzzReport } from './api-fuzz.ts';
import { testCli, type TestContext } from './context.ts';
import { signIn } from './http.ts';

export const fuzzSkips: Record<string, string> = {
  'POST /api/auth/logout': 'ends the session the fuzzer signs in with (its refusals are covered by auth.itest)',
  'GET /api/walls/{id}/events': 'a server-sent event stream stays open (console.itest covers it)',
};

/** Creates the items, signs the callers in, and fuzzes every route of the context's app. */
export async function fuzzContext(context: TestContext, options: { casesPerRoute: number; seed: number }): Promise<FuzzReport> {
  const ids: Record<string, string> = {};
  const { siteA } = await createCommunesAndSites(context);
  ids['/api/sites'] = siteA;
  // No authorisation covers it and it has no ONVIF address: live and PTZ answer at once, nothing is dialled.
  ids['/api/cameras'] = (
    await context.services.cameras.create(
      cameraInput(siteA, 'CAM-FUZZ', { kind: 'fixed', mainStreamUrl: 'rtsp://127.0.0.1:9/main', ipAddress: '127.0.0.1' }),
      testCli,
    )
  ).id;
  ids['/api/authorisations'] = (
    await context.services.authorisations.create(
      {
        reference: 'AP-FUZZ',
        communeInsee: communeA,
        startOn: '2026-01-01',
        endOn: '2030-12-31',
        perimeter: 'Centre',
        purposes: ['people_property_safety'],
        minRetentionDays: 7,
        maxRetentionDays: 30,
      },
      testCli,
    )
  ).id;
  ids['/api/users'] = (
    await context.services.accounts.create({ login: 'fuzz-target', role: 'operator', password: 'Vigie-Test-Password-2026!', communes: [communeA] }, testCli)
  ).id;
  ids['/api/masks'] = (
    await context.services.masks.create(
      {
        cameraId: ids['/api/cameras'],
        name: 'Fenêtres',
        polygons: [
          [
            [0.1, 0.1],
            [0.3, 0.1],
            [0.3, 0.3],
          ],
        ],
      },
      testCli,
    )
  ).id;
  ids['/api/walls'] = (await context.services.walls.create({ name: 'Mur fuzz' }, testCli)).id;
  ids['/api/tokens'] = (await context.services.tokens.create({ name: 'fuzz', role: 'auditor', allCommunes: true }, testCli)).view.id;
  await context.services.storage.create({ name: 'fuzz', root: `${context.dataDir}/fuzz-volume` }, testCli);
  ids['/api/storage/volumes'] = 'fuzz';
  const admin = await signIn(context, 'administrator', 'all');
  const operator = await signIn(context, 'operator', [communeA]);
  ids['/api/layouts'] = (await operator.request({ method: 'POST', url: '/api/layouts', payload: { name: 'Fuzz', grid: 1, tiles: [null] } })).json().id;
  const clients: FuzzClient[] = [
    { role: 'administrator', request: admin.request },
    { role: 'operator', request: operator.request },
    { role: 'anonymous', request: (request) => context.app.inject(request) },
  ];
  const prefixes = Object.keys(ids).sort((a, b) => b.length - a.length);
  return fuzzApi({ app: context.app, db: context.database.handle.db }, clients, {
    ...options,
    skip: fuzzSkips,
    maxErrorBytes: 64 * 1024,
    maxRequestMs: 5000,
    pathValue: (path, name) => {
      if (name === 'insee') return communeA;
      if (name === 'key') return 'totp_required_for_image_roles';
      if (name === 'token') return 'preset-1';
      const prefix = prefixes.find((candidate) => path.startsWith(`${candidate}/`));
      return prefix ? ids[prefix]! : 'unknown-id';
    },
  });
}
