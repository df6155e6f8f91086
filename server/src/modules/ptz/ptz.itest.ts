// PTZ whole, on both databases, over HTTP (inject) against a simulated ONVIF PTZ camera on
// loopback: a move changes the camera's position and the camera stops by itself; presets are
// saved and reached; a police take-over blocks the operator and the lock shows who holds it;
// locks expire on the test clock; each control session leaves exactly two audit rows with its
// counts; a user of another commune is refused; a patrol tour moves the camera between two
// presets, pauses while a person steers, and gives the camera back when it stops.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { sleep, waitFor } from '../../testing/wait.ts';
import { IDLE_EXPIRY_MS, TAKEOVER_EXPIRY_MS } from './index.ts';

const COMMUNE_A = '38999';
const COMMUNE_B = '38998';
type Position = { pan: number; tilt: number; zoom: number };

let simulator: Simulator | undefined;

before(async () => {
  simulator = await startSimulator({
    count: 2,
    loopSeconds: 4,
    controlPort: false,
    main: { width: 320, height: 180, fps: 6, bitrateKbps: 200, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 80, gopSeconds: 1 },
  });
});
after(async () => simulator?.stop());

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`PTZ [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let ptzCamera = '';
    let fixedCamera = '';
    let operator: SignedIn;
    let police: SignedIn;
    let supervisor: SignedIn;
    let foreignOperator: SignedIn;
    const presets: { token: string; position: Position }[] = [];

    const status = async (user: SignedIn = operator) => {
      const response = await user.request({ method: 'GET', url: `/api/cameras/${ptzCamera}/ptz` });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as {
        supported: boolean;
        lock: { holderLogin: string; holderRole: string; takeover: boolean; mine: boolean } | null;
        presets: { token: string; name: string }[];
        position: Position | null;
        tours: { id: string; running: boolean }[];
        cameraError: string | null;
      };
    };
    const position = async () => {
      const current = (await status()).position;
      assert.ok(current, 'the camera reports its position');
      return current;
    };
    const post = (user: SignedIn, path: string, payload: object = {}) => user.request({ method: 'POST', url: `/api/cameras/${ptzCamera}/ptz${path}`, payload });
    const near = (a: Position, b: Position) => Math.abs(a.pan - b.pan) < 0.01 && Math.abs(a.tilt - b.tilt) < 0.01 && Math.abs(a.zoom - b.zoom) < 0.01;
    const ptzAudit = async () =>
      (await context.services.audit.search({ action: 'image.ptz', targetId: ptzCamera, limit: 500 }, { allCommunes: true, communes: [] })).records.reverse();
    /** Moves for `ms`, then stops; the direction keeps the head away from its limits. */
    const nudge = async (user: SignedIn, ms: number) => {
      const from = await position();
      const response = await post(user, '/move', { pan: from.pan > 0 ? -0.5 : 0.5, tilt: from.tilt > 0 ? -0.25 : 0.25, zoom: 0 });
      assert.equal(response.statusCode, 200, response.body);
      await sleep(ms);
      assert.equal((await post(user, '/stop')).statusCode, 200);
      return from;
    };

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString() });
      const { services } = context;
      await services.communes.create({ insee: COMMUNE_A, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await services.communes.create({ insee: COMMUNE_B, name: 'Saint-Guet', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: COMMUNE_A, name: 'Mairie', kind: 'public_building' }, testCli);
      const [dome, fixed] = simulator!.cameras;
      assert.equal(dome!.kind, 'ptz');
      const create = (camera: typeof dome, kind: 'ptz' | 'fixed') =>
        services.cameras.create(
          {
            siteId: site.id,
            name: `${camera!.name} ${kind}`,
            kind,
            fieldClass: 'narrow',
            mainStreamUrl: camera!.rtspUrls.main,
            onvifUrl: camera!.onvifUrl,
            credentials: camera!.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        );
      ptzCamera = (await create(dome, 'ptz')).id;
      fixedCamera = (await create(fixed, 'fixed')).id;
      await services.authorisations.create(
        {
          reference: 'AP-PTZ-1',
          communeInsee: COMMUNE_A,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Mairie',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: [ptzCamera, fixedCamera],
        },
        testCli,
      );
      operator = await signIn(context, 'operator', [COMMUNE_A]);
      police = await signIn(context, 'police', [COMMUNE_A]);
      supervisor = await signIn(context, 'supervisor', [COMMUNE_A]);
      foreignOperator = await signIn(context, 'operator', [COMMUNE_B]);
    });
    after(async () => context?.close());

    it('shows the status of a PTZ camera, and supported:false for a fixed one', async () => {
      const view = await status();
      assert.equal(view.supported, true);
      assert.equal(view.lock, null);
      assert.ok(view.position);
      assert.equal(view.cameraError, null);
      const fixed = await operator.request({ method: 'GET', url: `/api/cameras/${fixedCamera}/ptz` });
      assert.deepEqual(fixed.json(), { supported: false, lock: null, presets: [], position: null, tours: [], cameraError: null });
      assert.equal(
        (await operator.request({ method: 'POST', url: `/api/cameras/${fixedCamera}/ptz/move`, payload: { pan: 1 } })).json().code,
        'ptz_unsupported',
      );
    });

    it('moves the camera (a move takes the lock), and the camera stops by itself after the move timeout', async () => {
      const from = await nudge(operator, 400);
      const moved = await position();
      assert.ok(Math.abs(moved.pan - from.pan) > 0.1, `pan ${from.pan} -> ${moved.pan}`);
      const lock = (await status()).lock;
      assert.equal(lock?.holderLogin, operator.login);
      assert.equal(lock?.mine, true);
      assert.equal((await status(supervisor)).lock?.mine, false);
      // No stop this time: the 1 s ContinuousMove timeout must stop the head.
      assert.equal((await post(operator, '/move', { pan: moved.pan > 0 ? -0.15 : 0.15 })).statusCode, 200);
      await sleep(1300);
      const settled = await position();
      await sleep(400);
      assert.ok(near(settled, await position()), 'the head no longer moves');
      assert.equal((await post(operator, '/move', { pan: 2 })).statusCode, 400, 'velocities are within [-1, 1]');
    });

    it('saves presets and goes to them', async () => {
      for (const name of ['Parvis', 'Fontaine']) {
        if (presets.length > 0) await nudge(operator, 300);
        const here = await position();
        const saved = await post(operator, '/presets', { name });
        assert.equal(saved.statusCode, 201, saved.body);
        assert.equal(saved.json().name, name);
        presets.push({ token: saved.json().token, position: here });
      }
      assert.ok(!near(presets[0]!.position, presets[1]!.position));
      const listed = (await status()).presets;
      for (const preset of presets) assert.ok(listed.some((entry) => entry.token === preset.token));
      const reached: [string, string | null][] = [];
      const unsubscribe = context.services.ptz.onPositionChanged((cameraId, presetToken) => reached.push([cameraId, presetToken]));
      assert.equal((await post(operator, `/presets/${presets[0]!.token}/goto`)).statusCode, 200);
      unsubscribe();
      assert.deepEqual(reached, [[ptzCamera, presets[0]!.token]], 'the position callback names the preset reached (masks per preset)');
      await waitFor('the camera at the first preset', async () => near(await position(), presets[0]!.position), 5000);
      const unknown = await post(operator, '/presets/no-such-preset/goto');
      assert.equal(unknown.statusCode, 502);
      assert.equal(unknown.json().code, 'ptz_camera_error');
      assert.match(unknown.json().details.reason, /no such preset/);
    });

    it('lets a police take-over block the operator, and the lock shows the police holder', async () => {
      assert.equal((await post(operator, '/lock', { takeover: true })).json().code, 'forbidden', 'only police may take over');
      const takeover = await post(police, '/lock', { takeover: true });
      assert.equal(takeover.statusCode, 200, takeover.body);
      assert.equal(takeover.json().takeover, true);
      assert.equal(takeover.json().priority, 3);
      const blocked = await post(operator, '/move', { pan: 0.2 });
      assert.equal(blocked.statusCode, 409);
      assert.equal(blocked.json().code, 'ptz_taken_over');
      assert.deepEqual(blocked.json().details.holder, { login: police.login, role: 'police', priority: 3 });
      assert.equal(blocked.json().details.takeover, true);
      assert.ok(blocked.json().details.expiresAt);
      const locked = await post(supervisor, '/lock');
      assert.equal(locked.json().code, 'ptz_locked', 'someone not pre-empted is told it is locked');
      const view = await status();
      assert.equal(view.lock?.holderLogin, police.login);
      assert.equal(view.lock?.holderRole, 'police');
      assert.equal(view.lock?.takeover, true);
      assert.equal(view.lock?.mine, false);
      assert.equal((await post(police, '/move', { pan: 0.1 })).statusCode, 200, 'the police officer steers');
    });

    it('expires locks on the clock: 10 minutes for a take-over, 60 s otherwise', async () => {
      context.clock.advance(TAKEOVER_EXPIRY_MS - 5_000);
      assert.equal((await post(operator, '/move', { pan: 0.1 })).json().code, 'ptz_taken_over');
      context.clock.advance(10_000);
      assert.equal((await status()).lock, null, 'the take-over expired');
      assert.equal((await post(operator, '/move', { pan: 0.1 })).statusCode, 200);
      assert.equal((await post(supervisor, '/lock')).statusCode, 200, 'a supervisor pre-empts an operator');
      assert.equal((await post(operator, '/stop')).json().code, 'ptz_taken_over');
      context.clock.advance(IDLE_EXPIRY_MS + 1000);
      assert.equal(await context.services.ptz.sweepExpiredLocks(), 1, 'the sweep ends the idle session');
      assert.equal((await status()).lock, null);
      assert.equal((await post(operator, '/lock')).statusCode, 200);
      const released = await operator.request({ method: 'DELETE', url: `/api/cameras/${ptzCamera}/ptz/lock` });
      assert.equal(released.statusCode, 204);
      assert.equal((await status()).lock, null);
    });

    it('audits each control session once at the take and once at the end, with its counts', async () => {
      const rows = await ptzAudit();
      const takes = rows.filter((row) => row.action === 'image.ptz.take');
      const releases = rows.filter((row) => row.action === 'image.ptz.release');
      assert.equal(takes.length, releases.length, 'every session that started has ended');
      const sessionOf = (row: (typeof rows)[number]) => row.details.sessionId;
      assert.equal(new Set(takes.map(sessionOf)).size, takes.length, 'one take per session');
      const first = releases.find((row) => sessionOf(row) === sessionOf(takes[0]!))!;
      assert.equal(takes[0]!.actorLogin, operator.login);
      assert.equal(takes[0]!.details.command, 'move', 'taken implicitly by a move');
      assert.equal(first.details.cause, 'preempted');
      assert.deepEqual(first.details.endedBy, { login: police.login, role: 'police', takeover: true });
      assert.equal(first.details.moves, 3, 'three moves in that session, a stop is not counted');
      assert.equal(first.details.presetsSaved, 2);
      assert.equal(first.details.presetCalls, 2);
      assert.equal(typeof first.details.durationSeconds, 'number');
      const takeover = takes.find((row) => row.details.takeover === true)!;
      assert.equal(takeover.actorLogin, police.login);
      assert.deepEqual(
        { ...(takeover.details.preempted as object), sessionId: undefined },
        { login: operator.login, role: 'operator', takeover: false, sessionId: undefined },
      );
      assert.equal(releases.find((row) => sessionOf(row) === sessionOf(takeover))!.details.cause, 'expired');
      assert.deepEqual(
        releases.map((row) => row.details.cause),
        ['preempted', 'expired', 'preempted', 'expired', 'released'],
      );
      assert.ok(rows.length < 15, `coalesced, not one row per nudge (${rows.length} rows)`);
      assert.equal((await context.services.audit.verify()).ok, true);
    });

    it('reports an unreachable camera as ptz_camera_error within the deadline; the status still answers', async () => {
      const simulated = simulator!.cameras[0]!.id;
      await simulator!.setFault(simulated, { kind: 'offline' });
      try {
        const started = Date.now();
        const failed = await post(operator, '/move', { pan: 0.2 });
        assert.equal(failed.statusCode, 502);
        assert.equal(failed.json().code, 'ptz_camera_error');
        assert.equal(failed.json().details.kind, 'unreachable');
        // The camera's HTTP server is gone: a connection kept alive from the previous command is closed
        // under the request (undici: UND_ERR_SOCKET), a new one is refused (ECONNREFUSED). Never a timeout.
        assert.match(failed.json().details.reason, /^camera unreachable \((UND_ERR_SOCKET|ECONNREFUSED)\)$/);
        assert.ok(Date.now() - started < 4000, 'bounded by the 3 s timeout');
        const view = await status();
        assert.equal(view.supported, true);
        assert.equal(view.position, null);
        assert.equal(view.cameraError, 'camera unreachable (ECONNREFUSED)', 'a new connection: refused');
        assert.equal(view.lock?.holderLogin, operator.login, 'the lock and tours are still shown');
      } finally {
        await simulator!.clearFault(simulated, 'offline');
      }
      await waitFor('the camera back', async () => (await status()).cameraError === null, 5000);
      assert.equal((await operator.request({ method: 'DELETE', url: `/api/cameras/${ptzCamera}/ptz/lock` })).statusCode, 204);
    });

    it('refuses a user of another commune', async () => {
      for (const request of [
        { method: 'GET' as const, url: `/api/cameras/${ptzCamera}/ptz` },
        { method: 'POST' as const, url: `/api/cameras/${ptzCamera}/ptz/move`, payload: { pan: 0.5 } },
        { method: 'POST' as const, url: `/api/cameras/${ptzCamera}/ptz/lock`, payload: {} },
        { method: 'GET' as const, url: `/api/cameras/${ptzCamera}/ptz/tours` },
      ]) {
        const response = await foreignOperator.request(request);
        assert.equal(response.statusCode, 403, `${request.method} ${request.url}`);
        assert.equal(response.json().code, 'commune_out_of_scope');
      }
      assert.equal((await status()).lock, null, 'nothing taken');
    });

    it('runs a patrol tour between two presets, paused while a person steers', async () => {
      const before = (await ptzAudit()).length;
      const invalid = await post(operator, '/tours', { name: 'Ronde', steps: [{ presetToken: presets[0]!.token, dwellSeconds: 2 }] });
      assert.equal(invalid.statusCode, 400);
      assert.equal(invalid.json().code, 'ptz_tour_invalid');
      assert.equal((await context.services.ptzTours.list(ptzCamera, null)).length, 0, 'nothing stored');
      assert.equal((await post(police, '/tours', { name: 'x', steps: [] })).json().code, 'forbidden');
      const created = await post(operator, '/tours', {
        name: 'Ronde du parvis',
        steps: presets.map((preset) => ({ presetToken: preset.token, dwellSeconds: 5 })),
        enabled: true,
      });
      assert.equal(created.statusCode, 201, created.body);
      const tourId = created.json().id as string;
      const runner = context.services.ptzModule.api.createPatrolRunner();
      try {
        await runner.tick();
        await waitFor('the patrol at the first preset', async () => near(await position(), presets[0]!.position), 5000);
        const view = await status();
        assert.equal(view.lock?.holderRole, 'patrol');
        assert.equal(view.tours.find((entry) => entry.id === tourId)?.running, true);
        context.clock.advance(5000);
        await runner.tick();
        await waitFor('the patrol at the second preset', async () => near(await position(), presets[1]!.position), 5000);
        // A person steering pauses the tour; it resumes once the lock is released.
        assert.equal((await post(operator, '/move', { pan: 0.2 })).statusCode, 200);
        context.clock.advance(5000);
        await runner.tick();
        assert.equal(runner.progressOf(tourId)?.paused, true);
        assert.equal((await status()).lock?.holderLogin, operator.login);
        assert.equal((await operator.request({ method: 'DELETE', url: `/api/cameras/${ptzCamera}/ptz/lock` })).statusCode, 204);
        context.clock.advance(5000);
        await runner.tick();
        assert.equal(runner.progressOf(tourId)?.paused, false);
        await waitFor('the patrol back at the first preset', async () => near(await position(), presets[0]!.position), 5000);
      } finally {
        await runner.stop();
      }
      assert.equal((await status()).lock, null, 'the stopped runner gave the camera back');
      const patrolRows = (await ptzAudit()).slice(before).filter((row) => row.actorLogin === 'patrol');
      assert.deepEqual(
        patrolRows.map((row) => [row.action, row.details.cause ?? null]),
        [
          ['image.ptz.take', null],
          ['image.ptz.release', 'preempted'],
          ['image.ptz.take', null],
          ['image.ptz.release', 'tour_stopped'],
        ],
      );
      assert.equal(patrolRows[1]!.details.presetCalls, 2);
      const replaced = await operator.request({
        method: 'PUT',
        url: `/api/ptz/tours/${tourId}`,
        payload: {
          name: 'Ronde de nuit',
          steps: presets.map((preset) => ({ presetToken: preset.token, dwellSeconds: 30 })),
          activeFrom: '22:00',
          activeTo: '06:00',
          enabled: true,
        },
      });
      assert.equal(replaced.statusCode, 200, replaced.body);
      assert.equal(replaced.json().activeFrom, '22:00');
      assert.equal((await foreignOperator.request({ method: 'DELETE', url: `/api/ptz/tours/${tourId}` })).statusCode, 404);
      assert.equal((await operator.request({ method: 'DELETE', url: `/api/ptz/tours/${tourId}` })).statusCode, 204);
      const tourAudit = (await context.services.audit.search({ action: 'ptz.tour', targetId: tourId }, { allCommunes: true, communes: [] })).records.map(
        (row) => row.action,
      );
      assert.deepEqual(tourAudit.reverse(), ['ptz.tour_created', 'ptz.tour_updated', 'ptz.tour_deleted']);
    });
  });
}
