// Picture checks end to end, on both databases, against the simulator with real ffmpeg: the
// recorder records two cameras (a test pattern with moving parts, and colour bars with an object
// crossing), an administrator captures their references and tunes thresholds (PATCH), the
// healthy scenes raise nothing, and each simulated fault (lens covered, defocus, camera turned,
// spray, frozen picture) raises its technical event and its "tamper suspected" or "picture
// fault" alarm within the configured number of checks, and clears on recovery (restoral). The
// checks are run by hand (runner.run()) a little more often than the GOP length, in place of
// the 10 s job: the delay is counted in checks. Nothing is left running.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateFleet, startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import type { Fault } from '../../../../simulator/src/faults.ts';
import { silentLog } from '../../platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { waitFor } from '../../testing/wait.ts';
import type { RecordingRole } from '../recording/index.ts';
import type { PictureCheck } from './picture-checks.ts';

const HOME = '38999';
const RAISE_AFTER = 2;
const CLEAR_AFTER = 2;
// Keyframes every 0.5 s, the burnt-in clock changes every second: checks 1.5 s apart never see
// the same second twice, as checks 10 s apart would not (a healthy picture is never identical).
const CHECK_SPACING_MS = 1500;

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  const cameras = generateFleet({ count: 2, addressMode: 'ephemeral-ports', main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 0.5 } });
  cameras[0]!.scene = 0;
  cameras[0]!.motion = false;
  cameras[1]!.scene = 4;
  cameras[1]!.motion = true;
  simulator = await startSimulator({ cameras, loopSeconds: 20, controlPort: false });
});
after(async () => {
  await Promise.all(roles.map((role) => role.stop().catch(() => undefined)));
  await simulator?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`camera picture checks [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    const ids: string[] = [];

    const check = async () => {
      await sleep(CHECK_SPACING_MS);
      await context.services.cameraHealth.runner.run();
      await context.services.alarms.technical.settled();
    };
    const raised = (cameraId: string, name: PictureCheck) => context.services.cameraHealth.runner.cameras.get(cameraId)?.states.get(name)?.raised === true;
    const events = async (code: string) => (await context.services.technicalEvents.list({ code }, null)).filter((event) => ids.includes(event.cameraId ?? ''));
    const technicalAlarms = async () =>
      (
        (await admin.request({ method: 'GET', url: '/api/alarms' })).json() as {
          sourceId: string;
          type: string;
          cameraIds: string[];
          count: number;
          restoredAt: string | null;
        }[]
      ).filter((alarm) => alarm.sourceId === 'technical' && (alarm.type === 'tamper_suspected' || alarm.type === 'picture_fault'));
    /** Receipts folded into the alarms of a type on a camera: a raise adds one (a new alarm, or folded into its open one). */
    const alarmCount = async (type: string, cameraId: string) =>
      (await technicalAlarms()).filter((alarm) => alarm.type === type && alarm.cameraIds.includes(cameraId)).reduce((sum, alarm) => sum + alarm.count, 0);

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString() });
      const { services } = context;
      await services.communes.create({ insee: HOME, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: HOME, name: 'Mairie', kind: 'public_building' }, testCli);
      for (const camera of simulator!.cameras) {
        const created = await services.cameras.create(
          {
            siteId: site.id,
            name: camera.name,
            kind: 'fixed',
            fieldClass: 'wide',
            mainStreamUrl: camera.rtspUrls.main,
            subStreamUrl: null,
            credentials: camera.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        );
        ids.push(created.id);
      }
      await services.authorisations.create(
        {
          reference: 'AP-2026-15',
          communeInsee: HOME,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Mairie',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: ids,
        },
        testCli,
      );
      const role = services.recordingModule.api.createRole(
        { segmentSeconds: 4, reconcileIntervalMs: 3_600_000, recorderTuning: { pollIntervalMs: 500, socketTimeoutSeconds: 3, stallTimeoutMs: 5000 } },
        { log: silentLog },
      );
      roles.push(role);
      await role.start();
      admin = await signIn(context, 'administrator', [HOME]);
      await waitFor('both cameras recording', () => ids.every((id) => role.recorderState(id) === 'recording'), 20_000);
    });

    after(async () => {
      await Promise.all(roles.splice(0).map((role) => role.stop().catch(() => undefined)));
      await simulator?.clearFault('cam-001');
      await simulator?.clearFault('cam-002');
      await context?.close();
    });

    it('captures the references, tunes thresholds (PATCH), and finds nothing wrong with the healthy scenes', async () => {
      for (const id of ids) {
        const patched = await admin.request({
          method: 'PATCH',
          url: `/api/cameras/${id}/health/thresholds`,
          payload: { raiseAfter: RAISE_AFTER, clearAfter: CLEAR_AFTER, frozenChecks: RAISE_AFTER, learningChecks: 4 },
        });
        assert.equal(patched.statusCode, 200, patched.body);
        assert.deepEqual(patched.json().overridden, ['clearAfter', 'frozenChecks', 'learningChecks', 'raiseAfter']);
        const captured = await admin.request({ method: 'POST', url: `/api/cameras/${id}/health/reference`, payload: { reason: 'mise en service' } });
        assert.equal(captured.statusCode, 201, captured.body);
        assert.equal(captured.json().learning, true);
        const picture = await admin.request({ method: 'GET', url: `/api/cameras/${id}/health/reference.jpg` });
        assert.equal(picture.statusCode, 200);
        assert.equal(picture.rawPayload.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
      }
      // Learning (4 checks), then 16 healthy checks: no fault.
      for (let round = 0; round < 20; round++) await check();
      for (const id of ids) {
        const state = (await admin.request({ method: 'GET', url: `/api/cameras/${id}/health` })).json();
        assert.equal(state.references[0].learning, false, JSON.stringify(state.references[0]));
        assert.deepEqual(
          state.checks.filter((entry: { raised: boolean }) => entry.raised),
          [],
          `healthy ${id}: ${JSON.stringify(state.measures)} ${JSON.stringify(state.references[0].learnt)}`,
        );
      }
      assert.deepEqual(await technicalAlarms(), []);
      const audited = await context.services.audit.search({ action: 'camera_health.reference_captured' }, { allCommunes: true, communes: [] });
      assert.equal(audited.total, 2);
    });

    const cases: Array<{ fault: Fault; check: PictureCheck; alarm: string; code: string; restore: string; cameras: number[] }> = [
      { fault: { kind: 'black' }, check: 'covered', alarm: 'tamper_suspected', code: 'picture_covered', restore: 'picture_tamper_cleared', cameras: [0, 1] },
      {
        fault: { kind: 'defocus', sigma: 6 },
        check: 'blurred',
        alarm: 'picture_fault',
        code: 'picture_blurred',
        restore: 'picture_fault_cleared',
        cameras: [0, 1],
      },
      {
        fault: { kind: 'shifted', percent: 30 },
        check: 'moved',
        alarm: 'tamper_suspected',
        code: 'camera_moved',
        restore: 'picture_tamper_cleared',
        cameras: [0, 1],
      },
      { fault: { kind: 'spray' }, check: 'obstructed', alarm: 'tamper_suspected', code: 'picture_obstructed', restore: 'picture_tamper_cleared', cameras: [1] },
      { fault: { kind: 'frozen' }, check: 'frozen', alarm: 'picture_fault', code: 'picture_frozen', restore: 'picture_fault_cleared', cameras: [0, 1] },
    ];
    for (const entry of cases) {
      it(`raises ${entry.check} on the ${entry.fault.kind} fault within the configured delay (raiseAfter ${RAISE_AFTER}), and clears it on recovery`, async () => {
        const cameraIds = entry.cameras.map((index) => ids[index]!);
        const simIds = entry.cameras.map((index) => simulator!.cameras[index]!.id);
        const before = (await events(entry.code)).length;
        const alarmsBefore = await Promise.all(cameraIds.map((id) => alarmCount(entry.alarm, id)));
        for (const simId of simIds) await simulator!.setFault(simId, entry.fault);
        // One check for the faulty loop to reach the recorder (next keyframe), then at most RAISE_AFTER
        // (a frozen picture needs one more: its first picture still differs from the one before).
        const delay = RAISE_AFTER + 1 + (entry.check === 'frozen' ? 1 : 0);
        let checks = 0;
        while (!cameraIds.every((id) => raised(id, entry.check)) && checks < delay + 2) {
          await check();
          checks++;
        }
        const measures = cameraIds.map((id) => context.services.cameraHealth.runner.cameras.get(id)?.measures);
        assert.ok(
          cameraIds.every((id) => raised(id, entry.check)),
          `${entry.check} raised after ${checks} checks: ${JSON.stringify(measures)}`,
        );
        assert.ok(checks <= delay + 1, `raised within the delay (${checks} checks)`);
        assert.equal((await events(entry.code)).length, before + cameraIds.length);
        const alarmsAfter = await Promise.all(cameraIds.map((id) => alarmCount(entry.alarm, id)));
        assert.deepEqual(
          alarmsAfter,
          alarmsBefore.map((count) => count + 1),
          `one ${entry.alarm} alarm receipt per camera`,
        );
        const history = (await admin.request({ method: 'GET', url: `/api/cameras/${cameraIds[0]}/health/history` })).json() as {
          id: string;
          check: string;
          transition: string;
          hasStill: boolean;
        }[];
        const raisedEvent = history.find((event) => event.check === entry.check && event.transition === 'raised');
        assert.equal(raisedEvent?.hasStill, true);
        const still = await admin.request({ method: 'GET', url: `/api/camera-health/events/${raisedEvent!.id}/still.jpg` });
        assert.equal(still.statusCode, 200);

        for (const simId of simIds) await simulator!.clearFault(simId, entry.fault.kind);
        checks = 0;
        while (cameraIds.some((id) => raised(id, entry.check)) && checks < CLEAR_AFTER + 4) {
          await check();
          checks++;
        }
        assert.ok(!cameraIds.some((id) => raised(id, entry.check)), `${entry.check} cleared`);
        const restored = (await technicalAlarms()).filter((alarm) => alarm.type === entry.alarm && cameraIds.includes(alarm.cameraIds[0]!));
        assert.ok(
          restored.every((alarm) => alarm.restoredAt !== null),
          'the alarm is restored',
        );
        assert.ok((await events(entry.restore)).length >= cameraIds.length);
        // Back to healthy: a couple more checks raise nothing else.
        for (let round = 0; round < 2; round++) await check();
        for (const id of ids)
          for (const other of ['covered', 'blurred', 'moved', 'obstructed', 'frozen'] as const) assert.equal(raised(id, other), false, `${id} ${other}`);
      });
    }
  });
}
