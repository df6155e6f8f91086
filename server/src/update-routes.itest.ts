// Update semantics of every PATCH and PUT route, over HTTP on both databases (issue 17):
// - PATCH changes only the fields it sends: each field is sent alone, and the whole object read
//   back before and after differs in that field (and what derives from it) only;
// - PUT replaces a whole resource: a body missing a field is refused with nothing changed, and
//   a body equal to the current state but for one field changes that field only;
// - an unknown field is refused (400) with nothing changed, instead of being silently ignored;
// - no PATCH or PUT body of the OpenAPI document carries a default, and every update route of
//   the document is covered here (a new one without a test fails this file).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cameraInput, communeA, createCommunesAndSites } from './testing/inventory.fixtures.ts';
import { createTestContext, testCli, type TestContext } from './testing/context.ts';
import { dialectsUnderTest } from './testing/databases.ts';
import { signIn, type SignedIn } from './testing/http.ts';
import { assertOnlyChanged, defaultsIn, find, get, type Json, type PatchCase, type PutCase } from './testing/update-checks.ts';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`PATCH and PUT change only what they are sent [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    let operator: SignedIn;
    let supervisor: SignedIn;
    const ids = {} as Record<'site' | 'camera' | 'otherCamera' | 'authorisation' | 'user' | 'mask' | 'tour' | 'layout' | 'wall' | 'requisition', string>;

    before(async () => {
      context = await createTestContext(dialect, { clockStart: '2026-11-23T10:00:00.000Z' });
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
      admin = await signIn(context, 'administrator', 'all');
      operator = await signIn(context, 'operator', [communeA]);
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
      supervisor = await signIn(context, 'supervisor', [communeA]);
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
    });
    after(async () => context?.close());

    const patchCases = (): PatchCase[] => [
      {
        label: 'authorisation',
        url: () => `/api/authorisations/${ids.authorisation}`,
        read: () => get(admin, `/api/authorisations/${ids.authorisation}`),
        fields: {
          reference: { value: 'AP-38-2026-017-bis' },
          startOn: { value: '2026-02-01' },
          endOn: { value: '2031-01-31', moves: ['renewalDueOn', 'daysToExpiry'] },
          perimeter: { value: 'Centre-ville et gare' },
          purposes: { value: ['people_property_safety'] },
          minRetentionDays: { value: 5 },
          maxRetentionDays: { value: 25 },
          recipients: { value: ['national_police'] },
          cameraIds: { value: [ids.camera] },
        },
      },
      {
        label: 'camera',
        url: () => `/api/cameras/${ids.camera}`,
        read: () => get(admin, `/api/cameras/${ids.camera}`),
        fields: {
          siteId: { value: ids.site },
          name: { value: 'CAM-PATCH-2' },
          kind: { value: 'fixed' },
          fieldClass: { value: 'wide' },
          latitude: { value: 45.19 },
          longitude: { value: 5.73 },
          headingDeg: { value: 180 },
          model: { value: 'Bosch Autodome' },
          ipAddress: { value: '10.1.0.20' },
          macAddress: { value: 'AC:CC:8E:00:00:20' },
          mainStreamUrl: { value: 'rtsp://10.1.0.20:554/main' },
          subStreamUrl: { value: null },
          onvifUrl: { value: null },
          credentials: { value: null, moves: ['hasCredentials'] },
          purposes: { value: ['public_buildings'] },
          commissioningDate: { value: '2025-01-02' },
          enabled: { value: false, moves: ['state', 'vmsStatus'] },
          retentionDays: { value: 12 },
          recordingEngine: { value: 'ffmpeg' },
          rtspTransport: { value: 'auto' },
        },
      },
      {
        label: 'user',
        url: () => `/api/users/${ids.user}`,
        read: () => get(admin, `/api/users/${ids.user}`),
        fields: {
          displayName: { value: 'Agent Patché' },
          role: { value: 'supervisor' },
          allCommunes: { value: true },
          communes: { value: ['38421'] },
          approvalReference: { value: 'AGR-2026-099' },
          approvalExpiresOn: { value: '2031-01-01' },
          trainingDate: { value: '2026-06-01' },
          disabled: { value: true },
        },
      },
      {
        label: 'commune',
        url: () => `/api/communes/${communeA}`,
        read: () => get(admin, `/api/communes/${communeA}`),
        fields: { name: { value: 'Grenoble-Centre' }, retentionDays: { value: 15 }, timeZone: { value: 'Europe/Brussels' } },
      },
      {
        label: 'site',
        url: () => `/api/sites/${ids.site}`,
        read: () => get(admin, `/api/sites/${ids.site}`),
        fields: { name: { value: 'Gare SNCF' }, kind: { value: 'street' }, address: { value: null }, latitude: { value: 45.2 }, longitude: { value: 5.72 } },
      },
      {
        label: 'storage volume',
        url: () => '/api/storage/volumes/second',
        read: () => find(admin, '/api/storage/volumes', 'second', 'name'),
        fields: { capacityBytes: { value: 2 * 1024 * 1024 * 1024 }, lowSpacePercent: { value: 20 }, enabled: { value: false } },
        volatile: ['usage'],
      },
      {
        label: 'camera recording settings',
        url: () => `/api/cameras/${ids.camera}/recording/settings`,
        read: () => get(admin, `/api/cameras/${ids.camera}/recording/settings`),
        fields: { volumeName: { value: null }, busyPedestrianPlace: { value: false } },
      },
      {
        label: 'mask',
        url: () => `/api/masks/${ids.mask}`,
        read: () => find(admin, `/api/cameras/${ids.camera}/masks`, ids.mask),
        fields: {
          name: { value: 'Balcons' },
          presetToken: { value: null },
          polygons: {
            value: [
              [
                [0.5, 0.5],
                [0.7, 0.5],
                [0.7, 0.7],
              ],
            ],
          },
        },
      },
      {
        label: 'requisition',
        url: () => `/api/requisitions/${ids.requisition}`,
        read: () => get(supervisor, `/api/requisitions/${ids.requisition}`),
        as: () => supervisor,
        fields: {
          officerName: { value: 'Karima Benali' },
          officerRank: { value: 'OPJ, capitaine' },
          officerUnit: { value: 'Sûreté départementale' },
          officerContact: { value: 'karima.benali@interieur.gouv.fr' },
          procedureNumber: { value: 'PV 2026/2' },
          legalFramework: { value: 'investigation' },
          requisitionDate: { value: '2026-11-23T07:00:00.000Z' },
          channel: { value: 'email' },
          freeText: { value: 'Rixe devant la gare.' },
        },
      },
    ];

    const putCases = (): PutCase[] => [
      {
        label: 'patrol tour',
        url: () => `/api/ptz/tours/${ids.tour}`,
        code: 'ptz_tour_invalid',
        read: async () => ((await get(operator, `/api/cameras/${ids.camera}/ptz/tours`)) as unknown as Json[]).find((tour) => tour.id === ids.tour)!,
        body: (tour) => ({ name: tour.name, steps: tour.steps, activeFrom: tour.activeFrom, activeTo: tour.activeTo, enabled: tour.enabled }),
        change: { field: 'name', value: 'Ronde de nuit' },
      },
      {
        label: 'layout',
        url: () => `/api/layouts/${ids.layout}`,
        code: 'layout_invalid',
        read: () => find(operator, '/api/layouts', ids.layout),
        body: (layout) => ({ name: layout.name, grid: layout.grid, tiles: layout.tiles, shared: layout.shared }),
        change: { field: 'name', value: 'Gare et parvis' },
      },
      {
        label: 'wall push',
        url: () => `/api/walls/${ids.wall}/layout`,
        code: 'wall_invalid',
        read: () => find(operator, '/api/walls', ids.wall),
        body: (wall) => ({ grid: wall.grid, tiles: wall.tiles, tour: wall.tour }),
        change: { field: 'tiles', value: [null, ids.otherCamera, null, null] },
      },
    ];

    it('no PATCH or PUT body in the OpenAPI document declares a default, and each is covered here', async () => {
      const document = (await context.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
        paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
      };
      const problems: string[] = [];
      const updateRoutes: string[] = [];
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const method of ['patch', 'put'] as const) {
          const operation = methods[method];
          if (!operation) continue;
          updateRoutes.push(`${method.toUpperCase()} ${path}`);
          for (const [type, content] of Object.entries(operation.requestBody?.content ?? {})) {
            for (const pointer of defaultsIn(content.schema)) problems.push(`${method.toUpperCase()} ${path} (${type}) ${pointer}`);
          }
        }
      }
      assert.deepEqual(problems, [], 'update bodies must not declare defaults');
      const covered = [
        '/api/authorisations/{id}',
        '/api/cameras/{id}',
        '/api/users/{id}',
        '/api/communes/{insee}',
        '/api/sites/{id}',
        '/api/storage/volumes/{id}',
        '/api/cameras/{id}/recording/settings',
        '/api/masks/{id}',
        '/api/requisitions/{id}',
      ]
        .map((path) => `PATCH ${path}`)
        .concat(
          [
            '/api/ptz/tours/{id}',
            '/api/layouts/{id}',
            '/api/walls/{id}/layout',
            '/api/settings/{key}',
            '/api/cameras/{id}/masks/mode',
            '/api/cameras/{id}/device/quirks',
          ].map((path) => `PUT ${path}`),
        );
      assert.deepEqual(updateRoutes.sort(), covered.sort(), 'every update route of the API is tested in this file');
    });

    it('PATCH with one field leaves every other field exactly as it was, for every field of every update route', async () => {
      for (const patch of patchCases()) {
        for (const [field, { value, moves = [] }] of Object.entries(patch.fields)) {
          const beforeView = await patch.read();
          const response = await (patch.as?.() ?? admin).request({ method: 'PATCH', url: patch.url(), payload: { [field]: value } });
          assert.equal(response.statusCode, 200, `${patch.label} ${field}: ${response.body}`);
          const afterView = await patch.read();
          const volatile = patch.volatile ?? [];
          assertOnlyChanged(beforeView, afterView, [field, ...moves, ...volatile], `${patch.label} PATCH {${field}}`);
          // Credentials are never shown: `hasCredentials` says what became of them.
          if (field !== 'credentials') assert.deepEqual(afterView[field], value, `${patch.label}: ${field} took the value sent`);
          // The answer is the object as now stored.
          assertOnlyChanged(afterView, response.json() as Json, volatile, `${patch.label} PATCH {${field}} answer`);
        }
      }
    });

    it('the renewal case of issue 17: a PATCH of endOn alone keeps the cameras and the recipients', async () => {
      const authorisation = await context.services.authorisations.create(
        {
          reference: 'AP-RENEW',
          communeInsee: '38421',
          startOn: '2022-01-02',
          endOn: '2026-12-31',
          perimeter: 'Mairie',
          purposes: ['public_buildings'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          recipients: ['national_police', 'gendarmerie'],
          cameraIds: [],
        },
        testCli,
      );
      const response = await admin.request({ method: 'PATCH', url: `/api/authorisations/${ids.authorisation}`, payload: { endOn: '2030-12-31' } });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json().cameraIds, [ids.camera].sort());
      assert.deepEqual(response.json().recipients, ['national_police']);
      const renewed = await admin.request({ method: 'PATCH', url: `/api/authorisations/${authorisation.id}`, payload: { endOn: '2027-01-01' } });
      assert.equal(renewed.statusCode, 200, renewed.body);
      assert.deepEqual(renewed.json().recipients, ['gendarmerie', 'national_police']);
    });

    it('PATCH with an unknown field is refused and changes nothing', async () => {
      for (const patch of patchCases()) {
        const beforeView = await patch.read();
        const response = await (patch.as?.() ?? admin).request({ method: 'PATCH', url: patch.url(), payload: { endsOn: '2031-01-01', nom: 'x' } });
        assert.equal(response.statusCode, 400, `${patch.label}: ${response.body}`);
        assert.equal(response.json().code, 'validation_failed', patch.label);
        assert.match(response.json().message_en, /unknown field\(s\) endsOn, nom/, patch.label);
        assert.match(response.json().message_fr, /champ\(s\) inconnu\(s\) endsOn, nom/, patch.label);
        assertOnlyChanged(beforeView, await patch.read(), patch.volatile ?? [], `${patch.label}: unchanged`);
      }
    });

    it('PUT replaces a whole resource: a missing field is refused with nothing changed, one field changed moves only that field', async () => {
      for (const put of putCases()) {
        const beforeView = await put.read();
        const body = put.body(beforeView);
        for (const missing of Object.keys(body)) {
          const { [missing]: _dropped, ...incomplete } = body;
          const refused = await operator.request({ method: 'PUT', url: put.url(), payload: incomplete });
          assert.equal(refused.statusCode, 400, `${put.label} without ${missing}: ${refused.body}`);
          assert.equal(refused.json().code, put.code, `${put.label} without ${missing}`);
          assert.deepEqual(await put.read(), beforeView, `${put.label} without ${missing}: unchanged`);
        }
        const extra = await operator.request({ method: 'PUT', url: put.url(), payload: { ...body, colour: 'red' } });
        assert.equal(extra.statusCode, 400, `${put.label} with an unknown field`);
        const same = await operator.request({ method: 'PUT', url: put.url(), payload: body });
        assert.equal(same.statusCode, 200, `${put.label} unchanged body: ${same.body}`);
        assertOnlyChanged(beforeView, await put.read(), [], `${put.label} PUT of the same state`);
        const changed = await operator.request({ method: 'PUT', url: put.url(), payload: { ...body, [put.change.field]: put.change.value } });
        assert.equal(changed.statusCode, 200, `${put.label}: ${changed.body}`);
        const afterView = await put.read();
        assertOnlyChanged(beforeView, afterView, [put.change.field], `${put.label} PUT changing ${put.change.field}`);
        assert.deepEqual(afterView[put.change.field], put.change.value);
      }
    });

    it('PUT of a camera’s ONVIF quirks replaces the override only (no camera traffic)', async () => {
      const url = `/api/cameras/${ids.camera}/device/quirks`;
      const before = await get(admin, `/api/cameras/${ids.camera}/device`);
      for (const payload of [{}, { override: { zoom: false }, colour: 'red' }, { override: { zoom: 'no' } }]) {
        const refused = await admin.request({ method: 'PUT', url, payload });
        assert.equal(refused.statusCode, 400, refused.body);
        assert.deepEqual(await get(admin, `/api/cameras/${ids.camera}/device`), before);
      }
      const same = await admin.request({ method: 'PUT', url, payload: { override: (before.quirks as Json).override } });
      assert.equal(same.statusCode, 200, same.body);
      assertOnlyChanged(before, await get(admin, `/api/cameras/${ids.camera}/device`), [], 'quirks PUT of the same state');
      const changed = await admin.request({ method: 'PUT', url, payload: { override: { zoom: false, moveTimeout: 'omit' } } });
      assert.equal(changed.statusCode, 200, changed.body);
      const after = await get(admin, `/api/cameras/${ids.camera}/device`);
      assertOnlyChanged(before, after, ['quirks'], 'quirks PUT');
      assert.deepEqual((after.quirks as Json).override, { zoom: false, moveTimeout: 'omit' });
    });

    it('PUT of a setting or of a masking mode changes that one value only', async () => {
      const masksBefore = await get(admin, `/api/cameras/${ids.camera}/masks`);
      const mode = await admin.request({ method: 'PUT', url: `/api/cameras/${ids.camera}/masks/mode`, payload: { mode: 'in_camera' } });
      assert.equal(mode.statusCode, 200, mode.body);
      const masksAfter = await get(admin, `/api/cameras/${ids.camera}/masks`);
      assertOnlyChanged(masksBefore, masksAfter, ['mode', 'modeChosen'], 'masking mode');
      assert.equal((await admin.request({ method: 'PUT', url: `/api/cameras/${ids.camera}/masks/mode`, payload: {} })).statusCode, 400);
      const settingsBefore = await get(admin, '/api/settings');
      const setting = await admin.request({ method: 'PUT', url: '/api/settings/totp_required_for_image_roles', payload: { value: true } });
      assert.equal(setting.statusCode, 204);
      assertOnlyChanged(settingsBefore, await get(admin, '/api/settings'), ['totp_required_for_image_roles'], 'settings');
      assert.equal(
        (await admin.request({ method: 'PUT', url: '/api/settings/totp_required_for_image_roles', payload: { value: false, other: 1 } })).statusCode,
        400,
      );
    });
  });
}
