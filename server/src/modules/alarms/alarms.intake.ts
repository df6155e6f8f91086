// Intake of alarms, whatever the channel (webhook, MQTT, technical events): one transaction
// stores the receipt as received and creates, folds or restores its alarm, with its audit row;
// the caller acknowledges the sender only once it returns. The unique index on (source, sender's
// event id) makes a resent message a duplicate answered with the first one's alarm, never a
// second row. Bad input is refused with `alarm_payload_invalid`, counted and logged.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import { alarmTypes, foldKey, priorities, type AlarmState } from './alarms.catalogue.ts';
import type { AlarmChanged } from './alarms.events.ts';
import type { AlarmRow, AlarmsRepository, SourceRow } from './alarms.repository.ts';
import { alarmPayloadSchema, maxPayloadBytes, type AlarmPayload, type IntakeResult } from './alarms.schemas.ts';
import './alarms.events.ts';

export type IntakeChannel = 'webhook' | 'mqtt' | 'technical' | 'dc09' | 'cap';

/** What intake needs of the sites module: a site named by a sender must exist in the source's commune. */
export interface AlarmSites {
  communeOf(handle: AnyHandle, siteId: string): Promise<string | null>;
}

export interface IntakeOptions {
  /** Repeats of one (source, type, site/zone) within this time of the previous one fold into one alarm. */
  foldWindowMs: number;
}

export interface IntakeCounters {
  accepted: number;
  duplicates: number;
  rejected: Record<string, number>;
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
const dummyHash = hashToken('no such source');

export function invalidPayload(reason: string): DomainError {
  return new DomainError('alarm_payload_invalid', { fr: `Alarme refusée : ${reason}.`, en: `Alarm refused: ${reason}.`, details: { reason } });
}

/** A payload (JSON text or parsed body) checked against the documented schema. */
export function parsePayload(input: unknown): AlarmPayload {
  let value = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const text = Buffer.isBuffer(input) ? input.toString('utf8') : input;
    if (Buffer.byteLength(text) > maxPayloadBytes) throw invalidPayload(`over ${maxPayloadBytes} bytes`);
    try {
      value = JSON.parse(text);
    } catch {
      throw invalidPayload('not JSON');
    }
  }
  const parsed = alarmPayloadSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidPayload(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; '));
}

const sourceActor = (source: SourceRow): Actor => ({ type: 'system', id: source.id, login: `source:${source.id}` });

export class AlarmIntake {
  readonly counters: IntakeCounters = { accepted: 0, duplicates: 0, rejected: {} };

  constructor(
    private readonly repository: AlarmsRepository,
    private readonly deps: { audit: AuditApi; clock: Clock; events: EventBus; sites: AlarmSites; log?: ProcessLog },
    private readonly options: IntakeOptions,
  ) {}

  private get log(): ProcessLog {
    return this.deps.log ?? silentLog;
  }

  /** The webhook's (or CAP push's) source, if the bearer token is its own (compared as SHA-256 digests, in constant time). */
  async authenticate(sourceId: string, authorization: string | undefined, kind: 'webhook' | 'cap' = 'webhook'): Promise<SourceRow> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    const source = await this.repository.source(sourceId);
    const expected = Buffer.from(source?.kind === kind && source.token_hash ? source.token_hash : dummyHash, 'hex');
    const given = Buffer.from(hashToken(token), 'hex');
    if (source?.kind !== kind || !source.token_hash || token === '' || !timingSafeEqual(expected, given)) {
      throw new DomainError('alarm_source_unauthenticated');
    }
    if (source.enabled !== 1) throw new DomainError('alarm_source_disabled');
    return source;
  }

  /** Counts and logs a refusal (any channel); never throws. */
  rejected(channel: IntakeChannel, sourceId: string | null, error: unknown): void {
    const code = error instanceof DomainError ? error.code : 'internal_error';
    const key = `${channel}:${code}`;
    this.counters.rejected[key] = (this.counters.rejected[key] ?? 0) + 1;
    this.log.warn({ channel, sourceId, code, reason: error instanceof Error ? error.message : String(error) }, 'alarm intake refused');
  }

  /**
   * Stores one message of `source` durably and returns once committed. `communeInsee`: the
   * technical source's alarms take the commune of their event; others that of their source.
   */
  async receive(
    source: SourceRow,
    message: { channel: IntakeChannel; payload: AlarmPayload; raw: string; communeInsee?: string | null; foldForever?: boolean },
  ): Promise<IntakeResult> {
    const { payload } = message;
    if (Buffer.byteLength(message.raw) > maxPayloadBytes) throw invalidPayload(`over ${maxPayloadBytes} bytes`);
    const communeInsee = message.communeInsee !== undefined ? message.communeInsee : source.commune_insee;
    const changed: AlarmChanged[] = [];
    try {
      const result = await this.repository.transaction(async (trx) => {
        const existing = await this.repository.receiptOf(source.id, payload.eventId, trx);
        if (existing) return { receiptId: existing.id, alarmId: existing.alarm_id, outcome: existing.outcome, duplicate: true } as IntakeResult;
        if (payload.siteId && (await this.deps.sites.communeOf(trx, payload.siteId)) !== communeInsee) {
          throw invalidPayload(`site ${payload.siteId} is not a site of commune ${communeInsee ?? '(none)'}`);
        }
        const now = this.deps.clock.now().toISOString();
        const key = { sourceId: source.id, type: payload.type, foldKey: foldKey(payload.siteId ?? null, payload.zone ?? null) };
        const actor = sourceActor(source);
        let alarmId: string | null = null;
        let outcome: IntakeResult['outcome'];
        if (payload.event === 'restore') {
          const target = await this.repository.restoreTarget(trx, key);
          if (target) {
            alarmId = target.id;
            outcome = 'restored';
            await this.repository.updateAlarm(trx, target.id, { restored_at: payload.occurredAt ?? now, updated_at: now });
            changed.push({ alarmId, communeInsee: target.commune_insee, state: target.state as AlarmState, change: 'restored' });
          } else outcome = 'restore_unmatched';
          await this.deps.audit.record(trx, actor, {
            action: target ? 'alarm.restored' : 'alarm.restore_unmatched',
            communeInsee,
            targetType: 'alarm',
            targetId: alarmId,
            details: { sourceId: source.id, eventId: payload.eventId, type: payload.type, channel: message.channel },
          });
        } else {
          const since = message.foldForever ? '' : new Date(Date.parse(now) - this.options.foldWindowMs).toISOString();
          const target = await this.repository.foldTarget(trx, key, since);
          if (target) {
            alarmId = target.id;
            outcome = 'folded';
            await this.fold(trx, target, payload, now);
            changed.push({ alarmId, communeInsee: target.commune_insee, state: target.state as AlarmState, change: 'folded' });
          } else {
            alarmId = randomUUID();
            outcome = 'created';
            await this.repository.insertAlarm(trx, this.newAlarm(alarmId, source, communeInsee, key.foldKey, payload, now));
            changed.push({ alarmId, communeInsee, state: 'new', change: 'created' });
          }
          await this.deps.audit.record(trx, actor, {
            action: target ? 'alarm.repeated' : 'alarm.received',
            communeInsee,
            targetType: 'alarm',
            targetId: alarmId,
            details: { sourceId: source.id, eventId: payload.eventId, type: payload.type, channel: message.channel },
          });
        }
        const receiptId = randomUUID();
        await this.repository.insertReceipt(trx, {
          id: receiptId,
          source_id: source.id,
          sender_event_id: payload.eventId,
          alarm_id: alarmId,
          event: payload.event ?? 'alarm',
          outcome,
          channel: message.channel,
          received_at: now,
          raw_payload: message.raw,
        });
        return { receiptId, alarmId, outcome, duplicate: false } as IntakeResult;
      });
      if (result.duplicate) this.counters.duplicates++;
      else this.counters.accepted++;
      for (const event of result.duplicate ? [] : changed) this.deps.events.emit('alarm.changed', event);
      return result;
    } catch (error) {
      // The same event id committed by a concurrent delivery: answered as the duplicate it is.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.repository.receiptOf(source.id, payload.eventId);
      if (!existing) throw error;
      this.counters.duplicates++;
      return { receiptId: existing.id, alarmId: existing.alarm_id, outcome: existing.outcome as IntakeResult['outcome'], duplicate: true };
    }
  }

  private newAlarm(id: string, source: SourceRow, communeInsee: string | null, key: string, payload: AlarmPayload, now: string): AlarmRow {
    const type = alarmTypes[payload.type];
    return {
      id,
      source_id: source.id,
      commune_insee: communeInsee,
      type: payload.type,
      priority: priorities[payload.priority ?? type.priority],
      state: 'new',
      site_id: payload.siteId ?? null,
      zone: payload.zone ?? null,
      fold_key: key,
      title: payload.title ?? type.fr,
      latitude: payload.position?.latitude ?? null,
      longitude: payload.position?.longitude ?? null,
      camera_ids: JSON.stringify([...new Set(payload.cameraIds ?? [])]),
      count: 1,
      occurred_at: payload.occurredAt ? new Date(payload.occurredAt).toISOString() : now,
      first_received_at: now,
      last_received_at: now,
      restored_at: null,
      taken_at: null,
      taken_by: null,
      acknowledged_at: null,
      acknowledged_by: null,
      started_at: null,
      started_by: null,
      closed_at: null,
      closed_by: null,
      outcome: null,
      comment: null,
      updated_at: now,
      escalated_at: null,
      escalation_level: 0,
    };
  }

  /** A repeat: one more, the latest time, the most urgent priority, the cameras of both (at most 32), the latest position. */
  private async fold(trx: AnyHandle, target: AlarmRow, payload: AlarmPayload, now: string): Promise<void> {
    const cameras = [...new Set([...(JSON.parse(target.camera_ids) as string[]), ...(payload.cameraIds ?? [])])].slice(0, 32);
    const priority = Math.min(target.priority, priorities[payload.priority ?? alarmTypes[payload.type].priority]);
    await this.repository.updateAlarm(trx, target.id, {
      count: target.count + 1,
      last_received_at: now,
      priority,
      camera_ids: JSON.stringify(cameras),
      latitude: payload.position?.latitude ?? target.latitude,
      longitude: payload.position?.longitude ?? target.longitude,
      updated_at: now,
    });
  }
}
