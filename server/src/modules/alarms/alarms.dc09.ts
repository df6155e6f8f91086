// SIA DC-09 intake (docs/alarms.md "SIA DC-09"): one frame in, one answer out, whatever the
// transport (alarms.dc09.listener.ts). The account (line prefix + account number) names a
// `dc09` source, its commune and site; its key (sealed at rest) decrypts encrypted messages. A
// message is answered ACK only once what it says is committed: each alarm or restoral through
// AlarmIntake (its event id is the account, sequence, timestamp and position, so that the
// receipt is unique), then the message itself, whose (account, sequence, timestamp) is unique: a
// resend after a lost ACK is acknowledged again and stored once. Bad frames get NAK or DUH as the
// standard says (alarms.dc09.frame.ts), are counted (`dc09:<code>`) and logged, never thrown.
// Supervision: a supervised account silent past its interval plus the grace raises
// `supervision_lost`; its next message restores it.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditApi } from '../audit/index.ts';
import type { AlarmIntake } from './alarms.intake.ts';
import type { AlarmsRepository, SourceRow } from './alarms.repository.ts';
import type { AlarmPayload } from './alarms.schemas.ts';
import { parseEvents, type Dc09Event } from './alarms.dc09.codes.ts';
import {
  ackFrame,
  Dc09Error,
  duhFrame,
  nakFrame,
  parseFrame,
  parseKey,
  timestampInWindow,
  type Dc09Header,
  type Dc09Message,
  type Dc09Refusal,
} from './alarms.dc09.frame.ts';
import type { Dc09AccountRow, Dc09Repository } from './alarms.dc09.repository.ts';

export type Dc09Transport = 'tcp' | 'udp';

export interface Dc09Answer {
  /** The frame to send back, or null when nothing is answered. */
  response: Buffer | null;
  /** `ack`, `nak`, `duh`, or the outcome of a duplicate (`ack` as well). */
  kind: 'ack' | 'nak' | 'duh';
  /** The refusal's code, when refused. */
  code: string | null;
  duplicate: boolean;
}

export interface Dc09Counters {
  accepted: number;
  duplicates: number;
  /** Per refusal code (`dc09_bad_crc`, ...). */
  rejected: Record<string, number>;
}

const compactIso = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const noTimestampSlotMs = 10 * 60_000;

export class Dc09Intake {
  readonly counters: Dc09Counters = { accepted: 0, duplicates: 0, rejected: {} };

  constructor(
    private readonly intake: AlarmIntake,
    private readonly alarms: AlarmsRepository,
    private readonly repository: Dc09Repository,
    private readonly deps: { audit: AuditApi; clock: Clock; secrets: SecretBox; log?: ProcessLog; supervisionGraceMs: number },
  ) {}

  private get log(): ProcessLog {
    return this.deps.log ?? silentLog;
  }

  /** Counts and logs a refusal, and returns its answer. Also counted with the other channels' refusals. */
  private refuse(
    refusal: Dc09Refusal | { code: 'dc09_unknown_code' | 'dc09_source_disabled'; response: 'duh' },
    header: Dc09Header | null,
    detail: string,
  ): Dc09Answer {
    this.counters.rejected[refusal.code] = (this.counters.rejected[refusal.code] ?? 0) + 1;
    const key = `dc09:${refusal.code}`;
    this.intake.counters.rejected[key] = (this.intake.counters.rejected[key] ?? 0) + 1;
    this.log.warn({ channel: 'dc09', code: refusal.code, account: header?.account ?? null, line: header?.line ?? null, detail }, 'alarm intake refused');
    const response = refusal.response === 'nak' ? nakFrame(this.deps.clock.now()) : duhFrame(header);
    return { response, kind: refusal.response, code: refusal.code, duplicate: false };
  }

  private keyOf(account: Dc09AccountRow | undefined): Buffer | null {
    if (!account?.key_sealed) return null;
    try {
      return parseKey(this.deps.secrets.decrypt(account.key_sealed));
    } catch {
      return null;
    }
  }

  /** One frame (LF ... CR): its answer. Never throws for bad input; a failed commit throws (no ACK: the panel resends). */
  async handle(frameBytes: Buffer, transport: Dc09Transport): Promise<Dc09Answer> {
    const text = frameBytes.toString('latin1');
    const number = /"\*?[A-Z-]+"\d{4}(?:R[0-9A-F]{1,6})?L([0-9A-F]{1,6})#([0-9A-F]{3,16})\[/.exec(text);
    const account = number ? await this.repository.accountByNumber(number[1] as string, number[2] as string) : undefined;
    const key = this.keyOf(account);
    let message: Dc09Message;
    try {
      message = parseFrame(frameBytes, () => key);
    } catch (error) {
      if (error instanceof Dc09Error) return this.refuse(error.refusal, error.header, error.message);
      throw error;
    }
    const now = this.deps.clock.now();
    if (!timestampInWindow(message.timestamp, now)) {
      return this.refuse({ code: 'dc09_stale_timestamp', response: 'nak' }, message, `timestamp ${message.timestamp?.toISOString()}`);
    }
    if (!account) return this.refuse({ code: 'dc09_unknown_account', response: 'duh' }, message, 'no such account');
    if (!message.encrypted && key) return this.refuse({ code: 'dc09_bad_key', response: 'duh' }, message, 'plain message on an encrypted account');
    const source = await this.alarms.source(account.source_id);
    if (source?.kind !== 'dc09' || source.enabled !== 1) return this.refuse({ code: 'dc09_source_disabled', response: 'duh' }, message, 'source disabled');
    const events = message.token === 'NULL' ? [] : parseEvents(message.token, message.data);
    if (!events)
      return this.refuse({ code: 'dc09_unknown_code', response: 'duh' }, message, message.encrypted ? 'encrypted data' : `data ${message.data.slice(0, 64)}`);
    const ack = (duplicate: boolean): Dc09Answer => ({ response: ackFrame(message, this.deps.clock.now(), key), kind: 'ack', code: null, duplicate });
    await this.restoreSupervision(source, account, now);
    await this.repository.updateAccount(account.id, { last_seen_at: now.toISOString() });
    // NULL: a link test; it only proves the panel is alive.
    if (message.token === 'NULL') return ack(false);
    const sentAt = message.timestamp ? message.timestamp.toISOString() : `none:${Math.floor(now.getTime() / noTimestampSlotMs)}`;
    if (await this.repository.message(account.id, message.sequence, sentAt)) {
      this.counters.duplicates++;
      return ack(true);
    }
    const raw = text.replace(/^\n|\r$/g, '');
    const eventBase = `dc09:${account.line}:${account.account}:${message.sequence}:${message.timestamp ? compactIso(message.timestamp) : sentAt.replace(':', '-')}`;
    let alarms = 0;
    for (const [index, event] of events.entries()) {
      if (event.kind !== 'alarm' && event.kind !== 'restore') continue;
      const payload = this.payload(`${eventBase}:${index}`, event, account, message, transport);
      // The receipt keeps the frame as received and what it said (an encrypted frame's data decrypted).
      await this.intake.receive(source, { channel: 'dc09', payload, raw: JSON.stringify({ frame: raw, ...payload.details }) });
      alarms++;
    }
    const token = `${message.encrypted ? '*' : ''}${message.token}`;
    try {
      await this.alarms.transaction(async (trx) => {
        await this.repository.insertMessage(
          {
            id: randomUUID(),
            account_id: account.id,
            sequence: message.sequence,
            sent_at: sentAt,
            token,
            events: JSON.stringify(events),
            received_at: now.toISOString(),
            raw,
          },
          trx,
        );
        // Alarms are audited by the intake; a message with none (tests, openings, status) is audited here.
        if (alarms === 0) {
          await this.deps.audit.record(
            trx,
            { type: 'system', id: source.id, login: `source:${source.id}` },
            {
              action: 'alarm.dc09_receipt',
              communeInsee: source.commune_insee,
              targetType: 'alarm_dc09_account',
              targetId: account.id,
              details: { sequence: message.sequence, token, codes: events.map((event) => event.code), transport },
            },
          );
        }
      });
    } catch (error) {
      // The same message committed by a concurrent delivery (TCP and UDP at once): a duplicate.
      if (!isUniqueViolation(error)) throw error;
      this.counters.duplicates++;
      return ack(true);
    }
    this.counters.accepted++;
    return ack(false);
  }

  private payload(eventId: string, event: Dc09Event, account: Dc09AccountRow, message: Dc09Message, transport: Dc09Transport): AlarmPayload {
    const payload: AlarmPayload = {
      eventId,
      type: event.type ?? 'intrusion',
      event: event.kind === 'restore' ? 'restore' : 'alarm',
      zone: event.zone ? `#${account.account} zone ${event.zone}` : `#${account.account}`,
      details: {
        protocol: message.token,
        code: event.code,
        account: account.account,
        line: account.line,
        sequence: message.sequence,
        partition: event.partition,
        transport,
        encrypted: message.encrypted,
        data: message.data.slice(0, 500),
      },
    };
    if (message.timestamp) payload.occurredAt = message.timestamp.toISOString();
    if (account.site_id) payload.siteId = account.site_id;
    return payload;
  }

  /** The panel spoke: a raised supervision alarm is restored (once, whatever the concurrency). */
  private async restoreSupervision(source: SourceRow, account: Dc09AccountRow, now: Date): Promise<void> {
    const lostAt = account.supervision_lost_at;
    if (!lostAt) return;
    await this.intake.receive(source, {
      channel: 'dc09',
      payload: {
        ...this.supervisionPayload(account, `dc09-supervision:${account.id}:${compactIso(new Date(lostAt))}:restore`),
        event: 'restore',
        occurredAt: now.toISOString(),
      },
      raw: JSON.stringify({ supervision: 'restored', account: account.account, line: account.line, at: now.toISOString() }),
    });
    await this.repository.moveSupervision(account.id, lostAt, null);
  }

  private supervisionPayload(account: Dc09AccountRow, eventId: string): AlarmPayload {
    const payload: AlarmPayload = {
      eventId,
      type: 'supervision_lost',
      zone: `#${account.account}`,
      details: { protocol: 'DC-09', account: account.account, line: account.line, supervisionSeconds: account.supervision_seconds },
    };
    if (account.site_id) payload.siteId = account.site_id;
    return payload;
  }

  /** The supervision job: each supervised account silent past its interval plus the grace raises `supervision_lost`. Returns how many. */
  async checkSupervision(): Promise<number> {
    const now = this.deps.clock.now();
    let raised = 0;
    for (const account of await this.repository.supervised()) {
      const last = Date.parse(account.last_seen_at ?? account.created_at);
      if (now.getTime() - last <= (account.supervision_seconds ?? 0) * 1000 + this.deps.supervisionGraceMs) continue;
      const source = await this.alarms.source(account.source_id);
      if (!source) continue;
      const lostAt = now.toISOString();
      await this.intake.receive(source, {
        channel: 'dc09',
        payload: { ...this.supervisionPayload(account, `dc09-supervision:${account.id}:${compactIso(now)}`), occurredAt: lostAt },
        raw: JSON.stringify({ supervision: 'lost', account: account.account, line: account.line, lastSeenAt: account.last_seen_at, at: lostAt }),
      });
      if (await this.repository.moveSupervision(account.id, null, lostAt)) raised++;
      this.log.warn({ channel: 'dc09', account: account.account, line: account.line, lastSeenAt: account.last_seen_at }, 'DC-09 supervision lost');
    }
    return raised;
  }
}
