// The resources the update-semantics test (server/src/update-routes.itest.ts) changes: one of
// each kind that has a PATCH or PUT route, created through the services or the API, and the
// users who change them.
import assert from 'node:assert/strict';
import { cameraInput, communeA, createCommunesAndSites } from './inventory.fixtures.ts';
import { testCli, type TestContext } from './context.ts';
import { signIn, type SignedIn } from './http.ts';
import type { Json } from './update-checks.ts';

type OncallId = 'oncallService' | 'oncallPerson' | 'oncallOtherPerson' | 'oncallThirdPerson' | 'oncallRota' | 'oncallOverride';

export type UpdateIds = Record<
  | 'site'
  | 'camera'
  | 'otherCamera'
  | 'authorisation'
  | 'user'
  | 'mask'
  | 'tour'
  | 'layout'
  | 'wall'
  | 'requisition'
  | 'procedure'
  | OncallId
  | 'capSource'
  | 'dc09Source',
  string
>;

export interface UpdateEnv {
  context: TestContext;
  ids: UpdateIds;
  admin: SignedIn;
  operator: SignedIn;
  supervisor: SignedIn;
}

export async function seedUpdateFixtures(context: TestContext): Promise<UpdateEnv> {
  const ids = {} as UpdateIds;
  const { siteA } = await createCommunesAndSites(context);
  ids.site = siteA;
  const camera = await context.services.cameras.create(
    cameraInput(siteA, 'CAM-PATCH', {
      subStreamUrl: 'rtsp://10.1.0.10:554/sub',
      onvifUrl: 'http://127.0.0.1:9/onvif/device_service',
      credentials: { username: 'viewer', password: 'secret' },
      retentionDays: 10,
    }),
    testCli,
  );
  ids.camera = camera.id;
  ids.otherCamera = (
    await context.services.cameras.create(cameraInput(siteA, 'CAM-OTHER', { ipAddress: '10.1.0.11', macAddress: 'ac:cc:8e:00:00:02' }), testCli)
  ).id;
  ids.authorisation = (
    await context.services.authorisations.create(
      {
        reference: 'AP-38-2026-017',
        communeInsee: communeA,
        startOn: '2026-01-01',
        endOn: '2030-12-31',
        perimeter: 'Centre-ville',
        purposes: ['people_property_safety', 'public_buildings'],
        minRetentionDays: 7,
        maxRetentionDays: 20,
        recipients: ['national_police', 'gendarmerie', 'municipal_police'],
        cameraIds: [ids.camera, ids.otherCamera],
      },
      testCli,
    )
  ).id;
  const admin = await signIn(context, 'administrator', 'all');
  const operator = await signIn(context, 'operator', [communeA]);
  ids.user = (
    await context.services.accounts.create(
      {
        login: 'agent-patch',
        displayName: 'Agent Patch',
        role: 'operator',
        password: 'Vigie-Test-Password-2026!',
        communes: [communeA],
        approvalReference: 'AGR-2026-017',
        approvalExpiresOn: '2030-01-01',
        trainingDate: '2026-01-15',
      },
      testCli,
    )
  ).id;
  await context.services.storage.create(
    { name: 'second', root: `${context.dataDir}/second-volume`, capacityBytes: 1024 * 1024 * 1024, lowSpacePercent: 15 },
    testCli,
  );
  await context.services.storage.setCameraSettings(ids.camera, { volumeName: 'second', busyPedestrianPlace: true }, testCli);
  ids.mask = (
    await context.services.masks.create(
      {
        cameraId: ids.camera,
        presetToken: 'preset-1',
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
  const tour = await operator.request({
    method: 'POST',
    url: `/api/cameras/${ids.camera}/ptz/tours`,
    payload: { name: 'Ronde', steps: [{ presetToken: 'preset-1', dwellSeconds: 10 }], activeFrom: '22:00', activeTo: '06:00', enabled: false },
  });
  assert.equal(tour.statusCode, 201, tour.body);
  ids.tour = tour.json().id;
  const layout = await operator.request({
    method: 'POST',
    url: '/api/layouts',
    payload: { name: 'Gare', grid: 4, tiles: [ids.camera, null, ids.otherCamera, null], shared: true },
  });
  assert.equal(layout.statusCode, 201, layout.body);
  ids.layout = layout.json().id;
  const wall = await admin.request({ method: 'POST', url: '/api/walls', payload: { name: 'Mur principal' } });
  ids.wall = wall.json().id;
  const push = await operator.request({
    method: 'PUT',
    url: `/api/walls/${ids.wall}/layout`,
    payload: { grid: 4, tiles: [ids.camera, null, null, null], tour: { cameraIds: [ids.camera, ids.otherCamera], intervalSeconds: 30 } },
  });
  assert.equal(push.statusCode, 200, push.body);
  const supervisor = await signIn(context, 'supervisor', [communeA]);
  const requisition = await supervisor.request({
    method: 'POST',
    url: '/api/requisitions',
    payload: {
      communeInsee: communeA,
      officerName: 'Karim Benali',
      officerRank: 'OPJ',
      officerUnit: 'Commissariat central',
      officerContact: '04 76 00 00 00',
      procedureNumber: 'PV 2026/1',
      legalFramework: 'flagrance',
      requisitionDate: '2026-11-23T08:00:00.000Z',
      channel: 'paper',
      ranges: [{ cameraId: ids.camera, from: '2026-11-22T20:00:00.000Z', to: '2026-11-22T21:00:00.000Z' }],
    },
  });
  assert.equal(requisition.statusCode, 201, requisition.body);
  ids.requisition = requisition.json().id;
  const procedure = await supervisor.request({
    method: 'POST',
    url: '/api/alarm-procedures',
    payload: { alarmType: 'ppms_confinement', siteId: ids.site, name: 'Confinement', steps: [{ kind: 'check', labelFr: 'Vérifier', mandatory: true }] },
  });
  assert.equal(procedure.statusCode, 201, procedure.body);
  ids.procedure = procedure.json().id;
  const oncall = async (url: string, payload: Json) => {
    const created = await supervisor.request({ method: 'POST', url, payload });
    assert.equal(created.statusCode, 201, created.body);
    return created.json().id as string;
  };
  ids.oncallService = await oncall('/api/oncall/services', { name: 'Élu d’astreinte', kind: 'elected' });
  ids.oncallPerson = await oncall('/api/oncall/people', { name: 'Alice', role: 'Adjointe', email: 'alice@example.test', phone: '+33600000000' });
  ids.oncallOtherPerson = await oncall('/api/oncall/people', { name: 'Bob', role: 'DGS' });
  ids.oncallThirdPerson = await oncall('/api/oncall/people', { name: 'Carol', role: 'Responsable voirie' });
  ids.oncallRota = await oncall('/api/oncall/rotas', {
    serviceId: ids.oncallService,
    personId: ids.oncallPerson,
    level: 1,
    startsAt: '2026-11-23T08:00',
    rrule: 'FREQ=WEEKLY;BYDAY=MO',
    durationMinutes: 10080,
  });
  ids.oncallOverride = await oncall('/api/oncall/overrides', {
    serviceId: ids.oncallService,
    replacedPersonId: ids.oncallPerson,
    replacementPersonId: ids.oncallOtherPerson,
    from: '2026-11-24T08:00:00.000Z',
    to: '2026-11-25T08:00:00.000Z',
    reason: 'Congé',
  });
  // Alarm intake sources with a PUT each: a CAP source's Atom feed, a DC-09 panel account.
  for (const [id, kind] of [
    ['cap-patch', 'cap'],
    ['panels-patch', 'dc09'],
  ] as const) {
    const source = await admin.request({ method: 'POST', url: '/api/alarm-sources', payload: { id, kind, communeInsee: communeA, name: `Source ${kind}` } });
    assert.equal(source.statusCode, 201, source.body);
  }
  ids.capSource = 'cap-patch';
  ids.dc09Source = 'panels-patch';
  const feed = await admin.request({ method: 'PUT', url: '/api/alarm-sources/cap-patch/cap-feed', payload: { url: 'http://127.0.0.1:9/cap/feed.xml' } });
  assert.equal(feed.statusCode, 200, feed.body);
  const account = await admin.request({
    method: 'PUT',
    url: '/api/alarm-sources/panels-patch/dc09-accounts/0/1234',
    payload: { siteId: ids.site, supervisionSeconds: 3600 },
  });
  assert.equal(account.statusCode, 200, account.body);
  return { context, ids, admin, operator, supervisor };
}
