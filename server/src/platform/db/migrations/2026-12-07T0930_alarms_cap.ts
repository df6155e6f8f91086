// CAP 1.2 intake (issue 14), owned by the alarms module: every CAP message stored under its
// (sender, identifier, sent) triple, unique across sources (a resend or the same alert from
// another source lands once), with the alarms it created or applied to; the Atom feed of a CAP
// source with its conditional-GET validators.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alarm_cap_messages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('source_id', 'text', (column) => column.notNull().references('alarm_sources.id'))
    .addColumn('sender', 'text', (column) => column.notNull())
    .addColumn('identifier', 'text', (column) => column.notNull())
    .addColumn('sent', 'text', (column) => column.notNull())
    .addColumn('msg_type', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('outcome', 'text', (column) => column.notNull())
    .addColumn('alarm_ids', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('channel', 'text', (column) => column.notNull())
    .addColumn('received_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('alarm_cap_messages_triple').on('alarm_cap_messages').columns(['sender', 'identifier', 'sent']).unique().execute();
  await db.schema
    .createTable('alarm_cap_feeds')
    .addColumn('source_id', 'text', (column) => column.primaryKey().references('alarm_sources.id'))
    .addColumn('url', 'text', (column) => column.notNull())
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('last_polled_at', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['alarm_cap_feeds', 'alarm_cap_messages']) await db.schema.dropTable(table).execute();
}
