// Yearly statistics (issue 13 item 8), owned by the statistics module: offences seen on camera
// (the short form today, logbook entries later, told apart by `source`), and the figures of past
// years imported from a CSV, kept apart from Vigie's own records.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('offences')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('occurred_at', 'text', (column) => column.notNull())
    .addColumn('category', 'text', (column) => column.notNull())
    .addColumn('spotted_by_operator', 'integer', (column) => column.notNull().check(sql`spotted_by_operator in (0, 1)`))
    .addColumn('site_id', 'text')
    .addColumn('camera_ids', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('service', 'text')
    .addColumn('comment', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('source_ref', 'text')
    .addColumn('recorded_at', 'text', (column) => column.notNull())
    .addColumn('recorded_by', 'text', (column) => column.notNull())
    .addColumn('recorded_by_id', 'text')
    .execute();
  await db.schema.createIndex('offences_commune_time').on('offences').columns(['commune_insee', 'occurred_at']).execute();
  // A logbook entry feeds the counts once, however often it is replayed.
  await db.schema.createIndex('offences_source_ref').on('offences').columns(['source', 'source_ref']).unique().execute();
  await db.schema
    .createTable('statistics_imported')
    .addColumn('year', 'integer', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('service', 'text', (column) => column.notNull())
    .addColumn('indicator', 'text', (column) => column.notNull())
    .addColumn('value', 'double precision', (column) => column.notNull())
    .addColumn('imported_at', 'text', (column) => column.notNull())
    .addColumn('imported_by', 'text', (column) => column.notNull())
    .addColumn('file_sha256', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('statistics_imported_pk', ['year', 'commune_insee', 'service', 'indicator'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['statistics_imported', 'offences']) await db.schema.dropTable(table).execute();
}
