// `./vigie sim alarms`: alarms of every type over each configured channel, at a rate (alarms/s)
// for a count or a duration (both bounded), `--malformed <ratio>` of them bad on purpose; the
// targets must be loopback addresses unless `--allow-remote`. Messages go round the channels;
// each channel sends one at a time (a slow channel falls behind, it does not pile up). The
// summary counts, per channel: sent, acknowledged, refused, failed (no answer), malformed.
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { capSender, dc09TcpSender, dc09UdpSender, mqttSender, webhookSender, type Dc09Target, type Outcome, type Sender } from './senders.ts';

export const limits = { maxRate: 1000, maxCount: 100_000, maxSeconds: 3600 } as const;

export interface ChannelSummary {
  channel: string;
  sent: number;
  acknowledged: number;
  refused: number;
  failed: number;
  malformed: number;
}

export const ALARMS_USAGE = `Usage: ./vigie sim alarms [targets] [--rate N] [--count N | --seconds S] [--malformed RATIO] [--allow-remote]
Targets (a channel is used when its target is given):
  --url URL                 Vigie's API (webhook and CAP), e.g. http://127.0.0.1:8080
  --webhook SOURCE:TOKEN    a webhook source and its bearer token
  --cap SOURCE:TOKEN        a CAP source and its bearer token (POST /api/alarms/cap/SOURCE)
  --mqtt URL --mqtt-topic T the broker and the source's topic, e.g. vigie/38185/pti-mqtt/alarm
  --dc09 HOST:PORT          the DC-09 receiver (TCP and UDP; --dc09-transports tcp,udp by default)
  --dc09-line L             line prefix (default 0); --dc09-receiver R (optional)
  --dc09-account ACCT       a plain account; --dc09-encrypted ACCT:HEXKEY an encrypted one
  --insee CODE              the commune of the CAP alerts' area (default 38185)
Pace: --rate alarms/s (default 10, at most ${limits.maxRate}); --count N (at most ${limits.maxCount}) or
  --seconds S (at most ${limits.maxSeconds}; default: 10 alarms); --malformed 0..1 (default 0).
Targets must be loopback (127.0.0.0/8, ::1, localhost) unless --allow-remote.`;

/** Whether a host name or address is this machine's loopback. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

function hostOf(target: string): string {
  try {
    return new URL(target).hostname;
  } catch {
    return target.replace(/:\d+$/, '');
  }
}

const pair = (value: string, name: string): [string, string] => {
  const at = value.indexOf(':');
  if (at <= 0) throw new Error(`--${name} expects A:B`);
  return [value.slice(0, at), value.slice(at + 1)];
};

const bounded = (value: string | undefined, fallback: number, max: number, name: string, min = 0): number => {
  const number = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(number) || number < min || number > max) throw new Error(`--${name} must be between ${min} and ${max}`);
  return number;
};

async function sendersFrom(values: Record<string, string | boolean | undefined>): Promise<Sender[]> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const targets = [text('url'), text('mqtt'), text('dc09')].filter((value): value is string => value !== undefined);
  if (!values['allow-remote']) {
    for (const target of targets) if (!isLoopback(hostOf(target))) throw new Error(`${target} is not a loopback address (add --allow-remote to send there)`);
  }
  const senders: Sender[] = [];
  const url = text('url');
  const webhook = text('webhook');
  const cap = text('cap');
  if ((webhook || cap) && !url) throw new Error('--webhook and --cap need --url');
  if (webhook && url) {
    const [sourceId, token] = pair(webhook, 'webhook');
    senders.push(webhookSender({ url, sourceId, token }));
  }
  if (text('mqtt')) {
    const topic = text('mqtt-topic');
    if (!topic) throw new Error('--mqtt needs --mqtt-topic');
    senders.push(await mqttSender({ url: text('mqtt') as string, topic }));
  }
  const dc09 = text('dc09');
  if (dc09) {
    const at = dc09.lastIndexOf(':');
    const target: Dc09Target = { host: dc09.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(dc09.slice(at + 1)), line: text('dc09-line') ?? '0' };
    if (!(target.port > 0 && target.port < 65536)) throw new Error('--dc09 expects HOST:PORT');
    const receiver = text('dc09-receiver');
    if (receiver) target.receiver = receiver;
    const account = text('dc09-account');
    if (account) target.account = account;
    const encrypted = text('dc09-encrypted');
    if (encrypted) {
      const [encryptedAccount, key] = pair(encrypted, 'dc09-encrypted');
      if (!/^([0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64})$/.test(key)) throw new Error('--dc09-encrypted key: 32, 48 or 64 hex digits');
      target.encrypted = { account: encryptedAccount, key: Buffer.from(key, 'hex') };
    }
    if (!target.account && !target.encrypted) throw new Error('--dc09 needs --dc09-account or --dc09-encrypted');
    const transports = (text('dc09-transports') ?? 'tcp,udp').split(',');
    if (transports.includes('tcp')) senders.push(await dc09TcpSender(target));
    if (transports.includes('udp')) senders.push(await dc09UdpSender(target));
  }
  if (cap && url) {
    const [sourceId, token] = pair(cap, 'cap');
    senders.push(capSender({ url, sourceId, token, insee: text('insee') ?? '38185' }));
  }
  if (senders.length === 0) throw new Error(`no target given\n${ALARMS_USAGE}`);
  return senders;
}

/** Sends `count` messages at `rate` per second round the channels; resolves with the summary. */
export async function runAlarms(senders: Sender[], pace: { rate: number; count: number; malformedRatio: number }): Promise<ChannelSummary[]> {
  const summaries = senders.map((sender) => ({ channel: sender.channel, sent: 0, acknowledged: 0, refused: 0, failed: 0, malformed: 0 }));
  const queues = senders.map(() => Promise.resolve());
  const startedAt = Date.now();
  // Malformed ones spread evenly: message i is bad when floor((i + 1) * ratio) moves.
  const isMalformed = (index: number) => Math.floor((index + 1) * pace.malformedRatio) > Math.floor(index * pace.malformedRatio);
  for (let index = 0; index < pace.count; index++) {
    const wait = startedAt + (index * 1000) / pace.rate - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const slot = index % senders.length;
    const sender = senders[slot] as Sender;
    const summary = summaries[slot] as ChannelSummary;
    const malformed = isMalformed(index);
    queues[slot] = (queues[slot] as Promise<void>).then(async () => {
      summary.sent++;
      if (malformed) summary.malformed++;
      const outcome: Outcome = await sender.send(index, malformed);
      summary[outcome]++;
    });
  }
  await Promise.all(queues);
  return summaries;
}

export function summaryTable(rows: ChannelSummary[]): string {
  const header = ['channel', 'sent', 'acknowledged', 'refused', 'failed', 'malformed'];
  const lines = rows.map((row) => [row.channel, row.sent, row.acknowledged, row.refused, row.failed, row.malformed].map(String));
  const widths = header.map((name, column) => Math.max(name.length, ...lines.map((line) => (line[column] as string).length)));
  const format = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join('  ');
  return [format(header), ...lines.map(format)].join('\n');
}

export async function alarmsCli(args: string[]): Promise<void> {
  const stringNames = [
    'url',
    'webhook',
    'cap',
    'mqtt',
    'mqtt-topic',
    'dc09',
    'dc09-line',
    'dc09-receiver',
    'dc09-account',
    'dc09-encrypted',
    'dc09-transports',
    'insee',
    'rate',
    'count',
    'seconds',
    'malformed',
  ];
  const options: Record<string, { type: 'string' | 'boolean' }> = Object.fromEntries(stringNames.map((name) => [name, { type: 'string' }]));
  options['allow-remote'] = { type: 'boolean' };
  options.help = { type: 'boolean' };
  const values = parseArgs({ args, options }).values as Record<string, string | boolean | undefined>;
  if (values.help) return void console.log(ALARMS_USAGE);
  const rate = bounded(values.rate as string | undefined, 10, limits.maxRate, 'rate', 0.1);
  const seconds = values.seconds === undefined ? null : bounded(values.seconds as string, 0, limits.maxSeconds, 'seconds', 1);
  const count =
    values.count !== undefined
      ? bounded(values.count as string, 10, limits.maxCount, 'count', 1)
      : seconds !== null
        ? Math.min(limits.maxCount, Math.round(rate * seconds))
        : 10;
  const malformedRatio = bounded(values.malformed as string | undefined, 0, 1, 'malformed');
  const senders = await sendersFrom(values);
  try {
    const summaries = await runAlarms(senders, { rate, count: Math.floor(count), malformedRatio });
    console.log(summaryTable(summaries));
  } finally {
    await Promise.all(senders.map((sender) => sender.close()));
  }
}
