// Alarms (issue 14, items 1-2), owned by the alarms module: the configured intake sources
// (webhook, MQTT, and the built-in `technical` source fed by technical events), the alarms with
// their state and who moved them, and every receipt as received. The unique index on (source,
// sender's event id) is what makes a resent message land once.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alarm_sources')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.references('communes.insee'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('token_hash', 'text')
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1).check(sql`enabled in (0, 1)`))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db
    .insertInto('alarm_sources' as never)
    .values({
      id: 'technical',
      kind: 'technical',
      commune_insee: null,
      name: 'Événements techniques / technical events',
      token_hash: null,
      enabled: 1,
      created_at: '2026-12-05T10:00:00.000Z',
      updated_at: '2026-12-05T10:00:00.000Z',
    } as never)
    .execute();
  await db.schema
    .createTable('alarms')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('source_id', 'text', (column) => column.notNull().references('alarm_sources.id'))
    .addColumn('commune_insee', 'text')
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('priority', 'integer', (column) => column.notNull())
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('site_id', 'text')
    .addColumn('zone', 'text')
    .addColumn('fold_key', 'text', (column) => column.notNull())
    .addColumn('title', 'text', (column) => column.notNull())
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('camera_ids', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('count', 'integer', (column) => column.notNull())
    .addColumn('occurred_at', 'text', (column) => column.notNull())
    .addColumn('first_received_at', 'text', (column) => column.notNull())
    .addColumn('last_received_at', 'text', (column) => column.notNull())
    .addColumn('restored_at', 'text')
    .addColumn('taken_at', 'text')
    .addColumn('taken_by', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('started_at', 'text')
    .addColumn('started_by', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('outcome', 'text')
    .addColumn('comment', 'text')
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  // The queue (open alarms by priority then age) and folding (the open alarm of a source, type and key).
  await db.schema.createIndex('alarms_queue').on('alarms').columns(['state', 'priority', 'first_received_at']).execute();
  await db.schema.createIndex('alarms_fold').on('alarms').columns(['source_id', 'type', 'fold_key', 'last_received_at']).execute();
  await db.schema
    .createTable('alarm_receipts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('source_id', 'text', (column) => column.notNull().references('alarm_sources.id'))
    .addColumn('sender_event_id', 'text', (column) => column.notNull())
    .addColumn('alarm_id', 'text', (column) => column.references('alarms.id'))
    .addColumn('event', 'text', (column) => column.notNull())
    .addColumn('outcome', 'text', (column) => column.notNull())
    .addColumn('channel', 'text', (column) => column.notNull())
    .addColumn('received_at', 'text', (column) => column.notNull())
    .addColumn('raw_payload', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('alarm_receipts_sender_event').on('alarm_receipts').columns(['source_id', 'sender_event_id']).unique().execute();
  await db.schema.createIndex('alarm_receipts_alarm').on('alarm_receipts').columns(['alarm_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['alarm_receipts', 'alarms', 'alarm_sources']) await db.schema.dropTable(table).execute();
}
