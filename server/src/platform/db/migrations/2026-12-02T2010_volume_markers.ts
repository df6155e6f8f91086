// Storage volume markers (issue 11): when each volume's marker file was written. Volumes
// created before markers existed keep null here: their first check writes the marker if the
// disk holding their footage is present (storage.marker.ts); once set, a missing marker means
// the disk is not mounted and nothing on the volume is destroyed.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('storage_volumes').addColumn('marked_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('storage_volumes').dropColumn('marked_at').execute();
}
