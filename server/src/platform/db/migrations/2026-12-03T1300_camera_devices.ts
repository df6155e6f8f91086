// ONVIF device facts and quirks of each camera (issue 18), one row per camera, owned by the
// devices module: what the camera says it is (manufacturer, model, firmware, serial, MAC
// addresses as JSON text), its clock offset, how it authenticates, whether that differs from
// the inventory (a possibly swapped camera), and its quirk record: what the ONVIF client
// learnt (JSON text) and what an administrator set over it (JSON text).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('camera_devices')
    .addColumn('camera_id', 'text', (column) => column.primaryKey().references('cameras.id'))
    .addColumn('manufacturer', 'text')
    .addColumn('model', 'text')
    .addColumn('firmware_version', 'text')
    .addColumn('serial_number', 'text')
    .addColumn('hardware_id', 'text')
    .addColumn('mac_addresses', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('clock_offset_ms', 'integer')
    .addColumn('auth_mode', 'text')
    // When the facts were last read, and from which ONVIF URL and account (a change reads them again).
    .addColumn('read_at', 'text')
    .addColumn('read_source', 'text')
    .addColumn('attempted_at', 'text')
    .addColumn('read_error', 'text')
    .addColumn('model_mismatch', 'integer', (column) => column.notNull().defaultTo(0).check(sql`model_mismatch in (0, 1)`))
    .addColumn('mac_mismatch', 'integer', (column) => column.notNull().defaultTo(0).check(sql`mac_mismatch in (0, 1)`))
    .addColumn('quirks_learned', 'text', (column) => column.notNull().defaultTo('{}'))
    .addColumn('quirks_override', 'text', (column) => column.notNull().defaultTo('{}'))
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('camera_devices').execute();
}
