// CAP 1.2 intake (docs/alarms.md "CAP 1.2"): one transaction stores the message under its
// (sender, identifier, sent) triple (unique: a resend, or the same alert through another source,
// is a duplicate), creates one alarm per matched commune of the centre for an Alert, applies an
// Update or Cancel to the alarms of the messages it references, keeps the document as received
// with each receipt, and audits each alarm; the caller answers the sender only once it returns.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import type { EventBus } from '../../platform/events.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import type { AlarmState } from './alarms.catalogue.ts';
import { type CentreSite, capAlarmType, capPosition, capPriority, capTitle, mainInfo, matchAreas } from './alarms.cap.areas.ts';
import type { CapRepository } from './alarms.cap.repository.ts';
import { type CapAlert, capKey, parseCap } from './alarms.cap.ts';
import type { AlarmChanged } from './alarms.events.ts';
import type { AlarmIntake } from './alarms.intake.ts';
import type { AlarmRow, AlarmsRepository, SourceRow } from './alarms.repository.ts';
import './alarms.events.ts';

/** What CAP intake needs of the centre: its communes and its sites with their coordinates. */
export interface CapCentre {
  communes(): Promise<string[]>;
  sites(): Promise<CentreSite[]>;
}

export type CapChannel = 'push' | 'feed';
export type CapOutcome = 'created' | 'updated' | 'cancelled' | 'reference_unmatched' | 'no_area_match' | 'ignored';
export interface CapResult {
  messageId: string;
  outcome: CapOutcome;
  alarmIds: string[];
  duplicate: boolean;
}

const sourceActor = (source: SourceRow): Actor => ({ type: 'system', id: source.id, login: `source:${source.id}` });
const locatable = (alert: CapAlert) =>
  alert.infos.some((info) => info.areas.some((area) => area.geocodes.length + area.polygons.length + area.circles.length > 0));

export class CapIntake {
  /** Messages stored without an alarm since the process started: located outside the centre, or referencing no known alert. */
  readonly reported = { no_area_match: 0, reference_unmatched: 0 };

  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly cap: CapRepository,
    private readonly intake: AlarmIntake,
    private readonly deps: { audit: AuditApi; clock: Clock; events: EventBus; centre: CapCentre; log?: ProcessLog },
  ) {}

  /** Parses, checks and stores one CAP document of `source`; `cap_invalid` (nothing stored, counted) when it breaks a rule. */
  async receive(source: SourceRow, text: string, channel: CapChannel): Promise<CapResult> {
    let alert: CapAlert;
    try {
      alert = parseCap(text);
    } catch (error) {
      this.intake.rejected('cap', source.id, error);
      throw error;
    }
    const changed: AlarmChanged[] = [];
    // Read before the transaction (SQLite has one connection): communes and sites change rarely.
    const centre = locatable(alert) ? await Promise.all([this.deps.centre.communes(), this.deps.centre.sites()]) : null;
    try {
      const result = await this.alarms.transaction(async (trx) => {
        const existing = await this.cap.message(alert, trx);
        if (existing)
          return { messageId: existing.id, outcome: existing.outcome as CapOutcome, alarmIds: JSON.parse(existing.alarm_ids) as string[], duplicate: true };
        const now = this.deps.clock.now().toISOString();
        const applied = await this.apply(trx, source, alert, centre, now, changed);
        const messageId = randomUUID();
        await this.cap.insertMessage(trx, {
          id: messageId,
          source_id: source.id,
          sender: alert.sender,
          identifier: alert.identifier,
          sent: alert.sent,
          msg_type: alert.msgType,
          status: alert.status,
          outcome: applied.outcome,
          alarm_ids: JSON.stringify(applied.alarmIds),
          channel,
          received_at: now,
        });
        const key = capKey(alert);
        const receiptsFor = applied.alarmIds.length > 0 ? applied.alarmIds : [null];
        for (const [index, alarmId] of receiptsFor.entries()) {
          await this.alarms.insertReceipt(trx, {
            id: randomUUID(),
            source_id: source.id,
            sender_event_id: index === 0 ? key : `${key}#${index}`,
            alarm_id: alarmId,
            event: alert.msgType === 'Cancel' ? 'cancel' : 'alarm',
            outcome: applied.outcome,
            channel: 'cap',
            received_at: now,
            raw_payload: text,
          });
        }
        if (applied.alarmIds.length === 0)
          await this.deps.audit.record(trx, sourceActor(source), {
            action: `alarm.cap.${applied.outcome}`,
            communeInsee: source.commune_insee,
            targetType: 'alarm_source',
            targetId: source.id,
            details: { cap: key, msgType: alert.msgType, status: alert.status, channel },
          });
        return { messageId, outcome: applied.outcome, alarmIds: applied.alarmIds, duplicate: false };
      });
      if (result.duplicate) this.intake.counters.duplicates++;
      else this.intake.counters.accepted++;
      if (!result.duplicate && (result.outcome === 'no_area_match' || result.outcome === 'reference_unmatched')) {
        this.reported[result.outcome]++;
        (this.deps.log ?? silentLog).warn(
          { sourceId: source.id, cap: capKey(alert), msgType: alert.msgType, outcome: result.outcome },
          'CAP message stored without alarm',
        );
      }
      for (const event of result.duplicate ? [] : changed) this.deps.events.emit('alarm.changed', event);
      return result;
    } catch (error) {
      // The same triple committed by a concurrent delivery (another source, a resend): answered as the duplicate it is.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.cap.message(alert);
      if (!existing) throw error;
      this.intake.counters.duplicates++;
      return { messageId: existing.id, outcome: existing.outcome as CapOutcome, alarmIds: JSON.parse(existing.alarm_ids) as string[], duplicate: true };
    }
  }

  /** The alarms an Alert creates, or an Update / Cancel changes; what is kept as the outcome. */
  private async apply(
    trx: AnyHandle,
    source: SourceRow,
    alert: CapAlert,
    centre: [string[], CentreSite[]] | null,
    now: string,
    changed: AlarmChanged[],
  ): Promise<{ outcome: CapOutcome; alarmIds: string[] }> {
    if (alert.msgType === 'Ack' || alert.msgType === 'Error' || !['Actual', 'Exercise'].includes(alert.status)) return { outcome: 'ignored', alarmIds: [] };
    const communes = centre ? matchAreas(alert.infos, centre[0], centre[1]).communes : source.commune_insee ? [source.commune_insee] : [];
    if (alert.msgType === 'Alert') {
      if (communes.length === 0) return { outcome: 'no_area_match', alarmIds: [] };
      const alarmIds: string[] = [];
      for (const commune of communes) alarmIds.push(await this.create(trx, source, alert, commune, now, changed));
      return { outcome: 'created', alarmIds };
    }
    const referenced = new Set<string>();
    for (const reference of alert.references) {
      const message = await this.cap.message(reference, trx);
      for (const id of message ? (JSON.parse(message.alarm_ids) as string[]) : []) referenced.add(id);
    }
    const targets: AlarmRow[] = [];
    for (const id of referenced) {
      const row = await this.alarms.alarm(id, trx);
      if (row) targets.push(row);
    }
    if (targets.length === 0) return { outcome: 'reference_unmatched', alarmIds: [] };
    const open = targets.filter((row) => row.state !== 'closed');
    const actor = sourceActor(source);
    const audit = (row: AlarmRow, action: string) =>
      this.deps.audit.record(trx, actor, {
        action,
        communeInsee: row.commune_insee,
        targetType: 'alarm',
        targetId: row.id,
        details: { sourceId: source.id, cap: capKey(alert), msgType: alert.msgType, channel: 'cap' },
      });
    if (alert.msgType === 'Cancel') {
      // Recorded on the alarm (restoredAt) for the operator to close: never closed behind an operator's back.
      for (const row of open) {
        await this.alarms.updateAlarm(trx, row.id, { restored_at: alert.sentAt, count: row.count + 1, last_received_at: now, updated_at: now });
        await audit(row, 'alarm.cap.cancelled');
        changed.push({ alarmId: row.id, communeInsee: row.commune_insee, state: row.state as AlarmState, change: 'restored' });
      }
      return { outcome: 'cancelled', alarmIds: targets.map((row) => row.id) };
    }
    // Update: the open alarms take the new information; a matched commune without an open one gets a new alarm.
    const info = { title: capTitle(alert), priority: capPriority(alert), type: capAlarmType(mainInfo(alert)), position: capPosition(alert) };
    for (const row of open) {
      await this.alarms.updateAlarm(trx, row.id, {
        title: info.title,
        priority: info.priority,
        type: info.type,
        count: row.count + 1,
        last_received_at: now,
        latitude: info.position?.latitude ?? row.latitude,
        longitude: info.position?.longitude ?? row.longitude,
        updated_at: now,
      });
      await audit(row, 'alarm.cap.updated');
      changed.push({ alarmId: row.id, communeInsee: row.commune_insee, state: row.state as AlarmState, change: 'folded' });
    }
    const alarmIds = open.map((row) => row.id);
    for (const commune of communes.filter((insee) => !open.some((row) => row.commune_insee === insee)))
      alarmIds.push(await this.create(trx, source, alert, commune, now, changed));
    return { outcome: 'updated', alarmIds: alarmIds.length > 0 ? alarmIds : targets.map((row) => row.id) };
  }

  private async create(trx: AnyHandle, source: SourceRow, alert: CapAlert, communeInsee: string, now: string, changed: AlarmChanged[]): Promise<string> {
    const id = randomUUID();
    const info = mainInfo(alert);
    const position = capPosition(alert);
    await this.alarms.insertAlarm(trx, {
      id,
      source_id: source.id,
      commune_insee: communeInsee,
      type: capAlarmType(info),
      priority: capPriority(alert),
      state: 'new',
      site_id: null,
      zone: info?.areas[0]?.areaDesc.slice(0, 100) ?? null,
      fold_key: `cap|${alert.sender}|${alert.identifier}`,
      title: capTitle(alert),
      latitude: position?.latitude ?? null,
      longitude: position?.longitude ?? null,
      camera_ids: '[]',
      count: 1,
      occurred_at: info?.onset ?? info?.effective ?? alert.sentAt,
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
    });
    await this.deps.audit.record(trx, sourceActor(source), {
      action: 'alarm.received',
      communeInsee,
      targetType: 'alarm',
      targetId: id,
      details: { sourceId: source.id, cap: capKey(alert), msgType: alert.msgType, channel: 'cap' },
    });
    changed.push({ alarmId: id, communeInsee, state: 'new', change: 'created' });
    return id;
  }
}
