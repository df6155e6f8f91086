// A module's view of the database: only its own tables (issue 10). The whole schema's handle
// is narrowed once, where the module is constructed; from there on, a query on another
// module's table does not compile in that module's repository.
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.ts';

/** A handle (database or open transaction) on some tables, for APIs that join a caller's transaction. */
// biome-ignore lint/suspicious/noExplicitAny: a transaction over any module's tables may be joined; the callee narrows it.
export type AnyHandle = Kysely<any>;

/** The given tables of a handle on the whole schema (or of a transaction opened on some other tables). */
export function tablesOf<Tables extends Partial<DatabaseSchema>>(handle: AnyHandle | Kysely<DatabaseSchema>): Kysely<Tables> {
  return handle as unknown as Kysely<Tables>;
}
