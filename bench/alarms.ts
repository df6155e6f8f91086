// `./vigie bench alarms [--rate 100] [--seconds 60] [--burst 1000] [--channels webhook,mqtt,dc09-tcp,dc09-udp,cap]
// [--postgres] [--mqtt-url mqtt://127.0.0.1:1883]`: alarm intake to the operators' WebSocket, on
// loopback. The server is a child process (server/src/testing/server-child.ts: `serve`, every
// role, a temporary SQLite database or, with --postgres, a temporary PostgreSQL one), so that its
// CPU is not the senders'. This process sets up the sources, signs an operator in, opens
// /api/alarms/live as the console does, and per channel, one channel after the other: sends alarms
// at --rate a second for --seconds, then a burst of --burst alarms at once (at most 50 in flight a
// channel; 16 TCP connections for DC-09), each resent until acknowledged as a real sender does
// (server/src/testing/alarm-senders.ts). Latency: from the moment an alarm's first attempt leaves
// this process to the WebSocket message that announces it (matched by its zone, unique per alarm).
// Each channel first gets 50 alarms in a second that are not counted (warm-up). Stored: the
// phase's alarms found in the database (by zone) at its end; lost: sent but not announced on the WebSocket within 30 s
// of the last acknowledgement. Escalation deadlines are set to an hour so that no escalation work
// mixes in. The WebSocket reader runs in this process with the senders.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import {
  capRetryingSender,
  dc09TcpRetryingSender,
  dc09UdpRetryingSender,
  forgetMqttSessions,
  mqttRetryingSender,
  type RetryingSender,
  webhookRetryingSender,
} from '../server/src/testing/alarm-senders.ts';
import { createTestContext, testCli, type TestContext } from '../server/src/testing/context.ts';
import { signIn } from '../server/src/testing/http.ts';
import { communeA, createCommunesAndSites } from '../server/src/testing/inventory.fixtures.ts';
import { childEnvironment, freePort, killServerChild, type ServerChild, startServerChild } from '../server/src/testing/server-child.ts';
import { cpuPercent, cpuSample } from './lib/proc-stats.ts';
import { printColumns } from './lib/table.ts';

const allChannels = ['webhook', 'mqtt', 'dc09-tcp', 'dc09-udp', 'cap'] as const;
type Channel = (typeof allChannels)[number];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const burstInFlight = 50;
const warmUp = 50;
/** How long after the last acknowledgement the WebSocket may still announce a phase's alarms. */
const drainMs = 30_000;

function settingsFrom(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '60' },
      burst: { type: 'string', default: '1000' },
      channels: { type: 'string', default: allChannels.join(',') },
      postgres: { type: 'boolean', default: false },
      'mqtt-url': { type: 'string', default: process.env.VIGIE_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883' },
    },
  });
  const settings = {
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    burst: Number(values.burst),
    channels: values.channels.split(',').map((name) => name.trim()) as Channel[],
    dialect: values.postgres ? ('postgres' as const) : ('sqlite' as const),
    mqttUrl: values['mqtt-url'],
  };
  if (!(settings.rate >= 1 && settings.rate <= 500)) throw new Error('--rate: 1 to 500 alarms a second');
  if (!(settings.seconds >= 1 && settings.seconds <= 120)) throw new Error('--seconds: 1 to 120');
  if (!(Number.isInteger(settings.burst) && settings.burst >= 0 && settings.burst <= 5000)) throw new Error('--burst: 0 to 5,000');
  for (const channel of settings.channels) if (!allChannels.includes(channel)) throw new Error(`--channels: ${allChannels.join(', ')}`);
  const host = new URL(settings.mqttUrl).hostname;
  if (!/^(127\.|localhost$|\[::1\]$)/.test(host)) throw new Error('--mqtt-url: a loopback broker only');
  return settings;
}

interface PhaseResult {
  channel: string;
  phase: string;
  sent: number;
  stored: number;
  received: number;
  latencies: number[];
  resends: number;
  seconds: number;
}

/** The operators' WebSocket: the time each zone was first announced. */
function liveQueue(url: string, cookie: string): Promise<{ firstSeen: Map<string, number>; close(): void }> {
  const firstSeen = new Map<string, number>();
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/alarms/live`, { headers: { cookie } });
  socket.on('message', (data) => {
    const at = performance.now();
    const message = JSON.parse(String(data)) as { type: string; alarm?: { zone: string | null }; code?: string };
    if (message.type === 'error') console.error(`  live channel error: ${message.code}`);
    const zone = message.alarm?.zone;
    if (message.type === 'change' && zone && !firstSeen.has(zone)) firstSeen.set(zone, at);
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ firstSeen, close: () => socket.close() }));
    socket.once('error', reject);
  });
}

async function runPhase(
  sender: RetryingSender,
  phase: 'steady' | 'burst',
  indexes: { from: number; count: number },
  rate: number,
  firstSeen: Map<string, number>,
  storedZones: () => Promise<Set<string>>,
): Promise<PhaseResult> {
  const sentAt = new Map<number, number>();
  let resends = 0;
  const sendOne = async (index: number) => {
    sentAt.set(index, performance.now());
    const attempts = await sender.send(index).catch(() => 1);
    resends += attempts - 1;
  };
  const startedAt = performance.now();
  if (phase === 'steady') {
    const pending: Promise<void>[] = [];
    for (let offset = 0; offset < indexes.count; offset++) {
      const wait = startedAt + (offset * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(sendOne(indexes.from + offset));
    }
    await Promise.all(pending);
  } else {
    let next = indexes.from;
    const lane = async () => {
      while (next < indexes.from + indexes.count) await sendOne(next++);
    };
    await Promise.all(Array.from({ length: burstInFlight }, lane));
  }
  const everyone = () => [...sentAt.keys()].every((index) => firstSeen.has(sender.zoneOf(index)));
  for (const deadline = performance.now() + drainMs; !everyone() && performance.now() < deadline; ) await sleep(20);
  const latencies: number[] = [];
  for (const [index, at] of sentAt) {
    const seen = firstSeen.get(sender.zoneOf(index));
    if (seen !== undefined) latencies.push(seen - at);
  }
  return {
    channel: sender.channel,
    phase: phase === 'steady' ? `${rate}/s` : `burst ${indexes.count}`,
    sent: sentAt.size,
    stored: await storedZones().then((zones) => [...sentAt.keys()].filter((index) => zones.has(sender.zoneOf(index))).length),
    received: latencies.length,
    latencies: latencies.sort((a, b) => a - b),
    resends,
    seconds: (performance.now() - startedAt) / 1000,
  };
}

const percentile = (sorted: number[], fraction: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number);
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

/** The zones of a channel's alarms stored so far (each bench alarm has a zone of its own). */
async function storedAlarms(context: TestContext, channel: Channel, run: string): Promise<Set<string>> {
  const zonePattern = channel === 'dc09-tcp' ? '#B100 zone %' : channel === 'dc09-udp' ? '#B200 zone %' : `${run}-${channel}-%`;
  const rows = await context.database.handle.db.selectFrom('alarms').select('zone').where('zone', 'like', zonePattern).execute();
  return new Set(rows.map((row) => row.zone as string));
}

async function setUp(context: TestContext) {
  await createCommunesAndSites(context);
  const create = (id: string, kind: 'webhook' | 'mqtt' | 'dc09' | 'cap') =>
    context.services.alarms.service.createSource({ id, kind, communeInsee: communeA, name: `bench ${kind}` }, testCli);
  const webhook = await create('bench-webhook', 'webhook');
  const cap = await create('bench-cap', 'cap');
  await create('bench-mqtt', 'mqtt');
  await create('bench-panels', 'dc09');
  await context.services.alarms.dc09.accounts.put('bench-panels', '0', 'B100', {}, testCli);
  await context.services.alarms.dc09.accounts.put('bench-panels', '0', 'B200', {}, testCli);
  const operator = await signIn(context, 'operator', [communeA]);
  return { webhookToken: webhook.token as string, capToken: cap.token as string, cookie: operator.cookie };
}

export async function run(args: string[]): Promise<void> {
  const settings = settingsFrom(args);
  const run = Date.now().toString(36);
  const context = await createTestContext(settings.dialect, { clockStart: new Date().toISOString(), clockRunning: true });
  let server: ServerChild | null = null;
  const senders: RetryingSender[] = [];
  try {
    const { webhookToken, capToken, cookie } = await setUp(context);
    const dc09Port = await freePort();
    const escalation = Object.fromEntries([1, 2, 3, 4].map((level) => [`VIGIE_ALARM_ESCALATION_P${level}_SECONDS`, '3600']));
    const mqttPrefix = `vigiebench${run}`;
    const env = childEnvironment(context, await freePort(), {
      ...escalation,
      VIGIE_ALARM_DC09_PORT: String(dc09Port),
      VIGIE_ALARM_WEBHOOK_PER_MINUTE: '1000000',
      ...(settings.channels.includes('mqtt')
        ? { VIGIE_ALARM_MQTT_URL: settings.mqttUrl, VIGIE_ALARM_MQTT_CLIENT_ID: `vigie-bench-${run}`, VIGIE_ALARM_MQTT_TOPIC_PREFIX: mqttPrefix }
        : {}),
    });
    server = await startServerChild(env);
    const url = server.url;
    const options = { deadlineMs: 20_000 };
    const make: Record<Channel, () => Promise<RetryingSender>> = {
      webhook: async () => webhookRetryingSender({ url, sourceId: 'bench-webhook', token: webhookToken, run }, options),
      mqtt: () =>
        mqttRetryingSender(
          { brokerUrl: settings.mqttUrl, topic: `${mqttPrefix}/${communeA}/bench-mqtt/alarm`, clientId: `bench-publisher-${run}`, run },
          options,
        ),
      'dc09-tcp': async () => dc09TcpRetryingSender({ host: '127.0.0.1', port: dc09Port, account: 'B100', connections: 16 }, options),
      'dc09-udp': async () => dc09UdpRetryingSender({ host: '127.0.0.1', port: dc09Port, account: 'B200' }, options),
      cap: async () => capRetryingSender({ url, sourceId: 'bench-cap', token: capToken, run, insee: communeA }, options),
    };
    await sleep(2000); // the worker role opens the MQTT session and the DC-09 receiver after the API listens
    const live = await liveQueue(url, cookie);
    console.log(
      `vigie bench alarms: ${settings.dialect}, ${settings.rate}/s for ${settings.seconds} s then a burst of ${settings.burst}, per channel: ${settings.channels.join(', ')}`,
    );
    const results: PhaseResult[] = [];
    const cpu: Record<string, string> = {};
    for (const channel of settings.channels) {
      const sender = await make[channel]();
      senders.push(sender);
      const steadyCount = Math.round(settings.rate * settings.seconds);
      // Warm-up, not measured: the first calls of a channel pay for connections and compilation.
      const stored = () => storedAlarms(context, channel, run);
      await runPhase(sender, 'steady', { from: steadyCount + settings.burst, count: warmUp }, warmUp, live.firstSeen, stored);
      const before = cpuSample(server.pid);
      results.push(await runPhase(sender, 'steady', { from: 0, count: steadyCount }, settings.rate, live.firstSeen, stored));
      cpu[channel] = cpuPercent(before, cpuSample(server.pid)).toFixed(0);
      if (settings.burst > 0)
        results.push(await runPhase(sender, 'burst', { from: steadyCount, count: settings.burst }, settings.rate, live.firstSeen, stored));
      const last = results.at(-1) as PhaseResult;
      console.log(`  ${channel}: done (${last.received}/${last.sent} seen in the last phase)`);
    }
    live.close();
    printColumns(
      ['channel', 'phase', 'sent', 'stored', 'on WebSocket', 'lost', 'resends', 'p50 ms', 'p99 ms', 'max ms', 'server CPU %', 'verdict'],
      results.map((result) => {
        const p99 = percentile(result.latencies, 0.99);
        const lost = result.sent - result.received;
        const complete = lost === 0 && result.stored === result.sent;
        const steady = !result.phase.startsWith('burst');
        const verdict = steady ? (p99 < 100 && complete ? 'PASS' : 'FAIL') : `${complete ? 'PASS' : 'FAIL'} (${result.seconds.toFixed(1)} s)`;
        return [
          result.channel,
          result.phase,
          String(result.sent),
          String(result.stored),
          String(result.received),
          String(lost),
          String(result.resends),
          ms(percentile(result.latencies, 0.5)),
          ms(p99),
          ms(result.latencies.at(-1) ?? Number.NaN),
          steady ? (cpu[result.channel] ?? '') : '',
          verdict,
        ];
      }),
      'Intake to operator WebSocket (target at the steady rate: p99 < 100 ms, 0 lost; burst: 0 lost, its duration in brackets)',
    );
    console.log(
      '\n  Latency: first attempt leaving the sender to the WebSocket change announcing the alarm; server CPU: the child process during the steady phase (100 % = one core).',
    );
  } finally {
    for (const sender of senders) await sender.close().catch(() => undefined);
    if (server) await killServerChild(server);
    if (settings.channels.includes('mqtt')) await forgetMqttSessions(settings.mqttUrl, [`vigie-bench-${run}`, `bench-publisher-${run}`]).catch(() => undefined);
    await context.close();
  }
}
