// Retention purge, legal holds and the statutory register (LEGAL 6-8, 18). Holds name their
// cameras through a join table; the register keeps one row per camera and time range
// recorded, destroyed or handed over; `recording_purged_runs` keeps, for each run of segments
// a purge removed from a camera's chain, the hash the run chained from and the hash of its
// last link, so that a verifier can tell a lawful purge from a deletion.
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const idColumn = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', postgres ? 'bigint' : 'integer', (column) => (postgres ? column.primaryKey().generatedByDefaultAsIdentity() : column.primaryKey()));

  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('from_ms', 'bigint', (column) => column.notNull())
    .addColumn('to_ms', 'bigint', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('procedure_reference', 'text')
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('released_at', 'text')
    .addColumn('released_by', 'text')
    .addColumn('release_reason', 'text')
    .execute();
  await db.schema.createIndex('legal_holds_commune').on('legal_holds').columns(['commune_insee', 'created_at']).execute();

  // No foreign key to cameras: a hold must survive the camera's removal from the inventory.
  await db.schema
    .createTable('legal_hold_cameras')
    .addColumn('hold_id', 'text', (column) => column.notNull().references('legal_holds.id').onDelete('cascade'))
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('legal_hold_cameras_pk', ['hold_id', 'camera_id'])
    .execute();
  await db.schema.createIndex('legal_hold_cameras_camera').on('legal_hold_cameras').columns(['camera_id']).execute();

  await idColumn('statutory_register')
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('from_ms', 'bigint', (column) => column.notNull())
    .addColumn('to_ms', 'bigint', (column) => column.notNull())
    .addColumn('segments', 'integer', (column) => column.notNull())
    .addColumn('bytes', 'bigint', (column) => column.notNull())
    .addColumn('reference', 'text')
    .addColumn('details', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('statutory_register_commune_at').on('statutory_register').columns(['commune_insee', 'at']).execute();

  await idColumn('recording_purged_runs')
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('first_segment_id', 'bigint', (column) => column.notNull())
    .addColumn('last_segment_id', 'bigint', (column) => column.notNull())
    .addColumn('from_ms', 'bigint', (column) => column.notNull())
    .addColumn('to_ms', 'bigint', (column) => column.notNull())
    .addColumn('segments', 'integer', (column) => column.notNull())
    .addColumn('prev_hash', 'text', (column) => column.notNull())
    .addColumn('last_chain_hash', 'text', (column) => column.notNull())
    .addColumn('purged_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('recording_purged_runs_camera').on('recording_purged_runs').columns(['camera_id', 'first_segment_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['recording_purged_runs', 'statutory_register', 'legal_hold_cameras', 'legal_holds'])
    await db.schema.dropTable(table).ifExists().execute();
}
