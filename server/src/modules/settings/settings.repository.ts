// SQL of the centre's runtime settings; nothing else touches the `settings` table.
import type { Kysely, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { SettingsSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

export class SettingsRepository {
  constructor(private readonly db: Kysely<SettingsSchema>) {}

  transaction<T>(work: (trx: Transaction<SettingsSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /** The stored JSON text of a setting, if any. */
  async value(key: string, handle: AnyHandle = this.db): Promise<string | undefined> {
    const row = await tablesOf<SettingsSchema>(handle).selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async write(trx: AnyHandle, key: string, value: string, updatedAt: string): Promise<void> {
    const tables = tablesOf<SettingsSchema>(trx);
    const updated = await tables.updateTable('settings').set({ value, updated_at: updatedAt }).where('key', '=', key).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) await tables.insertInto('settings').values({ key, value, updated_at: updatedAt }).execute();
  }
}
