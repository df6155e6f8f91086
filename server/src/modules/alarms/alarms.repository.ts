// SQL of alarms; nothing else touches `alarm_sources`, `alarms` and `alarm_receipts`.
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { AlarmReceiptsTable, AlarmSourcesTable, AlarmsSchema, AlarmsTable } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import type { AlarmState } from './alarms.catalogue.ts';

export type AlarmRow = AlarmsTable;
export type SourceRow = AlarmSourcesTable;
export type ReceiptRow = AlarmReceiptsTable;

/** Called in the transaction that inserts an alarm, whatever the channel: procedures copy their steps onto it. */
export type AlarmInserted = (trx: AnyHandle, row: Insertable<AlarmsTable>) => Promise<void>;

export class AlarmsRepository {
  constructor(
    private readonly db: Kysely<AlarmsSchema>,
    private readonly alarmInserted?: AlarmInserted,
  ) {}

  transaction<T>(work: (trx: Transaction<AlarmsSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  // Sources

  source(id: string, handle: AnyHandle = this.db): Promise<SourceRow | undefined> {
    return tablesOf<AlarmsSchema>(handle).selectFrom('alarm_sources').selectAll().where('id', '=', id).executeTakeFirst();
  }

  sources(communes: readonly string[] | null): Promise<SourceRow[]> {
    let query = this.db.selectFrom('alarm_sources').selectAll();
    if (communes) query = query.where('commune_insee', 'in', communes.length > 0 ? [...communes] : ['']);
    return query.orderBy('id').execute();
  }

  async insertSource(trx: AnyHandle, row: Insertable<AlarmSourcesTable>): Promise<void> {
    await tablesOf<AlarmsSchema>(trx).insertInto('alarm_sources').values(row).execute();
  }

  async updateSource(trx: AnyHandle, id: string, changes: Updateable<AlarmSourcesTable>): Promise<void> {
    await tablesOf<AlarmsSchema>(trx).updateTable('alarm_sources').set(changes).where('id', '=', id).execute();
  }

  // Receipts

  receiptOf(sourceId: string, senderEventId: string, handle: AnyHandle = this.db): Promise<ReceiptRow | undefined> {
    return tablesOf<AlarmsSchema>(handle)
      .selectFrom('alarm_receipts')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('sender_event_id', '=', senderEventId)
      .executeTakeFirst();
  }

  async insertReceipt(trx: AnyHandle, row: Insertable<AlarmReceiptsTable>): Promise<void> {
    await tablesOf<AlarmsSchema>(trx).insertInto('alarm_receipts').values(row).execute();
  }

  receiptsOf(alarmId: string): Promise<ReceiptRow[]> {
    return this.db.selectFrom('alarm_receipts').selectAll().where('alarm_id', '=', alarmId).orderBy('received_at').orderBy('id').execute();
  }

  countReceipts(sourceId: string): Promise<number> {
    return this.db
      .selectFrom('alarm_receipts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('source_id', '=', sourceId)
      .executeTakeFirstOrThrow()
      .then((row) => Number(row.n));
  }

  // Alarms

  alarm(id: string, handle: AnyHandle = this.db): Promise<AlarmRow | undefined> {
    return tablesOf<AlarmsSchema>(handle).selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The open alarm a repeat folds into: same source, type and key, last received at or after `since`. */
  foldTarget(trx: AnyHandle, key: { sourceId: string; type: string; foldKey: string }, since: string): Promise<AlarmRow | undefined> {
    return tablesOf<AlarmsSchema>(trx)
      .selectFrom('alarms')
      .selectAll()
      .where('source_id', '=', key.sourceId)
      .where('type', '=', key.type)
      .where('fold_key', '=', key.foldKey)
      .where('state', '!=', 'closed')
      .where('last_received_at', '>=', since)
      .orderBy('last_received_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The alarm a restoral attaches to: the newest not yet restored of the same source, type and key (open first). */
  restoreTarget(trx: AnyHandle, key: { sourceId: string; type: string; foldKey: string }): Promise<AlarmRow | undefined> {
    return tablesOf<AlarmsSchema>(trx)
      .selectFrom('alarms')
      .selectAll()
      .where('source_id', '=', key.sourceId)
      .where('type', '=', key.type)
      .where('fold_key', '=', key.foldKey)
      .where('restored_at', 'is', null)
      .orderBy('last_received_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertAlarm(trx: AnyHandle, row: Insertable<AlarmsTable>): Promise<void> {
    await tablesOf<AlarmsSchema>(trx).insertInto('alarms').values(row).execute();
    await this.alarmInserted?.(trx, row);
  }

  async updateAlarm(trx: AnyHandle, id: string, changes: Updateable<AlarmsTable>): Promise<void> {
    await tablesOf<AlarmsSchema>(trx).updateTable('alarms').set(changes).where('id', '=', id).execute();
  }

  /** Moves an alarm from `from` only: false when another operator moved it first. */
  async moveAlarm(trx: AnyHandle, id: string, from: AlarmState, changes: Updateable<AlarmsTable>): Promise<boolean> {
    const result = await tablesOf<AlarmsSchema>(trx).updateTable('alarms').set(changes).where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Alarms still `new` below `maxLevel`, oldest first: the escalation job's candidates. */
  newAlarmsBelowLevel(maxLevel: number, limit: number): Promise<AlarmRow[]> {
    return this.db
      .selectFrom('alarms')
      .selectAll()
      .where('state', '=', 'new')
      .where('escalation_level', '<', maxLevel)
      .orderBy('first_received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Raises an alarm's escalation from `fromLevel` while it is still `new`: false when it was taken or escalated meanwhile. */
  async escalate(
    trx: AnyHandle,
    id: string,
    fromLevel: number,
    changes: { escalation_level: number; escalated_at: string; updated_at: string },
  ): Promise<boolean> {
    const result = await tablesOf<AlarmsSchema>(trx)
      .updateTable('alarms')
      .set(changes)
      .where('id', '=', id)
      .where('state', '=', 'new')
      .where('escalation_level', '=', fromLevel)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Open alarms by priority then age, or closed ones newest first; null communes: every commune, centre-wide ones included. */
  list(filter: { open: boolean; communes: readonly string[] | null; limit: number }): Promise<AlarmRow[]> {
    let query = this.db.selectFrom('alarms').selectAll();
    query = filter.open ? query.where('state', '!=', 'closed') : query.where('state', '=', 'closed');
    if (filter.communes) query = query.where('commune_insee', 'in', filter.communes.length > 0 ? [...filter.communes] : ['']);
    query = filter.open ? query.orderBy('priority').orderBy('first_received_at').orderBy('id') : query.orderBy('closed_at', 'desc').orderBy('id');
    return query.limit(filter.limit).execute();
  }
}
