// Procedures (fiches réflexes, issue 14 item 4; docs/alarms.md "Procedures"): edited by
// supervisors (a site's procedure wins over its type's centre-wide one), copied onto each alarm
// when it is created (editing a procedure later never changes the steps of an alarm already
// running it), ticked by operators (timestamped, audited `alarm.step`, pushed as `alarm.changed`
// `step`), and checked when an alarm is closed: a mandatory step not done refuses the closing
// (`procedure_incomplete`) unless a supervisor gives a reason.
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import { parisDate, type Clock } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AlarmStepsTable } from '../../platform/db/schema.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { assertAllowed, communeFilter, decide, type Principal } from '../access/index.ts';
import type { AuditApi } from '../audit/index.ts';
import type { AlarmState, AlarmType } from './alarms.catalogue.ts';
import type { AlarmSites } from './alarms.intake.ts';
import type { ProcedureCreate, ProcedurePatch, ProcedureStep, ProcedureView, AlarmStepView, AlarmStepsView, StepTick } from './alarms.procedures.schemas.ts';
import type { ProcedureRow, ProceduresRepository, StepRow } from './alarms.procedures.repository.ts';
import { dueAt, escalationServiceOf, missingMandatory, normaliseSteps, pickProcedure, procedureInvalid } from './alarms.procedures.steps.ts';
import type { AlarmRow, AlarmsRepository } from './alarms.repository.ts';
import { type Acting, visibleTo } from './alarms.service.ts';
import './alarms.events.ts';

/** The on-call chain, as procedures call it (services.ts wires the oncall module; a no-op until it exists). */
export interface OnCallPort {
  notify(input: { service: string; alarmId: string; communeInsee: string | null; subject: string; text: string }): Promise<unknown>;
}

export const procedureView = (row: ProcedureRow): ProcedureView => ({
  id: row.id,
  alarmType: row.alarm_type as AlarmType,
  siteId: row.site_id,
  communeInsee: row.commune_insee,
  name: row.name,
  escalationService: row.escalation_service,
  steps: JSON.parse(row.steps) as ProcedureStep[],
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

export const stepView = (row: StepRow): AlarmStepView => ({
  id: row.step_id,
  position: row.position,
  procedureId: row.procedure_id,
  procedureVersion: row.procedure_version,
  kind: row.kind as AlarmStepView['kind'],
  labelFr: row.label_fr,
  labelEn: row.label_en,
  mandatory: row.mandatory === 1,
  number: row.phone_number,
  service: row.service,
  cameraIds: JSON.parse(row.camera_ids) as string[],
  deadlineSeconds: row.deadline_seconds,
  dueAt: row.due_at,
  doneAt: row.done_at,
  doneBy: row.done_by,
  comment: row.comment,
  result: row.result,
  escalationLevel: row.escalation_level,
  escalatedAt: row.escalated_at,
});

const procedureNotFound = () => notFound({ fr: 'Procédure', en: 'Procedure' });
const alarmNotFound = () => notFound({ fr: 'Alarme', en: 'Alarm' });

export interface ProceduresDeps {
  audit: AuditApi;
  clock: Clock;
  events: EventBus;
  sites: AlarmSites;
  onCall: OnCallPort;
  log?: ProcessLog;
}

export class ProceduresService {
  constructor(
    private readonly repository: ProceduresRepository,
    private readonly alarms: AlarmsRepository,
    private readonly deps: ProceduresDeps,
  ) {}

  private today(): string {
    return parisDate(this.deps.clock.now());
  }

  /** A centre-wide procedure applies to every commune: only a supervisor of every commune edits it. */
  private assertMayWrite(principal: Principal | null, communeInsee: string | null): void {
    if (!principal) return;
    assertAllowed(principal, 'alarm.procedure.write', communeInsee, this.today());
    if (communeInsee === null && !principal.allCommunes)
      throw new DomainError('forbidden', {
        fr: 'Une procédure commune à tous les sites ne se modifie qu’avec toutes les communes.',
        en: 'A centre-wide procedure is edited only by users with every commune.',
      });
  }

  async list(principal: Principal | null, filter: { alarmType?: string; siteId?: string } = {}): Promise<ProcedureView[]> {
    const scope = principal ? communeFilter(principal) : null;
    const rows = await this.repository.procedures(filter);
    return rows.filter((row) => row.commune_insee === null || scope === null || scope.includes(row.commune_insee)).map(procedureView);
  }

  async get(id: string, principal: Principal | null): Promise<ProcedureView> {
    const row = await this.repository.procedure(id);
    if (!row || (row.commune_insee !== null && !visibleTo(principal, row.commune_insee))) throw procedureNotFound();
    return procedureView(row);
  }

  async create(input: ProcedureCreate, acting: Acting): Promise<ProcedureView> {
    const steps = normaliseSteps(input.steps);
    const siteId = input.siteId ?? null;
    const now = this.deps.clock.now().toISOString();
    const who = acting.actor.login ?? acting.actor.type;
    try {
      return await this.alarms.transaction(async (trx) => {
        const communeInsee = siteId ? await this.deps.sites.communeOf(trx, siteId) : null;
        if (siteId && communeInsee === null) throw procedureInvalid([`unknown site ${siteId}`]);
        this.assertMayWrite(acting.principal, communeInsee);
        const row: ProcedureRow = {
          id: randomUUID(),
          alarm_type: input.alarmType,
          site_id: siteId,
          commune_insee: communeInsee,
          scope_key: siteId ?? '*',
          name: input.name,
          escalation_service: input.escalationService ?? null,
          steps: JSON.stringify(steps),
          version: 1,
          created_at: now,
          updated_at: now,
          updated_by: who,
        };
        await this.repository.insertProcedure(trx, row);
        const view = procedureView(row);
        await this.deps.audit.record(trx, acting.actor, {
          action: 'alarm.procedure.created',
          communeInsee,
          targetType: 'alarm_procedure',
          targetId: row.id,
          details: { after: view },
        });
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('conflict', {
          fr: `Une procédure existe déjà pour ce type${siteId ? ' et ce site' : ''} : modifiez-la.`,
          en: `A procedure already exists for this type${siteId ? ' and site' : ''}: edit it.`,
        });
      throw error;
    }
  }

  /** Only the fields sent change; each edit is a new version (alarms already running keep their copy). */
  async update(id: string, patch: ProcedurePatch, acting: Acting): Promise<ProcedureView> {
    const steps = patch.steps ? normaliseSteps(patch.steps) : undefined;
    return this.alarms.transaction(async (trx) => {
      const current = await this.repository.procedure(id, trx);
      if (!current || (current.commune_insee !== null && !visibleTo(acting.principal, current.commune_insee))) throw procedureNotFound();
      this.assertMayWrite(acting.principal, current.commune_insee);
      const now = this.deps.clock.now().toISOString();
      const next: ProcedureRow = {
        ...current,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.escalationService !== undefined ? { escalation_service: patch.escalationService } : {}),
        ...(steps ? { steps: JSON.stringify(steps) } : {}),
        version: current.version + 1,
        updated_at: now,
        updated_by: acting.actor.login ?? acting.actor.type,
      };
      const { id: _id, ...changes } = next;
      if (!(await this.repository.updateProcedure(trx, id, current.version, changes)))
        throw new DomainError('conflict', { fr: 'La procédure vient d’être modifiée : rechargez-la.', en: 'The procedure was just changed: reload it.' });
      const view = procedureView(next);
      await this.deps.audit.record(trx, acting.actor, {
        action: 'alarm.procedure.updated',
        communeInsee: current.commune_insee,
        targetType: 'alarm_procedure',
        targetId: id,
        details: { before: procedureView(current), after: view },
      });
      return view;
    });
  }

  /** Deleted: new alarms of its type and site no longer get it; running ones keep their copy. */
  async remove(id: string, acting: Acting): Promise<void> {
    await this.alarms.transaction(async (trx) => {
      const current = await this.repository.procedure(id, trx);
      if (!current || (current.commune_insee !== null && !visibleTo(acting.principal, current.commune_insee))) throw procedureNotFound();
      this.assertMayWrite(acting.principal, current.commune_insee);
      await this.repository.deleteProcedure(trx, id);
      await this.deps.audit.record(trx, acting.actor, {
        action: 'alarm.procedure.deleted',
        communeInsee: current.commune_insee,
        targetType: 'alarm_procedure',
        targetId: id,
        details: { before: procedureView(current) },
      });
    });
  }

  /** Copies the procedure of a new alarm's type and site onto it, in the transaction that creates it. */
  async snapshot(trx: AnyHandle, alarm: Pick<AlarmRow, 'id' | 'type' | 'site_id' | 'first_received_at'>): Promise<void> {
    const procedure = pickProcedure(
      (await this.repository.candidates(trx, alarm.type, alarm.site_id)).map((row) => ({ row, siteId: row.site_id })),
      alarm.site_id,
    )?.row;
    if (!procedure) return;
    const steps = JSON.parse(procedure.steps) as ProcedureStep[];
    const service = escalationServiceOf(procedure.escalation_service, steps);
    const rows: Insertable<AlarmStepsTable>[] = steps.map((step, index) => ({
      alarm_id: alarm.id,
      step_id: step.id,
      position: index + 1,
      procedure_id: procedure.id,
      procedure_version: procedure.version,
      kind: step.kind,
      label_fr: step.labelFr,
      label_en: step.labelEn,
      mandatory: step.mandatory ? 1 : 0,
      phone_number: step.number,
      service: step.service,
      camera_ids: JSON.stringify(step.cameraIds),
      deadline_seconds: step.deadlineSeconds,
      due_at: dueAt(alarm.first_received_at, step.deadlineSeconds),
      done_at: null,
      done_by: null,
      comment: null,
      result: null,
      escalation_service: service,
      escalation_level: 0,
      escalated_at: null,
    }));
    await this.repository.insertSteps(trx, rows);
  }

  async steps(alarmId: string, principal: Principal | null): Promise<AlarmStepsView> {
    const alarm = await this.alarms.alarm(alarmId);
    if (!alarm || !visibleTo(principal, alarm.commune_insee)) throw alarmNotFound();
    return this.stepsView(alarmId, await this.repository.stepsOf(alarmId));
  }

  private stepsView(alarmId: string, rows: StepRow[]): AlarmStepsView {
    const first = rows[0];
    return { alarmId, procedure: first ? { id: first.procedure_id, version: first.procedure_version } : null, steps: rows.map(stepView) };
  }

  /** The operator ticks (or unticks) one step: timestamped, audited, pushed; a `notify_oncall` step done tells the on-call chain. */
  async tick(alarmId: string, stepId: string, tick: StepTick, acting: Acting): Promise<AlarmStepsView> {
    const who = acting.actor.login ?? acting.actor.type;
    const { alarm, step, view } = await this.alarms.transaction(async (trx) => {
      const alarm = await this.alarms.alarm(alarmId, trx);
      if (!alarm || !visibleTo(acting.principal, alarm.commune_insee)) throw alarmNotFound();
      if (acting.principal) assertAllowed(acting.principal, 'alarm.handle', alarm.commune_insee, this.today());
      if (alarm.state === 'closed')
        throw new DomainError('alarm_transition_refused', {
          fr: 'L’alarme est close : ses étapes ne changent plus.',
          en: 'The alarm is closed: its steps no longer change.',
          details: { state: alarm.state },
        });
      const rows = await this.repository.stepsOf(alarmId, trx);
      const current = rows.find((row) => row.step_id === stepId);
      if (!current) throw notFound({ fr: 'Étape', en: 'Step' });
      if (tick.done && current.kind === 'comment' && !tick.comment && !current.comment)
        throw new DomainError('validation_failed', { fr: 'Cette étape demande un commentaire.', en: 'This step needs a comment.' });
      const now = this.deps.clock.now().toISOString();
      const changes = {
        done_at: tick.done ? now : null,
        done_by: tick.done ? who : null,
        comment: tick.comment ?? current.comment,
        result: tick.result ?? current.result,
      };
      await this.repository.updateStep(trx, alarmId, stepId, changes);
      await this.deps.audit.record(trx, acting.actor, {
        action: 'alarm.step',
        communeInsee: alarm.commune_insee,
        targetType: 'alarm',
        targetId: alarmId,
        details: {
          alarmId,
          step: stepId,
          kind: current.kind,
          label: current.label_fr,
          position: current.position,
          done: tick.done,
          ...(tick.comment ? { comment: tick.comment } : {}),
          ...(tick.result ? { result: tick.result } : {}),
        },
      });
      const next = rows.map((row) => (row === current ? { ...row, ...changes } : row));
      return { alarm, step: { ...current, ...changes }, view: this.stepsView(alarmId, next) };
    });
    this.deps.events.emit('alarm.changed', { alarmId, communeInsee: alarm.commune_insee, state: alarm.state as AlarmState, change: 'step' });
    if (tick.done && step.kind === 'notify_oncall' && step.service) {
      await this.notifyOnCall(step.service, alarm, `Alarme ${alarm.title}`, `${step.label_fr}${tick.comment ? ` : ${tick.comment}` : ''}`);
    }
    return view;
  }

  /** Tells the on-call chain; a failure is logged, never thrown at the operator whose tick is committed. */
  async notifyOnCall(service: string, alarm: Pick<AlarmRow, 'id' | 'commune_insee'>, subject: string, text: string): Promise<boolean> {
    try {
      await this.deps.onCall.notify({ service, alarmId: alarm.id, communeInsee: alarm.commune_insee, subject, text });
      return true;
    } catch (error) {
      this.deps.log?.warn({ alarmId: alarm.id, service, error: error instanceof Error ? error.message : String(error) }, 'on-call notification failed');
      return false;
    }
  }

  /**
   * Called in the closing transaction: refuses (`procedure_incomplete`, the steps listed) while a
   * mandatory step is not done, unless a supervisor gives a reason; returns what the audit records.
   */
  async closeCheck(trx: AnyHandle, alarmId: string, overrideReason: string | undefined, principal: Principal | null): Promise<Record<string, unknown>> {
    const missing = missingMandatory((await this.repository.stepsOf(alarmId, trx)).map(stepView));
    if (missing.length === 0) return {};
    const listed = missing.map((step) => ({ id: step.id, position: step.position, labelFr: step.labelFr, labelEn: step.labelEn }));
    const mayOverride = principal === null || decide(principal, 'alarm.close.override', null, this.today()).allowed;
    if (overrideReason && mayOverride) return { procedureOverride: { reason: overrideReason, missingSteps: listed.map((step) => step.id) } };
    const names = listed.map((step) => `${step.position}. ${step.labelFr}`).join(', ');
    throw new DomainError('procedure_incomplete', {
      fr: `Clôture refusée : étapes obligatoires non faites (${names})${mayOverride ? ' ; un motif permet de clore quand même' : ''}.`,
      en: `Closing refused: mandatory steps not done (${listed.map((step) => `${step.position}. ${step.labelEn ?? step.labelFr}`).join(', ')})${mayOverride ? '; a reason lets you close anyway' : ''}.`,
      details: { steps: listed },
    });
  }
}
