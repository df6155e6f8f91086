// SQL of the DC-09 intake; nothing else touches `alarm_dc09_accounts` and `alarm_dc09_messages`.
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { AlarmDc09AccountsTable, AlarmDc09MessagesTable, AlarmsDc09Schema, AlarmsSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

export type Dc09AccountRow = AlarmDc09AccountsTable;
export type Dc09MessageRow = AlarmDc09MessagesTable;
type Tables = AlarmsSchema & AlarmsDc09Schema;

export class Dc09Repository {
  constructor(private readonly db: Kysely<Tables>) {}

  accountByNumber(line: string, account: string, handle: AnyHandle = this.db): Promise<Dc09AccountRow | undefined> {
    return tablesOf<Tables>(handle).selectFrom('alarm_dc09_accounts').selectAll().where('line', '=', line).where('account', '=', account).executeTakeFirst();
  }

  account(id: string, handle: AnyHandle = this.db): Promise<Dc09AccountRow | undefined> {
    return tablesOf<Tables>(handle).selectFrom('alarm_dc09_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  accountsOf(sourceId: string): Promise<Dc09AccountRow[]> {
    return this.db.selectFrom('alarm_dc09_accounts').selectAll().where('source_id', '=', sourceId).orderBy('line').orderBy('account').execute();
  }

  /** Supervised accounts of enabled sources, with no supervision alarm raised. */
  supervised(): Promise<Dc09AccountRow[]> {
    return this.db
      .selectFrom('alarm_dc09_accounts')
      .innerJoin('alarm_sources', 'alarm_sources.id', 'alarm_dc09_accounts.source_id')
      .selectAll('alarm_dc09_accounts')
      .where('alarm_dc09_accounts.supervision_seconds', 'is not', null)
      .where('alarm_dc09_accounts.supervision_lost_at', 'is', null)
      .where('alarm_sources.enabled', '=', 1)
      .execute();
  }

  async insertAccount(trx: AnyHandle, row: Insertable<AlarmDc09AccountsTable>): Promise<void> {
    await tablesOf<Tables>(trx).insertInto('alarm_dc09_accounts').values(row).execute();
  }

  async updateAccount(id: string, changes: Updateable<AlarmDc09AccountsTable>, handle: AnyHandle = this.db): Promise<void> {
    await tablesOf<Tables>(handle).updateTable('alarm_dc09_accounts').set(changes).where('id', '=', id).execute();
  }

  /** Sets `supervision_lost_at` only if it is still `expected`: false when another run changed it first. */
  async moveSupervision(id: string, expected: string | null, next: string | null): Promise<boolean> {
    let query = this.db.updateTable('alarm_dc09_accounts').set({ supervision_lost_at: next }).where('id', '=', id);
    query = expected === null ? query.where('supervision_lost_at', 'is', null) : query.where('supervision_lost_at', '=', expected);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  message(accountId: string, sequence: string, sentAt: string): Promise<Dc09MessageRow | undefined> {
    return this.db
      .selectFrom('alarm_dc09_messages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('sequence', '=', sequence)
      .where('sent_at', '=', sentAt)
      .executeTakeFirst();
  }

  async insertMessage(row: Insertable<AlarmDc09MessagesTable>, handle: AnyHandle = this.db): Promise<void> {
    await tablesOf<Tables>(handle).insertInto('alarm_dc09_messages').values(row).execute();
  }

  countMessages(accountId: string): Promise<number> {
    return this.db
      .selectFrom('alarm_dc09_messages')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow()
      .then((row) => Number(row.n));
  }
}
