// The channels `./vigie sim alarms` sends on (docs/simulator.md "Simulated alarms"): the webhook,
// MQTT (QoS 1, the PUBACK's reason code is the answer), SIA DC-09 over TCP and UDP (plain or
// encrypted accounts; the ACK, NAK or DUH is the answer) and CAP 1.2 pushed over HTTP. Each
// sender sends one message at a time and says whether it was acknowledged, refused, or got no
// answer; `malformed` makes it send a bad one (bad JSON, bad CRC or a stale timestamp, bad CAP).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { answerToken, panelFrame, type PanelMessage } from './dc09.ts';

export type Outcome = 'acknowledged' | 'refused' | 'failed';

export interface Sender {
  readonly channel: string;
  send(index: number, malformed: boolean): Promise<Outcome>;
  close(): Promise<void>;
}

/** The types a sender may raise (docs/alarms.md "Types"), in the order they are cycled through. */
export const senderTypes = [
  'pti_sos',
  'pti_man_down',
  'pti_link_lost',
  'intrusion',
  'fire',
  'panel_tamper',
  'ppms_intrusion_attack',
  'ppms_confinement',
  'ppms_evacuation',
  'prefecture_alert',
  'weather_alert',
  'supervision_lost',
] as const;

const timeoutMs = 5000;
const runId = `${Date.now().toString(36)}`;

function jsonAlarm(index: number, channel: string): string {
  return JSON.stringify({
    eventId: `sim-${runId}-${channel}-${index}`,
    type: senderTypes[index % senderTypes.length],
    zone: `sim-${index % 16}`,
    priority: 'low',
    details: { simulated: true },
  });
}

async function httpOutcome(url: string, token: string, contentType: string, body: string): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    if (response.ok) return 'acknowledged';
    return response.status >= 400 && response.status < 500 ? 'refused' : 'failed';
  } catch {
    return 'failed';
  }
}

export function webhookSender(target: { url: string; sourceId: string; token: string }): Sender {
  const url = `${target.url.replace(/\/$/, '')}/api/alarms/intake/${encodeURIComponent(target.sourceId)}`;
  return {
    channel: 'webhook',
    send: (index, malformed) => httpOutcome(url, target.token, 'application/json', malformed ? '{"eventId": ' : jsonAlarm(index, 'webhook')),
    close: async () => undefined,
  };
}

/** A CAP 1.2 alert on the source's commune (INSEE geocode); malformed: an XML document cut short. */
export function capDocument(index: number, insee: string): string {
  const weather = index % 2 === 1;
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>SIM-${runId}-${index}</identifier>
  <sender>simulateur@vigie.invalid</sender>
  <sent>${new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00')}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>fr-FR</language>
    <category>${weather ? 'Met' : 'Safety'}</category>
    <event>${weather ? 'Vent violent (simulé)' : 'Alerte préfectorale (simulée)'}</event>
    <urgency>Expected</urgency>
    <severity>Moderate</severity>
    <certainty>Likely</certainty>
    <headline>Alerte simulée ${index}</headline>
    <area><areaDesc>Commune ${insee}</areaDesc><geocode><valueName>INSEE</valueName><value>${insee}</value></geocode></area>
  </info>
</alert>`;
}

export function capSender(target: { url: string; sourceId: string; token: string; insee: string }): Sender {
  const url = `${target.url.replace(/\/$/, '')}/api/alarms/cap/${encodeURIComponent(target.sourceId)}`;
  return {
    channel: 'cap',
    send: (index, malformed) => {
      const document = capDocument(index, target.insee);
      return httpOutcome(url, target.token, 'application/cap+xml', malformed ? document.slice(0, document.lastIndexOf('</info>')) : document);
    },
    close: async () => undefined,
  };
}

export async function mqttSender(target: { url: string; topic: string }): Promise<Sender> {
  const connectWith = (protocolVersion: 4 | 5) =>
    mqtt.connectAsync(target.url, { protocolVersion, clientId: `vigie-sim-${runId}-${process.pid}`, connectTimeout: timeoutMs, reconnectPeriod: 0 });
  // MQTT 5 (its PUBACK reason codes tell a refusal); a 3.1.1-only broker, such as the demo's embedded one, gets 3.1.1.
  const client: MqttClient = await connectWith(5).catch((error: Error) => {
    if (/protocol version/i.test(error.message)) return connectWith(4);
    throw error;
  });
  return {
    channel: 'mqtt',
    send: async (index, malformed) => {
      try {
        await client.publishAsync(target.topic, malformed ? '{"eventId": ' : jsonAlarm(index, 'mqtt'), { qos: 1 });
        return 'acknowledged';
      } catch (error) {
        return typeof (error as { code?: unknown }).code === 'number' ? 'refused' : 'failed';
      }
    },
    close: () => client.endAsync(),
  };
}

export interface Dc09Target {
  host: string;
  port: number;
  line: string;
  receiver?: string;
  /** A plain account, and/or an encrypted one with its key: with both, messages alternate. */
  account?: string;
  encrypted?: { account: string; key: Buffer };
}

const panelContents: readonly (readonly ['SIA-DCS' | 'ADM-CID', string])[] = [
  ['SIA-DCS', 'Nri1/BA01'],
  ['SIA-DCS', 'Nri1/FA02'],
  ['SIA-DCS', 'Nri1/TA03'],
  ['ADM-CID', '1130 01 015'],
  ['ADM-CID', '1110 01 002'],
  ['SIA-DCS', 'Nri1/BR01'],
  ['ADM-CID', '1137 01 000'],
  ['SIA-DCS', 'Nri1/PA04'],
];

/** The index-th panel message; malformed ones alternate a bad CRC and a timestamp 2 minutes old. */
function panelMessage(target: Dc09Target, index: number, malformed: boolean): { frame: Buffer; key?: Buffer } {
  const useEncrypted = target.encrypted && (!target.account || index % 2 === 1);
  const account = useEncrypted ? (target.encrypted?.account as string) : (target.account as string);
  const key = useEncrypted ? target.encrypted?.key : undefined;
  const [token, content] = panelContents[index % panelContents.length] as readonly ['SIA-DCS' | 'ADM-CID', string];
  const stale = malformed && index % 2 === 1;
  const message: PanelMessage = { token, sequence: index + 1, line: target.line, account, content, at: new Date(Date.now() - (stale ? 120_000 : 0)) };
  if (target.receiver) message.receiver = target.receiver;
  if (key) message.key = key;
  return { frame: panelFrame(message, { corruptCrc: malformed && !stale }), ...(key ? { key } : {}) };
}

const outcomeOf = (answer: string | null, key?: Buffer): Outcome => {
  const token = answer === null ? null : answerToken(answer, key);
  if (token === 'ACK' || token === '*ACK') return 'acknowledged';
  return token === 'NAK' || token === 'DUH' ? 'refused' : 'failed';
};

export async function dc09TcpSender(target: Dc09Target): Promise<Sender> {
  let socket: Socket | null = null;
  let buffered = '';
  let waiting: ((answer: string | null) => void) | null = null;
  const open = async () => {
    const next = connect({ host: target.host, port: target.port });
    await new Promise<void>((resolve, reject) => next.once('connect', resolve).once('error', reject));
    next.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r');
      if (end >= 0) {
        const answer = buffered.slice(0, end + 1);
        buffered = buffered.slice(end + 1);
        waiting?.(answer);
      }
    });
    next.on('error', () => undefined);
    next.on('close', () => {
      socket = null;
      waiting?.(null);
    });
    socket = next;
    return next;
  };
  await open();
  return {
    channel: 'dc09-tcp',
    send: async (index, malformed) => {
      const { frame, key } = panelMessage(target, index, malformed);
      try {
        const current = socket ?? (await open());
        const answer = await new Promise<string | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), timeoutMs);
          waiting = (value) => {
            clearTimeout(timer);
            waiting = null;
            resolve(value);
          };
          current.write(frame);
        });
        return outcomeOf(answer, key);
      } catch {
        return 'failed';
      }
    },
    close: async () => {
      socket?.destroy();
    },
  };
}

export async function dc09UdpSender(target: Dc09Target): Promise<Sender> {
  const socket: UdpSocket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
  let waiting: ((answer: string | null) => void) | null = null;
  socket.on('message', (answer) => waiting?.(answer.toString('latin1')));
  socket.on('error', () => waiting?.(null));
  return {
    channel: 'dc09-udp',
    send: async (index, malformed) => {
      const { frame, key } = panelMessage(target, index, malformed);
      const answer = await new Promise<string | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        waiting = (value) => {
          clearTimeout(timer);
          waiting = null;
          resolve(value);
        };
        socket.send(frame, target.port, target.host);
      });
      return outcomeOf(answer, key);
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
