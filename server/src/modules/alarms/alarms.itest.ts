// Alarms on both databases (issue 14): the webhook intake (stored once, 201 then 200 with the same
// alarm, bad input refused in the documented shape with nothing changed, counted), folding of
// repeats within the window, restorals, technical events turned into alarms, the operators'
// workflow (only allowed transitions, each audited with its author), the queue's order and
// commune scope.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { communeA, communeB, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';

const scope = { allCommunes: true, communes: [] };

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`alarms [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    let operatorA: SignedIn;
    let operatorB: SignedIn;
    let sites: { siteA: string; siteB: string };
    let sourceCounter = 0;

    before(async () => {
      context = await createTestContext(dialect);
      sites = await createCommunesAndSites(context);
      admin = await signIn(context, 'administrator', 'all');
      operatorA = await signIn(context, 'operator', [communeA]);
      operatorB = await signIn(context, 'operator', [communeB]);
    });
    after(async () => context?.close());

    async function webhookSource(communeInsee = communeA): Promise<{ id: string; token: string }> {
      const id = `pti-${++sourceCounter}`;
      const created = await admin.request({ method: 'POST', url: '/api/alarm-sources', payload: { id, kind: 'webhook', communeInsee, name: `PTI ${id}` } });
      assert.equal(created.statusCode, 201, created.body);
      return { id, token: created.json().token };
    }
    const send = (source: { id: string; token: string }, payload: unknown, token = source.token) =>
      context.app.inject({ method: 'POST', url: `/api/alarms/intake/${source.id}`, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
    const count = async (table: 'alarms' | 'alarm_receipts') =>
      Number(
        (
          await context.database.handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('stores a webhook alarm once: 201, then 200 with the same alarm for the resend; the payload is kept and the intake audited', async () => {
      const source = await webhookSource();
      const payload = { eventId: 'evt-1', type: 'pti_sos', zone: 'agent-42', position: { latitude: 45.19, longitude: 5.72 }, cameraIds: ['cam-1'] };
      const first = await send(source, payload);
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.json().outcome, 'created');
      const again = await send(source, payload);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), { ...first.json(), duplicate: true });
      const alarm = await operatorA.request({ method: 'GET', url: `/api/alarms/${first.json().alarmId}` });
      assert.equal(alarm.statusCode, 200, alarm.body);
      assert.equal(alarm.json().state, 'new');
      assert.equal(alarm.json().priority, 1);
      assert.equal(alarm.json().count, 1);
      assert.deepEqual(alarm.json().position, { latitude: 45.19, longitude: 5.72 });
      assert.equal(alarm.json().receipts.length, 1);
      assert.deepEqual(JSON.parse(alarm.json().receipts[0].rawPayload), payload);
      const audit = await context.services.audit.search({ targetId: first.json().alarmId }, scope);
      assert.deepEqual(
        audit.records.map((record) => [record.action, record.actorLogin]),
        [['alarm.received', `source:${source.id}`]],
      );
    });

    it('stores concurrent deliveries of the same events once each (the unique index decides, the loser answers 200)', async () => {
      const source = await webhookSource();
      const before = await count('alarm_receipts');
      const calls = Array.from({ length: 20 }, (_, index) => send(source, { eventId: `c-${index % 10}`, type: 'intrusion', zone: `z-${index % 10}` }));
      const responses = await Promise.all(calls);
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [...Array(10).fill(200), ...Array(10).fill(201)]);
      assert.equal((await count('alarm_receipts')) - before, 10);
      for (let index = 0; index < 10; index++) assert.equal(responses[index]!.json().alarmId, responses[index + 10]!.json().alarmId);
    });

    it('refuses a bad token, an unknown source, bad JSON and a payload off the schema, in the documented shape, with nothing changed', async () => {
      const source = await webhookSource();
      const before = [await count('alarms'), await count('alarm_receipts')];
      const rejectedBefore = Object.values(context.services.alarms.service.intakeCounters().rejected).reduce((a, b) => a + b, 0);
      const good = { eventId: 'evt-bad', type: 'intrusion' };
      const cases = [
        { response: await send(source, good, 'vga_wrong'), status: 401, code: 'alarm_source_unauthenticated' },
        { response: await send({ id: 'nosuch', token: source.token }, good), status: 401, code: 'alarm_source_unauthenticated' },
        {
          response: await context.app.inject({
            method: 'POST',
            url: `/api/alarms/intake/${source.id}`,
            headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/json' },
            payload: '{"eventId": ',
          }),
          status: 400,
        },
        { response: await send(source, { ...good, type: 'storage_low' }), status: 400, code: 'alarm_payload_invalid' },
        { response: await send(source, { ...good, type: 'alien_landing' }), status: 400, code: 'alarm_payload_invalid' },
        { response: await send(source, { ...good, extra: 1 }), status: 400, code: 'alarm_payload_invalid' },
        { response: await send(source, { type: 'intrusion' }), status: 400, code: 'alarm_payload_invalid' },
        { response: await send(source, { ...good, siteId: sites.siteB }), status: 400, code: 'alarm_payload_invalid' },
        { response: await send(source, { ...good, title: 'x'.repeat(20_000) }), status: 413 },
      ];
      for (const { response, status, code } of cases) {
        assert.equal(response.statusCode, status, response.body);
        const body = response.json();
        if (code) assert.equal(body.code, code);
        assert.ok(body.message_fr && body.message_en, response.body);
      }
      assert.deepEqual([await count('alarms'), await count('alarm_receipts')], before);
      const rejectedAfter = Object.values(context.services.alarms.service.intakeCounters().rejected).reduce((a, b) => a + b, 0);
      assert.equal(rejectedAfter - rejectedBefore, cases.length);
      // A good one still goes through after all that.
      assert.equal((await send(source, { ...good, siteId: sites.siteA })).statusCode, 201);
    });

    it('a disabled source is refused; a new token replaces the old one at once', async () => {
      const source = await webhookSource();
      assert.equal((await admin.request({ method: 'POST', url: `/api/alarm-sources/${source.id}/disable` })).statusCode, 200);
      assert.equal((await send(source, { eventId: 'd-1', type: 'fire' })).json().code, 'alarm_source_disabled');
      await admin.request({ method: 'POST', url: `/api/alarm-sources/${source.id}/enable` });
      const rotated = await admin.request({ method: 'POST', url: `/api/alarm-sources/${source.id}/token` });
      assert.equal(rotated.statusCode, 200);
      assert.equal((await send(source, { eventId: 'd-1', type: 'fire' })).statusCode, 401);
      assert.equal((await send(source, { eventId: 'd-1', type: 'fire' }, rotated.json().token)).statusCode, 201);
      const actions = (await context.services.audit.search({ targetId: source.id }, scope)).records.map((record) => record.action);
      assert.deepEqual(actions, ['alarm.source.token', 'alarm.source.enabled', 'alarm.source.disabled', 'alarm.source.created']);
    });

    it('folds repeats of one type, site and zone within the window into one alarm with a count; after the window, a new alarm', async () => {
      const source = await webhookSource();
      const alarm = { type: 'intrusion', siteId: sites.siteA, zone: 'zone-3' };
      const first = (await send(source, { ...alarm, eventId: 'f-1', cameraIds: ['c1'] })).json();
      context.clock.advance(60_000);
      const second = (await send(source, { ...alarm, eventId: 'f-2', cameraIds: ['c2'], priority: 'critical' })).json();
      assert.equal(second.outcome, 'folded');
      assert.equal(second.alarmId, first.alarmId);
      const other = (await send(source, { ...alarm, zone: 'zone-4', eventId: 'f-3' })).json();
      assert.equal(other.outcome, 'created');
      const folded = (await operatorA.request({ method: 'GET', url: `/api/alarms/${first.alarmId}` })).json();
      assert.equal(folded.count, 2);
      assert.equal(folded.priority, 1);
      assert.deepEqual(folded.cameraIds, ['c1', 'c2']);
      assert.equal(folded.receipts.length, 2);
      context.clock.advance(context.config.alarms.foldWindowMs + 1000);
      const later = (await send(source, { ...alarm, eventId: 'f-4' })).json();
      assert.equal(later.outcome, 'created');
      assert.notEqual(later.alarmId, first.alarmId);
    });

    it('a restoral attaches to its alarm; one with no alarm is kept as unmatched', async () => {
      const source = await webhookSource();
      const raised = (await send(source, { eventId: 'r-1', type: 'fire', zone: 'detector-7' })).json();
      const restored = (await send(source, { eventId: 'r-2', event: 'restore', type: 'fire', zone: 'detector-7' })).json();
      assert.equal(restored.outcome, 'restored');
      assert.equal(restored.alarmId, raised.alarmId);
      const alarm = (await operatorA.request({ method: 'GET', url: `/api/alarms/${raised.alarmId}` })).json();
      assert.ok(alarm.restoredAt);
      assert.equal(alarm.state, 'new', 'a restoral does not close the alarm: an operator does');
      const orphan = await send(source, { eventId: 'r-3', event: 'restore', type: 'fire', zone: 'detector-8' });
      assert.equal(orphan.statusCode, 201);
      assert.deepEqual([orphan.json().outcome, orphan.json().alarmId], ['restore_unmatched', null]);
    });

    it('moves an alarm new -> taken -> acknowledged -> in progress -> closed only, each step audited with its author', async () => {
      const source = await webhookSource();
      const { alarmId } = (await send(source, { eventId: 'w-1', type: 'ppms_confinement', siteId: sites.siteA })).json();
      const act = (action: string, payload: object = {}) => operatorA.request({ method: 'POST', url: `/api/alarms/${alarmId}/${action}`, payload });
      const early = await act('close', { outcome: 'handled' });
      assert.equal(early.statusCode, 409);
      assert.equal(early.json().code, 'alarm_transition_refused');
      assert.equal((await act('acknowledge')).statusCode, 409);
      assert.equal((await act('take')).json().state, 'taken');
      assert.equal((await act('take')).statusCode, 409, 'taken once only');
      assert.equal((await act('acknowledge', { comment: 'Directrice appelée' })).json().state, 'acknowledged');
      assert.equal((await act('start')).json().state, 'in_progress');
      assert.equal((await act('close', {})).statusCode, 400, 'an outcome is required');
      const closed = (await act('close', { outcome: 'false_alarm', comment: 'Exercice non annoncé' })).json();
      assert.deepEqual(
        [closed.state, closed.outcome, closed.comment, closed.takenBy, closed.closedBy],
        ['closed', 'false_alarm', 'Exercice non annoncé', operatorA.login, operatorA.login],
      );
      assert.ok(closed.takenAt && closed.acknowledgedAt && closed.startedAt && closed.closedAt);
      const audit = (await context.services.audit.search({ targetId: alarmId }, scope)).records;
      assert.deepEqual(
        audit.map((record) => [record.action, record.actorLogin]),
        [
          ['alarm.close', operatorA.login],
          ['alarm.start', operatorA.login],
          ['alarm.acknowledge', operatorA.login],
          ['alarm.take', operatorA.login],
          ['alarm.received', `source:${source.id}`],
        ],
      );
      assert.deepEqual(audit[0]?.details, { from: 'in_progress', to: 'closed', outcome: 'false_alarm', comment: 'Exercice non annoncé' });
      const open = (await operatorA.request({ method: 'GET', url: '/api/alarms' })).json() as { id: string }[];
      assert.ok(!open.some((entry) => entry.id === alarmId));
      const closedList = (await operatorA.request({ method: 'GET', url: '/api/alarms?state=closed' })).json() as { id: string }[];
      assert.equal(closedList[0]?.id, alarmId);
    });

    it('lists open alarms by priority then age, within the reader’s communes only', async () => {
      const sourceA = await webhookSource(communeA);
      const sourceB = await webhookSource(communeB);
      const low = (await send(sourceA, { eventId: 'q-1', type: 'weather_alert' })).json().alarmId;
      context.clock.advance(1000);
      const critical = (await send(sourceA, { eventId: 'q-2', type: 'fire' })).json().alarmId;
      const inB = (await send(sourceB, { eventId: 'q-3', type: 'intrusion' })).json().alarmId;
      const listA = (await operatorA.request({ method: 'GET', url: '/api/alarms' })).json() as {
        id: string;
        priority: number;
        firstReceivedAt: string;
        communeInsee: string;
      }[];
      assert.ok(listA.every((entry) => entry.communeInsee === communeA));
      assert.ok(listA.findIndex((entry) => entry.id === critical) < listA.findIndex((entry) => entry.id === low));
      for (let index = 1; index < listA.length; index++) {
        const [previous, current] = [listA[index - 1]!, listA[index]!];
        assert.ok(previous.priority < current.priority || (previous.priority === current.priority && previous.firstReceivedAt <= current.firstReceivedAt));
      }
      assert.ok(!listA.some((entry) => entry.id === inB));
      assert.equal((await operatorA.request({ method: 'GET', url: `/api/alarms/${inB}` })).statusCode, 404);
      assert.equal((await operatorA.request({ method: 'POST', url: `/api/alarms/${inB}/take`, payload: {} })).statusCode, 404);
      assert.equal((await operatorB.request({ method: 'POST', url: `/api/alarms/${inB}/take`, payload: {} })).statusCode, 200);
      const police = await signIn(context, 'police', 'all');
      assert.equal((await police.request({ method: 'GET', url: '/api/alarms' })).statusCode, 403);
      const auditor = await signIn(context, 'auditor', 'all');
      assert.equal((await auditor.request({ method: 'POST', url: `/api/alarms/${critical}/take`, payload: {} })).statusCode, 403);
      assert.equal(
        (await operatorA.request({ method: 'POST', url: '/api/alarm-sources', payload: { id: 'x-1', kind: 'webhook', communeInsee: communeA, name: 'X' } }))
          .statusCode,
        403,
      );
    });

    it('turns technical events into technical alarms: repeats fold while open, a recovery restores, unmapped codes raise none', async () => {
      const raise = context.services.technicalEvents.raise.bind(context.services.technicalEvents);
      const storage = { severity: 'warning' as const, code: 'storage_low', cameraId: null, communeInsee: null, volume: 'local', message: 'Espace faible' };
      await raise(storage);
      context.clock.advance(2 * context.config.alarms.foldWindowMs);
      await raise(storage);
      await raise({ severity: 'warning', code: 'recorder_failed', cameraId: 'cam-9', communeInsee: communeA, message: 'Enregistreur en échec' });
      await raise({ severity: 'info', code: 'recorder_recovered', cameraId: 'cam-9', communeInsee: communeA, message: 'Enregistreur rétabli' });
      await raise({ severity: 'info', code: 'camera_motion', cameraId: 'cam-9', communeInsee: communeA, message: 'Mouvement' });
      await context.services.alarms.technical.settled();
      const all = (await admin.request({ method: 'GET', url: '/api/alarms' })).json() as {
        sourceId: string;
        type: string;
        count: number;
        restoredAt: string | null;
        communeInsee: string | null;
        cameraIds: string[];
      }[];
      const technical = all.filter((entry) => entry.sourceId === 'technical');
      assert.deepEqual(technical.map((entry) => entry.type).sort(), ['camera_offline', 'storage_low']);
      const storageAlarm = technical.find((entry) => entry.type === 'storage_low')!;
      assert.equal(storageAlarm.count, 2, 'one alarm while the condition stays open, whatever the time between');
      assert.equal(storageAlarm.communeInsee, null);
      const offline = technical.find((entry) => entry.type === 'camera_offline')!;
      assert.ok(offline.restoredAt);
      assert.deepEqual(offline.cameraIds, ['cam-9']);
      // Centre-wide alarms are for users with every commune.
      const seenByA = (await operatorA.request({ method: 'GET', url: '/api/alarms' })).json() as { type: string }[];
      assert.ok(!seenByA.some((entry) => entry.type === 'storage_low'));
      assert.ok(seenByA.some((entry) => entry.type === 'camera_offline'));
    });
  });

  describe(`alarm webhook rate limit [${dialect}]`, { skip }, () => {
    let context: TestContext;
    before(async () => {
      context = await createTestContext(dialect, { env: { VIGIE_ALARM_WEBHOOK_PER_MINUTE: '3' } });
      await createCommunesAndSites(context);
    });
    after(async () => context?.close());

    it('allows VIGIE_ALARM_WEBHOOK_PER_MINUTE calls per source and minute, then 429 rate_limited, other sources unaffected', async () => {
      const acting = { actor: { type: 'cli' as const, id: null, login: 'cli:test' }, principal: null };
      const one = await context.services.alarms.service.createSource({ id: 'one', kind: 'webhook', communeInsee: communeA, name: 'One' }, acting);
      const two = await context.services.alarms.service.createSource({ id: 'two', kind: 'webhook', communeInsee: communeA, name: 'Two' }, acting);
      const send = (source: { id: string; token: string | null }, eventId: string) =>
        context.app.inject({
          method: 'POST',
          url: `/api/alarms/intake/${source.id}`,
          headers: { authorization: `Bearer ${source.token}` },
          payload: { eventId, type: 'intrusion' },
        });
      const statuses = [];
      for (let index = 0; index < 4; index++) statuses.push((await send(one, `e-${index}`)).statusCode);
      assert.deepEqual(statuses, [201, 201, 201, 429]);
      const limited = await send(one, 'e-9');
      assert.equal(limited.json().code, 'rate_limited');
      assert.equal((await send(two, 'e-0')).statusCode, 201);
    });
  });
}
