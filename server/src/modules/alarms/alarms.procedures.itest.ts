// Procedures (fiches réflexes) on both databases (issue 14 item 4; docs/alarms.md "Procedures"):
// a supervisor writes the PPMS procedure (and a site's, which wins); an alarm posted to the
// webhook gets a copy of its steps; the operator ticks them (audited `alarm.step`, pushed on the
// live channel as `step`), a `notify_oncall` step tells the on-call port; a later edit of the
// procedure does not change the running alarm; closing with a mandatory step missing is refused
// (`procedure_incomplete`) but by a supervisor with a reason; a mandatory step past its deadline
// escalates (injected clock) to level 1, then to level 2 and the on-call port (a fake).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { waitFor } from '../../testing/wait.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers read field by field in assertions
type Json = Record<string, any>;
type Notified = { service: string; alarmId: string; communeInsee: string | null; subject: string; text: string };

const ppmsSteps = [
  { kind: 'call', labelFr: 'Appeler la police nationale', labelEn: 'Call the national police', mandatory: true, number: '17', deadlineSeconds: 60 },
  { kind: 'open_cameras', labelFr: 'Ouvrir les caméras de l’école', mandatory: true },
  { kind: 'notify_oncall', labelFr: 'Prévenir l’élu d’astreinte', mandatory: false, service: 'elus' },
  { kind: 'comment', labelFr: 'Noter la situation constatée', mandatory: true },
  { kind: 'check', labelFr: 'Vérifier le confinement', mandatory: false },
];

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`alarm procedures [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let supervisor: SignedIn;
    let localSupervisor: SignedIn;
    let operator: SignedIn;
    let siteA: string;
    let token: string;
    let socket: WebSocket;
    const messages: Json[] = [];
    const notified: Notified[] = [];
    let eventCounter = 0;
    let typeProcedure: Json;

    before(async () => {
      context = await createTestContext(dialect, {
        onCall: {
          notify: async (input) => {
            notified.push(input);
            return { ok: true };
          },
        },
      });
      ({ siteA } = await createCommunesAndSites(context));
      const admin = await signIn(context, 'administrator', 'all');
      supervisor = await signIn(context, 'supervisor', 'all');
      localSupervisor = await signIn(context, 'supervisor', [communeA]);
      operator = await signIn(context, 'operator', [communeA]);
      const source = await admin.request({
        method: 'POST',
        url: '/api/alarm-sources',
        payload: { id: 'ppms-ecoles', kind: 'webhook', communeInsee: communeA, name: 'PPMS' },
      });
      assert.equal(source.statusCode, 201, source.body);
      token = source.json().token;
      const url = await context.app.listen({ host: '127.0.0.1', port: 0 });
      socket = new WebSocket(`${url.replace('http', 'ws')}/api/alarms/live`, { headers: { cookie: operator.cookie } });
      socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Json));
      socket.on('error', () => undefined);
      await waitFor('the snapshot', () => messages.some((message) => message.type === 'snapshot'), 5000, 2);
    });
    after(async () => {
      socket?.close();
      await context?.close();
    });

    const post = async (payload: Json): Promise<string> => {
      const response = await context.app.inject({
        method: 'POST',
        url: '/api/alarms/intake/ppms-ecoles',
        headers: { authorization: `Bearer ${token}` },
        payload: { eventId: `ppms-${++eventCounter}`, ...payload },
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().alarmId;
    };
    const stepsOf = async (alarmId: string): Promise<Json> => {
      const response = await operator.request({ method: 'GET', url: `/api/alarms/${alarmId}/steps` });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
    const tick = (alarmId: string, stepId: string, body: Json, as: SignedIn = operator) =>
      as.request({ method: 'POST', url: `/api/alarms/${alarmId}/steps/${stepId}`, payload: body });
    const toInProgress = async (alarmId: string) => {
      for (const action of ['take', 'acknowledge', 'start']) {
        const response = await operator.request({ method: 'POST', url: `/api/alarms/${alarmId}/${action}`, payload: {} });
        assert.equal(response.statusCode, 200, response.body);
      }
    };
    const auditOf = async (targetId: string) =>
      (await context.services.audit.search({ targetId }, { allCommunes: true, communes: [] })).records.sort((a, b) => a.seq - b.seq);

    it('a supervisor writes the PPMS procedure; bad steps, operators and local supervisors on centre-wide ones are refused with nothing stored', async () => {
      const created = await supervisor.request({
        method: 'POST',
        url: '/api/alarm-procedures',
        payload: { alarmType: 'ppms_intrusion_attack', name: 'PPMS intrusion', steps: ppmsSteps },
      });
      assert.equal(created.statusCode, 201, created.body);
      typeProcedure = created.json();
      assert.deepEqual(
        typeProcedure.steps.map((step: Json) => step.id),
        ['s1', 's2', 's3', 's4', 's5'],
      );
      assert.equal(typeProcedure.version, 1);
      const refusals: Array<[SignedIn, Json, number, string]> = [
        [operator, { alarmType: 'pti_sos', name: 'PTI', steps: [ppmsSteps[4]] }, 403, 'forbidden'],
        [localSupervisor, { alarmType: 'pti_sos', name: 'PTI', steps: [ppmsSteps[4]] }, 403, 'forbidden'],
        [supervisor, { alarmType: 'pti_sos', name: 'PTI', steps: [{ kind: 'call', labelFr: 'Appeler', mandatory: true }] }, 400, 'procedure_invalid'],
        [supervisor, { alarmType: 'pti_sos', name: 'PTI', steps: Array.from({ length: 31 }, () => ppmsSteps[4]) }, 400, 'validation_failed'],
        [supervisor, { alarmType: 'pti_sos', name: 'PTI', steps: [{ ...ppmsSteps[4], labelFr: 'x'.repeat(301) }] }, 400, 'validation_failed'],
        [supervisor, { alarmType: 'ppms_intrusion_attack', name: 'Doublon', steps: [ppmsSteps[4]] }, 409, 'conflict'],
      ];
      for (const [who, payload, status, code] of refusals) {
        const response = await who.request({ method: 'POST', url: '/api/alarm-procedures', payload });
        assert.equal(response.statusCode, status, response.body);
        assert.equal(response.json().code, code, response.body);
      }
      const listed = await operator.request({ method: 'GET', url: '/api/alarm-procedures' });
      assert.deepEqual(
        listed.json().map((procedure: Json) => procedure.alarmType),
        ['ppms_intrusion_attack'],
      );
    });

    it('an alarm gets a copy of its procedure (a site’s wins over its type’s); ticks are timestamped, audited and pushed; notify_oncall tells on-call', async () => {
      const siteProcedure = await localSupervisor.request({
        method: 'POST',
        url: '/api/alarm-procedures',
        payload: { alarmType: 'ppms_confinement', siteId: siteA, name: 'Confinement école', steps: [ppmsSteps[4]] },
      });
      assert.equal(siteProcedure.statusCode, 201, siteProcedure.body);
      const typeWide = await supervisor.request({
        method: 'POST',
        url: '/api/alarm-procedures',
        payload: { alarmType: 'ppms_confinement', name: 'Confinement', steps: ppmsSteps.slice(0, 2) },
      });
      assert.equal(typeWide.statusCode, 201, typeWide.body);
      assert.equal((await stepsOf(await post({ type: 'ppms_confinement', siteId: siteA }))).procedure.id, siteProcedure.json().id);
      assert.equal((await stepsOf(await post({ type: 'ppms_confinement' }))).procedure.id, typeWide.json().id);
      assert.deepEqual((await stepsOf(await post({ type: 'pti_sos' }))).steps, [], 'no procedure: no steps');

      const alarmId = await post({ type: 'ppms_intrusion_attack', siteId: siteA });
      const steps = await stepsOf(alarmId);
      assert.deepEqual(steps.procedure, { id: typeProcedure.id, version: 1 });
      assert.equal(steps.steps.length, 5);
      assert.equal(steps.steps[0].number, '17');
      assert.equal(steps.steps[0].dueAt, new Date(context.clock.now().getTime() + 60_000).toISOString());
      const noComment = await tick(alarmId, 's4', { done: true });
      assert.equal(noComment.statusCode, 400, noComment.body);
      assert.equal((await tick(alarmId, 'nope', { done: true })).statusCode, 404);
      context.clock.advance(5000);
      const ticked = await tick(alarmId, 's1', { done: true, result: 'Police prévenue, équipage en route' });
      assert.equal(ticked.statusCode, 200, ticked.body);
      const first = ticked.json().steps[0];
      assert.equal(first.doneAt, context.clock.now().toISOString());
      assert.match(first.doneBy, /^operator-/);
      assert.equal(first.result, 'Police prévenue, équipage en route');
      await waitFor('the step pushed', () => messages.some((message) => message.change === 'step' && message.alarm?.id === alarmId), 5000, 2);
      assert.equal((await tick(alarmId, 's3', { done: true, comment: 'Élu joint' })).statusCode, 200);
      assert.deepEqual(
        notified.map((entry) => [entry.service, entry.alarmId, entry.communeInsee]),
        [['elus', alarmId, communeA]],
      );
      const stepRows = (await auditOf(alarmId)).filter((record) => record.action === 'alarm.step');
      assert.deepEqual(
        stepRows.map((record) => [record.details.alarmId, record.details.step, record.details.kind, record.details.done]),
        [
          [alarmId, 's1', 'call', true],
          [alarmId, 's3', 'notify_oncall', true],
        ],
      );
    });

    it('a later edit of the procedure leaves the running alarm’s steps as they were; a new alarm gets the new version', async () => {
      const running = await post({ type: 'ppms_intrusion_attack', zone: 'running' });
      const before = await stepsOf(running);
      const patched = await supervisor.request({
        method: 'PATCH',
        url: `/api/alarm-procedures/${typeProcedure.id}`,
        payload: { steps: [{ id: 's9', kind: 'check', labelFr: 'Nouvelle étape', mandatory: true }, ...typeProcedure.steps.slice(0, 1)] },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().version, 2);
      assert.equal(patched.json().name, 'PPMS intrusion', 'fields not sent unchanged');
      assert.deepEqual(await stepsOf(running), before);
      const fresh = await stepsOf(await post({ type: 'ppms_intrusion_attack', zone: 'fresh' }));
      assert.deepEqual(fresh.procedure, { id: typeProcedure.id, version: 2 });
      assert.deepEqual(
        fresh.steps.map((step: Json) => step.id),
        ['s9', 's1'],
      );
      const audit = (await auditOf(typeProcedure.id)).map((record) => record.action);
      assert.deepEqual(audit, ['alarm.procedure.created', 'alarm.procedure.updated']);
    });

    it('closing with a mandatory step not done is refused (listing the steps) unless a supervisor gives a reason', async () => {
      const alarmId = await post({ type: 'ppms_confinement', siteId: siteA, zone: 'close' });
      await toInProgress(alarmId);
      const checkOnly = (await stepsOf(alarmId)).steps;
      assert.equal(checkOnly.length, 1);
      assert.equal(checkOnly[0].mandatory, false, 'nothing mandatory here: closes');
      const other = await post({ type: 'ppms_confinement', zone: 'blocked' });
      await toInProgress(other);
      const refused = await operator.request({ method: 'POST', url: `/api/alarms/${other}/close`, payload: { outcome: 'handled' } });
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().code, 'procedure_incomplete');
      assert.deepEqual(
        refused.json().details.steps.map((step: Json) => step.id),
        ['s1', 's2'],
      );
      const operatorReason = await operator.request({
        method: 'POST',
        url: `/api/alarms/${other}/close`,
        payload: { outcome: 'handled', overrideReason: 'pressé' },
      });
      assert.equal(operatorReason.statusCode, 409, 'an operator’s reason is not enough');
      assert.equal((await operator.request({ method: 'GET', url: `/api/alarms/${other}` })).json().state, 'in_progress', 'nothing changed');
      const forced = await supervisor.request({
        method: 'POST',
        url: `/api/alarms/${other}/close`,
        payload: { outcome: 'false_alarm', overrideReason: 'Déclenchement accidentel confirmé par la directrice' },
      });
      assert.equal(forced.statusCode, 200, forced.body);
      const closeRow = (await auditOf(other)).find((record) => record.action === 'alarm.close');
      assert.deepEqual(closeRow?.details.procedureOverride, { reason: 'Déclenchement accidentel confirmé par la directrice', missingSteps: ['s1', 's2'] });
      assert.equal((await tick(other, 's1', { done: true })).statusCode, 409, 'a closed alarm’s steps no longer change');
      const done = await post({ type: 'ppms_confinement', zone: 'done' });
      await toInProgress(done);
      for (const stepId of ['s1', 's2']) assert.equal((await tick(done, stepId, { done: true })).statusCode, 200);
      assert.equal((await operator.request({ method: 'POST', url: `/api/alarms/${done}/close`, payload: { outcome: 'handled' } })).statusCode, 200);
    });

    it('a mandatory step past its deadline escalates to level 1, past twice to level 2 and the on-call port (injected clock); a step done does not', async () => {
      const patched = await supervisor.request({
        method: 'PATCH',
        url: `/api/alarm-procedures/${typeProcedure.id}`,
        payload: {
          escalationService: 'direction-generale',
          steps: [
            { kind: 'check', labelFr: 'Acquitter sous 30 s', mandatory: true, deadlineSeconds: 30 },
            { kind: 'check', labelFr: 'Lever le doute sous 30 s', mandatory: true, deadlineSeconds: 30 },
          ],
        },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const alarmId = await post({ type: 'ppms_intrusion_attack', zone: 'late' });
      await operator.request({ method: 'POST', url: `/api/alarms/${alarmId}/take`, payload: {} });
      const escalation = context.services.alarms.procedures.escalation;
      notified.splice(0);
      context.clock.advance(29_000);
      await escalation.run();
      assert.equal((await stepsOf(alarmId)).steps[0].escalationLevel, 0, 'not before the deadline');
      assert.equal((await tick(alarmId, 's2', { done: true })).statusCode, 200);
      const escalationsOf = async () => (await auditOf(alarmId)).filter((record) => record.action === 'alarm.escalated');
      context.clock.advance(2000);
      await escalation.run();
      await escalation.run();
      assert.equal((await escalationsOf()).length, 1, 'one step escalates, once; the one done does not');
      const alarm = (await operator.request({ method: 'GET', url: `/api/alarms/${alarmId}` })).json();
      assert.equal(alarm.escalationLevel, 1);
      assert.equal(alarm.state, 'taken');
      await waitFor('the escalation pushed', () => messages.some((message) => message.change === 'escalated' && message.alarm?.id === alarmId), 5000, 2);
      assert.equal(notified.length, 0, 'level 1: supervisors only');
      context.clock.advance(30_000);
      await escalation.run();
      const steps = (await stepsOf(alarmId)).steps;
      assert.deepEqual(
        steps.map((step: Json) => step.escalationLevel),
        [2, 0],
      );
      assert.deepEqual(
        notified.map((entry) => [entry.service, entry.alarmId]),
        [['direction-generale', alarmId]],
      );
      assert.deepEqual(
        (await escalationsOf()).map((record) => [record.actorLogin, record.details.reason, record.details.step, record.details.to]),
        [
          ['system', 'procedure_step', 's1', 1],
          ['system', 'procedure_step', 's1', 2],
        ],
      );
      context.clock.advance(600_000);
      await escalation.run();
      assert.equal((await escalationsOf()).length, 2, 'level 2 is the last');
    });
  });
}
