// The demo's embedded MQTT broker (issue 14), in-process as `./vigie demo` sets it up (SQLite in
// a temporary data folder, as the demo): the broker listens on loopback, the MQTT intake is
// pointed at it, a QoS 1 message published with mqtt.js on the demo source's topic becomes an
// alarm, and stopping the broker closes its port.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { loadConfig } from '../config.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { testCli } from '../testing/context.ts';
import { waitFor } from '../testing/wait.ts';
import { type DemoBroker, ensureDemoMqttSource, startDemoBroker, withDemoBroker } from './demo-broker.ts';
import { demoCommunes } from './seed.ts';

describe('demo embedded MQTT broker [sqlite]', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-demo-broker-'));
  let broker: DemoBroker;
  let runtime: Runtime;

  before(async () => {
    broker = await startDemoBroker(0);
    const config = withDemoBroker(loadConfig({ VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent' }), broker);
    runtime = await openRuntime(config);
    await runtime.services.communes.create({ ...demoCommunes[0] }, testCli);
  });
  after(async () => {
    await runtime?.services.alarms.mqtt.stop();
    await runtime?.close();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on loopback and a message published to it becomes an alarm of the demo source', async () => {
    assert.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(runtime.config.alarms.mqtt?.url, broker.url);
    const { id, topic } = await ensureDemoMqttSource(runtime.services);
    await ensureDemoMqttSource(runtime.services);
    await runtime.services.alarms.mqtt.start();
    assert.equal(runtime.services.alarms.mqtt.status().connected, true, runtime.services.alarms.mqtt.status().lastError ?? '');
    const publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'demo-test-publisher' });
    await publisher.publishAsync(topic, JSON.stringify({ eventId: 'demo-sos-1', type: 'pti_sos', zone: 'agent-1' }), { qos: 1 });
    await publisher.endAsync();
    await waitFor('the demo alarm', async () => (await runtime.services.alarms.service.list(null)).some((alarm) => alarm.sourceId === id), 5000, 50);
    const [alarm] = await runtime.services.alarms.service.list(null);
    assert.deepEqual([alarm?.type, alarm?.communeInsee, alarm?.zone], ['pti_sos', demoCommunes[0].insee, 'agent-1']);
  });

  it('keeps a configured broker, and closes its port when stopped', async () => {
    const configured = loadConfig({ VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent', VIGIE_ALARM_MQTT_URL: 'mqtt://127.0.0.1:1883' });
    assert.equal(withDemoBroker(configured, broker).alarms.mqtt?.url, 'mqtt://127.0.0.1:1883');
    const other = await startDemoBroker(0);
    await other.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: other.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    assert.equal(refused, true, 'nothing listens after stop');
  });
});
