// The demo's embedded MQTT broker (docs/alarms.md "Demo broker"): `./vigie demo` starts an
// aedes broker on 127.0.0.1 (a free port unless --mqtt-port names one), points the MQTT intake at
// it unless VIGIE_ALARM_MQTT_URL names another broker, and declares a demo MQTT source, so that
// the demo's MQTT intake needs nothing installed. Stopped with the demo. aedes speaks MQTT 3.1.1
// only: the intake uses protocol version 4 with it.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import { cliActor } from '../modules/audit/index.ts';
import { demoCommunes } from './seed.ts';

export const demoMqttSourceId = 'demo-pti';

export interface DemoBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** An aedes broker on loopback only; port 0: a free one. */
export async function startDemoBroker(port = 0): Promise<DemoBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** The configuration with the MQTT intake on the embedded broker; a configured broker (VIGIE_ALARM_MQTT_URL) is kept. */
export function withDemoBroker(config: Config, broker: DemoBroker): Config {
  if (config.alarms.mqtt) return config;
  const mqtt = {
    url: broker.url,
    username: null,
    password: null,
    passwordFile: null,
    caFile: null,
    clientId: 'vigie-demo',
    topicPrefix: 'vigie',
    sessionExpirySeconds: 0,
    reconnectMs: 1000,
    protocolVersion: 4 as const,
  };
  return Object.freeze({ ...config, alarms: Object.freeze({ ...config.alarms, mqtt: Object.freeze(mqtt) }) });
}

/** The demo's MQTT source (lone-worker devices of the first demo commune), once. */
export async function ensureDemoMqttSource(services: Services): Promise<{ id: string; topic: string }> {
  const commune = demoCommunes[0].insee;
  const existing = await services.alarms.service.sources(null);
  if (!existing.some((source) => source.id === demoMqttSourceId))
    await services.alarms.service.createSource(
      { id: demoMqttSourceId, kind: 'mqtt', communeInsee: commune, name: 'PTI de démonstration (MQTT)' },
      { actor: cliActor(), principal: null },
    );
  return { id: demoMqttSourceId, topic: `vigie/${commune}/${demoMqttSourceId}/alarm` };
}
