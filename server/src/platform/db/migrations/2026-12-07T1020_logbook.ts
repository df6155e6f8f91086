// The logbook (main courante, issue 14 item 6), owned by the logbook module: entries written by
// operators and supervisors, or automatically from the alarms' lifecycle, never edited (a
// correction is a new entry naming the one it corrects), chained like the statutory register
// (keyed HMAC, logbook subkey of the chain key) under the head row of `logbook_head`.
// `auto_key` (alarm id, change, time) makes an automatic entry unique however often its event
// is delivered.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('logbook_entries')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('seq', 'bigint', (column) => column.notNull().unique())
    .addColumn('recorded_at', 'text', (column) => column.notNull())
    .addColumn('occurred_at', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.references('communes.insee'))
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('origin', 'text', (column) => column.notNull().check(sql`origin in ('manual', 'alarm')`))
    .addColumn('text', 'text', (column) => column.notNull())
    .addColumn('offence_category', 'text')
    .addColumn('alarm_id', 'text')
    .addColumn('site_id', 'text')
    .addColumn('camera_ids', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('author', 'text', (column) => column.notNull())
    .addColumn('author_id', 'text')
    .addColumn('corrects_id', 'text')
    .addColumn('auto_key', 'text', (column) => column.unique())
    .addColumn('prev_hash', 'text', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('logbook_commune_time').on('logbook_entries').columns(['commune_insee', 'occurred_at']).execute();
  await db.schema.createIndex('logbook_alarm').on('logbook_entries').columns(['alarm_id']).execute();
  await db.schema
    .createTable('logbook_head')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('seq', 'bigint', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .execute();
  await (db as unknown as Kysely<{ logbook_head: { id: number; seq: number; hash: string } }>)
    .insertInto('logbook_head')
    .values({ id: 1, seq: 0, hash: '0'.repeat(64) })
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['logbook_head', 'logbook_entries']) await db.schema.dropTable(table).execute();
}
