// MQTT intake (docs/alarms.md "MQTT"): Vigie is a client of the centre's broker, subscribed at
// QoS 1 to `<prefix>/<insee>/<sourceId>/alarm`, with a persistent session (MQTT 5, clean start
// off, a session expiry) under a fixed client id. Each message is acknowledged (PUBACK) only
// once its alarm is committed: mqtt.js sends the PUBACK when `customHandleAcks`' callback is
// called, so a crash or a failed commit leaves the message unacknowledged and the broker
// delivers it again when Vigie reconnects. A failed commit drops the connection at once so that
// the redelivery comes now. A refused message (unknown topic or source, bad payload) is counted,
// logged and acknowledged with an MQTT 5 reason code (135 not authorised, 153 payload format
// invalid), so that it is not redelivered forever. mqtt.js handles a connection's packets one
// at a time: a slow commit delays that connection's next messages, never loses them.
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { DomainError } from '../../platform/errors.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import { parsePayload, type AlarmIntake } from './alarms.intake.ts';
import type { AlarmsRepository } from './alarms.repository.ts';

export interface MqttIntakeConfig {
  /** mqtt://host:1883 or mqtts://host:8883 (TLS). */
  url: string;
  username: string | null;
  /** From the environment, or read from `passwordFile` at each connection. */
  password: string | null;
  passwordFile: string | null;
  /** CA certificate (PEM) for mqtts:// to a broker with a private certificate. */
  caFile: string | null;
  /** Fixed: the broker keeps this client's session (and its unacknowledged messages) across restarts. */
  clientId: string;
  topicPrefix: string;
  /** The broker keeps the session this long after a disconnection (s). */
  sessionExpirySeconds: number;
  reconnectMs: number;
  /** 5 (default); 4 (MQTT 3.1.1) for the demo's embedded broker, which has no MQTT 5: the session persists without expiry, PUBACKs carry no reason code. */
  protocolVersion?: 4 | 5;
}

/** MQTT 5 reason codes of a PUBACK. */
const reasonCodes = { success: 0, notAuthorised: 135, payloadFormatInvalid: 153 } as const;

export interface MqttIntakeStatus {
  configured: boolean;
  connected: boolean;
  lastError: string | null;
}

export class MqttIntake {
  private client: MqttClient | null = null;
  private lastError: string | null = null;
  /** A test's hook: called before each commit (throwing there is a failed commit). */
  beforeCommit: ((topic: string) => void | Promise<void>) | null = null;

  constructor(
    private readonly intake: AlarmIntake,
    private readonly repository: AlarmsRepository,
    private readonly config: MqttIntakeConfig | null,
    private readonly log: ProcessLog = silentLog,
  ) {}

  status(): MqttIntakeStatus {
    return { configured: this.config !== null, connected: this.client?.connected ?? false, lastError: this.lastError };
  }

  /** Connects and subscribes (nothing when no broker is configured); resolves once subscribed or on the first failure. */
  start(): Promise<void> {
    const config = this.config;
    if (!config || this.client) return Promise.resolve();
    const options: IClientOptions = {
      protocolVersion: config.protocolVersion ?? 5,
      clientId: config.clientId,
      clean: false,
      ...(config.protocolVersion === 4 ? {} : { properties: { sessionExpiryInterval: config.sessionExpirySeconds } }),
      reconnectPeriod: config.reconnectMs,
      connectTimeout: 10_000,
      customHandleAcks: (topic, message, _packet, done) => this.settle(topic, message, done),
    };
    if (config.username) options.username = config.username;
    const password = config.password ?? (config.passwordFile ? readFileSync(config.passwordFile, 'utf8').trim() : null);
    if (password) options.password = password;
    if (config.caFile) options.ca = readFileSync(config.caFile);
    const client = mqtt.connect(config.url, options);
    // MQTT 3.1.1: mqtt.js has no customHandleAcks there; the PUBACK leaves when handleMessage's callback is called.
    if (config.protocolVersion === 4)
      client.handleMessage = (packet, callback) =>
        this.settle(packet.topic, packet.payload as Buffer, (result) => (typeof result === 'number' ? callback() : callback(result)));
    this.client = client;
    return new Promise((resolve) => {
      let settled = false;
      const settle = () => {
        if (!settled) resolve();
        settled = true;
      };
      client.on('error', (error) => {
        this.lastError = error.message;
        this.log.warn({ error: error.message }, 'alarm MQTT intake: client error');
        settle();
      });
      client.on('connect', () => {
        this.lastError = null;
        client.subscribe(`${config.topicPrefix}/+/+/alarm`, { qos: 1 }, (error) => {
          if (error) {
            this.lastError = error.message;
            this.log.warn({ error: error.message }, 'alarm MQTT intake: subscription refused');
          }
          settle();
        });
      });
    });
  }

  /** Handles one message and then acknowledges it (`done(code)`), or not at all (`done(error)`, then a new connection). */
  private settle(topic: string, message: Buffer, done: (result: number | Error) => void): void {
    this.handle(topic, message).then(
      (code) => done(code),
      (error: unknown) => {
        // Not stored: no PUBACK, and a new connection so that the broker delivers it again now.
        this.intake.rejected('mqtt', null, error);
        done(error instanceof Error ? error : new Error(String(error)));
        this.client?.stream?.destroy();
      },
    );
  }

  /** Disconnects; `force` drops the connection at once (what a crash does), leaving unacknowledged messages to the broker. */
  async stop(force = false): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await new Promise<void>((resolve) => client.end(force, {}, () => resolve()));
  }

  /** One message: the reason code of its PUBACK, or a rejection (not stored: no PUBACK). */
  private async handle(topic: string, message: Buffer): Promise<number> {
    const parts = topic.split('/');
    const [insee, sourceId, leaf] = parts.slice(-3);
    const prefix = parts.slice(0, -3).join('/');
    if (!this.config || prefix !== this.config.topicPrefix || leaf !== 'alarm' || !insee || !sourceId) {
      this.intake.rejected('mqtt', null, new DomainError('alarm_source_unauthenticated', { en: `unexpected topic ${topic}` }));
      return reasonCodes.notAuthorised;
    }
    const source = await this.repository.source(sourceId);
    if (source?.kind !== 'mqtt' || source.commune_insee !== insee || source.enabled !== 1) {
      this.intake.rejected('mqtt', sourceId, new DomainError(source?.enabled === 0 ? 'alarm_source_disabled' : 'alarm_source_unauthenticated'));
      return reasonCodes.notAuthorised;
    }
    let payload: ReturnType<typeof parsePayload>;
    try {
      payload = parsePayload(message);
    } catch (error) {
      this.intake.rejected('mqtt', sourceId, error);
      return reasonCodes.payloadFormatInvalid;
    }
    await this.beforeCommit?.(topic);
    try {
      await this.intake.receive(source, { channel: 'mqtt', payload, raw: message.toString('utf8') });
    } catch (error) {
      // A site of another commune is bad input; anything else (the database) is a failed commit.
      if (error instanceof DomainError && error.code === 'alarm_payload_invalid') {
        this.intake.rejected('mqtt', sourceId, error);
        return reasonCodes.payloadFormatInvalid;
      }
      throw error;
    }
    return reasonCodes.success;
  }
}
