// Requisitions (issue 13, items 1-2), owned by the requisitions module: the requisition itself
// (requesting officer, procedure, legal framework, channel, state, due date), the cameras and
// time ranges it asks for (what holds and, later, exports take), its state history, and the
// versions of its scanned document (sealed files, SHA-256 kept). Legal holds gain the id of the
// requisition that placed them.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('requisitions')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('officer_name', 'text', (column) => column.notNull())
    .addColumn('officer_rank', 'text', (column) => column.notNull())
    .addColumn('officer_unit', 'text', (column) => column.notNull())
    .addColumn('officer_contact', 'text', (column) => column.notNull())
    .addColumn('procedure_number', 'text', (column) => column.notNull())
    .addColumn('legal_framework', 'text', (column) => column.notNull())
    .addColumn('requisition_date', 'text', (column) => column.notNull())
    .addColumn('channel', 'text', (column) => column.notNull())
    .addColumn('free_text', 'text')
    .addColumn('received_at', 'text', (column) => column.notNull())
    .addColumn('due_at', 'text', (column) => column.notNull())
    // The first result (positive, negative, live viewing only, cancelled): the due clock stops.
    .addColumn('answered_at', 'text')
    .addColumn('filed_by', 'text', (column) => column.notNull())
    .addColumn('filed_by_id', 'text')
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .addColumn('closed_at', 'text')
    // On close: 1 when the procedure keeps its holds, 0 when they were released.
    .addColumn('holds_kept', 'integer', (column) => column.check(sql`holds_kept in (0, 1)`))
    .execute();
  await db.schema.createIndex('requisitions_commune_state').on('requisitions').columns(['commune_insee', 'state']).execute();
  await db.schema
    .createTable('requisition_ranges')
    .addColumn('requisition_id', 'text', (column) => column.notNull().references('requisitions.id'))
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('from_ms', 'bigint', (column) => column.notNull())
    .addColumn('to_ms', 'bigint', (column) => column.notNull())
    // held (all of it), partial (its start no longer exists), missing (none of it exists): recorded at intake.
    .addColumn('footage', 'text', (column) => column.notNull())
    .addColumn('held_from_ms', 'bigint')
    .addColumn('hold_id', 'text')
    .addPrimaryKeyConstraint('requisition_ranges_pk', ['requisition_id', 'position'])
    .execute();
  await db.schema
    .createTable('requisition_transitions')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('requisition_id', 'text', (column) => column.notNull().references('requisitions.id'))
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (column) => column.notNull())
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('by_login', 'text', (column) => column.notNull())
    .addColumn('by_id', 'text')
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('details', 'text', (column) => column.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('requisition_transitions_requisition').on('requisition_transitions').columns(['requisition_id', 'position']).unique().execute();
  await db.schema
    .createTable('requisition_documents')
    .addColumn('requisition_id', 'text', (column) => column.notNull().references('requisitions.id'))
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('file_name', 'text', (column) => column.notNull())
    .addColumn('media_type', 'text', (column) => column.notNull())
    .addColumn('bytes', 'integer', (column) => column.notNull())
    .addColumn('sha256', 'text', (column) => column.notNull())
    // Relative to the requisitions' document folder.
    .addColumn('path', 'text', (column) => column.notNull())
    .addColumn('uploaded_at', 'text', (column) => column.notNull())
    .addColumn('uploaded_by', 'text', (column) => column.notNull())
    .addColumn('reason', 'text')
    .addColumn('superseded_at', 'text')
    .addPrimaryKeyConstraint('requisition_documents_pk', ['requisition_id', 'version'])
    .execute();
  await db.schema.alterTable('legal_holds').addColumn('requisition_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('legal_holds').dropColumn('requisition_id').execute();
  for (const table of ['requisition_documents', 'requisition_transitions', 'requisition_ranges', 'requisitions']) await db.schema.dropTable(table).execute();
}
