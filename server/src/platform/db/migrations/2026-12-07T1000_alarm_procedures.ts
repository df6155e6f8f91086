// Procedures (fiches réflexes, issue 14 item 4; docs/alarms.md "Procedures"): one per alarm type
// and optionally per site (unique on type and scope), and the steps each alarm runs, copied from
// its procedure when the alarm is created. The steps' index serves the escalation job's scan of
// steps past their deadline.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alarm_procedures')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('alarm_type', 'text', (column) => column.notNull())
    .addColumn('site_id', 'text', (column) => column.references('sites.id'))
    .addColumn('commune_insee', 'text')
    .addColumn('scope_key', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('escalation_service', 'text')
    .addColumn('steps', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('alarm_procedures_scope').on('alarm_procedures').columns(['alarm_type', 'scope_key']).unique().execute();
  await db.schema
    .createTable('alarm_steps')
    .addColumn('alarm_id', 'text', (column) => column.notNull().references('alarms.id'))
    .addColumn('step_id', 'text', (column) => column.notNull())
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('procedure_id', 'text', (column) => column.notNull())
    .addColumn('procedure_version', 'integer', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('label_fr', 'text', (column) => column.notNull())
    .addColumn('label_en', 'text')
    .addColumn('mandatory', 'integer', (column) => column.notNull())
    .addColumn('phone_number', 'text')
    .addColumn('service', 'text')
    .addColumn('camera_ids', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('deadline_seconds', 'integer')
    .addColumn('due_at', 'text')
    .addColumn('done_at', 'text')
    .addColumn('done_by', 'text')
    .addColumn('comment', 'text')
    .addColumn('result', 'text')
    .addColumn('escalation_service', 'text')
    .addColumn('escalation_level', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('escalated_at', 'text')
    .addPrimaryKeyConstraint('alarm_steps_pk', ['alarm_id', 'step_id'])
    .execute();
  await db.schema.createIndex('alarm_steps_due').on('alarm_steps').columns(['due_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alarm_steps').execute();
  await db.schema.dropTable('alarm_procedures').execute();
}
