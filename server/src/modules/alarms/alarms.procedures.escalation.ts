// A mandatory step missed past its deadline escalates (issue 14 item 4; docs/alarms.md
// "Procedures"), with the levels of an alarm left `new` (alarms.escalation.ts): level 1 past the
// deadline (the supervisors see the alarm highlighted), level 2 past twice the deadline, when the
// on-call chain is told through `OnCallPort`. Each step is guarded (still not done, still at the
// level read), written on the step and its alarm with the audit row `alarm.escalated` in one
// transaction, then announced as `alarm.changed` `escalated`, which the live queue pushes. Run by
// the job `alarms.procedure-escalation` with the injected clock.
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import { systemActor, type AuditApi } from '../audit/index.ts';
import type { AlarmState } from './alarms.catalogue.ts';
import { maxEscalationLevel } from './alarms.escalation.ts';
import type { OverdueStep, ProceduresRepository } from './alarms.procedures.repository.ts';
import type { ProceduresService } from './alarms.procedures.service.ts';
import { stepDueLevel } from './alarms.procedures.steps.ts';
import type { AlarmsRepository } from './alarms.repository.ts';
import './alarms.events.ts';

/** Overdue steps looked at per run, the most overdue first. */
const scanLimit = 500;

export class StepEscalation {
  constructor(
    private readonly repository: ProceduresRepository,
    private readonly alarms: AlarmsRepository,
    private readonly procedures: ProceduresService,
    private readonly deps: { clock: Clock; events: EventBus; audit: AuditApi },
  ) {}

  /** One run of the job: returns how many steps stepped up. */
  async run(): Promise<number> {
    const nowMs = this.deps.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    let escalated = 0;
    for (const step of await this.repository.overdueSteps(now, maxEscalationLevel, scanLimit)) {
      const level = stepDueLevel({ mandatory: true, doneAt: null, deadlineSeconds: step.deadline_seconds }, step.first_received_at, nowMs);
      if (level <= step.escalation_level) continue;
      if (!(await this.step(step, level, now))) continue;
      escalated += 1;
      this.deps.events.emit('alarm.changed', {
        alarmId: step.alarm_id,
        communeInsee: step.commune_insee,
        state: step.state as AlarmState,
        change: 'escalated',
      });
      if (level >= 2 && step.escalation_service) {
        await this.procedures.notifyOnCall(
          step.escalation_service,
          { id: step.alarm_id, commune_insee: step.commune_insee },
          `Étape manquée : ${step.label_fr}`,
          `L’étape obligatoire « ${step.label_fr} » n’est pas faite, échéance ${step.due_at} dépassée deux fois.`,
        );
      }
    }
    return escalated;
  }

  private step(step: OverdueStep, level: number, now: string): Promise<boolean> {
    return this.alarms.transaction(async (trx) => {
      if (!(await this.repository.escalateStep(trx, step, step.escalation_level, level, now))) return false;
      await this.repository.raiseAlarmLevel(trx, step.alarm_id, level, now);
      await this.deps.audit.record(trx, systemActor, {
        action: 'alarm.escalated',
        communeInsee: step.commune_insee,
        targetType: 'alarm',
        targetId: step.alarm_id,
        details: {
          from: step.escalation_level,
          to: level,
          reason: 'procedure_step',
          alarmId: step.alarm_id,
          step: step.step_id,
          kind: step.kind,
          dueAt: step.due_at,
          ...(level >= 2 ? { onCallService: step.escalation_service } : {}),
        },
      });
      return true;
    });
  }
}
