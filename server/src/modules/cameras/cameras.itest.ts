// Camera inventory on both databases, through the service: validation, sealed credentials,
// position history (LEGAL 3), effective state (LEGAL 1), retention bounds (LEGAL 6), audit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { cameraInput, communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';

const withCode = (code: string) => (error: { code?: string }) => error.code === code;

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`camera inventory [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let siteA: string;
    let siteB: string;

    before(async () => {
      context = await createTestContext(dialect);
      ({ siteA, siteB } = await createCommunesAndSites(context));
    });
    after(async () => context?.close());

    it('creates a camera: commune from its site, position history, state unauthorised without an authorisation', async () => {
      const camera = await context.services.cameras.create(cameraInput(siteA, 'Gare PTZ 1'), testCli);
      assert.equal(camera.communeInsee, communeA);
      assert.equal(camera.siteName, 'Gare');
      assert.equal(camera.macAddress, 'AC:CC:8E:00:00:01');
      assert.equal(camera.latitude, 45.188529, 'positions keep double precision on both databases');
      assert.equal(camera.state, 'unauthorised');
      assert.equal(camera.vmsStatus, 'unauthorised');
      assert.deepEqual(camera.authorisation, { authorised: false, references: [] });
      const positions = await context.services.cameras.positions(camera.id, null);
      assert.equal(positions.length, 1);
      assert.equal(positions[0]?.changedBy, testCli.actor.login);
    });

    it('refuses invalid fields with validation_failed naming them, and duplicate names with conflict', async () => {
      await assert.rejects(
        context.services.cameras.create(cameraInput(siteA, 'Bad', { ipAddress: '300.0.0.1' }), testCli),
        (error: { code: string; details: { field: string }[] }) =>
          error.code === 'validation_failed' && error.details.some((detail) => detail.field === 'ipAddress'),
      );
      await assert.rejects(
        context.services.cameras.create(cameraInput(siteA, 'Bad', { mainStreamUrl: 'http://10.0.0.1/x' }), testCli),
        withCode('validation_failed'),
      );
      await assert.rejects(
        context.services.cameras.create(cameraInput(siteA, 'Bad', { latitude: 45.1, longitude: null }), testCli),
        withCode('validation_failed'),
      );
      await assert.rejects(context.services.cameras.create(cameraInput('no-such-site', 'Bad'), testCli), withCode('validation_failed'));
      await assert.rejects(context.services.cameras.create(cameraInput(siteA, 'Bad', { communeInsee: '38421' }), testCli), withCode('validation_failed'));
      await assert.rejects(context.services.cameras.create(cameraInput(siteA, 'Gare PTZ 1'), testCli), withCode('conflict'));
    });

    it('moves user-info out of the stream URL into sealed credentials, never returned nor audited', async () => {
      const camera = await context.services.cameras.create(
        cameraInput(siteA, 'Gare fixe 2', { mainStreamUrl: 'rtsp://admin:Tr%40mway-2026@10.1.0.11:554/main' }),
        testCli,
      );
      assert.equal(camera.mainStreamUrl, 'rtsp://10.1.0.11:554/main');
      assert.equal(camera.hasCredentials, true);
      assert.ok(!JSON.stringify(camera).includes('Tr@mway'));
      assert.deepEqual(await context.services.cameras.streamCredentials(camera.id), { username: 'admin', password: 'Tr@mway-2026' });
      const stored = await context.database.handle.db.selectFrom('cameras').select('credentials_sealed').where('id', '=', camera.id).executeTakeFirstOrThrow();
      assert.ok(stored.credentials_sealed && !stored.credentials_sealed.includes('Tr@mway'), 'sealed at rest');

      const updated = await context.services.cameras.update(camera.id, { credentials: { username: 'viewer', password: 'N0uveau!' } }, testCli);
      assert.equal(updated.hasCredentials, true);
      assert.deepEqual(await context.services.cameras.streamCredentials(camera.id), { username: 'viewer', password: 'N0uveau!' });
      const cleared = await context.services.cameras.update(camera.id, { credentials: null }, testCli);
      assert.equal(cleared.hasCredentials, false);

      const audit = await context.services.audit.search({ targetId: camera.id }, { allCommunes: true, communes: [] });
      assert.deepEqual(audit.records.map((record) => record.action).sort(), [
        'camera.created',
        'camera.credentials_changed',
        'camera.credentials_changed',
        'camera.credentials_changed',
      ]);
      const text = JSON.stringify(audit.records);
      for (const secret of ['Tr@mway', 'Tr%40mway', 'N0uveau', 'admin:']) assert.ok(!text.includes(secret), `audit holds ${secret}`);
    });

    it('records every change of position or heading in the history, with who changed it', async () => {
      const camera = await context.services.cameras.create(cameraInput(siteA, 'Nomade 1', { kind: 'nomadic' }), testCli);
      context.clock.advance(60_000);
      await context.services.cameras.update(camera.id, { model: 'Other model' }, testCli);
      context.clock.advance(60_000);
      await context.services.cameras.update(
        camera.id,
        { latitude: 45.2, longitude: 5.73 },
        { actor: { type: 'user', id: 'u1', login: 'jdupont' }, principal: null },
      );
      context.clock.advance(60_000);
      await context.services.cameras.update(camera.id, { headingDeg: 270 }, testCli);
      const positions = await context.services.cameras.positions(camera.id, null);
      assert.deepEqual(
        positions.map((position) => [position.latitude, position.longitude, position.headingDeg]),
        [
          [45.2, 5.73, 270],
          [45.2, 5.73, 90],
          [45.188529, 5.724524, 90],
        ],
      );
      assert.equal(positions[1]?.changedBy, 'jdupont');
    });

    it('effective state: unauthorised, then unknown once an authorisation covers it, disabled when decommissioned', async () => {
      const camera = await context.services.cameras.create(cameraInput(siteA, 'Marché 1', { purposes: ['public_buildings', 'traffic_regulation'] }), testCli);
      assert.ok((await context.services.cameras.unauthorised(null)).some((view) => view.id === camera.id));
      await assert.rejects(context.services.cameras.requireOperable(camera.id, null), withCode('camera_unauthorised'));
      await context.services.authorisations.create(
        {
          reference: 'AP-38-2026-010',
          communeInsee: communeA,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Centre',
          purposes: ['public_buildings'],
          minRetentionDays: 7,
          maxRetentionDays: 20,
          recipients: ['national_police'],
          cameraIds: [camera.id],
        },
        testCli,
      );
      const covered = await context.services.cameras.requireOperable(camera.id, null);
      assert.equal(covered.state, 'unknown');
      assert.equal(covered.vmsStatus, 'OK');
      assert.deepEqual(covered.authorisation, { authorised: true, references: ['AP-38-2026-010'] });
      assert.deepEqual(covered.authorisedPurposes, ['public_buildings']);
      assert.deepEqual(covered.purposes, ['public_buildings', 'traffic_regulation']);
      assert.ok(!(await context.services.cameras.unauthorised(null)).some((view) => view.id === camera.id));

      await context.services.cameras.setOperationalState(camera.id, 'failed');
      assert.equal((await context.services.cameras.get(camera.id, null)).vmsStatus, 'fault');
      assert.deepEqual(
        (await context.services.cameras.list(null, { state: 'failed' })).map((view) => view.id),
        [camera.id],
      );

      const decommissioned = await context.services.cameras.decommission(camera.id, testCli);
      assert.equal(decommissioned.state, 'disabled');
      assert.equal(decommissioned.enabled, false);
      await assert.rejects(context.services.cameras.requireOperable(camera.id, null), withCode('camera_disabled'));
      const audit = await context.services.audit.search({ targetId: camera.id, action: 'camera.decommissioned' }, { allCommunes: true, communes: [] });
      assert.deepEqual(audit.records[0]?.details, { before: { enabled: true }, after: { enabled: false } });
    });

    it('checks the retention override against the law and the covering authorisation', async () => {
      const [camera] = await context.services.cameras.list(null, { q: 'marché 1' });
      assert.ok(camera);
      await assert.rejects(context.services.cameras.update(camera.id, { retentionDays: 31 }, testCli), withCode('retention_out_of_bounds'));
      await assert.rejects(
        context.services.cameras.update(camera.id, { retentionDays: 25 }, testCli),
        (error: { code: string; messageFr: string }) => error.code === 'retention_out_of_bounds' && /AP-38-2026-010/.test(error.messageFr),
      );
      assert.equal((await context.services.cameras.update(camera.id, { retentionDays: 10 }, testCli)).retentionDays, 10);
      await assert.rejects(
        context.services.cameras.create(cameraInput(siteA, 'Trop longue', { retentionDays: 31 }), testCli),
        withCode('retention_out_of_bounds'),
      );
      assert.equal((await context.services.cameras.list(null, { q: 'Trop longue' })).length, 0, 'nothing stored');
    });

    it('records with the native engine by default; a change of engine alone is stored, audited and refused when unknown', async () => {
      const camera = await context.services.cameras.create(cameraInput(siteA, 'Moteur 1'), testCli);
      assert.equal(camera.recordingEngine, 'native');
      const updated = await context.services.cameras.update(camera.id, { recordingEngine: 'ffmpeg' }, testCli);
      assert.equal(updated.recordingEngine, 'ffmpeg');
      const { updatedAt: _before, recordingEngine: _old, ...rest } = camera;
      const { updatedAt: _after, recordingEngine: _new, ...restAfter } = updated;
      assert.deepEqual(restAfter, rest, 'nothing else changed');
      const audit = await context.services.audit.search({ targetId: camera.id, action: 'camera.updated' }, { allCommunes: true, communes: [] });
      assert.deepEqual(audit.records[0]?.details, { before: { recordingEngine: 'native' }, after: { recordingEngine: 'ffmpeg' } });
      const created = await context.services.audit.search({ targetId: camera.id, action: 'camera.created' }, { allCommunes: true, communes: [] });
      assert.equal((created.records[0]!.details as { after: { recordingEngine: string } }).after.recordingEngine, 'native');
      await assert.rejects(
        context.services.cameras.update(camera.id, { recordingEngine: 'gstreamer' as 'native' }, testCli),
        (error: { code: string; details: { field: string }[] }) =>
          error.code === 'validation_failed' && error.details.some((detail) => detail.field === 'recordingEngine'),
      );
      assert.equal((await context.services.cameras.get(camera.id, null)).recordingEngine, 'ffmpeg');
      const other = await context.services.cameras.create(cameraInput(siteA, 'Moteur 2', { recordingEngine: 'ffmpeg' }), testCli);
      assert.equal(other.recordingEngine, 'ffmpeg');
    });

    it('receives RTSP over TCP by default; a change of transport alone is stored, audited and refused when unknown', async () => {
      const camera = await context.services.cameras.create(cameraInput(siteA, 'Transport 1'), testCli);
      assert.equal(camera.rtspTransport, 'tcp');
      const updated = await context.services.cameras.update(camera.id, { rtspTransport: 'auto' }, testCli);
      assert.equal(updated.rtspTransport, 'auto');
      const { updatedAt: _before, rtspTransport: _old, ...rest } = camera;
      const { updatedAt: _after, rtspTransport: _new, ...restAfter } = updated;
      assert.deepEqual(restAfter, rest, 'nothing else changed');
      const audit = await context.services.audit.search({ targetId: camera.id, action: 'camera.updated' }, { allCommunes: true, communes: [] });
      assert.deepEqual(audit.records[0]?.details, { before: { rtspTransport: 'tcp' }, after: { rtspTransport: 'auto' } });
      const created = await context.services.audit.search({ targetId: camera.id, action: 'camera.created' }, { allCommunes: true, communes: [] });
      assert.equal((created.records[0]!.details as { after: { rtspTransport: string } }).after.rtspTransport, 'tcp');
      const unchanged = await context.services.cameras.update(camera.id, { name: 'Transport 1 bis' }, testCli);
      assert.equal(unchanged.rtspTransport, 'auto', 'absent: kept');
      await assert.rejects(
        context.services.cameras.update(camera.id, { rtspTransport: 'http' as 'tcp' }, testCli),
        (error: { code: string; details: { field: string }[] }) =>
          error.code === 'validation_failed' && error.details.some((detail) => detail.field === 'rtspTransport'),
      );
      assert.equal((await context.services.cameras.get(camera.id, null)).rtspTransport, 'auto');
      const other = await context.services.cameras.create(cameraInput(siteA, 'Transport 2', { rtspTransport: 'udp' }), testCli);
      assert.equal(other.rtspTransport, 'udp');
    });

    it('a camera never changes commune, and a site holding cameras cannot be deleted', async () => {
      const [camera] = await context.services.cameras.list(null, { q: 'Gare PTZ 1' });
      await assert.rejects(context.services.cameras.update(camera!.id, { siteId: siteB }, testCli), withCode('validation_failed'));
      await assert.rejects(context.services.sites.remove(siteA, testCli), withCode('conflict'));
      assert.equal((await context.services.sites.get(siteA, null)).name, 'Gare');
    });

    it('filters the listing by site, state and text, and an unchanged update writes no audit row', async () => {
      const all = await context.services.cameras.list(null);
      assert.ok(all.length >= 4);
      assert.deepEqual(await context.services.cameras.list(null, { site: siteB }), []);
      assert.ok((await context.services.cameras.list(null, { q: '10.1.0.11' })).every((view) => view.ipAddress === '10.1.0.11'));
      const [camera] = await context.services.cameras.list(null, { q: 'Gare PTZ 1' });
      const before = (await context.services.audit.search({}, { allCommunes: true, communes: [] })).total;
      await context.services.cameras.update(camera!.id, { name: 'Gare PTZ 1', macAddress: 'ac-cc-8e-00-00-01' }, testCli);
      assert.equal((await context.services.audit.search({}, { allCommunes: true, communes: [] })).total, before);
    });

    it('keeps the audit chain intact', async () => {
      assert.equal((await context.services.audit.verify()).ok, true);
    });
  });
}
