// The on-call chain (issue 14 item 5), owned by the oncall module: astreinte services (per
// commune or centre-wide) with an optional webhook (SMS gateway) and its sealed secret, the
// people on call (minimal personal data), rotas as RFC 5545 rules in Paris wall-clock time,
// overrides (a person replaces another for a period), and the notifications, persisted before
// anything is sent so that a crash loses none.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oncall_services')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.references('communes.insee'))
    .addColumn('escalation_minutes', 'integer')
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret_sealed', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('oncall_people')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('oncall_rotas')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('service_id', 'text', (column) => column.notNull().references('oncall_services.id'))
    .addColumn('person_id', 'text', (column) => column.notNull().references('oncall_people.id'))
    .addColumn('level', 'integer', (column) => column.notNull())
    .addColumn('starts_at', 'text', (column) => column.notNull())
    .addColumn('rrule', 'text', (column) => column.notNull())
    .addColumn('duration_minutes', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('oncall_rotas_service').on('oncall_rotas').column('service_id').execute();
  await db.schema
    .createTable('oncall_overrides')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('service_id', 'text', (column) => column.notNull().references('oncall_services.id'))
    .addColumn('replaced_person_id', 'text', (column) => column.notNull().references('oncall_people.id'))
    .addColumn('replacement_person_id', 'text', (column) => column.notNull().references('oncall_people.id'))
    .addColumn('from_at', 'text', (column) => column.notNull())
    .addColumn('to_at', 'text', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('oncall_overrides_service').on('oncall_overrides').columns(['service_id', 'to_at']).execute();
  await db.schema
    .createTable('oncall_notifications')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('chain_id', 'text', (column) => column.notNull())
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('chain_person_ids', 'text', (column) => column.notNull())
    .addColumn('service_id', 'text', (column) => column.notNull().references('oncall_services.id'))
    .addColumn('person_id', 'text', (column) => column.notNull())
    .addColumn('alarm_id', 'text')
    .addColumn('commune_insee', 'text')
    .addColumn('subject', 'text', (column) => column.notNull())
    .addColumn('text', 'text', (column) => column.notNull())
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('channels', 'text', (column) => column.notNull())
    .addColumn('delivered_channels', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('escalation_ms', 'integer', (column) => column.notNull())
    .addColumn('escalate_at', 'text')
    .addColumn('ack_expires_at', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('escalated_at', 'text')
    .execute();
  await db.schema.createIndex('oncall_notifications_due').on('oncall_notifications').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('oncall_notifications_escalate').on('oncall_notifications').columns(['state', 'escalate_at']).execute();
  await db.schema.createIndex('oncall_notifications_alarm').on('oncall_notifications').column('alarm_id').execute();
  await db.schema.createIndex('oncall_notifications_chain').on('oncall_notifications').columns(['chain_id', 'position']).unique().execute();
}
