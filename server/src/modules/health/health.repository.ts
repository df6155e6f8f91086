// The health module's only query: is the database answering.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';

export class HealthRepository {
  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: `select 1` touches no table.
    private readonly db: Kysely<any>,
    readonly dialect: Dialect,
  ) {}

  async reachable(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }
}
