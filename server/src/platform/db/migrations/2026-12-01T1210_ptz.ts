// PTZ (issue 5): the control lock of each camera (one row while someone steers it; several API
// processes agree through it) with the counts of the current control session, coalesced into
// one audit row when the session ends; and patrol tours of presets (virtual patrol). Steps are
// JSON text; windows are HH:MM in Europe/Paris; booleans 0/1; times ISO-8601 UTC text.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ptz_locks')
    .addColumn('camera_id', 'text', (column) => column.primaryKey().references('cameras.id'))
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('session_id', 'text', (column) => column.notNull())
    // A user id, or `patrol:<instance>` for the tour runner of one API process.
    .addColumn('holder_id', 'text', (column) => column.notNull())
    .addColumn('holder_login', 'text', (column) => column.notNull())
    .addColumn('holder_role', 'text', (column) => column.notNull())
    .addColumn('priority', 'integer', (column) => column.notNull().check(sql`priority between 0 and 3`))
    .addColumn('takeover', 'integer', (column) => column.notNull().defaultTo(0).check(sql`takeover in (0, 1)`))
    .addColumn('acquired_at', 'text', (column) => column.notNull())
    .addColumn('renewed_at', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'text', (column) => column.notNull())
    // The holder this session pre-empted: their next command is told "taken over".
    .addColumn('preempted_holder_id', 'text')
    .addColumn('preempted_login', 'text')
    .addColumn('preempted_role', 'text')
    .addColumn('tour_id', 'text')
    .addColumn('moves', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('preset_calls', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('presets_saved', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('ptz_locks_expiry').on('ptz_locks').column('expires_at').execute();

  await db.schema
    .createTable('ptz_tours')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('camera_id', 'text', (column) => column.notNull().references('cameras.id'))
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('steps', 'text', (column) => column.notNull())
    .addColumn('active_from', 'text')
    .addColumn('active_to', 'text')
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1).check(sql`enabled in (0, 1)`))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('ptz_tours_camera').on('ptz_tours').columns(['camera_id', 'created_at']).execute();
  await db.schema.createIndex('ptz_tours_enabled').on('ptz_tours').columns(['enabled', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ptz_tours', 'ptz_locks']) await db.schema.dropTable(table).ifExists().execute();
}
