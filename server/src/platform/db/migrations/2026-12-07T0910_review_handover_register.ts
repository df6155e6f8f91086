// Review hours, handovers and the chained statutory register (issue 13 items 3, 6, 7).
// - playback sessions may be opened for a requisition, and count their active seconds (the
//   console's heartbeats, capped) — the playback module's;
// - the review time of a requisition: one automatic entry per playback session attached to it,
//   manual entries never edited (a correction is a new entry) — the requisitions module's;
// - handovers of footage to the officer (medium, recipient, receipt, acknowledgement) — the
//   requisitions module's;
// - the statutory register's rows get a sequence and a hash chain (the retention module's),
//   with a head row locked by each writer. Rows that exist are chained here with plain SHA-256;
//   the chain key file records the boundary (chain-keys.ts), so they verify and later rows are keyed.
import type { Kysely } from 'kysely';
import { REGISTER_GENESIS_HASH, registerChainHash } from '../../register-chain.ts';

interface ExistingRegisterRow {
  id: number | string;
  at: string;
  commune_insee: string;
  camera_id: string;
  kind: string;
  from_ms: number | string;
  to_ms: number | string;
  segments: number | string;
  bytes: number | string;
  reference: string | null;
  details: string;
}

type RegisterDb = Kysely<{
  statutory_register: ExistingRegisterRow & { seq: number | null; prev_hash: string | null; hash: string | null };
  statutory_register_head: { id: number; seq: number; hash: string };
}>;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('playback_sessions').addColumn('requisition_id', 'text').execute();
  await db.schema
    .alterTable('playback_sessions')
    .addColumn('active_seconds', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('playback_sessions').addColumn('last_beat_at', 'text').execute();

  await db.schema
    .createTable('requisition_review_entries')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('requisition_id', 'text', (column) => column.notNull().references('requisitions.id'))
    // playback (automatic, one per session, its seconds grow with the beats) | manual (never edited)
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('playback_id', 'text', (column) => column.unique())
    .addColumn('camera_id', 'text')
    .addColumn('seconds', 'integer', (column) => column.notNull())
    // The Paris day the review took place (a manual entry's date; a session's opening day).
    .addColumn('review_date', 'text', (column) => column.notNull())
    .addColumn('comment', 'text')
    .addColumn('corrects_id', 'text')
    .addColumn('by_login', 'text', (column) => column.notNull())
    .addColumn('by_id', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('requisition_review_entries_requisition').on('requisition_review_entries').columns(['requisition_id']).execute();
  await db.schema.createIndex('requisition_review_entries_date').on('requisition_review_entries').columns(['review_date']).execute();

  await db.schema
    .createTable('requisition_handovers')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('requisition_id', 'text', (column) => column.notNull().references('requisitions.id'))
    .addColumn('medium', 'text', (column) => column.notNull())
    .addColumn('recipient_name', 'text', (column) => column.notNull())
    .addColumn('recipient_rank', 'text', (column) => column.notNull())
    .addColumn('recipient_unit', 'text', (column) => column.notNull())
    .addColumn('handed_at', 'text', (column) => column.notNull())
    .addColumn('package_id', 'text')
    .addColumn('comment', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('created_by', 'text', (column) => column.notNull())
    // console (a police user's "J'accuse réception") | scan (the signed receipt attached); null: pending.
    .addColumn('acknowledgement', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_by_id', 'text')
    .addColumn('scan_path', 'text')
    .addColumn('scan_media_type', 'text')
    .addColumn('scan_bytes', 'integer')
    .addColumn('scan_sha256', 'text')
    .execute();
  await db.schema.createIndex('requisition_handovers_requisition').on('requisition_handovers').columns(['requisition_id']).execute();

  await db.schema.alterTable('statutory_register').addColumn('seq', 'bigint').execute();
  await db.schema.alterTable('statutory_register').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('statutory_register').addColumn('hash', 'text').execute();
  await db.schema
    .createTable('statutory_register_head')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('seq', 'bigint', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .execute();
  const register = db as unknown as RegisterDb;
  const existing = await register.selectFrom('statutory_register').selectAll().orderBy('id').execute();
  let previous = REGISTER_GENESIS_HASH;
  let seq = 0;
  for (const row of existing) {
    seq += 1;
    const hash = registerChainHash(previous, { ...row, seq });
    await register.updateTable('statutory_register').set({ seq, prev_hash: previous, hash }).where('id', '=', row.id).execute();
    previous = hash;
  }
  await register.insertInto('statutory_register_head').values({ id: 1, seq, hash: previous }).execute();
  await db.schema.createIndex('statutory_register_seq').on('statutory_register').columns(['seq']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('statutory_register_seq').execute();
  await db.schema.dropTable('statutory_register_head').execute();
  for (const column of ['hash', 'prev_hash', 'seq']) await db.schema.alterTable('statutory_register').dropColumn(column).execute();
  await db.schema.dropTable('requisition_handovers').execute();
  await db.schema.dropTable('requisition_review_entries').execute();
  for (const column of ['last_beat_at', 'active_seconds', 'requisition_id']) await db.schema.alterTable('playback_sessions').dropColumn(column).execute();
}
