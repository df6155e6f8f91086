// CSV import and export on both databases: 2,000 cameras in one transaction, all or nothing
// (one bad line changes nothing and is named), dry run, site creation, scope, round trip.
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn } from '../../testing/http.ts';
import { communeA, communeB, createCommunesAndSites, generatedCsv } from '../../testing/inventory.fixtures.ts';
import type { ImportLineError } from './cameras.import-errors.ts';

const allCommunes = { allCommunes: true, communes: [] };
type ImportFailure = { code: string; details: { errors: ImportLineError[] } };

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`camera CSV import and export [${dialect}]`, { skip }, () => {
    let context: TestContext;

    before(async () => {
      context = await createTestContext(dialect);
      await createCommunesAndSites(context);
    });
    after(async () => context?.close());

    const cameraCount = async () => (await context.services.cameras.list(null)).length;
    const auditTotal = async () => (await context.services.audit.search({}, allCommunes)).total;

    it('refuses a 2,000-camera file with one bad line: nothing written, the line named', async () => {
      const auditBefore = await auditTotal();
      const csv = generatedCsv(2000, { 1500: { ip_address: '10.2.300.1' } });
      await assert.rejects(context.services.cameras.importCsv(csv, {}, testCli), (error: ImportFailure) => {
        assert.equal(error.code, 'import_failed');
        assert.deepEqual(
          error.details.errors.map((item) => [item.line, item.column, item.code]),
          [[1500, 'ip_address', 'invalid_value']],
        );
        return true;
      });
      assert.equal(await cameraCount(), 0);
      assert.equal(await auditTotal(), auditBefore);
    });

    it('a dry run validates and counts without writing', async () => {
      const result = await context.services.cameras.importCsv(generatedCsv(10), { dryRun: true }, testCli);
      assert.deepEqual(result, { dryRun: true, created: 10, updated: 0, unchanged: 0, sitesCreated: 0 });
      assert.equal(await cameraCount(), 0);
    });

    it('imports 2,000 cameras in one transaction within seconds', async () => {
      const started = performance.now();
      const result = await context.services.cameras.importCsv(generatedCsv(2000), {}, testCli);
      const seconds = (performance.now() - started) / 1000;
      console.log(`[${dialect}] import of 2,000 new cameras: ${seconds.toFixed(2)} s`);
      assert.ok(seconds < 60, `sanity bound: ${seconds} s`);
      assert.deepEqual(result, { dryRun: false, created: 2000, updated: 0, unchanged: 0, sitesCreated: 0 });
      assert.equal(await cameraCount(), 2000);
      const [camera] = await context.services.cameras.list(null, { q: 'CAM-0042' });
      assert.equal(camera?.hasCredentials, true);
      assert.deepEqual(await context.services.cameras.streamCredentials(camera!.id), { username: 'viewer', password: 'pw-41' });
      assert.equal((await context.services.cameras.positions(camera!.id, null)).length, 1);
      const perCamera = await context.services.audit.search({ action: 'camera.created', targetId: camera!.id }, allCommunes);
      assert.equal(perCamera.total, 1, 'each imported camera has its own audit row');
      assert.equal((await context.services.audit.search({ action: 'camera.created', limit: 1 }, allCommunes)).total, 2000);
      assert.equal((await context.services.audit.verify()).ok, true);
      const imported = await context.services.audit.search({ action: 'camera.imported' }, allCommunes);
      assert.equal(imported.total, 1, 'one summary audit row per commune of the file');
      const record = imported.records[0]!;
      assert.equal(record.communeInsee, communeA);
      const created = record.details.created as { id: string; name: string; streamLogin: string }[];
      assert.equal(created.length, 2000);
      assert.deepEqual([created[41]?.id, created[41]?.name, created[41]?.streamLogin], [camera!.id, 'CAM-0042', 'set']);
      assert.ok(!JSON.stringify(record).includes('pw-41'), 'credentials never in the audit log');
    });

    it('re-importing the same file changes nothing; a changed line is an update with its history', async () => {
      const started = performance.now();
      const same = await context.services.cameras.importCsv(generatedCsv(2000), {}, testCli);
      console.log(`[${dialect}] re-import of 2,000 unchanged cameras: ${((performance.now() - started) / 1000).toFixed(2)} s`);
      assert.deepEqual(same, { dryRun: false, created: 0, updated: 0, unchanged: 2000, sitesCreated: 0 });
      context.clock.advance(60_000);
      const moved = await context.services.cameras.importCsv(generatedCsv(2000, { 2: { heading_deg: '180' }, 3: { password: 'rotated' } }), {}, testCli);
      assert.deepEqual(moved, { dryRun: false, created: 0, updated: 2, unchanged: 1998, sitesCreated: 0 });
      const [first] = await context.services.cameras.list(null, { q: 'CAM-0001' });
      assert.deepEqual(
        (await context.services.cameras.positions(first!.id, null)).map((position) => position.headingDeg),
        [180, 0],
      );
      const audit = await context.services.audit.search({ action: 'camera.imported' }, allCommunes);
      assert.deepEqual(audit.records[0]?.details.updated, [
        { id: first!.id, name: 'CAM-0001', before: { headingDeg: 0 }, after: { headingDeg: 180 } },
        { id: (await context.services.cameras.list(null, { q: 'CAM-0002' }))[0]!.id, name: 'CAM-0002', streamLogin: 'replaced' },
      ]);
      assert.ok(!JSON.stringify(audit.records[0]).includes('rotated'));
    });

    it('exports the inventory and re-imports the export with zero changes', async () => {
      const admin = await signIn(context, 'administrator', 'all');
      const exported = await admin.request({ method: 'GET', url: '/api/cameras/export.csv' });
      assert.equal(exported.statusCode, 200);
      assert.match(String(exported.headers['content-type']), /text\/csv/);
      assert.ok(exported.body.startsWith('\uFEFFstatus,model,ip_address,mac_address,'));
      assert.ok(!/pw-\d|viewer|password|username/.test(exported.body), 'never credentials');
      assert.equal(exported.body.trim().split('\n').length, 2001);
      const started = performance.now();
      const reimported = await admin.request({ method: 'POST', url: '/api/cameras/import', headers: { 'content-type': 'text/csv' }, payload: exported.body });
      console.log(`[${dialect}] re-import of the 2,000-camera export: ${((performance.now() - started) / 1000).toFixed(2)} s`);
      assert.equal(reimported.statusCode, 200, reimported.body);
      assert.deepEqual(reimported.json(), { dryRun: false, created: 0, updated: 0, unchanged: 2000, sitesCreated: 0 });
      const semicolon = await admin.request({ method: 'GET', url: `/api/cameras/export.csv?separator=semicolon&commune=${communeA}&q=CAM-000` });
      const again = await admin.request({
        method: 'POST',
        url: '/api/cameras/import?dryRun=true',
        headers: { 'content-type': 'text/csv' },
        payload: semicolon.body,
      });
      assert.deepEqual(again.json(), { dryRun: true, created: 0, updated: 0, unchanged: 9, sitesCreated: 0 });
    });

    it('reports unknown communes, unknown sites and duplicates over HTTP; createSites creates the missing sites', async () => {
      const admin = await signIn(context, 'administrator', 'all');
      const csv = generatedCsv(4, { 2: { name: 'NEW-1', site: 'Parvis' }, 3: { name: 'NEW-2', commune_insee: '99999' }, 4: { name: 'NEW-1', site: 'Parvis' } });
      const refused = await admin.request({ method: 'POST', url: '/api/cameras/import', headers: { 'content-type': 'text/csv' }, payload: csv });
      assert.equal(refused.statusCode, 400);
      const body = refused.json();
      assert.equal(body.code, 'import_failed');
      assert.deepEqual(
        body.details.errors.map((item: ImportLineError) => `${item.line}:${item.column}:${item.code}`),
        ['2:site:unknown_site', '3:commune_insee:unknown_commune', '4:name:duplicate_name'],
      );
      assert.match(body.details.errors[0].message_fr, /Parvis/);

      const fixed = generatedCsv(3, { 2: { name: 'NEW-1', site: 'Parvis' }, 3: { name: 'NEW-2', site: 'Parvis' } });
      const created = await admin.request({
        method: 'POST',
        url: '/api/cameras/import?createSites=true',
        headers: { 'content-type': 'text/csv' },
        payload: fixed,
      });
      assert.equal(created.statusCode, 200, created.body);
      assert.deepEqual(created.json(), { dryRun: false, created: 2, updated: 0, unchanged: 1, sitesCreated: 1 });
      const sites = await context.services.sites.list(null, { commune: communeA });
      assert.equal(sites.find((site) => site.name === 'Parvis')?.kind, 'other');
    });

    it("refuses lines of a commune outside the importer's scope", async () => {
      const adminA = await signIn(context, 'administrator', [communeA]);
      const csv = generatedCsv(2, { 3: { commune_insee: communeB, site: 'Mairie', name: 'B-1' } });
      const response = await adminA.request({ method: 'POST', url: '/api/cameras/import', headers: { 'content-type': 'text/csv' }, payload: csv });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(
        response.json().details.errors.map((item: ImportLineError) => `${item.line}:${item.code}`),
        ['3:commune_out_of_scope'],
      );
      assert.equal((await context.services.cameras.list(null, { commune: communeB })).length, 0);
    });

    it('reads the optional recording_engine column: native on create when empty, absent column or empty cell keeps the engine, an unknown engine is refused', async () => {
      const names = { 2: { name: 'ENG-1' }, 3: { name: 'ENG-2' }, 4: { name: 'ENG-3' } };
      /** The three ENG cameras, with a recording_engine column holding these cells. */
      const withEngines = (...engines: string[]) =>
        generatedCsv(3, names)
          .trimEnd()
          .split('\n')
          .map((line, index) => `${line},${index === 0 ? 'recording_engine' : engines[index - 1]}`)
          .join('\n');
      const engines = async () => (await context.services.cameras.list(null, { q: 'ENG-' })).map((camera) => `${camera.name}:${camera.recordingEngine}`);

      assert.deepEqual(await context.services.cameras.importCsv(withEngines('ffmpeg', '', 'native'), {}, testCli), {
        dryRun: false,
        created: 3,
        updated: 0,
        unchanged: 0,
        sitesCreated: 0,
      });
      assert.deepEqual(await engines(), ['ENG-1:ffmpeg', 'ENG-2:native', 'ENG-3:native']);
      const createdAudit = (await context.services.audit.search({ action: 'camera.imported' }, allCommunes)).records[0]!;
      assert.deepEqual(
        (createdAudit.details.created as { name: string; recordingEngine: string }[]).map((camera) => `${camera.name}:${camera.recordingEngine}`),
        ['ENG-1:ffmpeg', 'ENG-2:native', 'ENG-3:native'],
      );

      const withoutColumn = await context.services.cameras.importCsv(generatedCsv(3, names), {}, testCli);
      assert.deepEqual(withoutColumn, { dryRun: false, created: 0, updated: 0, unchanged: 3, sitesCreated: 0 }, 'no column: every engine kept');
      assert.deepEqual(await engines(), ['ENG-1:ffmpeg', 'ENG-2:native', 'ENG-3:native']);

      const changed = await context.services.cameras.importCsv(withEngines('', 'FFMPEG', 'native'), {}, testCli);
      assert.deepEqual(changed, { dryRun: false, created: 0, updated: 1, unchanged: 2, sitesCreated: 0 });
      assert.deepEqual(await engines(), ['ENG-1:ffmpeg', 'ENG-2:ffmpeg', 'ENG-3:native']);
      const [eng2] = await context.services.cameras.list(null, { q: 'ENG-2' });
      assert.deepEqual((await context.services.audit.search({ action: 'camera.imported' }, allCommunes)).records[0]?.details.updated, [
        { id: eng2!.id, name: 'ENG-2', before: { recordingEngine: 'native' }, after: { recordingEngine: 'ffmpeg' } },
      ]);

      const auditBefore = await auditTotal();
      await assert.rejects(context.services.cameras.importCsv(withEngines('native', 'gstreamer', 'native'), {}, testCli), (error: ImportFailure) => {
        assert.equal(error.code, 'import_failed');
        assert.deepEqual(
          error.details.errors.map((item) => `${item.line}:${item.column}:${item.code}`),
          ['3:recording_engine:invalid_value'],
        );
        assert.match(error.details.errors[0]!.message_fr, /gstreamer.*native.*ffmpeg/);
        assert.match(error.details.errors[0]!.message_en, /gstreamer.*native.*ffmpeg/);
        return true;
      });
      assert.equal(await auditTotal(), auditBefore, 'nothing written');
      assert.deepEqual(await engines(), ['ENG-1:ffmpeg', 'ENG-2:ffmpeg', 'ENG-3:native']);
    });

    it('reads the optional rtsp_transport column: tcp on create when empty, absent column or empty cell keeps the transport, an unknown one is refused', async () => {
      const names = { 2: { name: 'RTP-1' }, 3: { name: 'RTP-2' }, 4: { name: 'RTP-3' } };
      const withTransports = (...transports: string[]) =>
        generatedCsv(3, names)
          .trimEnd()
          .split('\n')
          .map((line, index) => `${line},${index === 0 ? 'rtsp_transport' : transports[index - 1]}`)
          .join('\n');
      const transports = async () => (await context.services.cameras.list(null, { q: 'RTP-' })).map((camera) => `${camera.name}:${camera.rtspTransport}`);

      assert.equal((await context.services.cameras.importCsv(withTransports('udp', '', 'auto'), {}, testCli)).created, 3);
      assert.deepEqual(await transports(), ['RTP-1:udp', 'RTP-2:tcp', 'RTP-3:auto']);
      const createdAudit = (await context.services.audit.search({ action: 'camera.imported' }, allCommunes)).records[0]!;
      assert.deepEqual(
        (createdAudit.details.created as { name: string; rtspTransport: string }[]).map((camera) => `${camera.name}:${camera.rtspTransport}`),
        ['RTP-1:udp', 'RTP-2:tcp', 'RTP-3:auto'],
      );
      const withoutColumn = await context.services.cameras.importCsv(generatedCsv(3, names), {}, testCli);
      assert.deepEqual(withoutColumn, { dryRun: false, created: 0, updated: 0, unchanged: 3, sitesCreated: 0 }, 'no column: every transport kept');

      const changed = await context.services.cameras.importCsv(withTransports('', 'UDP', 'auto'), {}, testCli);
      assert.deepEqual(changed, { dryRun: false, created: 0, updated: 1, unchanged: 2, sitesCreated: 0 });
      assert.deepEqual(await transports(), ['RTP-1:udp', 'RTP-2:udp', 'RTP-3:auto']);
      const [second] = await context.services.cameras.list(null, { q: 'RTP-2' });
      assert.deepEqual((await context.services.audit.search({ action: 'camera.imported' }, allCommunes)).records[0]?.details.updated, [
        { id: second!.id, name: 'RTP-2', before: { rtspTransport: 'tcp' }, after: { rtspTransport: 'udp' } },
      ]);

      const exported = await context.services.cameras.exportCsv(testCli, { q: 'RTP-' });
      const records = parse(exported, { bom: true, columns: true }) as Record<string, string>[];
      assert.deepEqual(
        records.map((record) => `${record.name}:${record.rtsp_transport}`),
        ['RTP-1:udp', 'RTP-2:udp', 'RTP-3:auto'],
      );
      assert.deepEqual(
        await context.services.cameras.importCsv(exported, {}, testCli),
        { dryRun: false, created: 0, updated: 0, unchanged: 3, sitesCreated: 0 },
        'the export re-imports unchanged',
      );

      const auditBefore = await auditTotal();
      await assert.rejects(context.services.cameras.importCsv(withTransports('tcp', 'http', 'tcp'), {}, testCli), (error: ImportFailure) => {
        assert.deepEqual(
          error.details.errors.map((item) => `${item.line}:${item.column}:${item.code}`),
          ['3:rtsp_transport:invalid_value'],
        );
        assert.match(error.details.errors[0]!.message_fr, /« http ».*tcp \(par défaut\), udp ou auto/);
        assert.match(error.details.errors[0]!.message_en, /"http".*tcp \(the default\), udp or auto/);
        return true;
      });
      assert.equal(await auditTotal(), auditBefore, 'nothing written');
      assert.deepEqual(await transports(), ['RTP-1:udp', 'RTP-2:udp', 'RTP-3:auto']);
    });

    it('keeps the audit chain intact', async () => {
      assert.equal((await context.services.audit.verify()).ok, true);
    });
  });
}
