// RTSP transport per camera: `tcp` (interleaved on the RTSP connection, the default), `udp`, or
// `auto` (UDP first, TCP for the rest of the recorder's life when UDP cannot work). Every
// existing camera gets the default, the transport it was recorded with until now.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cameras')
    .addColumn('rtsp_transport', 'text', (column) => column.notNull().defaultTo('tcp'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cameras').dropColumn('rtsp_transport').execute();
}
