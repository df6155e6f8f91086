// Privacy masks (LEGAL 4): polygons per camera, optionally per PTZ preset, and per camera the
// way masks are enforced: `in_camera` (the camera masks its own picture; Vigie checks it on
// recorded frames) or `server` (Vigie burns the mask in before recording and live). Polygons
// are JSON text in normalised picture coordinates (0..1), validated by the service.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('privacy_masks')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('camera_id', 'text', (column) => column.notNull().references('cameras.id'))
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    // Null: the mask applies at every position of the camera; otherwise only at that preset.
    .addColumn('preset_token', 'text')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('polygons', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('privacy_masks_camera').on('privacy_masks').columns(['camera_id', 'preset_token']).execute();

  await db.schema
    .createTable('camera_mask_modes')
    .addColumn('camera_id', 'text', (column) => column.primaryKey().references('cameras.id'))
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('mode', 'text', (column) => column.notNull().check(sql`mode in ('in_camera', 'server')`))
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['camera_mask_modes', 'privacy_masks']) await db.schema.dropTable(table).ifExists().execute();
}
