// MQTT intake against the real broker (Mosquitto on 127.0.0.1:1883, required in CI by
// VIGIE_TEST_MQTT_REQUIRED=1), on both databases: a QoS 1 message becomes an alarm; the same
// message delivered again is stored once; a commit that fails, or a Vigie stopped before its
// commit, leaves the message unacknowledged and the broker delivers it again, stored once; bad
// messages are refused, counted, and block nobody.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { mqttSkip, testBrokerUrl, testPublisher } from '../../testing/mqtt.ts';
import { waitFor } from '../../testing/wait.ts';

const brokerSkip = await mqttSkip();

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`alarm MQTT intake [${dialect}]`, { skip: skip || brokerSkip }, () => {
    const run = randomBytes(4).toString('hex');
    const prefix = `vigietest${run}`;
    const clientId = `vigie-test-${dialect}-${run}`;
    const topic = `${prefix}/${communeA}/pti-mqtt/alarm`;
    let context: TestContext;
    let publisher: mqtt.MqttClient;

    before(async () => {
      context = await createTestContext(dialect, {
        env: { VIGIE_ALARM_MQTT_URL: testBrokerUrl, VIGIE_ALARM_MQTT_CLIENT_ID: clientId, VIGIE_ALARM_MQTT_TOPIC_PREFIX: prefix },
      });
      await createCommunesAndSites(context);
      await context.services.alarms.service.createSource({ id: 'pti-mqtt', kind: 'mqtt', communeInsee: communeA, name: 'PTI (MQTT)' }, testCli);
      await context.services.alarms.mqtt.start();
      assert.equal(context.services.alarms.mqtt.status().connected, true);
      publisher = await testPublisher(`publisher-${run}-${dialect}`);
    });
    after(async () => {
      await publisher?.endAsync();
      await context?.services.alarms.mqtt.stop();
      // Forget the persistent session on the broker.
      const cleanup = await mqtt.connectAsync(testBrokerUrl, { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 } });
      await cleanup.endAsync();
      await context?.close();
    });

    const receipts = async (eventId: string) =>
      (await context.database.handle.db.selectFrom('alarm_receipts').selectAll().where('sender_event_id', '=', eventId).execute()).length;
    const publish = (eventId: string, extra: object = {}, to = topic) =>
      publisher.publishAsync(to, JSON.stringify({ eventId, type: 'pti_sos', ...extra }), { qos: 1 });

    it('stores a QoS 1 message as an alarm, and the same message delivered again once', async () => {
      await publish('m-1', { zone: 'agent-7' });
      await waitFor('receipt m-1', async () => (await receipts('m-1')) === 1, 5000, 50);
      await publish('m-1', { zone: 'agent-7' });
      await publish('m-2', { zone: 'agent-8' });
      await waitFor('receipt m-2', async () => (await receipts('m-2')) === 1, 5000, 50);
      assert.equal(await receipts('m-1'), 1);
      const alarms = await context.services.alarms.service.list(null);
      const alarm = alarms.find((entry) => entry.zone === 'agent-7');
      assert.equal(alarm?.sourceId, 'pti-mqtt');
      assert.equal(alarm?.communeInsee, communeA);
      assert.ok(context.services.alarms.service.intakeCounters().duplicates >= 1);
    });

    it('a commit that fails is not acknowledged: the broker delivers the message again and it is stored once', async () => {
      let failures = 0;
      context.services.alarms.mqtt.beforeCommit = () => {
        if (failures++ === 0) throw new Error('database unavailable (test)');
      };
      await publish('m-fail');
      await waitFor('receipt m-fail', async () => (await receipts('m-fail')) === 1, 10_000, 50);
      assert.ok(failures >= 2, 'delivered a second time');
      context.services.alarms.mqtt.beforeCommit = null;
      await publish('m-after');
      await waitFor('receipt m-after', async () => (await receipts('m-after')) === 1, 5000, 50);
      assert.equal(await receipts('m-fail'), 1);
    });

    it('a Vigie stopped before its commit gets the message again when it comes back, and stores it once', async () => {
      const mqttIntake = context.services.alarms.mqtt;
      let release: (error: Error) => void = () => undefined;
      let reached = false;
      mqttIntake.beforeCommit = () =>
        new Promise<void>((_resolve, reject) => {
          reached = true;
          release = reject;
        });
      await publish('m-crash');
      await waitFor('the commit reached', () => reached, 5000, 50);
      // What a crash does: the connection drops with the message unacknowledged.
      await mqttIntake.stop(true);
      release(new Error('process gone (test)'));
      mqttIntake.beforeCommit = null;
      assert.equal(await receipts('m-crash'), 0);
      await mqttIntake.start();
      await waitFor('receipt m-crash', async () => (await receipts('m-crash')) === 1, 10_000, 50);
      await publish('m-crash');
      await publish('m-crash-next');
      await waitFor('receipt m-crash-next', async () => (await receipts('m-crash-next')) === 1, 5000, 50);
      assert.equal(await receipts('m-crash'), 1);
    });

    it('refuses bad JSON, a payload off the schema and an unknown source, counted, without blocking the next message', async () => {
      const before = context.services.alarms.service.intakeCounters().rejected;
      await publisher.publishAsync(topic, '{"eventId": ', { qos: 1 });
      await publish('m-bad', { type: 'storage_low' });
      await publish('m-stranger', {}, `${prefix}/${communeA}/nosuch/alarm`);
      await publish('m-good');
      await waitFor('receipt m-good', async () => (await receipts('m-good')) === 1, 5000, 50);
      const rejected = context.services.alarms.service.intakeCounters().rejected;
      assert.equal((rejected['mqtt:alarm_payload_invalid'] ?? 0) - (before['mqtt:alarm_payload_invalid'] ?? 0), 2);
      assert.equal((rejected['mqtt:alarm_source_unauthenticated'] ?? 0) - (before['mqtt:alarm_source_unauthenticated'] ?? 0), 1);
      assert.equal(await receipts('m-bad'), 0);
      assert.equal(await receipts('m-stranger'), 0);
    });
  });
}
