// SIA DC-09 intake (issue 14, item 2), owned by the alarms module: the panels' accounts (line
// prefix and account number -> a `dc09` source, its commune and site; the AES key sealed with
// the secret key; the supervision interval and the last time the panel spoke), and every
// message accepted, whose unique (account, sequence, sender's timestamp) makes a resend after a
// lost ACK land once.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alarm_dc09_accounts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('source_id', 'text', (column) => column.notNull().references('alarm_sources.id'))
    .addColumn('line', 'text', (column) => column.notNull())
    .addColumn('account', 'text', (column) => column.notNull())
    .addColumn('site_id', 'text')
    .addColumn('key_sealed', 'text')
    .addColumn('supervision_seconds', 'integer')
    .addColumn('last_seen_at', 'text')
    .addColumn('supervision_lost_at', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('alarm_dc09_accounts_number').on('alarm_dc09_accounts').columns(['line', 'account']).unique().execute();
  await db.schema
    .createTable('alarm_dc09_messages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull().references('alarm_dc09_accounts.id'))
    .addColumn('sequence', 'text', (column) => column.notNull())
    .addColumn('sent_at', 'text', (column) => column.notNull())
    .addColumn('token', 'text', (column) => column.notNull())
    .addColumn('events', 'text', (column) => column.notNull())
    .addColumn('received_at', 'text', (column) => column.notNull())
    .addColumn('raw', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('alarm_dc09_messages_resend').on('alarm_dc09_messages').columns(['account_id', 'sequence', 'sent_at']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alarm_dc09_messages').execute();
  await db.schema.dropTable('alarm_dc09_accounts').execute();
}
