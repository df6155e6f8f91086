// The logbook's use cases (docs/alarms.md "Logbook"): an operator's or supervisor's entry
// (checked: commune in scope, not in the future, site, cameras and alarm of that commune, an
// offence entry with its category), written with its audit row, and for an offence with the
// statistics' offence, in one transaction; a correction is a new entry naming the one it
// corrects; automatic entries of the alarms' lifecycle, written once per (alarm, change, time)
// however often the event arrives; the search; the chain's verification.
import { randomUUID } from 'node:crypto';
import { type Clock, parisDate } from '../../platform/clock.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { assertAllowed, communeFilter, type Principal } from '../access/index.ts';
import { type Actor, type AuditApi, systemActor } from '../audit/index.ts';
import type { AlarmChanged, AlarmFacts, AlarmRow } from '../alarms/index.ts';
import type { LogbookRow, LogbookVerifyReport } from './logbook.chain.ts';
import type { LogbookRepository } from './logbook.repository.ts';
import { isOffenceType, type LogbookEntryInput, type LogbookEntryView, type LogbookQuery, type LogbookType } from './logbook.schemas.ts';
import { logbookCsv, logbookPdf } from './logbook.export.ts';
import { alarmEntryText, visibleTo } from './logbook.texts.ts';

export type Acting = { actor: Actor; principal: Principal | null };

export interface LogbookPorts {
  /** The statistics module's offence from a logbook entry, in the entry's transaction. */
  recordOffence(
    handle: AnyHandle,
    entry: {
      logbookEntryId: string;
      kind: 'offence_seen' | 'offence_spotted';
      communeInsee: string;
      occurredAt: string;
      category: NonNullable<LogbookEntryInput['offenceCategory']>;
      siteId?: string;
      cameraIds?: string[];
      comment: string;
    },
    actor: Actor,
  ): Promise<unknown>;
  communeOfSite(siteId: string, handle?: AnyHandle): Promise<string | null>;
  communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>>;
}

/** A clock a minute ahead of ours is not "the future". */
const FUTURE_TOLERANCE_MS = 60_000;
const MAX_EXPORTED = 10_000;
const invalid = (fr: string, en: string, details?: unknown) => new DomainError('validation_failed', { fr, en, details });
const automaticChanges: Partial<Record<AlarmChanged['change'], keyof AlarmRow>> = {
  created: 'first_received_at',
  take: 'taken_at',
  acknowledge: 'acknowledged_at',
  close: 'closed_at',
  restored: 'restored_at',
  escalated: 'escalated_at',
};
const actorColumns: Partial<Record<AlarmChanged['change'], keyof AlarmRow>> = { take: 'taken_by', acknowledge: 'acknowledged_by', close: 'closed_by' };

export function entryView(row: LogbookRow, correctedBy: readonly string[] = []): LogbookEntryView {
  return {
    id: row.id,
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    occurredAt: row.occurred_at,
    communeInsee: row.commune_insee,
    type: row.type as LogbookType,
    origin: row.origin as 'manual' | 'alarm',
    text: row.text,
    offenceCategory: row.offence_category,
    alarmId: row.alarm_id,
    siteId: row.site_id,
    cameraIds: JSON.parse(row.camera_ids) as string[],
    author: row.author,
    corrects: row.corrects_id,
    correctedBy: [...correctedBy],
  };
}

export class LogbookService {
  constructor(
    private readonly repository: LogbookRepository,
    private readonly deps: { audit: AuditApi; clock: Clock; alarms: AlarmFacts; ports: LogbookPorts },
  ) {}

  /** The communes a reader's query covers (null: all, centre-wide entries included). */
  scopeOf(principal: Principal | null, communeInsee?: string): readonly string[] | null {
    const scope = principal ? communeFilter(principal) : null;
    if (!communeInsee) return scope;
    return scope === null || scope.includes(communeInsee) ? [communeInsee] : [];
  }

  async write(input: LogbookEntryInput, acting: Acting): Promise<LogbookEntryView> {
    const now = this.deps.clock.now();
    if (acting.principal) assertAllowed(acting.principal, 'logbook.write', input.communeInsee, parisDate(now));
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
    if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
      throw invalid('occurredAt : la date est dans le futur.', 'occurredAt: the date is in the future.');
    const offence = isOffenceType(input.type);
    if (offence && !input.offenceCategory)
      throw invalid('Catégorie d’infraction requise pour un fait constaté ou détecté.', 'An offence entry needs its offence category.');
    if (!offence && input.offenceCategory)
      throw invalid('Catégorie d’infraction réservée aux faits constatés ou détectés.', 'Only offence entries have a category.');
    if (input.alarmId) {
      const alarm = await this.deps.alarms.alarm(input.alarmId);
      if (!alarm || !visibleTo(acting.principal, alarm.commune_insee) || (alarm.commune_insee !== null && alarm.commune_insee !== input.communeInsee))
        throw invalid(`Alarme inconnue dans la commune ${input.communeInsee}.`, `Unknown alarm in commune ${input.communeInsee}.`, { alarmId: input.alarmId });
    }
    const cameraIds = [...new Set(input.cameraIds ?? [])].sort();
    const view = await this.repository.transaction(async (trx) => {
      if (input.siteId !== undefined && (await this.deps.ports.communeOfSite(input.siteId, trx)) !== input.communeInsee)
        throw invalid(`Site inconnu dans la commune ${input.communeInsee}.`, `Unknown site in commune ${input.communeInsee}.`, { siteId: input.siteId });
      const communes = await this.deps.ports.communesOfCameras(cameraIds, trx);
      // A camera of another commune is reported like an unknown one: its existence is not revealed.
      const foreign = cameraIds.filter((cameraId) => communes.get(cameraId) !== input.communeInsee);
      if (foreign.length > 0)
        throw invalid(
          `Caméra(s) inconnue(s) dans la commune ${input.communeInsee} : ${foreign.join(', ')}.`,
          `Unknown camera(s) in commune ${input.communeInsee}.`,
          foreign,
        );
      if (input.corrects) {
        const corrected = await this.repository.entry(input.corrects, trx);
        if (!corrected || corrected.commune_insee !== input.communeInsee)
          throw notFound({ fr: 'Entrée de main courante corrigée', en: 'Corrected logbook entry' });
      }
      const row = await this.repository.append(trx, {
        id: randomUUID(),
        recorded_at: now.toISOString(),
        occurred_at: occurredAt.toISOString(),
        commune_insee: input.communeInsee,
        type: input.type,
        origin: 'manual',
        text: input.text,
        offence_category: input.offenceCategory ?? null,
        alarm_id: input.alarmId ?? null,
        site_id: input.siteId ?? null,
        camera_ids: JSON.stringify(cameraIds),
        author: acting.actor.login ?? acting.actor.type,
        author_id: acting.actor.id,
        corrects_id: input.corrects ?? null,
        auto_key: null,
      });
      await this.deps.audit.record(trx, acting.actor, {
        action: input.corrects ? 'logbook.entry.corrected' : 'logbook.entry.created',
        communeInsee: input.communeInsee,
        targetType: 'logbook_entry',
        targetId: row!.id,
        details: {
          seq: Number(row!.seq),
          type: input.type,
          ...(input.alarmId ? { alarmId: input.alarmId } : {}),
          ...(input.corrects ? { corrects: input.corrects } : {}),
        },
      });
      // A correction does not count the offence again: the statistics keep the first entry's.
      if (offence && !input.corrects)
        await this.deps.ports.recordOffence(
          trx,
          {
            logbookEntryId: row!.id,
            kind: input.type as 'offence_seen' | 'offence_spotted',
            communeInsee: input.communeInsee,
            occurredAt: row!.occurred_at,
            category: input.offenceCategory!,
            ...(input.siteId ? { siteId: input.siteId } : {}),
            ...(cameraIds.length > 0 ? { cameraIds } : {}),
            comment: input.text,
          },
          acting.actor,
        );
      return entryView(row!);
    });
    return view;
  }

  /** The bus's `alarm.changed`: an alarm created, taken, acknowledged, closed, restored or escalated gets one automatic entry each time. */
  async recordAlarmChange(event: AlarmChanged): Promise<LogbookEntryView | null> {
    const column = automaticChanges[event.change];
    if (!column) return null;
    const alarm = await this.deps.alarms.alarm(event.alarmId);
    const at = alarm?.[column] as string | null | undefined;
    if (!alarm || !at) return null;
    const autoKey = `${alarm.id}|${event.change}|${at}`;
    const byColumn = actorColumns[event.change];
    const who = (byColumn ? (alarm[byColumn] as string | null) : null) ?? 'system';
    return this.repository.transaction(async (trx) => {
      const row = await this.repository.append(trx, {
        id: randomUUID(),
        recorded_at: this.deps.clock.now().toISOString(),
        occurred_at: at,
        commune_insee: alarm.commune_insee,
        type: this.deps.alarms.isTechnical(alarm.type) ? 'technical' : 'alarm',
        origin: 'alarm',
        text: alarmEntryText(event.change, alarm, this.deps.alarms.labels(alarm)),
        offence_category: null,
        alarm_id: alarm.id,
        site_id: alarm.site_id,
        camera_ids: alarm.camera_ids,
        author: who,
        author_id: null,
        corrects_id: null,
        auto_key: autoKey,
      });
      if (!row) return null;
      await this.deps.audit.record(trx, systemActor, {
        action: 'logbook.entry.created',
        communeInsee: alarm.commune_insee,
        targetType: 'logbook_entry',
        targetId: row.id,
        details: { seq: Number(row.seq), type: row.type, origin: 'alarm', alarmId: alarm.id, change: event.change },
      });
      return entryView(row);
    });
  }

  async search(query: LogbookQuery, principal: Principal | null, maxRows = 1000): Promise<LogbookEntryView[]> {
    const rows = await this.repository.search({
      ...query,
      communes: this.scopeOf(principal, query.communeInsee),
      limit: Math.min(query.limit ?? 200, maxRows),
    });
    const corrections = await this.repository.correctionsOf(rows.map((row) => row.id));
    return rows.map((row) => entryView(row, corrections.get(row.id)));
  }

  /** The entries found, as CSV or PDF (at most 10,000), the extraction audited. */
  async export(format: 'csv' | 'pdf', query: LogbookQuery, acting: Acting): Promise<string | Buffer> {
    const entries = await this.search({ ...query, limit: MAX_EXPORTED, offset: 0 }, acting.principal, MAX_EXPORTED);
    const file = format === 'csv' ? logbookCsv(entries) : await logbookPdf(entries, query, this.deps.clock.now());
    await this.deps.audit.recordAlone(acting.actor, {
      action: 'logbook.exported',
      communeInsee: query.communeInsee ?? null,
      details: { format, filter: query, entries: entries.length },
    });
    return file;
  }

  /** The chain walked (`./vigie logbook verify`, the console's button), the check audited. */
  async verifyAudited(acting: Acting): Promise<LogbookVerifyReport> {
    const report = await this.verify();
    await this.deps.audit.recordAlone(acting.actor, {
      action: 'logbook.verified',
      details: { ok: report.ok, rowsChecked: report.rowsChecked, problemCount: report.problemCount },
    });
    return report;
  }

  /** Every entry of an alarm (the incident report checks the alarm's commune first). */
  async ofAlarm(alarmId: string): Promise<LogbookEntryView[]> {
    return (await this.repository.ofAlarm(alarmId)).map((row) => entryView(row));
  }

  verify(): Promise<LogbookVerifyReport> {
    return this.repository.verify();
  }
}
