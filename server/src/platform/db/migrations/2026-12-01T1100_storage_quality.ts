// Storage volumes (capacity, low-space threshold), per-camera recording settings (volume,
// busy pedestrian place for the frame-rate floor, LEGAL 14) and the technical events that the
// recorder, the purge and the monitors raise (purge failure, low space, quality below the legal
// floor, mask not in force) until the alarms module turns them into alarms. Also an index of
// segments by volume and start, for the early destruction of a volume's oldest footage.
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable('storage_volumes')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('root', 'text', (column) => column.notNull().unique())
    .addColumn('capacity_bytes', 'bigint')
    .addColumn('low_space_percent', 'integer', (column) => column.notNull())
    .addColumn('enabled', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('recording_camera_settings')
    .addColumn('camera_id', 'text', (column) => column.primaryKey())
    .addColumn('volume_name', 'text', (column) => column.references('storage_volumes.name'))
    .addColumn('busy_pedestrian_place', 'integer')
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('technical_events')
    .addColumn('id', postgres ? 'bigint' : 'integer', (column) => (postgres ? column.primaryKey().generatedByDefaultAsIdentity() : column.primaryKey()))
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('severity', 'text', (column) => column.notNull())
    .addColumn('code', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text')
    .addColumn('camera_id', 'text')
    .addColumn('volume', 'text')
    .addColumn('message', 'text', (column) => column.notNull())
    .addColumn('details', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('technical_events_at').on('technical_events').columns(['at']).execute();
  await db.schema.createIndex('technical_events_camera').on('technical_events').columns(['camera_id', 'at']).execute();

  await db.schema.createIndex('recording_segments_volume_start').on('recording_segments').columns(['volume', 'start_ms']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('recording_segments_volume_start').execute();
  await db.schema.dropTable('technical_events').execute();
  await db.schema.dropTable('recording_camera_settings').execute();
  await db.schema.dropTable('storage_volumes').execute();
}
