// Recording engine per camera: `native` (Vigie's own RTSP client and MP4 writer, the default)
// or `ffmpeg` (one ffmpeg per camera, kept as the fallback for cameras that misbehave). Every
// existing camera gets the default.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cameras')
    .addColumn('recording_engine', 'text', (column) => column.notNull().defaultTo('native'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cameras').dropColumn('recording_engine').execute();
}
