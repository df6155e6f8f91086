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
import { createTestContext, testCli, type TestContext } from './testing/context.ts';
import { dialectsUnderTest } from './testing/databases.ts';
import type { SignedIn } from './testing/http.ts';
import { updateCases } from './testing/update-cases.ts';
import { assertOnlyChanged, defaultsIn, get, type Json } from './testing/update-checks.ts';
import { seedUpdateFixtures, type UpdateIds } from './testing/update-fixtures.ts';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`PATCH and PUT change only what they are sent [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    let operator: SignedIn;
    let ids: UpdateIds;
    let cases: ReturnType<typeof updateCases>;
    const patchCases = () => cases.patchCases();
    const putCases = () => cases.putCases();
    before(async () => {
      context = await createTestContext(dialect, { clockStart: '2026-11-23T10:00:00.000Z' });
      const env = await seedUpdateFixtures(context);
      ({ ids, admin, operator } = env);
      cases = updateCases(env);
    });
    after(async () => context?.close());

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
        '/api/alarm-procedures/{id}',
        '/api/oncall/services/{id}',
        '/api/oncall/people/{id}',
        '/api/oncall/rotas/{id}',
        '/api/oncall/overrides/{id}',
        '/api/cameras/{id}/health/thresholds',
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
            '/api/alarm-sources/{id}/cap-feed',
            '/api/alarm-sources/{id}/dc09-accounts/{line}/{account}',
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
          const refused = await (put.as?.() ?? operator).request({ method: 'PUT', url: put.url(), payload: incomplete });
          assert.equal(refused.statusCode, 400, `${put.label} without ${missing}: ${refused.body}`);
          assert.equal(refused.json().code, put.code, `${put.label} without ${missing}`);
          assert.deepEqual(await put.read(), beforeView, `${put.label} without ${missing}: unchanged`);
        }
        const by = put.as?.() ?? operator;
        const extra = await by.request({ method: 'PUT', url: put.url(), payload: { ...body, colour: 'red' } });
        assert.equal(extra.statusCode, 400, `${put.label} with an unknown field`);
        const same = await by.request({ method: 'PUT', url: put.url(), payload: body });
        assert.equal(same.statusCode, 200, `${put.label} unchanged body: ${same.body}`);
        assertOnlyChanged(beforeView, await put.read(), [], `${put.label} PUT of the same state`);
        const changed = await by.request({ method: 'PUT', url: put.url(), payload: { ...body, [put.change.field]: put.change.value } });
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
