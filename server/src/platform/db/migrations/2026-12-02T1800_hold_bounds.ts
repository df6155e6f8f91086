// Bounded legal holds (issue 11): a hold placed by an operator is provisional and lapses unless
// a supervisor confirms it with a procedure reference; confirmed holds are reviewed. Holds that
// had a procedure reference before this migration count as confirmed; the others lapse 72 h
// after this migration ran (they could never outlive retention anyway).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['confirmed_at', 'confirmed_by', 'lapses_at', 'reviewed_at']) {
    await db.schema.alterTable('legal_holds').addColumn(column, 'text').execute();
  }
  const lapse = new Date(Date.now() + 72 * 3_600_000).toISOString();
  await sql`update legal_holds set confirmed_at = created_at, confirmed_by = 'migration', reviewed_at = created_at where procedure_reference is not null`.execute(
    db,
  );
  await sql`update legal_holds set lapses_at = ${lapse} where procedure_reference is null and released_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['reviewed_at', 'lapses_at', 'confirmed_by', 'confirmed_at']) {
    await db.schema.alterTable('legal_holds').dropColumn(column).execute();
  }
}
