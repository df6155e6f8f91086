// The on-call chain on both databases (issue 14 item 5): configuration over HTTP (a bad RRULE
// refused with its code and nothing stored, a webhook off loopback over http refused), who is
// on duty; an e-mail delivered to a local SMTP server started here, its acknowledgement link
// (single use, audited with the alarm id); an unacknowledged notification escalating to the
// backup after the delay (clock moved), with a second e-mail; the webhook's signature checked
// by the test's HTTP server; SMTP down -> failed, then retried and sent.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { waitFor } from '../../testing/wait.ts';

interface Mail {
  to: string;
  body: string;
}

async function startSmtp(port: number, mails: Mail[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let body = '';
      stream.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((address) => address.address).join(','), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
const stopSmtp = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));
const portOf = (server: SMTPServer | Server) => ((server as unknown as { server?: Server }).server ?? (server as Server)).address() as AddressInfo;

/** The ack link of a mail (quoted-printable soft breaks removed). */
function ackLinkOf(mail: Mail): string {
  const text = mail.body.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = /https?:\/\/[^\s]+\/api\/oncall\/ack\/[0-9A-Za-z._-]+/.exec(text);
  assert.ok(match, `no ack link in ${text}`);
  return new URL(match[0]).pathname;
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`on-call chain [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let supervisor: SignedIn;
    let operator: SignedIn;
    let smtp: SMTPServer;
    let smtpPort: number;
    const mails: Mail[] = [];
    const hooks: { body: string; signature: string; timestamp: string }[] = [];
    let hookServer: Server;
    let people: { alice: string; bob: string; carol: string };
    let serviceId: string;

    before(async () => {
      smtp = await startSmtp(0, mails);
      smtpPort = portOf(smtp).port;
      hookServer = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        request.on('end', () => {
          hooks.push({ body, signature: String(request.headers['x-vigie-signature']), timestamp: String(request.headers['x-vigie-timestamp']) });
          response.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
      context = await createTestContext(dialect, {
        clockStart: '2026-03-24T10:00:00.000Z',
        env: { VIGIE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, VIGIE_SMTP_FROM: 'Vigie CSU <csu@example.test>', VIGIE_ONCALL_SEND_TIMEOUT_SECONDS: '3' },
      });
      supervisor = await signIn(context, 'supervisor', 'all');
      operator = await signIn(context, 'operator', 'all');
      const person = async (name: string) => {
        const response = await supervisor.request({
          method: 'POST',
          url: '/api/oncall/people',
          payload: { name, role: 'Élu', email: `${name.toLowerCase()}@example.test`, phone: '+33 6 00 00 00 00' },
        });
        assert.equal(response.statusCode, 201, response.body);
        return response.json().id as string;
      };
      people = { alice: await person('Alice'), bob: await person('Bob'), carol: await person('Carol') };
      const service = await supervisor.request({ method: 'POST', url: '/api/oncall/services', payload: { name: 'Élu d’astreinte', kind: 'elected' } });
      assert.equal(service.statusCode, 201, service.body);
      serviceId = service.json().id;
      for (const [personId, level] of [
        [people.alice, 1],
        [people.bob, 2],
      ] as const) {
        const rota = await supervisor.request({
          method: 'POST',
          url: '/api/oncall/rotas',
          payload: { serviceId, personId, level, startsAt: '2026-03-23T08:00', rrule: 'FREQ=WEEKLY;BYDAY=MO', durationMinutes: 7 * 1440 },
        });
        assert.equal(rota.statusCode, 201, rota.body);
      }
    });
    after(async () => {
      await context?.close();
      await stopSmtp(smtp);
      await new Promise<void>((resolve) => hookServer.close(() => resolve()));
    });

    const auditOf = async (action: string) =>
      (await context.database.handle.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute()).map((row) => ({
        ...row,
        details: JSON.parse(row.details) as Record<string, unknown>,
      }));
    const notifications = async (alarmId: string) => (await operator.request({ method: 'GET', url: `/api/oncall/notifications?alarmId=${alarmId}` })).json();

    it('refuses a bad RRULE with its code and stores nothing; refuses an http webhook off loopback', async () => {
      const before = (await supervisor.request({ method: 'GET', url: '/api/oncall/rotas' })).json().length;
      for (const rrule of ['FREQ=DAILY;INTERVAL=abc', 'FREQ=MINUTELY', 'FREQ=DAILY;TZID=UTC']) {
        const refused = await supervisor.request({
          method: 'POST',
          url: '/api/oncall/rotas',
          payload: { serviceId, personId: people.carol, level: 3, startsAt: '2026-03-23T08:00', rrule, durationMinutes: 60 },
        });
        assert.equal(refused.statusCode, 400, rrule);
        assert.equal(refused.json().code, 'oncall_rrule_invalid');
      }
      assert.equal((await supervisor.request({ method: 'GET', url: '/api/oncall/rotas' })).json().length, before);
      const hook = await supervisor.request({
        method: 'POST',
        url: '/api/oncall/services',
        payload: { name: 'X', kind: 'technical', webhookUrl: 'http://192.0.2.10/sms' },
      });
      assert.equal(hook.statusCode, 400);
      assert.equal(hook.json().code, 'oncall_webhook_invalid');
      assert.equal((await operator.request({ method: 'GET', url: '/api/oncall/people' })).statusCode, 403, 'contacts: oncall.write only');
    });

    it('tells the caller, and the audit, when nobody is on duty or the service is unknown', async () => {
      const empty = await supervisor.request({ method: 'POST', url: '/api/oncall/services', payload: { name: 'Direction générale', kind: 'management' } });
      const result = await context.services.oncall.notify({ service: empty.json().id, alarmId: 'alarm-nobody', communeInsee: null, subject: 'S', text: 'T' });
      assert.equal(result.nobodyOnDuty, true);
      assert.ok((await auditOf('oncall.nobody_on_duty')).some((row) => row.details.alarmId === 'alarm-nobody'));
      await assert.rejects(
        context.services.oncall.notify({ service: 'nope', alarmId: 'alarm-unknown', communeInsee: null, subject: 'S', text: 'T' }),
        /not found/,
      );
      assert.ok((await auditOf('oncall.service_unknown')).some((row) => row.details.alarmId === 'alarm-unknown'));
    });

    it('shows who is on duty now and next, primary first', async () => {
      const now = (await operator.request({ method: 'GET', url: '/api/oncall/now' })).json();
      const entry = now.services.find((item: { service: { id: string } }) => item.service.id === serviceId);
      assert.deepEqual(
        entry.onDuty.map((shift: { personName: string; level: number }) => [shift.personName, shift.level]),
        [
          ['Alice', 1],
          ['Bob', 2],
        ],
      );
      // The next week starts Monday 30 March 08:00 Paris, summer time: 06:00Z.
      assert.equal(entry.next[0].from, '2026-03-30T06:00:00.000Z');
    });

    it('e-mails the primary, whose link acknowledges once (audited with the alarm id)', async () => {
      mails.length = 0;
      const result = await context.services.oncall.notify({
        service: 'elected',
        alarmId: 'alarm-ack',
        communeInsee: null,
        subject: 'PPMS école Jaurès',
        text: 'Alerte intrusion.',
      });
      assert.equal(result.personId, people.alice);
      await context.services.oncall.notifier.dispatch();
      await waitFor('the e-mail', () => mails.length === 1, 5000, 20);
      assert.equal(mails[0]?.to, 'alice@example.test');
      assert.equal((await notifications('alarm-ack'))[0].state, 'sent');
      const link = ackLinkOf(mails[0] as Mail);
      const browser = { accept: 'text/html,application/xhtml+xml' };
      const ack = await context.app.inject({ method: 'GET', url: link, headers: browser });
      assert.equal(ack.statusCode, 200, ack.body);
      assert.match(ack.body, /Prise en compte enregistrée/);
      assert.equal((await context.app.inject({ method: 'GET', url: link, headers: browser })).statusCode, 409, 'single use');
      const again = await context.app.inject({ method: 'GET', url: link });
      assert.equal(again.json().code, 'oncall_ack_used', 'an API client gets the coded refusal');
      assert.equal(
        (await context.app.inject({ method: 'GET', url: `${link.slice(0, -2)}${link.endsWith('AA') ? 'BB' : 'AA'}` })).statusCode,
        404,
        'altered token',
      );
      const [acknowledged] = await auditOf('oncall.acknowledged');
      assert.equal(acknowledged?.details.alarmId, 'alarm-ack');
      assert.ok((await auditOf('oncall.notified')).some((row) => row.details.alarmId === 'alarm-ack'));
      assert.equal((await notifications('alarm-ack'))[0].state, 'acknowledged');
      context.clock.advance(10 * 60_000);
      assert.equal(await context.services.oncall.notifier.escalate(), 0, 'an acknowledged chain does not escalate');
      context.clock.set('2026-03-24T10:00:00.000Z');
    });

    it('escalates an unacknowledged notification to the backup after the delay, with a second e-mail', async () => {
      mails.length = 0;
      await context.services.oncall.notify({ service: serviceId, alarmId: 'alarm-esc', communeInsee: null, subject: 'PTI SOS', text: 'Agent isolé.' });
      await context.services.oncall.notifier.dispatch();
      await waitFor('the first e-mail', () => mails.length === 1, 5000, 20);
      context.clock.advance(4 * 60_000);
      assert.equal(await context.services.oncall.notifier.escalate(), 0, 'not before 5 minutes');
      context.clock.advance(60_000);
      assert.equal(await context.services.oncall.notifier.escalate(), 1);
      await context.services.oncall.notifier.dispatch();
      await waitFor('the second e-mail', () => mails.length === 2, 5000, 20);
      assert.equal(mails[1]?.to, 'bob@example.test');
      const list = await notifications('alarm-esc');
      assert.deepEqual(
        list.map((item: { personId: string; state: string }) => [item.personId, item.state]),
        [
          [people.alice, 'escalated'],
          [people.bob, 'sent'],
        ],
      );
      const escalated = (await auditOf('oncall.escalated')).find((row) => row.details.alarmId === 'alarm-esc');
      assert.equal(escalated?.details.to, people.bob);
      context.clock.set('2026-03-24T10:00:00.000Z');
    });

    it('calls the service’s webhook with a signature the receiver verifies', async () => {
      const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/sms`;
      const created = await supervisor.request({
        method: 'POST',
        url: '/api/oncall/services',
        payload: { name: 'Services techniques', kind: 'technical', webhookUrl: hookUrl },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { id, webhookSecret } = created.json();
      assert.ok(webhookSecret);
      await supervisor.request({
        method: 'POST',
        url: '/api/oncall/rotas',
        payload: { serviceId: id, personId: people.carol, level: 1, startsAt: '2026-01-01T00:00', rrule: 'FREQ=DAILY', durationMinutes: 1440 },
      });
      hooks.length = 0;
      await context.services.oncall.notify({
        service: id,
        alarmId: 'alarm-hook',
        communeInsee: null,
        subject: 'Inondation',
        text: 'Passage souterrain inondé.',
      });
      await context.services.oncall.notifier.dispatch();
      await waitFor('the webhook call', () => hooks.length === 1, 5000, 20);
      const hook = hooks[0] as (typeof hooks)[number];
      const expected = `sha256=${createHmac('sha256', webhookSecret).update(`${hook.timestamp}.${hook.body}`).digest('hex')}`;
      assert.equal(hook.signature, expected);
      const body = JSON.parse(hook.body);
      assert.equal(body.person.phone, '+33 6 00 00 00 00');
      assert.equal(body.alarmId, 'alarm-hook');
      assert.match(body.ackUrl, /\/api\/oncall\/ack\//);
      const channels = (await notifications('alarm-hook'))[0];
      assert.deepEqual(channels.deliveredChannels.sort(), ['email', 'webhook']);
    });

    it('marks a send failed while SMTP is down, then retries and sends it', async () => {
      await stopSmtp(smtp);
      mails.length = 0;
      await context.services.oncall.notify({ service: serviceId, alarmId: 'alarm-down', communeInsee: null, subject: 'Incendie', text: 'Feu gymnase.' });
      await context.services.oncall.notifier.dispatch();
      const failed = (await notifications('alarm-down'))[0];
      assert.equal(failed.state, 'failed');
      assert.equal(failed.attempts, 1);
      assert.ok((await auditOf('oncall.notification_failed')).some((row) => row.details.alarmId === 'alarm-down'));
      smtp = await startSmtp(smtpPort, mails);
      await context.services.oncall.notifier.dispatch();
      assert.equal(mails.length, 0, 'not before the retry time');
      context.clock.advance(30_000);
      await context.services.oncall.notifier.dispatch();
      await waitFor('the retried e-mail', () => mails.length === 1, 5000, 20);
      const sent = (await notifications('alarm-down'))[0];
      assert.equal(sent.state, 'sent');
      assert.equal(sent.attempts, 2);
    });

    it('sends a notification left pending by a process that died while sending, once its claim lapses', async () => {
      mails.length = 0;
      const { notificationId } = await context.services.oncall.notify({
        service: serviceId,
        alarmId: 'alarm-crash',
        communeInsee: null,
        subject: 'Crash',
        text: 'Relance.',
      });
      await context.services.oncall.notifier.dispatch();
      await waitFor('the first e-mail', () => mails.length === 1, 5000, 20);
      // As a process would leave it had it claimed the send and died before recording it.
      const claimedUntil = new Date(context.clock.now().getTime() + 60_000).toISOString();
      await context.database.handle.db
        .updateTable('oncall_notifications')
        .set({ state: 'pending', delivered_channels: '[]', attempts: 0, sent_at: null, escalate_at: null, next_attempt_at: claimedUntil })
        .where('id', '=', notificationId as string)
        .execute();
      mails.length = 0;
      await context.services.oncall.notifier.dispatch();
      assert.equal(mails.length, 0, 'not while another process holds the claim');
      context.clock.advance(60_000);
      await context.services.oncall.notifier.dispatch();
      await waitFor('the e-mail sent again', () => mails.length === 1, 5000, 20);
      assert.equal((await notifications('alarm-crash'))[0].state, 'sent');
    });
  });
}
