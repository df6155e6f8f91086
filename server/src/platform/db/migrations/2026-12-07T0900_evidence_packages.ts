// Evidence packages (issue 13 item 4), owned by the exports module: one row per package asked
// for a requisition (its state, progress, the ZIP once built, its purge), and the cameras and
// ranges it holds. A package is built in the background, one at a time per server.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('evidence_packages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('requisition_id', 'text', (column) => column.notNull().references('requisitions.id'))
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    // queued | building | ready | failed | purged
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('progress', 'real', (column) => column.notNull().defaultTo(0))
    .addColumn('progress_message', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_by_role', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    // Relative to the packages' folder (<data dir>/exports).
    .addColumn('zip_path', 'text')
    .addColumn('zip_bytes', 'bigint')
    .addColumn('zip_sha256', 'text')
    // journal.json as written in the ZIP (the summary GET shows).
    .addColumn('journal', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('purged_at', 'text')
    .execute();
  await db.schema.createIndex('evidence_packages_requisition').on('evidence_packages').columns(['requisition_id', 'created_at']).execute();
  await db.schema.createIndex('evidence_packages_state').on('evidence_packages').columns(['state', 'created_at']).execute();
  await db.schema
    .createTable('evidence_package_items')
    .addColumn('package_id', 'text', (column) => column.notNull().references('evidence_packages.id'))
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('from_ms', 'bigint', (column) => column.notNull())
    .addColumn('to_ms', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('evidence_package_items_pk', ['package_id', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['evidence_package_items', 'evidence_packages']) await db.schema.dropTable(table).execute();
}
