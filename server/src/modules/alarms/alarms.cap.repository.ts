// SQL of the CAP intake; nothing else touches `alarm_cap_messages` and `alarm_cap_feeds`.
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { AlarmCapFeedsTable, AlarmCapMessagesTable, AlarmsCapSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import type { CapReference } from './alarms.cap.ts';

export type CapMessageRow = AlarmCapMessagesTable;
export type CapFeedRow = AlarmCapFeedsTable;

export class CapRepository {
  constructor(private readonly db: Kysely<AlarmsCapSchema>) {}

  message(reference: CapReference, handle: AnyHandle = this.db): Promise<CapMessageRow | undefined> {
    return tablesOf<AlarmsCapSchema>(handle)
      .selectFrom('alarm_cap_messages')
      .selectAll()
      .where('sender', '=', reference.sender)
      .where('identifier', '=', reference.identifier)
      .where('sent', '=', reference.sent)
      .executeTakeFirst();
  }

  async insertMessage(trx: AnyHandle, row: Insertable<AlarmCapMessagesTable>): Promise<void> {
    await tablesOf<AlarmsCapSchema>(trx).insertInto('alarm_cap_messages').values(row).execute();
  }

  feed(sourceId: string, handle: AnyHandle = this.db): Promise<CapFeedRow | undefined> {
    return tablesOf<AlarmsCapSchema>(handle).selectFrom('alarm_cap_feeds').selectAll().where('source_id', '=', sourceId).executeTakeFirst();
  }

  feeds(): Promise<CapFeedRow[]> {
    return this.db.selectFrom('alarm_cap_feeds').selectAll().orderBy('source_id').execute();
  }

  async upsertFeed(trx: AnyHandle, row: CapFeedRow): Promise<void> {
    const table = tablesOf<AlarmsCapSchema>(trx);
    const existing = await table.selectFrom('alarm_cap_feeds').select('source_id').where('source_id', '=', row.source_id).executeTakeFirst();
    if (existing) {
      const { source_id: _id, created_at: _created, ...changes } = row;
      await table.updateTable('alarm_cap_feeds').set(changes).where('source_id', '=', row.source_id).execute();
    } else await table.insertInto('alarm_cap_feeds').values(row).execute();
  }

  async deleteFeed(trx: AnyHandle, sourceId: string): Promise<boolean> {
    const result = await tablesOf<AlarmsCapSchema>(trx).deleteFrom('alarm_cap_feeds').where('source_id', '=', sourceId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async updateFeed(sourceId: string, changes: Updateable<AlarmCapFeedsTable>): Promise<void> {
    await this.db.updateTable('alarm_cap_feeds').set(changes).where('source_id', '=', sourceId).execute();
  }
}
