// Table types of the alarms module's procedures (fiches réflexes, issue 14 item 4); schema.ts
// joins them into DatabaseSchema.

/** A procedure for one alarm type, centre-wide (no site) or for one site (which wins over the type's). */
export interface AlarmProceduresTable {
  id: string;
  alarm_type: string;
  /** Null: the type's centre-wide procedure. */
  site_id: string | null;
  /** The site's commune (null for a centre-wide procedure). */
  commune_insee: string | null;
  /** `site_id` or `*`: (alarm_type, scope_key) is unique, NULLs being distinct in unique indexes. */
  scope_key: string;
  name: string;
  /** The on-call service told when a mandatory step is missed twice its deadline (null: the first `notify_oncall` step's). */
  escalation_service: string | null;
  /** JSON array of the ordered steps (at most 30), as validated by alarms.procedures.steps.ts. */
  steps: string;
  /** 1 at creation, one more per edit: the steps an alarm runs are snapshotted with the version. */
  version: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

/** The steps an alarm runs: a copy of its procedure's at its creation (editing the procedure later does not change them). */
export interface AlarmStepsTable {
  alarm_id: string;
  step_id: string;
  position: number;
  procedure_id: string;
  procedure_version: number;
  /** call | notify_oncall | open_cameras | comment | check */
  kind: string;
  label_fr: string;
  label_en: string | null;
  /** 1: closing the alarm needs it done (or a supervisor's reason); its deadline escalates. */
  mandatory: number;
  /** The number to call (`call`). */
  phone_number: string | null;
  /** The on-call service (`notify_oncall`). */
  service: string | null;
  /** JSON array of named cameras (`open_cameras`; empty: the alarm's). */
  camera_ids: string;
  deadline_seconds: number | null;
  /** The alarm's first receipt plus the deadline (null: no deadline). */
  due_at: string | null;
  done_at: string | null;
  done_by: string | null;
  comment: string | null;
  result: string | null;
  /** The on-call service told at level 2, resolved from the procedure when copied. */
  escalation_service: string | null;
  /** 0 none; 1 supervisors (past the deadline); 2 on-call (past twice the deadline). */
  escalation_level: number;
  escalated_at: string | null;
}

export interface AlarmsProceduresSchema {
  alarm_procedures: AlarmProceduresTable;
  alarm_steps: AlarmStepsTable;
}
