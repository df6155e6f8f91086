// The operators' queue (issue 14, item 3): an alarm left `new` past its priority's deadline
// escalates (docs/alarms.md "Escalation"). `escalation_level` 0: not escalated; 1: past the
// deadline (supervisors); 2: past twice the deadline (the chief; the on-call chain comes later).
// The index serves the escalation job's scan of new alarms.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alarms').addColumn('escalated_at', 'text').execute();
  await db.schema
    .alterTable('alarms')
    .addColumn('escalation_level', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('alarms_state_received').on('alarms').columns(['state', 'first_received_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('alarms_state_received').execute();
  await db.schema.alterTable('alarms').dropColumn('escalation_level').execute();
  await db.schema.alterTable('alarms').dropColumn('escalated_at').execute();
}
