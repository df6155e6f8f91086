// Issue 14's proof "nothing lost, nothing twice", on both databases: a Vigie server in a child
// process (testing/server-child.ts) receives a burst of 1,000 alarms over the webhook, MQTT (the
// real Mosquitto, QoS 1, Vigie's persistent session) and SIA DC-09 over TCP, from senders that
// resend what was not acknowledged (testing/alarm-senders.ts); once part of the burst is stored
// the server is killed with SIGKILL (its PID only) and started again on the same database, ports
// and MQTT client id. At the end every alarm is stored exactly once: one receipt per sender's
// event id, one alarm per zone, none missing. Everything started here is stopped in `after`.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  dc09TcpRetryingSender,
  forgetMqttSessions,
  mqttRetryingSender,
  type RetryingSender,
  sendAll,
  webhookRetryingSender,
} from '../../testing/alarm-senders.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { mqttSkip, testBrokerUrl } from '../../testing/mqtt.ts';
import { childEnvironment, freePort, killServerChild, type ServerChild, startServerChild } from '../../testing/server-child.ts';
import { waitFor } from '../../testing/wait.ts';

const brokerSkip = await mqttSkip();
const perChannel = { webhook: 334, mqtt: 333, dc09: 333 } as const;
const killAfterStored = 250;
const account = 'B0057';

async function dc09Listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`alarm burst of 1,000 with the server killed (kill -9) and restarted [${dialect}]`, { skip: skip || brokerSkip, timeout: 90_000 }, () => {
    const run = randomBytes(4).toString('hex');
    const prefix = `vigieburst${run}`;
    const vigieClientId = `vigie-burst-${dialect}-${run}`;
    let context: TestContext;
    let admin: SignedIn;
    let env: Record<string, string>;
    let dc09Port: number;
    let server: ServerChild | null = null;
    const senders: RetryingSender[] = [];

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString(), clockRunning: true });
      await createCommunesAndSites(context);
      admin = await signIn(context, 'administrator', 'all');
      const webhook = await context.services.alarms.service.createSource(
        { id: 'burst-webhook', kind: 'webhook', communeInsee: communeA, name: 'PTI' },
        testCli,
      );
      await context.services.alarms.service.createSource({ id: 'burst-mqtt', kind: 'mqtt', communeInsee: communeA, name: 'PTI (MQTT)' }, testCli);
      await context.services.alarms.service.createSource({ id: 'burst-panels', kind: 'dc09', communeInsee: communeA, name: 'Centrales' }, testCli);
      await context.services.alarms.dc09.accounts.put('burst-panels', '0', account, {}, testCli);
      dc09Port = await freePort();
      const apiPort = await freePort();
      env = childEnvironment(context, apiPort, {
        VIGIE_ALARM_DC09_PORT: String(dc09Port),
        VIGIE_ALARM_MQTT_URL: testBrokerUrl,
        VIGIE_ALARM_MQTT_CLIENT_ID: vigieClientId,
        VIGIE_ALARM_MQTT_TOPIC_PREFIX: prefix,
        VIGIE_ALARM_WEBHOOK_PER_MINUTE: '1000000',
      });
      const url = `http://127.0.0.1:${apiPort}`;
      senders.push(webhookRetryingSender({ url, sourceId: 'burst-webhook', token: webhook.token as string, run }));
      senders.push(
        await mqttRetryingSender({
          brokerUrl: testBrokerUrl,
          topic: `${prefix}/${communeA}/burst-mqtt/alarm`,
          clientId: `burst-publisher-${dialect}-${run}`,
          run,
        }),
      );
      senders.push(dc09TcpRetryingSender({ host: '127.0.0.1', port: dc09Port, account, connections: 4 }));
    });
    after(async () => {
      if (server) await killServerChild(server);
      for (const sender of senders) await sender.close();
      await forgetMqttSessions(testBrokerUrl, [vigieClientId, `burst-publisher-${dialect}-${run}`]);
      await context?.close();
    });

    /** Started, listening on every channel: the API answers, the MQTT session is up, the DC-09 port accepts. */
    const startServer = async (): Promise<ServerChild> => {
      const started = await startServerChild(env);
      await waitFor(
        'the MQTT intake and the DC-09 receiver',
        async () => {
          const counters = await fetch(`${started.url}/api/alarm-sources/counters`, { headers: { cookie: admin.cookie } }).catch(() => null);
          const body = counters?.ok ? ((await counters.json()) as { mqtt: { connected: boolean } }) : null;
          return body?.mqtt.connected === true && (await dc09Listening(dc09Port));
        },
        20_000,
        100,
      );
      return started;
    };

    const receipts = () =>
      context.database.handle.db
        .selectFrom('alarm_receipts')
        .select(['source_id', 'sender_event_id'])
        .where('source_id', 'in', ['burst-webhook', 'burst-mqtt', 'burst-panels'])
        .execute();

    it('stores every alarm exactly once: none lost, none twice', async () => {
      const startedAt = Date.now();
      server = await startServer();
      const [webhook, mqttSender, dc09] = senders as [RetryingSender, RetryingSender, RetryingSender];
      const sending = Promise.all([
        sendAll(webhook, 0, perChannel.webhook, 8),
        sendAll(mqttSender, 0, perChannel.mqtt, 50),
        sendAll(dc09, 0, perChannel.dc09, 4),
      ]);
      let storedAtKill = 0;
      await waitFor(
        'part of the burst stored',
        async () => {
          storedAtKill = (await receipts()).length;
          return storedAtKill >= killAfterStored;
        },
        20_000,
        10,
      );
      const killed = server;
      server = null;
      await killServerChild(killed);
      assert.equal(await killed.exited, null, 'ended by SIGKILL, not by itself');
      const afterKill = (await receipts()).length;
      assert.ok(afterKill < 1000, `killed mid-burst (${afterKill} of 1,000 stored)`);
      server = await startServer();
      const attempts = await sending;
      const total = perChannel.webhook + perChannel.mqtt + perChannel.dc09;
      // The broker hands Vigie what it queued for its session while Vigie was down; the panels and the webhook are done once acknowledged.
      await waitFor('every alarm stored', async () => (await receipts()).length >= total, 20_000, 100);
      await new Promise((resolve) => setTimeout(resolve, 500));

      const rows = await receipts();
      const bySource = (sourceId: string) => rows.filter((row) => row.source_id === sourceId).map((row) => row.sender_event_id);
      const expected = (channel: string, count: number) => Array.from({ length: count }, (_, index) => `${run}-${channel}-${index}`).sort();
      assert.deepEqual(bySource('burst-webhook').sort(), expected('webhook', perChannel.webhook), 'webhook: each event id once');
      assert.deepEqual(bySource('burst-mqtt').sort(), expected('mqtt', perChannel.mqtt), 'MQTT: each event id once');
      const panelIds = bySource('burst-panels');
      assert.equal(new Set(panelIds).size, panelIds.length, 'DC-09: no receipt twice');
      assert.equal(panelIds.length, perChannel.dc09, 'DC-09: every message');
      const alarms = await context.database.handle.db
        .selectFrom('alarms')
        .select(['source_id', 'zone', 'count'])
        .where('source_id', 'in', ['burst-webhook', 'burst-mqtt', 'burst-panels'])
        .execute();
      assert.equal(alarms.length, total, 'one alarm per event');
      assert.ok(
        alarms.every((alarm) => alarm.count === 1),
        'no alarm counted a resend as a repeat',
      );
      const zones = new Set(alarms.map((alarm) => alarm.zone));
      for (const [sender, count] of [
        [webhook, perChannel.webhook],
        [mqttSender, perChannel.mqtt],
        [dc09, perChannel.dc09],
      ] as const)
        for (let index = 0; index < count; index++) assert.ok(zones.has(sender.zoneOf(index)), `${sender.channel} ${index} stored`);
      const resent = attempts.reduce((sum, value) => sum + value, 0) - total;
      console.log(
        `[${dialect}] 1,000 alarms, kill -9 after ${storedAtKill} stored (${afterKill} when the process was gone), ${resent} resends by the webhook and DC-09 senders, all stored once in ${Date.now() - startedAt} ms`,
      );
      assert.ok(resent > 0, 'the kill interrupted senders, which resent');
    });
  });
}
