// Foundation tables: communes, accounts, sessions, tokens, audit chain, settings, inventory,
// authorisations. Portable types only (text, integer, real), see schema.ts.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('communes')
    .addColumn('insee', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('retention_days', 'integer', (column) => column.notNull())
    .addColumn('time_zone', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('login', 'text', (column) => column.notNull().unique())
    .addColumn('display_name', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('all_communes', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('password_hash', 'text', (column) => column.notNull())
    .addColumn('password_changed_at', 'text', (column) => column.notNull())
    .addColumn('approval_reference', 'text')
    .addColumn('approval_expires_on', 'text')
    .addColumn('training_date', 'text')
    .addColumn('totp_secret_sealed', 'text')
    .addColumn('totp_enabled', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('failed_logins', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('disabled', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('last_login_at', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('user_communes')
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addPrimaryKeyConstraint('user_communes_pk', ['user_id', 'commune_insee'])
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (column) => column.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('stage', 'text', (column) => column.notNull())
    .addColumn('csrf_token', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('last_seen_at', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'text', (column) => column.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('all_communes', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('communes', 'text', (column) => column.notNull())
    .addColumn('actions', 'text')
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (column) => column.primaryKey())
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('actor_type', 'text', (column) => column.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_login', 'text')
    .addColumn('commune_insee', 'text')
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'text', (column) => column.notNull())
    .addColumn('ip', 'text')
    .addColumn('prev_hash', 'text', (column) => column.notNull().unique())
    .addColumn('hash', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_commune_at').on('audit_log').columns(['commune_insee', 'at']).execute();
  await db.schema.createIndex('audit_log_action_at').on('audit_log').columns(['action', 'at']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('seq', 'integer', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .addColumn('anchor_seq', 'integer', (column) => column.notNull())
    .addColumn('anchor_prev_hash', 'text', (column) => column.notNull())
    .execute();
  // The head row exists from the start, so concurrent first writers lock the same row.
  const genesis = '0'.repeat(64);
  await (db as Kysely<{ audit_head: { id: number; seq: number; hash: string; anchor_seq: number; anchor_prev_hash: string } }>)
    .insertInto('audit_head')
    .values({ id: 1, seq: 0, hash: genesis, anchor_seq: 1, anchor_prev_hash: genesis })
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('address', 'text')
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addUniqueConstraint('sites_commune_name', ['commune_insee', 'name'])
    .execute();

  await db.schema
    .createTable('cameras')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('site_id', 'text', (column) => column.notNull().references('sites.id'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('field_class', 'text', (column) => column.notNull())
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('heading_deg', 'real')
    .addColumn('model', 'text')
    .addColumn('ip_address', 'text')
    .addColumn('mac_address', 'text')
    .addColumn('main_stream_url', 'text', (column) => column.notNull())
    .addColumn('sub_stream_url', 'text')
    .addColumn('onvif_url', 'text')
    .addColumn('credentials_sealed', 'text')
    .addColumn('purposes', 'text', (column) => column.notNull())
    .addColumn('commissioning_date', 'text')
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('operational_state', 'text', (column) => column.notNull())
    .addColumn('retention_days', 'integer')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addUniqueConstraint('cameras_commune_name', ['commune_insee', 'name'])
    .execute();
  await db.schema.createIndex('cameras_site').on('cameras').column('site_id').execute();

  await db.schema
    .createTable('camera_positions')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('camera_id', 'text', (column) => column.notNull().references('cameras.id').onDelete('cascade'))
    .addColumn('changed_at', 'text', (column) => column.notNull())
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('heading_deg', 'real')
    .addColumn('changed_by', 'text')
    .execute();
  await db.schema.createIndex('camera_positions_camera').on('camera_positions').columns(['camera_id', 'changed_at']).execute();

  await db.schema
    .createTable('authorisations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('commune_insee', 'text', (column) => column.notNull().references('communes.insee'))
    .addColumn('reference', 'text', (column) => column.notNull())
    .addColumn('start_on', 'text', (column) => column.notNull())
    .addColumn('end_on', 'text', (column) => column.notNull())
    .addColumn('perimeter', 'text', (column) => column.notNull())
    .addColumn('purposes', 'text', (column) => column.notNull())
    .addColumn('min_retention_days', 'integer', (column) => column.notNull())
    .addColumn('max_retention_days', 'integer', (column) => column.notNull())
    .addColumn('recipients', 'text', (column) => column.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addUniqueConstraint('authorisations_commune_reference', ['commune_insee', 'reference'])
    .execute();

  await db.schema
    .createTable('authorisation_cameras')
    .addColumn('authorisation_id', 'text', (column) => column.notNull().references('authorisations.id').onDelete('cascade'))
    .addColumn('camera_id', 'text', (column) => column.notNull().references('cameras.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('authorisation_cameras_pk', ['authorisation_id', 'camera_id'])
    .execute();
  await db.schema.createIndex('authorisation_cameras_camera').on('authorisation_cameras').column('camera_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'authorisation_cameras',
    'authorisations',
    'camera_positions',
    'cameras',
    'sites',
    'settings',
    'audit_head',
    'audit_log',
    'api_tokens',
    'sessions',
    'recovery_codes',
    'user_communes',
    'users',
    'communes',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
