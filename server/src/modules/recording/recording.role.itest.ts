// The recorder role whole, on both databases, against the simulator with real ffmpeg (the
// purge and the space check are jobs of their modules, tested there): it creates the default
// volume, records the one authorised camera (never the
// unauthorised one), writes the inventory's operational state, fans one camera connection out
// to two live viewers, raises the quality floor breach, answers the recording API (status,
// timeline, audited segment listing), stops a camera whose authorisation is revoked, and
// leaves no ffmpeg running; once with the native cameras in this thread, once in a worker thread.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { stderrLog } from '../../platform/log.ts';
import { silentLog } from '../../platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn } from '../../testing/http.ts';
import type { RecordingRole } from './recording.role.ts';

const COMMUNE = '38999';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  simulator = await startSimulator({
    count: 2,
    loopSeconds: 8,
    controlPort: false,
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
});
after(async () => {
  await Promise.all(roles.map((role) => role.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  // On PostgreSQL the native cameras are recorded in a worker thread (VIGIE_RECORDER_THREADS=1): the same role, sharded.
  const recorderThreads = dialect === 'postgres' ? 1 : 0;
  describe(`recorder role [${dialect}, ${recorderThreads} recorder threads]`, { skip }, () => {
    let context: TestContext;
    let role: RecordingRole;
    const ids: string[] = [];
    let authorisationId = '';

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString() });
      const { services } = context;
      await services.communes.create({ insee: COMMUNE, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await services.communes.create({ insee: '38998', name: 'Saint-Guet', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: COMMUNE, name: 'Gare', kind: 'station' }, testCli);
      for (const camera of simulator!.cameras) {
        const created = await services.cameras.create(
          {
            siteId: site.id,
            name: camera.name,
            kind: 'fixed',
            fieldClass: 'wide',
            mainStreamUrl: camera.rtspUrls.main,
            credentials: camera.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        );
        ids.push(created.id);
      }
      const authorisation = await services.authorisations.create(
        {
          reference: 'AP-2026-01',
          communeInsee: COMMUNE,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Gare',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: [ids[0]!],
        },
        testCli,
      );
      authorisationId = authorisation.id;
      // The recording module's role (the recording status reads it); the purge and space check jobs are not started here.
      role = context.services.recordingModule.api.createRole(
        {
          segmentSeconds: 4,
          recorderThreads,
          recorderTuning: {
            pollIntervalMs: 300,
            socketTimeoutSeconds: 3,
            stallTimeoutMs: 5000,
            backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
          },
        },
        { log: process.env.VIGIE_TEST_LOG ? stderrLog('info') : silentLog },
      );
      roles.push(role);
    });
    const pidOf = (cameraId: string) => role.fleet.pidOf(cameraId);
    after(async () => {
      await role?.stop();
      await context?.close();
    });

    it('creates the default volume, records only the authorised camera and writes its state', async () => {
      await role.start();
      assert.deepEqual(
        (await context.services.storage.volumes()).map((volume) => [volume.name, volume.root]),
        [['local', context.config.recordingsDir]],
      );
      assert.deepEqual(role.fleet.cameraIds, [ids[0]], 'one recorder, for the authorised camera only');
      await waitFor('an indexed segment', async () => (await context.services.recordingRepository.heads([ids[0]!])).has(ids[0]!), 30_000);
      const camera = await context.services.cameras.get(ids[0]!, null);
      assert.equal(camera.state, 'recording');
      assert.equal((await context.services.cameras.get(ids[1]!, null)).state, 'unauthorised');
    });

    it('feeds two live viewers from the one camera connection', async () => {
      const recorderPid = pidOf(ids[0]!);
      const chunks: [number, number] = [0, 0];
      const first = role.live.subscribe(ids[0]!, () => {
        chunks[0]++;
      });
      const second = role.live.subscribe(ids[0]!, () => {
        chunks[1]++;
      });
      await waitFor('live packets to both viewers', () => chunks[0] > 10 && chunks[1] > 10, 15_000);
      assert.equal(role.viewers(ids[0]!), 2);
      assert.deepEqual(role.fleet.cameraIds, [ids[0]], 'no second recorder');
      assert.equal(pidOf(ids[0]!), recorderPid, 'the same recorder');
      assert.equal(simulator!.camera('cam-001').viewers.main, 1, 'the one camera connection');
      first();
      second();
      assert.equal(role.viewers(ids[0]!), 0);
    });

    it('raises the quality floor breach once: 320x180 is below 352x288', async () => {
      await waitFor(
        'a quality event',
        async () => (await context.services.technicalEvents.list({ cameraId: ids[0]! }, null)).some((event) => event.code === 'resolution_below_floor'),
        20_000,
      );
      const events = await context.services.technicalEvents.list({ cameraId: ids[0]! }, null);
      assert.equal(events.filter((event) => event.code === 'resolution_below_floor').length, 1);
    });

    it('answers status, timeline and the audited segment listing over HTTP, scoped to the commune', async () => {
      const operator = await signIn(context, 'operator', [COMMUNE]);
      const status = await operator.request({ method: 'GET', url: '/api/recording/status' });
      assert.equal(status.statusCode, 200, status.body);
      const rows = status.json() as Array<{ cameraId: string; state: string; recorder: string | null; lastSegmentEnd: string | null }>;
      assert.deepEqual(
        rows.map((row) => [row.cameraId, row.state, row.recorder]).sort(),
        [
          [ids[0], 'recording', 'recording'],
          [ids[1], 'unauthorised', null],
        ].sort(),
      );
      context.clock.set(new Date()); // the test's clock stands still; the footage was recorded since
      const from = new Date(Date.now() - 10 * 60_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const timeline = await operator.request({ method: 'GET', url: `/api/cameras/${ids[0]}/recording/timeline?from=${from}&to=${to}` });
      assert.equal(timeline.statusCode, 200, timeline.body);
      assert.ok(timeline.json().recorded.length >= 1 && timeline.json().recordedSeconds > 0, timeline.body);
      const segments = await operator.request({
        method: 'GET',
        url: `/api/cameras/${ids[0]}/recording/segments?from=${from}&to=${to}&reason=${encodeURIComponent('relecture réquisition')}`,
      });
      assert.equal(segments.statusCode, 200, segments.body);
      assert.ok(segments.json().segments.length >= 1);
      const audited = await context.services.audit.search({ action: 'image.playback', targetId: ids[0]! }, { allCommunes: true, communes: [] });
      assert.equal(audited.total, 1);
      assert.equal(audited.records[0]!.reason, 'relecture réquisition');
      const tooLong = await operator.request({
        method: 'GET',
        url: `/api/cameras/${ids[0]}/recording/segments?from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z`,
      });
      assert.equal(tooLong.json().code, 'recording_range_invalid');
      const foreign = await signIn(context, 'operator', ['38998']);
      assert.equal((await foreign.request({ method: 'GET', url: `/api/cameras/${ids[0]}/recording/segments?from=${from}&to=${to}` })).statusCode, 404);
    });

    it('stops the recorder of a camera whose authorisation is revoked, then stops everything', async () => {
      // The native engine (issue 12) records inside this process: the camera's RTSP session is what must end.
      assert.equal(pidOf(ids[0]!), undefined, 'no recorder process');
      assert.equal(role.recorderState(ids[0]!), 'recording');
      assert.equal(simulator!.camera('cam-001').viewers.main, 1);
      await context.services.authorisations.revoke(authorisationId, 'arrêté abrogé', testCli);
      await role.reconcile();
      assert.deepEqual(role.fleet.cameraIds, []);
      await waitFor('the camera session closed', () => simulator!.camera('cam-001').viewers.main === 0, 10_000);
      assert.equal((await context.services.cameras.get(ids[0]!, null)).state, 'unauthorised');
      await role.stop();
    });
  });
}
