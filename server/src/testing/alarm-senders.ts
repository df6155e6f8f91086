// Alarm senders that behave as real ones do, for the burst test (kill -9 mid-burst) and
// `./vigie bench alarms`: each alarm `index` is resent until it is acknowledged (the webhook and
// CAP push until a 2xx, DC-09 over TCP or UDP until its ACK; MQTT QoS 1 until the broker's
// PUBACK, from a persistent session), with a deadline. Every alarm carries a zone of its own
// (`zoneOf(index)`, as the alarm view shows it) so that none folds into another and a reader of
// the operators' WebSocket can match what it receives to what was sent. Loopback only.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { answerToken, panelFrame } from '../../../simulator/src/alarms/dc09.ts';
import { capDocument } from '../../../simulator/src/alarms/senders.ts';

export interface RetryingSender {
  readonly channel: string;
  /** The alarm's zone as the server stores it (docs/alarms.md: DC-09 zones are `#<account> zone <zone>`). */
  zoneOf(index: number): string;
  /** Sends alarm `index` until acknowledged; resolves with the attempts it took (throws past the deadline). */
  send(index: number): Promise<number>;
  close(): Promise<void>;
}

interface SenderOptions {
  /** Give up on one alarm after this long (default 30 s). */
  deadlineMs?: number;
  /** How long to wait for one answer before resending (default 1 s). */
  answerTimeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  retryPauseMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function untilAcknowledged(options: SenderOptions, what: string, attempt: () => Promise<boolean>): Promise<number> {
  const deadline = Date.now() + (options.deadlineMs ?? 30_000);
  for (let attempts = 1; ; attempts++) {
    if (await attempt().catch(() => false)) return attempts;
    if (Date.now() > deadline) throw new Error(`${what}: not acknowledged after ${attempts} attempts`);
    await sleep(options.retryPauseMs ?? 100);
  }
}

const jsonAlarm = (eventId: string, zone: string) => JSON.stringify({ eventId, type: 'pti_sos', zone, priority: 'low', details: { burst: true } });

async function postOk(url: string, token: string, contentType: string, body: string, timeoutMs: number): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer();
  return response.ok;
}

/** The webhook (`POST /api/alarms/intake/:sourceId`): resends on no 2xx or a connection error. */
export function webhookRetryingSender(target: { url: string; sourceId: string; token: string; run: string }, options: SenderOptions = {}): RetryingSender {
  const url = `${target.url}/api/alarms/intake/${target.sourceId}`;
  const zoneOf = (index: number) => `${target.run}-webhook-${index}`;
  return {
    channel: 'webhook',
    zoneOf,
    send: (index) =>
      untilAcknowledged(options, `webhook ${index}`, () =>
        postOk(url, target.token, 'application/json', jsonAlarm(`${target.run}-webhook-${index}`, zoneOf(index)), options.answerTimeoutMs ?? 2000),
      ),
    close: async () => undefined,
  };
}

/** CAP 1.2 pushed over HTTP; the alarm's zone is the area's description. */
export function capRetryingSender(
  target: { url: string; sourceId: string; token: string; run: string; insee: string },
  options: SenderOptions = {},
): RetryingSender {
  const url = `${target.url}/api/alarms/cap/${target.sourceId}`;
  const zoneOf = (index: number) => `${target.run}-cap-${index}`;
  const document = (index: number) =>
    capDocument(index, target.insee)
      .replace(/<identifier>[^<]*</, `<identifier>${target.run}-cap-${index}<`)
      .replace(/<areaDesc>[^<]*</, `<areaDesc>${zoneOf(index)}<`);
  return {
    channel: 'cap',
    zoneOf,
    send: (index) => {
      // One document per alert, resent as it is: its (sender, identifier, sent) names it.
      const body = document(index);
      return untilAcknowledged(options, `CAP ${index}`, () => postOk(url, target.token, 'application/cap+xml', body, options.answerTimeoutMs ?? 2000));
    },
    close: async () => undefined,
  };
}

/** MQTT QoS 1 from a persistent session (clean start off): mqtt.js resends what the broker did not PUBACK. */
export async function mqttRetryingSender(
  target: { brokerUrl: string; topic: string; clientId: string; run: string },
  options: SenderOptions = {},
): Promise<RetryingSender> {
  const client: MqttClient = await mqtt.connectAsync(target.brokerUrl, {
    clientId: target.clientId,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: 300 },
    reconnectPeriod: 200,
  });
  const zoneOf = (index: number) => `${target.run}-mqtt-${index}`;
  return {
    channel: 'mqtt',
    zoneOf,
    send: (index) =>
      untilAcknowledged(options, `MQTT ${index}`, async () => {
        await client.publishAsync(target.topic, jsonAlarm(`${target.run}-mqtt-${index}`, zoneOf(index)), { qos: 1 });
        return true;
      }),
    close: () => client.endAsync(),
  };
}

/** Ends the broker's persistent sessions of these client ids (what the broker still queues for them is dropped). */
export async function forgetMqttSessions(brokerUrl: string, clientIds: string[]): Promise<void> {
  for (const clientId of clientIds) {
    const client = await mqtt.connectAsync(brokerUrl, {
      clientId,
      clean: true,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 0 },
      reconnectPeriod: 0,
    });
    await client.endAsync();
  }
}

/** The SIA-DCS message of alarm `index` (a burglary alarm, zone = index in 4 hex digits); its timestamp is kept across resends. */
function panelAlarm(account: string, index: number, at: Date): Buffer {
  const zone = index.toString(16).toUpperCase().padStart(4, '0');
  return panelFrame({ token: 'SIA-DCS', sequence: (index % 9999) + 1, line: '0', account, content: `Nri1/BA${zone}`, at });
}
const panelZone = (account: string, index: number) => `#${account} zone ${index.toString(16).toUpperCase().padStart(4, '0')}`;

/** Waits for the next answer (ending with CR) on a connection; null on timeout or close. */
function answerOn(socket: Socket, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    let buffered = '';
    const done = (answer: string | null) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r');
      if (end >= 0) done(buffered.slice(0, end + 1));
    };
    const onClose = () => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** A pool of TCP connections, each carrying one message at a time (a panel waits for its ACK); a lost connection is reopened. */
export function dc09TcpRetryingSender(
  target: { host: string; port: number; account: string; connections: number },
  options: SenderOptions = {},
): RetryingSender {
  const idle: Socket[] = [];
  const open = new Set<Socket>();
  let opened = 0;
  const waiting: Array<(socket: Socket | null) => void> = [];
  const acquire = async (): Promise<Socket> => {
    const ready = idle.pop();
    if (ready) return ready;
    if (opened >= target.connections) {
      const handed = await new Promise<Socket | null>((resolve) => waiting.push(resolve));
      if (handed) return handed;
    }
    opened++;
    try {
      const socket = connect({ host: target.host, port: target.port });
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.on('error', () => undefined);
      open.add(socket);
      return socket;
    } catch (error) {
      opened--;
      waiting.shift()?.(null);
      throw error;
    }
  };
  const release = (socket: Socket, healthy: boolean) => {
    if (!healthy) {
      socket.destroy();
      open.delete(socket);
      opened--;
      waiting.shift()?.(null);
      return;
    }
    const next = waiting.shift();
    if (next) next(socket);
    else idle.push(socket);
  };
  return {
    channel: 'dc09-tcp',
    zoneOf: (index) => panelZone(target.account, index),
    send: (index) => {
      const frame = panelAlarm(target.account, index, new Date());
      return untilAcknowledged(options, `DC-09 TCP ${index}`, async () => {
        const socket = await acquire();
        const answer = answerOn(socket, options.answerTimeoutMs ?? 1000);
        socket.write(frame);
        const acknowledged = answerToken((await answer) ?? '') === 'ACK';
        release(socket, acknowledged);
        return acknowledged;
      });
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      for (const resolve of waiting.splice(0)) resolve(null);
    },
  };
}

/** DC-09 over UDP: one socket per message in flight (the answer comes back to its port); resent on no ACK. */
export function dc09UdpRetryingSender(target: { host: string; port: number; account: string }, options: SenderOptions = {}): RetryingSender {
  const exchange = (frame: Buffer) =>
    new Promise<boolean>((resolve) => {
      const socket: UdpSocket = createSocket('udp4');
      let finished = false;
      const done = (acknowledged: boolean) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        socket.close();
        resolve(acknowledged);
      };
      const timer = setTimeout(() => done(false), options.answerTimeoutMs ?? 1000);
      socket.on('message', (answer) => done(answerToken(answer.toString('latin1')) === 'ACK'));
      socket.on('error', () => done(false));
      socket.send(frame, target.port, target.host);
    });
  return {
    channel: 'dc09-udp',
    zoneOf: (index) => panelZone(target.account, index),
    send: (index) => {
      const frame = panelAlarm(target.account, index, new Date());
      return untilAcknowledged(options, `DC-09 UDP ${index}`, () => exchange(frame));
    },
    close: async () => undefined,
  };
}

/** Sends alarms `from` to `from + count - 1`, at most `concurrency` at once; resolves with the total attempts. */
export async function sendAll(sender: RetryingSender, from: number, count: number, concurrency: number): Promise<number> {
  let next = from;
  let attempts = 0;
  const lane = async () => {
    while (next < from + count) {
      const took = await sender.send(next++);
      attempts += took;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return attempts;
}
