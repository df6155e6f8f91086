// `./vigie demo`: embedded defaults (SQLite in ./data, local disk), simulated cameras on
// loopback (127.0.1.N), demo data, then serve. Ctrl-C stops the server and the simulator.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { startServer, stopOnSignals } from '../main.ts';
import { openRuntime } from '../runtime.ts';
import { generateFleet, startSimulator, type SimCameraConfig } from '../../../simulator/src/index.ts';
import { inventoryCsv } from '../../../simulator/src/inventory.ts';
import { type DemoBroker, ensureDemoMqttSource, startDemoBroker, withDemoBroker } from './demo-broker.ts';
import { demoDc09Banner, ensureDemoDc09Source, freeLoopbackPort, withDemoDc09 } from './demo-dc09.ts';
import { ensureDemoProcedures } from './demo-procedures.ts';
import { demoCommunes, demoPassword, demoSites, demoUsers, seedDemo, type DemoInventory } from './seed.ts';

const camerasPerSite = 2;
const kindNames = { ptz: 'dôme PTZ', fixed: 'fixe', panoramic: 'panoramique', nomadic: 'nomade', armoured: 'blindée' } as const;

/** The demo's simulated cameras and the inventory CSV that declares them (all but the last authorised). */
export function demoFleet(count: number): { fleet: SimCameraConfig[]; inventory: DemoInventory } {
  // Per-camera loopback addresses, as real cameras have their own IP; ONVIF on 8000 so that
  // the cameras never collide with Vigie's own port.
  const siteNames = Array.from(
    { length: Math.ceil(count / camerasPerSite) },
    (_, index) => demoSites[index % demoSites.length]!.name + (index >= demoSites.length ? ` ${Math.floor(index / demoSites.length) + 1}` : ''),
  );
  const fleet = generateFleet({ count, addressMode: 'per-camera-ip', rtspPort: 8554, onvifPort: 8000, camerasPerSite, livePtzCameras: 1 }).map(
    (camera, index) => ({ ...camera, name: `${siteNames[Math.floor(index / camerasPerSite)]} – ${kindNames[camera.kind]} ${camera.id}` }),
  );
  const inventory: DemoInventory = {
    csv: inventoryCsv(fleet, { communes: demoCommunes.map((commune) => commune.insee), camerasPerSite, siteNames }),
    unauthorisedNames: [fleet[fleet.length - 1]!.name],
  };
  return { fleet, inventory };
}

export async function runDemo(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'seed-only': { type: 'boolean' },
      cameras: { type: 'string', default: '8' },
      'no-simulator': { type: 'boolean' },
      // The embedded MQTT broker's port on 127.0.0.1 (0: a free one), or none.
      'mqtt-port': { type: 'string', default: '0' },
      'no-mqtt-broker': { type: 'boolean' },
      // The DC-09 receiver's port on 127.0.0.1 (0: a free one), or none.
      'dc09-port': { type: 'string', default: '0' },
      'no-dc09': { type: 'boolean' },
    },
  });
  const count = Number(values.cameras);
  if (!Number.isInteger(count) || count < 1 || count > demoSites.length * camerasPerSite * 20) throw new Error('--cameras: a whole number from 1 to 240');
  const { fleet, inventory } = demoFleet(count);
  const mqttPort = Number(values['mqtt-port']);
  if (!Number.isInteger(mqttPort) || mqttPort < 0 || mqttPort > 65535) throw new Error('--mqtt-port: a port from 0 (a free one) to 65535');
  const dc09Port = Number(values['dc09-port']);
  if (!Number.isInteger(dc09Port) || dc09Port < 0 || dc09Port > 65535) throw new Error('--dc09-port: a port from 0 (a free one) to 65535');

  const runtime = await openRuntime(config);
  try {
    await seedDemo(runtime.services, new Date(), inventory, config.operatingSystemUser);
    await ensureDemoMqttSource(runtime.services);
    await ensureDemoDc09Source(runtime.services);
    await ensureDemoProcedures(runtime.services);
  } finally {
    await runtime.close();
  }
  if (values['seed-only']) {
    printCredentials(`http://${config.host}:${config.port}`, null);
    return 0;
  }
  let simulator: Awaited<ReturnType<typeof startSimulator>> | null = null;
  if (!values['no-simulator']) {
    console.log(`Démarrage de ${count} caméras simulées (premier lancement : encodage des boucles vidéo, une à deux minutes)…`);
    simulator = await startSimulator({
      cameras: fleet,
      controlPort: 0,
      onEncodeProgress: (done, total) => process.stdout.write(`\r  encodage ${done}/${total}`),
    });
    process.stdout.write('\n');
  }
  const broker: DemoBroker | null = values['no-mqtt-broker'] || config.alarms.mqtt ? null : await startDemoBroker(mqttPort);
  const withBroker = broker ? withDemoBroker(config, broker) : config;
  const served = values['no-dc09'] ? withBroker : withDemoDc09(withBroker, dc09Port || (await freeLoopbackPort()));
  const server = await startServer(served);
  printCredentials(server.url ?? `(VIGIE_ROLES sans api / without api)`, simulator?.controlUrl ?? null);
  if (broker) console.log(`Courtier MQTT de démonstration / demo MQTT broker: ${broker.url} (topic vigie/${demoCommunes[0].insee}/demo-pti/alarm)\n`);
  if (!values['no-dc09']) console.log(demoDc09Banner(served));
  stopOnSignals(async () => {
    await server.stop();
    await broker?.stop();
    await simulator?.stop();
  });
  return -1;
}

function printCredentials(url: string, simulatorControl: string | null): void {
  console.log(`\nVigie (démo) : ${url}   API : ${url}/api/docs`);
  if (simulatorControl) console.log(`Simulateur de caméras / camera simulator control API: ${simulatorControl}`);
  console.log(`Comptes de démonstration / demo accounts (mot de passe / password: ${demoPassword}):`);
  for (const user of demoUsers) {
    console.log(`  ${user.login.padEnd(12)} ${user.role.padEnd(14)} ${user.communes === 'all' ? 'toutes communes' : user.communes.join(', ')}`);
  }
  console.log('Second facteur désactivé pour la démo / second factor off for the demo. Ctrl-C pour arrêter.\n');
}
