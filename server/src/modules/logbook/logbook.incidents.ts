// The incident report of one alarm and the chief's figures (issue 14 items 6 and 7): the alarm
// is read through the alarms module's facts, checked against the reader's communes (an alarm
// outside them is "not found"), and the report's edition is audited.
import type { Clock } from '../../platform/clock.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Principal } from '../access/index.ts';
import type { AlarmFacts } from '../alarms/index.ts';
import type { AuditApi } from '../audit/index.ts';
import { computeFigures, type Shift } from './logbook.figures.ts';
import { incidentReportPdf, incidentTimeline } from './logbook.report.ts';
import type { FiguresQuery, Figures } from './logbook.schemas.ts';
import type { Acting, LogbookService } from './logbook.service.ts';
import { visibleTo } from './logbook.texts.ts';

/** Camera openings tied to an alarm: from its first receipt to its closing (or now), with this margin after. */
const CAMERA_MARGIN_MS = 5 * 60_000;
const MAX_PERIOD_MS = 400 * 86_400_000;

export class IncidentReports {
  constructor(private readonly deps: { alarms: AlarmFacts; audit: AuditApi; clock: Clock; logbook: LogbookService; shifts: readonly Shift[] }) {}

  async reportPdf(alarmId: string, acting: Acting): Promise<Buffer> {
    const alarm = await this.deps.alarms.alarm(alarmId);
    if (!alarm || !visibleTo(acting.principal, alarm.commune_insee)) throw notFound({ fr: 'Alarme', en: 'Alarm' });
    const now = this.deps.clock.now();
    const until = new Date((alarm.closed_at ? Date.parse(alarm.closed_at) : now.getTime()) + CAMERA_MARGIN_MS).toISOString();
    const [receipts, audit, entries] = await Promise.all([
      this.deps.alarms.receipts(alarmId),
      this.deps.audit.aboutAlarm({ alarmId, cameraIds: JSON.parse(alarm.camera_ids) as string[], from: alarm.first_received_at, to: until }),
      this.deps.logbook.ofAlarm(alarmId),
    ]);
    const labels = this.deps.alarms.labels(alarm);
    const timeline = incidentTimeline({ alarm, outcomeLabel: labels.outcome, receipts, audit, entries });
    const pdf = await incidentReportPdf({ alarm, labels, receipts, timeline, now });
    await this.deps.audit.recordAlone(acting.actor, {
      action: 'alarm.report.exported',
      communeInsee: alarm.commune_insee,
      targetType: 'alarm',
      targetId: alarmId,
      details: { format: 'pdf', timelineRows: timeline.length, receipts: receipts.length },
    });
    return pdf;
  }

  async figures(query: FiguresQuery, principal: Principal | null): Promise<Figures> {
    const communes = this.deps.logbook.scopeOf(principal, query.communeInsee);
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    if (to <= from || Date.parse(to) - Date.parse(from) > MAX_PERIOD_MS)
      throw new DomainError('validation_failed', {
        fr: 'Période invalide : « to » après « from », 400 jours au plus.',
        en: 'Invalid period: "to" after "from", at most 400 days.',
      });
    const [inPeriod, open] = await Promise.all([this.deps.alarms.inPeriod({ from, to, communes }), this.deps.alarms.open(communes)]);
    return computeFigures({ from, to, communeInsee: query.communeInsee ?? null, now: this.deps.clock.now(), shifts: this.deps.shifts, inPeriod, open });
  }
}
