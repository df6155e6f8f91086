// CAP 1.2 intake on both databases (issue 14): a pushed alert becomes an alarm in the commune its
// area names, with the mapped priority and type; the same document again changes nothing; an
// Update updates the same alarm, a Cancel is recorded on it without closing it; references to
// unknown alerts and alerts outside the centre are kept as receipts; malformed documents are
// refused (400 cap_invalid with the rule), counted, and store nothing; an Atom feed on a loopback
// HTTP server is polled with conditional GETs, linked documents fetched from its own origin only,
// and stored once.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { communeA, communeB, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { capDocument, capFollowUp, capInfo, circleArea, inseeArea, weatherDocument } from './alarms.cap.fixtures.ts';

const triple = (identifier: string, sender = 'alertes@isere.gouv.fr', sent = '2026-11-23T10:58:00+01:00') => ({ sender, identifier, sent });

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`CAP 1.2 intake [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;
    let operator: SignedIn;
    let source: { id: string; token: string };

    before(async () => {
      context = await createTestContext(dialect);
      await createCommunesAndSites(context);
      admin = await signIn(context, 'administrator', 'all');
      operator = await signIn(context, 'operator', 'all');
      const created = await admin.request({
        method: 'POST',
        url: '/api/alarm-sources',
        payload: { id: 'prefecture-38', kind: 'cap', communeInsee: communeA, name: 'Préfecture de l’Isère' },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.match(created.json().token, /^vga_/);
      source = { id: 'prefecture-38', token: created.json().token };
    });
    after(async () => context?.close());

    const push = (document: string, options: { token?: string; type?: string } = {}) =>
      context.app.inject({
        method: 'POST',
        url: `/api/alarms/cap/${source.id}`,
        headers: { authorization: `Bearer ${options.token ?? source.token}`, 'content-type': options.type ?? 'application/cap+xml' },
        payload: document,
      });
    const count = async (table: 'alarms' | 'alarm_receipts' | 'alarm_cap_messages') =>
      Number(
        (
          await context.database.handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const alarm = async (id: string) => {
      const response = await operator.request({ method: 'GET', url: `/api/alarms/${id}` });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };

    it('stores a pushed alert as an alarm of the commune its geocode names, once: 201, then 200 for the same document', async () => {
      const document = capDocument({ identifier: 'P-1' });
      const first = await push(document);
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.json().outcome, 'created');
      assert.equal(first.json().alarmIds.length, 1);
      const stored = await alarm(first.json().alarmIds[0]);
      assert.equal(stored.communeInsee, communeA);
      assert.equal(stored.type, 'prefecture_alert');
      assert.equal(stored.priority, 2, 'Severe and Expected');
      assert.equal(stored.title, 'Épisode de pollution : procédure d’alerte');
      assert.equal(stored.receipts[0].rawPayload, document);
      assert.equal(stored.receipts[0].channel, 'cap');
      const counts = [await count('alarms'), await count('alarm_receipts'), await count('alarm_cap_messages')];
      const again = await push(document);
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json(), { ...first.json(), duplicate: true });
      assert.deepEqual([await count('alarms'), await count('alarm_receipts'), await count('alarm_cap_messages')], counts);
      const audit = await context.services.audit.search({ targetId: stored.id }, { allCommunes: true, communes: [] });
      assert.deepEqual(
        audit.records.map((record) => [record.action, record.actorLogin]),
        [['alarm.received', `source:${source.id}`]],
      );
    });

    it('opens one alarm per matched commune (department geocode), a weather alert on a polygon around a site, and keeps an exercise low', async () => {
      const department = await push(
        capDocument({ identifier: 'P-dept', infos: [capInfo({ area: inseeArea(['38'], 'DEPT'), severity: 'Extreme', urgency: 'Immediate' })] }),
      );
      assert.equal(department.statusCode, 201, department.body);
      const communes = await Promise.all(department.json().alarmIds.map(async (id: string) => [(await alarm(id)).communeInsee, (await alarm(id)).priority]));
      assert.deepEqual(communes.sort(), [
        [communeA, 1],
        [communeB, 1],
      ]);
      const weather = await push(weatherDocument('MF-1'));
      assert.equal(weather.statusCode, 201, weather.body);
      const stored = await alarm(weather.json().alarmIds[0]);
      assert.deepEqual([stored.type, stored.communeInsee, stored.priority], ['weather_alert', communeA, 2]);
      const exercise = await push(capDocument({ identifier: 'P-exercise', status: 'Exercise' }));
      const drill = await alarm(exercise.json().alarmIds[0]);
      assert.deepEqual([drill.priority, drill.title.startsWith('Exercice : ')], [4, true]);
      const test = await push(capDocument({ identifier: 'P-test', status: 'Test' }));
      assert.deepEqual([test.statusCode, test.json().outcome, test.json().alarmIds], [201, 'ignored', []]);
    });

    it('applies an Update to the same alarm (new information, count) and records a Cancel on it without closing it', async () => {
      const created = await push(capDocument({ identifier: 'P-2' }));
      const alarmId = created.json().alarmIds[0];
      const update = await push(
        capFollowUp('Update', triple('P-2'), { infos: [capInfo({ severity: 'Extreme', urgency: 'Immediate', headline: 'Alerte renforcée' })] }),
      );
      assert.equal(update.statusCode, 201, update.body);
      assert.deepEqual([update.json().outcome, update.json().alarmIds], ['updated', [alarmId]]);
      const updated = await alarm(alarmId);
      assert.deepEqual([updated.count, updated.priority, updated.title, updated.receipts.length], [2, 1, 'Alerte renforcée', 2]);
      const take = await operator.request({ method: 'POST', url: `/api/alarms/${alarmId}/take`, payload: {} });
      assert.equal(take.statusCode, 200, take.body);
      const cancel = await push(
        capFollowUp('Cancel', triple('P-2-update', 'alertes@isere.gouv.fr', '2026-11-23T11:30:00+01:00'), {
          identifier: 'P-2-cancel',
          sent: '2026-11-23T12:00:00+01:00',
        }),
      );
      assert.equal(cancel.statusCode, 201, cancel.body);
      assert.deepEqual([cancel.json().outcome, cancel.json().alarmIds], ['cancelled', [alarmId]]);
      const cancelled = await alarm(alarmId);
      assert.equal(cancelled.state, 'taken', 'the operator closes it');
      assert.equal(cancelled.restoredAt, '2026-11-23T11:00:00.000Z');
      assert.deepEqual(cancelled.receipts.map((receipt: { event: string; outcome: string }) => `${receipt.event}:${receipt.outcome}`).sort(), [
        'alarm:created',
        'alarm:updated',
        'cancel:cancelled',
      ]);
    });

    it('keeps an Update of an unknown alert and an alert outside the centre as receipts without alarm', async () => {
      const before = await count('alarms');
      const unmatched = await push(capFollowUp('Update', triple('NEVER-SEEN')));
      assert.deepEqual([unmatched.statusCode, unmatched.json().outcome, unmatched.json().alarmIds], [201, 'reference_unmatched', []]);
      const outside = await push(capDocument({ identifier: 'P-paris', infos: [capInfo({ area: inseeArea(['75056']) })] }));
      assert.deepEqual([outside.statusCode, outside.json().outcome], [201, 'no_area_match']);
      const farCircle = await push(capDocument({ identifier: 'P-far', infos: [capInfo({ area: circleArea('43.3,5.4 10') })] }));
      assert.equal(farCircle.json().outcome, 'no_area_match');
      assert.equal(await count('alarms'), before);
      const receipts = await context.database.handle.db
        .selectFrom('alarm_receipts')
        .selectAll()
        .where('alarm_id', 'is', null)
        .where('source_id', '=', source.id)
        .execute();
      assert.deepEqual(receipts.map((receipt) => receipt.outcome).sort(), ['ignored', 'no_area_match', 'no_area_match', 'reference_unmatched']);
      assert.equal(context.services.alarms.cap.intake.reported.no_area_match, 2);
    });

    it('refuses malformed documents with 400 cap_invalid and the rule, counts them, stores nothing; a wrong token is 401, JSON 415', async () => {
      const counts = async () => [await count('alarms'), await count('alarm_receipts'), await count('alarm_cap_messages')];
      const before = await counts();
      const rejectedBefore = context.services.alarms.service.intakeCounters().rejected['cap:cap_invalid'] ?? 0;
      const cases: [string, string][] = [
        ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier>', 'xml'],
        [`<!DOCTYPE alert [<!ENTITY e SYSTEM "file:///etc/passwd">]>${capDocument({ identifier: 'P-dtd' })}`, 'doctype'],
        [capDocument({ identifier: 'P-z', sent: '2026-11-23T10:58:00Z' }), 'datetime'],
        [capDocument({ identifier: 'P-scope', scope: 'Private' }), 'scope'],
        [
          capDocument({ identifier: 'P-poly', infos: [capInfo({ area: '<area><areaDesc>x</areaDesc><polygon>45.1,5.7 45.2,5.7 45.2,5.8</polygon></area>' })] }),
          'polygon',
        ],
      ];
      for (const [document, rule] of cases) {
        const response = await push(document);
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().code, 'cap_invalid');
        assert.equal(response.json().details.rule, rule);
        assert.ok(response.json().message_fr && response.json().message_en);
      }
      assert.equal((context.services.alarms.service.intakeCounters().rejected['cap:cap_invalid'] ?? 0) - rejectedBefore, cases.length);
      assert.equal((await push(capDocument({ identifier: 'P-tok' }), { token: 'vga_wrong' })).statusCode, 401);
      assert.equal((await push(JSON.stringify({ identifier: 'x' }), { type: 'application/json' })).statusCode, 415);
      assert.equal((await push(capDocument({ identifier: 'P-big' }).padEnd(300 * 1024, ' '))).statusCode, 413);
      assert.deepEqual(await counts(), before);
    });

    describe('Atom feed', () => {
      let server: Server;
      let base = '';
      const requests: IncomingMessage[] = [];
      const etag = '"feed-v1"';
      const linked = capDocument({ identifier: 'F-linked', sender: 'vigilance@meteo.fr', infos: [capInfo({ category: 'Met', event: 'Vent violent' })] });
      const feed = () => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Alertes de la préfecture</title><id>urn:test:feed</id><updated>2026-11-23T11:00:00+01:00</updated>
  <entry><id>urn:test:1</id><updated>2026-11-23T11:00:00+01:00</updated><title>Pollution</title>
    <content type="application/cap+xml">${capDocument({ identifier: 'F-embedded' }).replace(/<\?xml[^>]*\?>/, '')}</content></entry>
  <entry><id>urn:test:2</id><updated>2026-11-23T11:00:00+01:00</updated><title>Vent</title>
    <link rel="alternate" type="application/cap+xml" href="/cap/linked.xml"/></entry>
  <entry><id>urn:test:3</id><updated>2026-11-23T11:00:00+01:00</updated><title>Ailleurs</title>
    <link rel="alternate" type="application/cap+xml" href="http://localhost:9/cap/elsewhere.xml"/></entry>
</feed>`;

      before(async () => {
        server = createServer((request, response) => {
          requests.push(request);
          if (request.url === '/feed.atom') {
            if (request.headers['if-none-match'] === etag) return void response.writeHead(304).end();
            return void response.writeHead(200, { 'content-type': 'application/atom+xml', etag }).end(feed());
          }
          if (request.url === '/cap/linked.xml') return void response.writeHead(200, { 'content-type': 'application/cap+xml' }).end(linked);
          response.writeHead(404).end();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      });
      after(async () => new Promise<void>((resolve) => server?.close(() => resolve())));

      it('polls with a conditional GET, stores embedded and same-origin linked documents once, never fetches another host', async () => {
        const set = await admin.request({ method: 'PUT', url: `/api/alarm-sources/${source.id}/cap-feed`, payload: { url: `${base}/feed.atom` } });
        assert.equal(set.statusCode, 200, set.body);
        const alarmsBefore = await count('alarms');
        await context.services.jobs.runNow('alarms.cap-poll');
        assert.deepEqual(
          requests.map((request) => request.url),
          ['/feed.atom', '/cap/linked.xml'],
        );
        assert.equal(await count('alarms'), alarmsBefore + 2);
        const view = await operator.request({ method: 'GET', url: '/api/alarms' });
        const titles = view.json().map((entry: { title: string; type: string }) => `${entry.type}:${entry.title}`);
        assert.ok(titles.includes('weather_alert:Épisode de pollution : procédure d’alerte'), titles.join(' | '));

        await context.services.jobs.runNow('alarms.cap-poll');
        assert.equal(requests.at(-1)?.headers['if-none-match'], etag);
        const state = await admin.request({ method: 'GET', url: `/api/alarm-sources/${source.id}/cap-feed` });
        assert.deepEqual([state.json().lastStatus, state.json().lastError], [304, null]);

        // Set again: validators and memory forgotten, every entry fetched again, each a duplicate.
        await admin.request({ method: 'PUT', url: `/api/alarm-sources/${source.id}/cap-feed`, payload: { url: `${base}/feed.atom` } });
        const [row] = await context.database.handle.db.selectFrom('alarm_cap_feeds').selectAll().execute();
        const summary = await context.services.alarms.cap.feeds.poll(row!);
        assert.deepEqual(summary, { status: 200, entries: 3, stored: 0, duplicates: 2, refused: 1 });
        assert.equal(await count('alarms'), alarmsBefore + 2);
        assert.ok(requests.every((request) => request.headers.host === new URL(base).host));
        const removed = await admin.request({ method: 'DELETE', url: `/api/alarm-sources/${source.id}/cap-feed` });
        assert.equal(removed.statusCode, 204);
      });
    });
  });
}
