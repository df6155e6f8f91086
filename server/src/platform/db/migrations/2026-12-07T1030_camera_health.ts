// Camera picture health (issue 15 item 1, docs/health.md), owned by the camera-health module:
// the reference picture of each camera and PTZ preset (captured by an administrator, with what
// was learnt of its scene), each check's raised state, the history of faults raised and
// cleared (with the still of the moment), and the thresholds overridden per camera.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('camera_health_references')
    .addColumn('camera_id', 'text', (column) => column.notNull())
    // '' for a fixed camera (or a PTZ camera away from any preset).
    .addColumn('preset_token', 'text', (column) => column.notNull())
    .addColumn('captured_at', 'text', (column) => column.notNull())
    .addColumn('captured_by', 'text', (column) => column.notNull())
    .addColumn('width', 'integer', (column) => column.notNull())
    .addColumn('height', 'integer', (column) => column.notNull())
    // The grey picture the checks compare with, base64; the still shown beside an alarm, base64 JPEG.
    .addColumn('gray', 'text', (column) => column.notNull())
    .addColumn('jpeg', 'text')
    // JSON LearntScene once the healthy pictures after the capture were seen, else null.
    .addColumn('learnt', 'text')
    .addPrimaryKeyConstraint('camera_health_references_pk', ['camera_id', 'preset_token'])
    .execute();
  await db.schema
    .createTable('camera_health_states')
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('check_name', 'text', (column) => column.notNull())
    .addColumn('raised', 'integer', (column) => column.notNull())
    .addColumn('since', 'text', (column) => column.notNull())
    .addColumn('event_id', 'text')
    .addPrimaryKeyConstraint('camera_health_states_pk', ['camera_id', 'check_name'])
    .execute();
  await db.schema
    .createTable('camera_health_events')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('check_name', 'text', (column) => column.notNull())
    // raised | cleared
    .addColumn('transition', 'text', (column) => column.notNull())
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('preset_token', 'text', (column) => column.notNull())
    // JSON Measures of the picture that decided it.
    .addColumn('measures', 'text', (column) => column.notNull())
    .addColumn('jpeg', 'text')
    .execute();
  await db.schema.createIndex('camera_health_events_camera_at').on('camera_health_events').columns(['camera_id', 'at']).execute();
  await db.schema
    .createTable('camera_health_settings')
    .addColumn('camera_id', 'text', (column) => column.primaryKey())
    // JSON: the thresholds overridden for this camera (the others are the defaults).
    .addColumn('thresholds', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('updated_by', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['camera_health_settings', 'camera_health_events', 'camera_health_states', 'camera_health_references'])
    await db.schema.dropTable(table).execute();
}
