// The MQTT broker of the alarm intake tests: Mosquitto on 127.0.0.1:1883 (anonymous), here and in
// CI. Missing: the suites are skipped locally and fail when VIGIE_TEST_MQTT_REQUIRED=1 (.ci/run).
import mqtt, { type MqttClient } from 'mqtt';
import { mqttRequirement, skipUnlessRequired } from './requirements.ts';

export const testBrokerUrl = process.env.VIGIE_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

let probe: Promise<string | null> | null = null;

/** Null when the broker answers a CONNECT, otherwise why not. */
function probeBroker(): Promise<string | null> {
  probe ??= new Promise((resolve) => {
    const client = mqtt.connect(testBrokerUrl, { reconnectPeriod: 0, connectTimeout: 3000, protocolVersion: 5 });
    let answered = false;
    const answer = (problem: string | null) => {
      if (!answered) resolve(problem);
      answered = true;
      client.end(true);
    };
    client.once('connect', () => answer(null));
    client.once('error', (error) => answer(error.message));
    client.once('close', () => answer('connection closed'));
  });
  return probe;
}

/** The `skip` option of an MQTT suite: false when the broker answers; throws when it is required and does not. */
export async function mqttSkip(): Promise<string | false> {
  const problem = await probeBroker();
  return skipUnlessRequired(
    'MQTT broker',
    mqttRequirement(),
    problem === null ? null : { problem: `unreachable at ${testBrokerUrl}: ${problem}`, skipReason: `MQTT broker unreachable (${problem})` },
  );
}

/** A publisher, as a PTI platform or a panel gateway would be. */
export async function testPublisher(clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(testBrokerUrl, { clientId, protocolVersion: 5, reconnectPeriod: 0 });
}
