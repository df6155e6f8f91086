// The logbook on both databases (issue 14 items 6-7): a manual entry audited and scoped; an
// alarm's lifecycle writes its automatic entries once each, even when an event is delivered
// twice; an offence entry feeds the yearly statistics in its transaction; a correction is a new
// entry; the chain verifies, then names an entry edited or deleted by SQL; CSV and PDF; the
// incident report holds the procedure steps, notifications and cameras of seeded audit rows;
// the figures' p80 / p98.5 equal hand-computed values on a seeded set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { cameraInput, communeA, communeB, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { pdfText } from '../../testing/pdf-text.ts';
import { waitFor } from '../../testing/wait.ts';

const NOW = '2026-07-01T10:00:00.000Z';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`logbook [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    let operatorA: SignedIn;
    let operatorB: SignedIn;
    let supervisor: SignedIn;
    let sites: { siteA: string; siteB: string };
    let cameraA: string;
    let source: { id: string; token: string };
    let eventCounter = 0;

    const db = () => context.database.handle.db;
    const auditOf = async (action: string) =>
      (await db().selectFrom('audit_log').select(['action', 'target_id', 'details', 'actor_login']).where('action', '=', action).orderBy('seq').execute()).map(
        (row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }),
      );
    const entriesOf = async (alarmId: string) =>
      (await operatorA.request({ method: 'GET', url: `/api/logbook?alarmId=${alarmId}` })).json() as {
        type: string;
        origin: string;
        text: string;
        author: string;
      }[];
    const raise = async (payload: object = {}) => {
      const sent = await context.app.inject({
        method: 'POST',
        url: `/api/alarms/intake/${source.id}`,
        headers: { authorization: `Bearer ${source.token}` },
        payload: { eventId: `evt-${++eventCounter}`, type: 'intrusion', zone: `z-${eventCounter}`, ...payload },
      });
      assert.equal(sent.statusCode, 201, sent.body);
      return sent.json().alarmId as string;
    };
    const act = async (alarmId: string, action: string, payload: object = {}) => {
      const response = await operatorA.request({ method: 'POST', url: `/api/alarms/${alarmId}/${action}`, payload });
      assert.equal(response.statusCode, 200, response.body);
    };

    before(async () => {
      context = await createTestContext(dialect, { clockStart: NOW });
      sites = await createCommunesAndSites(context);
      cameraA = (await context.services.cameras.create(cameraInput(sites.siteA, 'CAM-ECOLE'), testCli)).id;
      admin = await signIn(context, 'administrator', 'all');
      operatorA = await signIn(context, 'operator', [communeA]);
      operatorB = await signIn(context, 'operator', [communeB]);
      supervisor = await signIn(context, 'supervisor', 'all');
      const created = await admin.request({
        method: 'POST',
        url: '/api/alarm-sources',
        payload: { id: 'panel-1', kind: 'webhook', communeInsee: communeA, name: 'Centrale' },
      });
      assert.equal(created.statusCode, 201, created.body);
      source = { id: 'panel-1', token: created.json().token };
    });
    after(async () => context?.close());

    it('writes a manual entry (time defaulting to now) with its audit row; another commune neither sees nor writes it', async () => {
      const written = await operatorA.request({
        method: 'POST',
        url: '/api/logbook',
        payload: { type: 'information', communeInsee: communeA, text: 'Ronde virtuelle place de la Gare : RAS.', cameraIds: [cameraA] },
      });
      assert.equal(written.statusCode, 201, written.body);
      const entry = written.json();
      assert.equal(entry.occurredAt, NOW);
      assert.equal(entry.author, operatorA.login);
      assert.deepEqual(entry.cameraIds, [cameraA]);
      const audited = (await auditOf('logbook.entry.created')).filter((row) => row.target_id === entry.id);
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.actor_login, operatorA.login);
      const foreign = await operatorB.request({ method: 'GET', url: '/api/logbook?text=ronde' });
      assert.deepEqual(foreign.json(), []);
      const refused = await operatorB.request({ method: 'POST', url: '/api/logbook', payload: { type: 'information', communeInsee: communeA, text: 'x' } });
      assert.equal(refused.statusCode, 403);
      const future = await operatorA.request({
        method: 'POST',
        url: '/api/logbook',
        payload: { type: 'information', communeInsee: communeA, text: 'x', occurredAt: '2026-07-01T11:00:00.000Z' },
      });
      assert.equal(future.statusCode, 400);
      const foreignCamera = await operatorB.request({
        method: 'POST',
        url: '/api/logbook',
        payload: { type: 'information', communeInsee: communeB, text: 'x', cameraIds: [cameraA] },
      });
      assert.equal(foreignCamera.statusCode, 400);
      const found = await operatorA.request({ method: 'GET', url: '/api/logbook?text=GARE&type=information' });
      assert.deepEqual(
        found.json().map((row: { id: string }) => row.id),
        [entry.id],
      );
    });

    it('an alarm taken, acknowledged, started and closed writes created, taken, acknowledged and closed entries once, even for a repeated event', async () => {
      const alarmId = await raise();
      await act(alarmId, 'take');
      await act(alarmId, 'acknowledge');
      await act(alarmId, 'start');
      await act(alarmId, 'close', { outcome: 'false_alarm', comment: 'Chat dans le hall' });
      await waitFor('four automatic entries', async () => (await entriesOf(alarmId)).length === 4, 5000, 50);
      for (const change of ['created', 'take', 'close'] as const)
        await context.services.logbook.recordAlarmChange({ alarmId, communeInsee: communeA, state: 'closed', change });
      await Promise.all(
        [1, 2, 3].map(() => context.services.logbook.recordAlarmChange({ alarmId, communeInsee: communeA, state: 'closed', change: 'acknowledge' })),
      );
      const entries = await entriesOf(alarmId);
      assert.equal(entries.length, 4, 'still one entry per change');
      assert.ok(entries.every((entry) => entry.type === 'alarm' && entry.origin === 'alarm'));
      const texts = entries.map((entry) => entry.text).join('\n');
      assert.match(texts, /Alarme reçue/);
      assert.match(texts, new RegExp(`prise en charge par ${operatorA.login}`));
      assert.match(texts, /clôturée .*Fausse alarme \(Chat dans le hall\)/);
    });

    it('a restoral from the source writes its entry too', async () => {
      const alarmId = await raise({ zone: 'porte-nord' });
      const restore = await context.app.inject({
        method: 'POST',
        url: `/api/alarms/intake/${source.id}`,
        headers: { authorization: `Bearer ${source.token}` },
        payload: { eventId: `evt-${++eventCounter}`, event: 'restore', type: 'intrusion', zone: 'porte-nord' },
      });
      assert.ok([200, 201].includes(restore.statusCode), restore.body);
      await waitFor('the restoral entry', async () => (await entriesOf(alarmId)).some((entry) => /Retour à la normale/.test(entry.text)), 5000, 50);
      assert.equal((await entriesOf(alarmId)).length, 2);
    });

    it('an offence entry feeds the statistics in its transaction; a correction is a new entry that does not count twice', async () => {
      const missing = await operatorA.request({
        method: 'POST',
        url: '/api/logbook',
        payload: { type: 'offence_seen', communeInsee: communeA, text: 'Tag sur abribus' },
      });
      assert.equal(missing.statusCode, 400, 'an offence needs its category');
      const before = (await db().selectFrom('offences').select('id').execute()).length;
      const offence = await operatorA.request({
        method: 'POST',
        url: '/api/logbook',
        payload: {
          type: 'offence_spotted',
          communeInsee: communeA,
          text: 'Tag sur abribus',
          offenceCategory: 'property',
          siteId: sites.siteA,
          cameraIds: [cameraA],
        },
      });
      assert.equal(offence.statusCode, 201, offence.body);
      const rows = await db().selectFrom('offences').selectAll().where('source', '=', 'logbook').where('source_ref', '=', offence.json().id).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.spotted_by_operator, 1);
      assert.equal(rows[0]!.category, 'property');
      const correction = await operatorA.request({
        method: 'POST',
        url: '/api/logbook',
        payload: {
          type: 'offence_spotted',
          communeInsee: communeA,
          text: 'Tag sur abribus, côté nord',
          offenceCategory: 'property',
          corrects: offence.json().id,
        },
      });
      assert.equal(correction.statusCode, 201, correction.body);
      assert.equal((await db().selectFrom('offences').select('id').execute()).length, before + 1);
      assert.equal((await auditOf('logbook.entry.corrected')).at(-1)!.details.corrects, offence.json().id);
      const listed = (await operatorA.request({ method: 'GET', url: '/api/logbook?type=offence_spotted' })).json() as { id: string; correctedBy: string[] }[];
      assert.deepEqual(listed.find((entry) => entry.id === offence.json().id)!.correctedBy, [correction.json().id]);
    });

    it('exports CSV (BOM, `;`, French headings, Paris time) and PDF, each export audited', async () => {
      const csv = await operatorA.request({ method: 'GET', url: '/api/logbook/export.csv?text=ronde' });
      assert.equal(csv.statusCode, 200);
      assert.ok(csv.body.startsWith('\uFEFFN° de chaîne;Date et heure des faits (heure de Paris);'));
      assert.match(csv.body, /2026-07-01 12:00:00;.*;38185;Information;saisie;Ronde virtuelle/);
      const pdf = await operatorA.request({ method: 'GET', url: '/api/logbook/export.pdf' });
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.match(pdfText(pdf.rawPayload), /Main courante/);
      assert.deepEqual(
        (await auditOf('logbook.exported')).map((row) => row.details.format),
        ['csv', 'pdf'],
      );
    });

    it('the incident report holds intake, state changes, procedure steps, notifications, cameras opened and logbook entries', async () => {
      const alarmId = await raise({ type: 'ppms_confinement', cameraIds: [cameraA], title: 'École Jules Ferry' });
      await act(alarmId, 'take');
      const actor = { type: 'user' as const, id: null, login: operatorA.login };
      await context.services.audit.recordAlone(actor, {
        action: 'alarm.step',
        communeInsee: communeA,
        targetType: 'alarm',
        targetId: alarmId,
        details: { alarmId, kind: 'open_cameras', label: 'Ouvrir les caméras de l’école', done: true },
      });
      await context.services.audit.recordAlone(actor, {
        action: 'oncall.notified',
        communeInsee: communeA,
        details: { alarmId, recipient: 'Élu de permanence', channel: 'email' },
      });
      await context.services.audit.recordAlone(
        { type: 'system', id: null, login: 'system' },
        { action: 'oncall.acknowledged', communeInsee: communeA, details: { alarmId, recipient: 'Élu de permanence' } },
      );
      await context.services.audit.recordImageAccess(actor, { kind: 'live.start', cameraId: cameraA, communeInsee: communeA });
      await waitFor('the automatic entries', async () => (await entriesOf(alarmId)).length === 2, 5000, 50);
      const report = await operatorA.request({ method: 'GET', url: `/api/alarms/${alarmId}/report.pdf` });
      assert.equal(report.statusCode, 200, report.body);
      // Cells wrap on spaces: one line per text object, joined back.
      const text = pdfText(report.rawPayload).replace(/\s+/g, ' ');
      for (const expected of [
        'Rapport d’incident',
        'PPMS : confinement',
        'Réception (webhook)',
        'Prise en charge',
        'Étape de procédure',
        'Ouvrir les caméras',
        'Astreinte notifiée',
        'Élu de permanence',
        'Astreinte : accusé de réception',
        'Caméra ouverte en direct',
        'Main courante (Alarme)',
      ])
        assert.ok(text.includes(expected), `report has ${expected}`);
      assert.equal((await auditOf('alarm.report.exported')).at(-1)!.target_id, alarmId);
      assert.equal((await operatorB.request({ method: 'GET', url: `/api/alarms/${alarmId}/report.pdf` })).statusCode, 404);
    });

    it('the figures give p80 and p98.5 per shift and type, false alarms per site, open alarms by age, as computed by hand', async () => {
      let counter = 0;
      const seed = async (fields: { receivedAt: string; ackSeconds?: number; type?: string; siteId?: string | null; closedAt?: string; outcome?: string }) => {
        const id = `seed-${++counter}`;
        const acknowledged = fields.ackSeconds === undefined ? null : new Date(Date.parse(fields.receivedAt) + fields.ackSeconds * 1000).toISOString();
        await db()
          .insertInto('alarms')
          .values({
            id,
            source_id: source.id,
            commune_insee: communeB,
            type: fields.type ?? 'intrusion',
            priority: 2,
            state: fields.closedAt ? 'closed' : acknowledged ? 'acknowledged' : 'new',
            site_id: fields.siteId === undefined ? sites.siteB : fields.siteId,
            zone: id,
            fold_key: id,
            title: id,
            latitude: null,
            longitude: null,
            camera_ids: '[]',
            count: 1,
            occurred_at: fields.receivedAt,
            first_received_at: fields.receivedAt,
            last_received_at: fields.receivedAt,
            restored_at: null,
            taken_at: acknowledged,
            taken_by: acknowledged ? 'op' : null,
            acknowledged_at: acknowledged,
            acknowledged_by: acknowledged ? 'op' : null,
            started_at: null,
            started_by: null,
            closed_at: fields.closedAt ?? null,
            closed_by: fields.closedAt ? 'op' : null,
            outcome: fields.outcome ?? null,
            comment: null,
            updated_at: fields.receivedAt,
            escalated_at: null,
            escalation_level: 0,
          })
          .execute();
      };
      // Day shift (08:00 Paris, summer time = 06:00 UTC): 10, 20, ... 100 s. Night (22:00 Paris): 30, 60, 90, 120 s.
      for (let index = 1; index <= 10; index++)
        await seed({ receivedAt: `2026-06-${String(index + 10).padStart(2, '0')}T06:00:00.000Z`, ackSeconds: index * 10 });
      for (let index = 1; index <= 4; index++)
        await seed({ receivedAt: `2026-06-${String(index + 10).padStart(2, '0')}T20:00:00.000Z`, ackSeconds: index * 30, type: 'fire' });
      // Closed in June: site B 1 false alarm of 4; no site: 2 of 2.
      for (const outcome of ['false_alarm', 'handled', 'handled', 'test'])
        await seed({ receivedAt: '2026-06-20T10:00:00.000Z', closedAt: '2026-06-20T11:00:00.000Z', outcome });
      for (let index = 0; index < 2; index++)
        await seed({ receivedAt: '2026-06-21T10:00:00.000Z', closedAt: '2026-06-21T11:00:00.000Z', outcome: 'false_alarm', siteId: null });
      // Open now (10:00 UTC on 1 July): 2 minutes, 30 minutes and 2 days old.
      for (const age of [120, 1800, 172_800]) await seed({ receivedAt: new Date(Date.parse(NOW) - age * 1000).toISOString() });
      const response = await supervisor.request({
        method: 'GET',
        url: `/api/alarms/figures?from=2026-06-01T00:00:00.000Z&to=2026-07-01T00:00:00.000Z&communeInsee=${communeB}`,
      });
      assert.equal(response.statusCode, 200, response.body);
      const figures = response.json();
      assert.deepEqual(figures.acknowledgement.byShift, [
        { shift: '07:00-19:00', count: 10, p80Seconds: 80, p985Seconds: 100 },
        { shift: '19:00-07:00', count: 4, p80Seconds: 120, p985Seconds: 120 },
      ]);
      assert.deepEqual(figures.acknowledgement.byType, [
        { type: 'fire', count: 4, p80Seconds: 120, p985Seconds: 120 },
        { type: 'intrusion', count: 10, p80Seconds: 80, p985Seconds: 100 },
      ]);
      // All 14: sorted 10..100 and 30, 60, 90, 120; rank ceil(0.8 x 14) = 12 -> 90; ceil(0.985 x 14) = 14 -> 120.
      assert.deepEqual(figures.acknowledgement.all, { count: 14, p80Seconds: 90, p985Seconds: 120 });
      assert.deepEqual(figures.falseAlarms, [
        { siteId: null, closed: 2, falseAlarms: 2, ratio: 1 },
        { siteId: sites.siteB, closed: 4, falseAlarms: 1, ratio: 0.25 },
      ]);
      assert.deepEqual(
        figures.openByAge.map((bucket: { count: number }) => bucket.count),
        // The 14 acknowledged June alarms are still open too (over 24 hours).
        [1, 0, 1, 0, 0, 15],
      );
      assert.equal(
        (await operatorA.request({ method: 'GET', url: '/api/alarms/figures?from=2026-06-01T00:00:00.000Z&to=2026-07-01T00:00:00.000Z' })).statusCode,
        403,
      );
    });

    it('the chain verifies, then names an entry edited by SQL, then one deleted', async () => {
      const clean = await supervisor.request({ method: 'GET', url: '/api/logbook/verify' });
      assert.equal(clean.statusCode, 200, clean.body);
      assert.equal(clean.json().ok, true);
      assert.ok(clean.json().rowsChecked >= 8);
      const victim = await db().selectFrom('logbook_entries').select(['id', 'seq']).where('seq', '=', 2).executeTakeFirstOrThrow();
      await db().updateTable('logbook_entries').set({ text: 'réécrit' }).where('id', '=', victim.id).execute();
      const edited = await context.services.logbook.verify();
      assert.equal(edited.ok, false);
      assert.deepEqual(
        edited.problems.map((problem) => [problem.kind, problem.seq]),
        [['edited', 2]],
      );
      await db().deleteFrom('logbook_entries').where('seq', '=', 4).execute();
      const deleted = await context.services.logbook.verify();
      assert.deepEqual(
        deleted.problems.map((problem) => [problem.kind, problem.seq]),
        [
          ['edited', 2],
          ['deleted', 4],
        ],
      );
    });
  });
}
