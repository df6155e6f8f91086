// SQL of accounts, sessions, recovery codes and API tokens; nothing else touches these tables
// (other modules ask the auth module's api).
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { ApiTokenRow, ApiTokensTable, AuthSchema, SessionRow, SessionsTable, UserRow, UsersTable } from '../../platform/db/schema.ts';

/** The auth tables, or a transaction on them. */
type AuthHandle = Kysely<AuthSchema>;

export class AuthRepository {
  constructor(private readonly db: Kysely<AuthSchema>) {}

  /** A transaction on the auth tables (retried on contention). */
  transaction<T>(work: (trx: Transaction<AuthSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  findUserById(id: string, db: AuthHandle = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findUserByLogin(login: string, db: AuthHandle = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
  }

  /**
   * Reserves one sign-in attempt before its password or code is checked: one atomic update
   * that counts it, unless the account is locked or already at the threshold. Null: refused.
   * Parallel attempts are serialised by the row (PostgreSQL) or the single writer (SQLite), so
   * a burst evaluates at most `maxFailures` of them.
   */
  async reserveAttempt(trx: AuthHandle, id: string, now: string, maxFailures: number): Promise<number | null> {
    const row = await trx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', id)
      .where('failed_logins', '<', maxFailures)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .returning('failed_logins')
      .executeTakeFirst();
    return row ? Number(row.failed_logins) : null;
  }

  /** Locks an account that is not locked at `now`; false when another attempt locked it first. */
  async lockIfUnlocked(trx: AuthHandle, id: string, until: string, now: string): Promise<boolean> {
    const result = await trx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: until })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Gives back one reserved attempt (the password was right, a second factor is still due). */
  async releaseAttempt(trx: AuthHandle, id: string): Promise<void> {
    await trx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '-', 1) }))
      .where('id', '=', id)
      .where('failed_logins', '>', 0)
      .execute();
  }

  /** Accepts a TOTP time step once: false when this step (or a later one) was already used. */
  async acceptTotpStep(trx: AuthHandle, id: string, step: number): Promise<boolean> {
    const result = await trx
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes every live token whose creator is `creator` (`user:<id>` or `token:<id>`), and theirs in turn. */
  async revokeTokensOfCreator(trx: AuthHandle, creator: string, at: string): Promise<number> {
    let revoked = 0;
    for (let pending = [creator], depth = 0; pending.length > 0 && depth < 10; depth++) {
      const rows = await trx.selectFrom('api_tokens').select('id').where('creator', 'in', pending).where('revoked_at', 'is', null).execute();
      if (rows.length === 0) break;
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute();
      revoked += rows.length;
      pending = rows.map((row) => `token:${row.id}`);
    }
    return revoked;
  }

  listUsers(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('login').execute();
  }

  async communesOf(userIds: readonly string[], db: AuthHandle = this.db): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows = await db
      .selectFrom('user_communes')
      .selectAll()
      .where('user_id', 'in', [...userIds])
      .orderBy('commune_insee')
      .execute();
    for (const row of rows) byUser.get(row.user_id)?.push(row.commune_insee);
    return byUser;
  }

  async insertUser(trx: AuthHandle, user: Insertable<UsersTable>, communes: readonly string[]): Promise<void> {
    await trx.insertInto('users').values(user).execute();
    await this.replaceCommunes(trx, user.id, communes);
  }

  async updateUser(trx: AuthHandle, id: string, changes: Updateable<UsersTable>): Promise<void> {
    await trx.updateTable('users').set(changes).where('id', '=', id).execute();
  }

  async replaceCommunes(trx: AuthHandle, userId: string, communes: readonly string[]): Promise<void> {
    await trx.deleteFrom('user_communes').where('user_id', '=', userId).execute();
    if (communes.length > 0) {
      await trx
        .insertInto('user_communes')
        .values(communes.map((commune_insee) => ({ user_id: userId, commune_insee })))
        .execute();
    }
  }

  // Sessions
  insertSession(trx: AuthHandle, session: Insertable<SessionsTable>): Promise<unknown> {
    return trx.insertInto('sessions').values(session).execute();
  }

  findSession(idHash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  updateSession(idHash: string, changes: Updateable<SessionsTable>, db: AuthHandle = this.db): Promise<unknown> {
    return db.updateTable('sessions').set(changes).where('id_hash', '=', idHash).execute();
  }

  deleteSession(idHash: string, db: AuthHandle = this.db): Promise<unknown> {
    return db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  deleteSessionsOfUser(db: AuthHandle, userId: string, exceptIdHash?: string): Promise<unknown> {
    let query = db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
    return query.execute();
  }

  deleteExpiredSessions(now: string): Promise<unknown> {
    return this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }

  // Recovery codes
  async replaceRecoveryCodes(trx: AuthHandle, userId: string, codes: readonly { id: string; code_hash: string }[]): Promise<void> {
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    if (codes.length > 0) {
      await trx
        .insertInto('recovery_codes')
        .values(codes.map((code) => ({ ...code, user_id: userId, used_at: null })))
        .execute();
    }
  }

  /** Marks an unused code as used; true when one matched (atomic: a code works once). */
  async consumeRecoveryCode(trx: AuthHandle, userId: string, codeHash: string, at: string): Promise<boolean> {
    const result = await trx
      .updateTable('recovery_codes')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async unusedRecoveryCodes(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  // API tokens
  insertToken(trx: AuthHandle, token: Insertable<ApiTokensTable>): Promise<unknown> {
    return trx.insertInto('api_tokens').values(token).execute();
  }

  findTokenByHash(tokenHash: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  findToken(id: string, db: AuthHandle = this.db): Promise<ApiTokenRow | undefined> {
    return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listTokens(): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').execute();
  }

  updateToken(id: string, changes: Updateable<ApiTokensTable>, db: AuthHandle = this.db): Promise<unknown> {
    return db.updateTable('api_tokens').set(changes).where('id', '=', id).execute();
  }
}
