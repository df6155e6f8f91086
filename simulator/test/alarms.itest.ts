// `./vigie sim alarms` against a test Vigie listening on loopback (both databases): a few alarms
// on each channel (webhook, MQTT through the test broker when it is reachable, DC-09 over TCP and
// UDP with a plain and an encrypted account, CAP pushed over HTTP) are all acknowledged and
// stored; with `--malformed 1` every one is refused and nothing is stored; a non-loopback target
// is refused before anything is sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { createTestContext, testCli, type TestContext } from '../../server/src/testing/context.ts';
import { dialectsUnderTest } from '../../server/src/testing/databases.ts';
import { communeA, createCommunesAndSites } from '../../server/src/testing/inventory.fixtures.ts';
import { mqttSkip, testBrokerUrl } from '../../server/src/testing/mqtt.ts';
import { waitFor } from '../../server/src/testing/wait.ts';
import { alarmsCli, runAlarms, summaryTable } from '../src/alarms/run.ts';
import { capSender, dc09TcpSender, dc09UdpSender, mqttSender, webhookSender, type Sender } from '../src/alarms/senders.ts';

const brokerProblem = await mqttSkip();
const key = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`sim alarms against a test Vigie [${dialect}]`, { skip }, () => {
    const run = randomBytes(4).toString('hex');
    const prefix = `vigiesim${run}`;
    const clientId = `vigie-sim-test-${dialect}-${run}`;
    let context: TestContext;
    let url: string;
    let dc09Port: number;
    let webhookToken: string;
    let capToken: string;
    const withMqtt = brokerProblem === false;

    before(async () => {
      const env: Record<string, string> = { VIGIE_ALARM_DC09_PORT: '0' };
      if (withMqtt) Object.assign(env, { VIGIE_ALARM_MQTT_URL: testBrokerUrl, VIGIE_ALARM_MQTT_CLIENT_ID: clientId, VIGIE_ALARM_MQTT_TOPIC_PREFIX: prefix });
      context = await createTestContext(dialect, { clockStart: new Date().toISOString(), clockRunning: true, env });
      await createCommunesAndSites(context);
      const sources = context.services.alarms.service;
      webhookToken = (await sources.createSource({ id: 'sim-webhook', kind: 'webhook', communeInsee: communeA, name: 'Webhook simulé' }, testCli)).token ?? '';
      capToken = (await sources.createSource({ id: 'sim-cap', kind: 'cap', communeInsee: communeA, name: 'CAP simulé' }, testCli)).token ?? '';
      await sources.createSource({ id: 'sim-mqtt', kind: 'mqtt', communeInsee: communeA, name: 'MQTT simulé' }, testCli);
      await sources.createSource({ id: 'sim-panels', kind: 'dc09', communeInsee: communeA, name: 'Centrales simulées' }, testCli);
      await context.services.alarms.dc09.accounts.put('sim-panels', '0', '2001', {}, testCli);
      await context.services.alarms.dc09.accounts.put('sim-panels', '0', '2002', { key }, testCli);
      await context.services.alarms.dc09.listener.start();
      dc09Port = context.services.alarms.dc09.listener.status().tcpPort ?? 0;
      if (withMqtt) await context.services.alarms.mqtt.start();
      url = await context.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await context?.services.alarms.dc09.listener.stop();
      if (withMqtt) {
        await context?.services.alarms.mqtt.stop();
        const cleanup = await mqtt.connectAsync(testBrokerUrl, { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 } });
        await cleanup.endAsync();
      }
      await context?.close();
    });

    const senders = async (): Promise<Sender[]> => {
      const dc09 = { host: '127.0.0.1', port: dc09Port, line: '0', account: '2001', encrypted: { account: '2002', key: Buffer.from(key, 'hex') } };
      const list: Sender[] = [
        webhookSender({ url, sourceId: 'sim-webhook', token: webhookToken }),
        await dc09TcpSender(dc09),
        await dc09UdpSender(dc09),
        capSender({ url, sourceId: 'sim-cap', token: capToken, insee: communeA }),
      ];
      if (withMqtt) list.push(await mqttSender({ url: testBrokerUrl, topic: `${prefix}/${communeA}/sim-mqtt/alarm` }));
      return list;
    };
    const receiptsBy = async () => {
      const rows = await context.database.handle.db.selectFrom('alarm_receipts').select(['source_id']).execute();
      const counts: Record<string, number> = {};
      for (const row of rows) counts[row.source_id] = (counts[row.source_id] ?? 0) + 1;
      return counts;
    };

    it('a few alarms on each channel are all acknowledged, and stored', async () => {
      const list = await senders();
      const perChannel = 4;
      const summaries = await runAlarms(list, { rate: 200, count: perChannel * list.length, malformedRatio: 0 });
      await Promise.all(list.map((sender) => sender.close()));
      const table = summaryTable(summaries);
      for (const summary of summaries) {
        assert.deepEqual([summary.sent, summary.acknowledged, summary.refused, summary.failed], [perChannel, perChannel, 0, 0], `${summary.channel}\n${table}`);
      }
      assert.match(table, /^channel\s+sent\s+acknowledged\s+refused\s+failed\s+malformed$/m);
      const receipts = await receiptsBy();
      assert.equal(receipts['sim-webhook'], perChannel);
      assert.equal(receipts['sim-panels'], perChannel * 2, 'DC-09 TCP and UDP, plain and encrypted');
      assert.ok((receipts['sim-cap'] ?? 0) >= 1);
      // MQTT: the publisher's PUBACK comes from the broker; Vigie stores it right after.
      if (withMqtt) await waitFor('MQTT receipts', async () => (await receiptsBy())['sim-mqtt'] === perChannel, 5000, 50);
    });

    it('with --malformed 1 every message is refused (MQTT: by Vigie, after the broker took it) and nothing is stored', async () => {
      const before = await receiptsBy();
      const rejectedBefore = context.services.alarms.service.intakeCounters().rejected['mqtt:alarm_payload_invalid'] ?? 0;
      const list = await senders();
      const summaries = await runAlarms(list, { rate: 200, count: 4 * list.length, malformedRatio: 1 });
      await Promise.all(list.map((sender) => sender.close()));
      for (const summary of summaries) {
        const expected = summary.channel === 'mqtt' ? [4, 4, 0, 4] : [4, 0, 4, 4];
        assert.deepEqual([summary.sent, summary.acknowledged, summary.refused, summary.malformed], expected, `${summary.channel}\n${summaryTable(summaries)}`);
      }
      if (withMqtt) {
        const rejected = () => context.services.alarms.service.intakeCounters().rejected['mqtt:alarm_payload_invalid'] ?? 0;
        await waitFor('MQTT refusals', () => rejected() - rejectedBefore === 4, 5000, 50);
      }
      assert.deepEqual(await receiptsBy(), before);
    });

    it('refuses a target that is not loopback unless --allow-remote, before sending anything', async () => {
      await assert.rejects(alarmsCli(['--dc09', '192.0.2.10:7000', '--dc09-account', '2001', '--count', '1']), /not a loopback address/);
      await assert.rejects(alarmsCli(['--url', 'http://example.invalid', '--webhook', 'a:b']), /not a loopback address/);
      await assert.rejects(alarmsCli(['--dc09', `127.0.0.1:${dc09Port}`, '--dc09-account', '2001', '--rate', '5000']), /--rate must be between/);
    });
  });
}
