// The demo's SIA DC-09 receiver (docs/alarms.md "Simulated alarms"): `./vigie demo` opens the
// receiver on 127.0.0.1 (TCP and UDP, a free port unless --dc09-port names one) unless
// VIGIE_ALARM_DC09_PORT configures it, and declares a demo panel source with a plain account and
// an encrypted one (a key printed for the demo only), so that `./vigie sim alarms --dc09 …` sends
// panel alarms to the demo out of the box.
import { createServer } from 'node:net';
import type { Config } from '../config.ts';
import { cliActor } from '../modules/audit/index.ts';
import type { Services } from '../services.ts';
import { demoCommunes } from './seed.ts';

export const demoDc09 = {
  sourceId: 'demo-panels',
  line: '0',
  plainAccount: '1234',
  encryptedAccount: 'ABCD',
  /** AES-128, for the demo only: it is printed at start. */
  key: '000102030405060708090A0B0C0D0E0F',
} as const;

/** A port free on 127.0.0.1 now (for TCP; UDP on the same number is almost always free too). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The configuration with the DC-09 receiver on 127.0.0.1:`port`; a configured receiver (VIGIE_ALARM_DC09_PORT) is kept. */
export function withDemoDc09(config: Config, port: number): Config {
  if (config.alarms.dc09.listener) return config;
  const listener = Object.freeze({ host: '127.0.0.1', port, maxConnections: 256, idleTimeoutMs: 120_000, maxUdpInFlight: 256 });
  const dc09 = Object.freeze({ ...config.alarms.dc09, listener });
  return Object.freeze({ ...config, alarms: Object.freeze({ ...config.alarms, dc09 }) });
}

/** The demo's panel source (municipal buildings of the first demo commune) and its two accounts, once. */
export async function ensureDemoDc09Source(services: Services): Promise<void> {
  const acting = { actor: cliActor(), principal: null };
  const existing = await services.alarms.service.sources(null);
  if (existing.some((source) => source.id === demoDc09.sourceId)) return;
  await services.alarms.service.createSource(
    { id: demoDc09.sourceId, kind: 'dc09', communeInsee: demoCommunes[0].insee, name: 'Centrales de démonstration (SIA DC-09)' },
    acting,
  );
  await services.alarms.dc09.accounts.put(demoDc09.sourceId, demoDc09.line, demoDc09.plainAccount, {}, acting);
  await services.alarms.dc09.accounts.put(demoDc09.sourceId, demoDc09.line, demoDc09.encryptedAccount, { key: demoDc09.key }, acting);
}

/** What the demo prints: where the receiver listens and a `./vigie sim alarms` line that sends to it. */
export function demoDc09Banner(config: Config): string {
  const listener = config.alarms.dc09.listener;
  if (!listener) return '';
  const target = `${listener.host}:${listener.port}`;
  return [
    `Récepteur SIA DC-09 / DC-09 receiver: ${target} (TCP + UDP), ligne/line ${demoDc09.line}, compte/account ${demoDc09.plainAccount}, compte chiffré/encrypted account ${demoDc09.encryptedAccount} (clé/key ${demoDc09.key})`,
    `  ./vigie sim alarms --dc09 ${target} --dc09-account ${demoDc09.plainAccount} --dc09-encrypted ${demoDc09.encryptedAccount}:${demoDc09.key} --rate 1 --seconds 20`,
    '',
  ].join('\n');
}
