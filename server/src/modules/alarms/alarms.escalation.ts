// An alarm never sits unseen (issue 14, item 3; docs/alarms.md "Escalation"): an alarm left
// `new` past its priority's deadline escalates to level 1 (the supervisors see it highlighted),
// past twice the deadline to level 2 (the chief). Each step is written on the alarm and in the
// audit log in one transaction, then announced as `alarm.changed` (`escalated`), which the live
// queue pushes. Run by the job `alarms.escalation` with the injected clock; a step is guarded
// (still `new`, still at the level read), so two processes running the job escalate once.
// Procedures and the on-call chain will plug in through `EscalationListener` (the seam).
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { systemActor, type AuditApi } from '../audit/index.ts';
import type { AlarmRow, AlarmsRepository } from './alarms.repository.ts';
import type { AlarmView } from './alarms.schemas.ts';
import { alarmView } from './alarms.service.ts';
import './alarms.events.ts';

/** The highest level: 1 supervisors, 2 the chief. The on-call chain (later) takes over from there. */
export const maxEscalationLevel = 2;
/** New alarms looked at per run, oldest first (the oldest are the ones past their deadline). */
const scanLimit = 500;

/** Told of each escalation after its commit: procedures and the on-call chain (issue 14, items 4-5) will notify people from here. */
export type EscalationListener = (alarm: AlarmView) => void | Promise<void>;

/** How long an alarm may stay `new`, by priority 1 to 4 (a priority outside falls back on the last). */
export type EscalationDeadlines = readonly [number, number, number, number];

export function deadlineOf(deadlines: EscalationDeadlines, priority: number): number {
  return deadlines[Math.min(Math.max(priority, 1), deadlines.length) - 1] as number;
}

/** The level an alarm received at `firstReceivedMs` should be at now: one per deadline elapsed, at most the highest. */
export function dueLevel(deadlineMs: number, firstReceivedMs: number, nowMs: number): number {
  return Math.min(maxEscalationLevel, Math.floor((nowMs - firstReceivedMs) / deadlineMs));
}

export class AlarmEscalation {
  private readonly listeners: EscalationListener[] = [];

  constructor(
    private readonly repository: AlarmsRepository,
    private readonly deps: { clock: Clock; events: EventBus; audit: AuditApi; log?: ProcessLog },
    private readonly deadlines: EscalationDeadlines,
  ) {}

  /** The seam for procedures and the on-call chain: called after each escalation is committed. */
  onEscalated(listener: EscalationListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** One run of the job: escalates every `new` alarm past its deadline; returns how many stepped up. */
  async run(): Promise<number> {
    const nowMs = this.deps.clock.now().getTime();
    let escalated = 0;
    for (const row of await this.repository.newAlarmsBelowLevel(maxEscalationLevel, scanLimit)) {
      const level = dueLevel(deadlineOf(this.deadlines, row.priority), Date.parse(row.first_received_at), nowMs);
      if (level <= row.escalation_level) continue;
      const view = await this.step(row, level, new Date(nowMs).toISOString());
      if (!view) continue;
      escalated += 1;
      this.deps.events.emit('alarm.changed', { alarmId: row.id, communeInsee: row.commune_insee, state: view.state, change: 'escalated' });
      for (const listener of this.listeners) {
        try {
          await listener(view);
        } catch (error) {
          this.deps.log?.warn({ alarmId: row.id, error: error instanceof Error ? error.message : String(error) }, 'escalation listener failed');
        }
      }
    }
    return escalated;
  }

  private step(row: AlarmRow, level: number, now: string): Promise<AlarmView | null> {
    return this.repository.transaction(async (trx) => {
      const changes = { escalation_level: level, escalated_at: now, updated_at: now };
      if (!(await this.repository.escalate(trx, row.id, row.escalation_level, changes))) return null;
      await this.deps.audit.record(trx, systemActor, {
        action: 'alarm.escalated',
        communeInsee: row.commune_insee,
        targetType: 'alarm',
        targetId: row.id,
        details: { from: row.escalation_level, to: level, priority: row.priority, firstReceivedAt: row.first_received_at },
      });
      return alarmView({ ...row, ...changes });
    });
  }
}
