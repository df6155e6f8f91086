// Masks never fail open in playback (issue 11 item 7, LEGAL 4). Three things are kept:
//   - `privacy_mask_history`: every revision of every mask with its validity interval
//     (`valid_to` null while in force); an edit of the polygons or the preset closes the
//     revision and opens another, a deletion closes it. `privacy_masks.revision` names the
//     revision a mask is at now;
//   - `recording_mask_versions`: per camera, each masking a recorder ran with (its mode, the
//     polygons ffmpeg burnt in, the mask revisions it accounted for), written by the indexer;
//   - `recording_segments.mask_version`: the masking each segment was recorded with. Rows that
//     exist before this migration get 'unknown': nothing is known to be burnt into them, so
//     playback masks them with every mask in force or ever in force since.
// Existing masks get one open revision each, dated from their last change.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('privacy_mask_history')
    .addColumn('revision', 'text', (column) => column.primaryKey())
    .addColumn('mask_id', 'text', (column) => column.notNull())
    // No foreign key: the history outlives the mask, and the camera, it describes.
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('commune_insee', 'text', (column) => column.notNull())
    .addColumn('preset_token', 'text')
    .addColumn('polygons', 'text', (column) => column.notNull())
    .addColumn('valid_from', 'text', (column) => column.notNull())
    .addColumn('valid_to', 'text')
    .addColumn('opened_by', 'text', (column) => column.notNull())
    .addColumn('closed_by', 'text')
    .execute();
  await db.schema.createIndex('privacy_mask_history_camera').on('privacy_mask_history').columns(['camera_id', 'valid_to']).execute();

  await db.schema
    .alterTable('privacy_masks')
    .addColumn('revision', 'text', (column) => column.notNull().defaultTo(''))
    .execute();
  const masks = await sql<{
    id: string;
    camera_id: string;
    commune_insee: string;
    preset_token: string | null;
    polygons: string;
    updated_at: string;
    updated_by: string;
  }>`
    select id, camera_id, commune_insee, preset_token, polygons, updated_at, updated_by from privacy_masks`.execute(db);
  for (const mask of masks.rows) {
    const revision = randomUUID();
    await sql`insert into privacy_mask_history (revision, mask_id, camera_id, commune_insee, preset_token, polygons, valid_from, valid_to, opened_by, closed_by)
      values (${revision}, ${mask.id}, ${mask.camera_id}, ${mask.commune_insee}, ${mask.preset_token}, ${mask.polygons}, ${mask.updated_at}, null, ${mask.updated_by}, null)`.execute(
      db,
    );
    await sql`update privacy_masks set revision = ${revision} where id = ${mask.id}`.execute(db);
  }

  await db.schema
    .createTable('recording_mask_versions')
    .addColumn('camera_id', 'text', (column) => column.notNull())
    .addColumn('version', 'text', (column) => column.notNull())
    .addColumn('mode', 'text', (column) => column.notNull().check(sql`mode in ('in_camera', 'server')`))
    // JSON: the revisions of privacy_mask_history this masking accounted for, sorted.
    .addColumn('revisions', 'text', (column) => column.notNull())
    // JSON: the polygons ffmpeg burnt in ([] in `in_camera` mode, or at a position without any).
    .addColumn('polygons', 'text', (column) => column.notNull())
    .addColumn('first_indexed_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('recording_mask_versions_pk', ['camera_id', 'version'])
    .execute();

  await db.schema
    .alterTable('recording_segments')
    .addColumn('mask_version', 'text', (column) => column.notNull().defaultTo('unknown'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recording_segments').dropColumn('mask_version').execute();
  await db.schema.dropTable('recording_mask_versions').ifExists().execute();
  await db.schema.alterTable('privacy_masks').dropColumn('revision').execute();
  await db.schema.dropTable('privacy_mask_history').ifExists().execute();
}
