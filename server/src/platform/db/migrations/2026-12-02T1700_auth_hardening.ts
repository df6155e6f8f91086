// Sign-in and account hardening (issue 11): the last accepted TOTP step (a code is accepted
// once), the creator of each API token (a token dies with its creator and never exceeds its
// rights), and the four-eyes confirmation of image access (who asked for it, who confirmed it).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  // Image access: requested by whoever created the account, gave it an image role or reset its
  // password; confirmed by another administrator or a supervisor. Accounts existing before this
  // migration keep their access (confirmed by `migration`).
  await db.schema.alterTable('users').addColumn('image_access_requested_by', 'text').execute();
  await db.schema.alterTable('users').addColumn('image_access_confirmed_by', 'text').execute();
  await db.schema.alterTable('users').addColumn('image_access_confirmed_at', 'text').execute();
  await sql`update users set image_access_confirmed_by = 'migration', image_access_confirmed_at = updated_at`.execute(db);
  // `user:<id>`, `token:<id>` or `cli`.
  await db.schema.alterTable('api_tokens').addColumn('creator', 'text').execute();
  await sql`update api_tokens set creator = coalesce((select 'user:' || users.id from users where users.login = api_tokens.created_by), 'cli')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('creator').execute();
  for (const column of ['image_access_confirmed_at', 'image_access_confirmed_by', 'image_access_requested_by', 'totp_last_step']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
