// SQL of procedures; nothing else touches `alarm_procedures` and `alarm_steps`. The steps' escalation
// also raises its alarm's `escalation_level` (the alarms table is this module's own).
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { AlarmProceduresTable, AlarmStepsTable, AlarmsProceduresSchema, AlarmsSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

export type ProcedureRow = AlarmProceduresTable;
export type StepRow = AlarmStepsTable;
type Tables = AlarmsProceduresSchema & Pick<AlarmsSchema, 'alarms'>;

/** A step past its due time on an open alarm, with what its escalation needs of the alarm. */
export type OverdueStep = StepRow & { commune_insee: string | null; first_received_at: string; alarm_level: number; state: string };

export class ProceduresRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  procedure(id: string, handle: AnyHandle = this.db): Promise<ProcedureRow | undefined> {
    return tablesOf<Tables>(handle).selectFrom('alarm_procedures').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Every procedure, or those of one type or site, by type then scope. */
  procedures(filter: { alarmType?: string; siteId?: string }): Promise<ProcedureRow[]> {
    let query = this.db.selectFrom('alarm_procedures').selectAll();
    if (filter.alarmType) query = query.where('alarm_type', '=', filter.alarmType);
    if (filter.siteId) query = query.where('site_id', '=', filter.siteId);
    return query.orderBy('alarm_type').orderBy('scope_key').execute();
  }

  /** The candidates for an alarm of this type and site: the site's and the centre-wide one. */
  candidates(handle: AnyHandle, alarmType: string, siteId: string | null): Promise<ProcedureRow[]> {
    return tablesOf<Tables>(handle)
      .selectFrom('alarm_procedures')
      .selectAll()
      .where('alarm_type', '=', alarmType)
      .where('scope_key', 'in', siteId ? [siteId, '*'] : ['*'])
      .execute();
  }

  async insertProcedure(trx: AnyHandle, row: Insertable<AlarmProceduresTable>): Promise<void> {
    await tablesOf<Tables>(trx).insertInto('alarm_procedures').values(row).execute();
  }

  /** Updates from `version` only: false when another edit came first. */
  async updateProcedure(trx: AnyHandle, id: string, version: number, changes: Updateable<AlarmProceduresTable>): Promise<boolean> {
    const result = await tablesOf<Tables>(trx)
      .updateTable('alarm_procedures')
      .set(changes)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteProcedure(trx: AnyHandle, id: string): Promise<void> {
    await tablesOf<Tables>(trx).deleteFrom('alarm_procedures').where('id', '=', id).execute();
  }

  // The steps an alarm runs

  async insertSteps(trx: AnyHandle, rows: Insertable<AlarmStepsTable>[]): Promise<void> {
    if (rows.length > 0) await tablesOf<Tables>(trx).insertInto('alarm_steps').values(rows).execute();
  }

  stepsOf(alarmId: string, handle: AnyHandle = this.db): Promise<StepRow[]> {
    return tablesOf<Tables>(handle).selectFrom('alarm_steps').selectAll().where('alarm_id', '=', alarmId).orderBy('position').execute();
  }

  async updateStep(trx: AnyHandle, alarmId: string, stepId: string, changes: Updateable<AlarmStepsTable>): Promise<void> {
    await tablesOf<Tables>(trx).updateTable('alarm_steps').set(changes).where('alarm_id', '=', alarmId).where('step_id', '=', stepId).execute();
  }

  /** Mandatory steps not done, due at or before `now`, below `maxLevel`, of alarms not closed: the escalation job's candidates. */
  overdueSteps(now: string, maxLevel: number, limit: number): Promise<OverdueStep[]> {
    return this.db
      .selectFrom('alarm_steps')
      .innerJoin('alarms', 'alarms.id', 'alarm_steps.alarm_id')
      .selectAll('alarm_steps')
      .select(['alarms.commune_insee', 'alarms.first_received_at', 'alarms.escalation_level as alarm_level', 'alarms.state'])
      .where('alarm_steps.due_at', '<=', now)
      .where('alarm_steps.done_at', 'is', null)
      .where('alarm_steps.mandatory', '=', 1)
      .where('alarm_steps.escalation_level', '<', maxLevel)
      .where('alarms.state', '!=', 'closed')
      .orderBy('alarm_steps.due_at')
      .limit(limit)
      .execute();
  }

  /** Raises one step's escalation from `fromLevel`, while it is still not done: false when done or escalated meanwhile. */
  async escalateStep(trx: AnyHandle, step: Pick<StepRow, 'alarm_id' | 'step_id'>, fromLevel: number, level: number, at: string): Promise<boolean> {
    const result = await tablesOf<Tables>(trx)
      .updateTable('alarm_steps')
      .set({ escalation_level: level, escalated_at: at })
      .where('alarm_id', '=', step.alarm_id)
      .where('step_id', '=', step.step_id)
      .where('done_at', 'is', null)
      .where('escalation_level', '=', fromLevel)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The alarm shows the highest level any of its escalations reached. */
  async raiseAlarmLevel(trx: AnyHandle, alarmId: string, level: number, at: string): Promise<void> {
    await tablesOf<Tables>(trx)
      .updateTable('alarms')
      .set({ escalation_level: level, escalated_at: at, updated_at: at })
      .where('id', '=', alarmId)
      .where('escalation_level', '<', level)
      .execute();
  }
}
