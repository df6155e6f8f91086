// SQL of the oncall module; nothing else touches its tables.
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type {
  OncallNotificationsTable,
  OncallOverridesTable,
  OncallPeopleTable,
  OncallRotasTable,
  OncallSchema,
  OncallServicesTable,
} from '../../platform/db/schema.ts';

type Handle = Kysely<OncallSchema>;
export type ServiceRow = Selectable<OncallServicesTable>;
export type PersonRow = Selectable<OncallPeopleTable>;
export type RotaRow = Selectable<OncallRotasTable>;
export type OverrideRow = Selectable<OncallOverridesTable>;
export type NotificationRow = Selectable<OncallNotificationsTable>;

type Tables = {
  oncall_services: OncallServicesTable;
  oncall_people: OncallPeopleTable;
  oncall_rotas: OncallRotasTable;
  oncall_overrides: OncallOverridesTable;
};
export type EditableTable = keyof Tables;

export class OncallRepository {
  constructor(private readonly db: Handle) {}

  transaction<T>(work: (trx: Transaction<OncallSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async insert<T extends EditableTable>(trx: Handle, table: T, row: Tables[T]): Promise<void> {
    // One insert for the four edited tables: the row is typed by the caller's table.
    await (trx.insertInto(table) as unknown as { values(row: unknown): { execute(): Promise<unknown> } }).values(row).execute();
  }

  async update<T extends EditableTable>(trx: Handle, table: T, id: string, changes: Updateable<Tables[T]>): Promise<void> {
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    await (trx.updateTable(table) as any).set(changes).where('id', '=', id).execute();
  }

  async remove(trx: Handle, table: EditableTable, id: string): Promise<void> {
    await trx.deleteFrom(table).where('id', '=', id).execute();
  }

  find<T extends EditableTable>(table: T, id: string, db: Handle = this.db): Promise<Selectable<Tables[T]> | undefined> {
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    return (db.selectFrom(table) as any).selectAll().where('id', '=', id).executeTakeFirst();
  }

  services(): Promise<ServiceRow[]> {
    return this.db.selectFrom('oncall_services').selectAll().orderBy('name').orderBy('id').execute();
  }

  people(): Promise<PersonRow[]> {
    return this.db.selectFrom('oncall_people').selectAll().orderBy('name').orderBy('id').execute();
  }

  rotas(serviceId?: string): Promise<RotaRow[]> {
    let query = this.db.selectFrom('oncall_rotas').selectAll();
    if (serviceId) query = query.where('service_id', '=', serviceId);
    return query.orderBy('service_id').orderBy('level').orderBy('id').execute();
  }

  /** Overrides still running or to come at `sinceIso` (older ones no longer change anything). */
  overrides(sinceIso: string | null, serviceId?: string): Promise<OverrideRow[]> {
    let query = this.db.selectFrom('oncall_overrides').selectAll();
    if (sinceIso) query = query.where('to_at', '>', sinceIso);
    if (serviceId) query = query.where('service_id', '=', serviceId);
    return query.orderBy('from_at').orderBy('id').limit(2000).execute();
  }

  async isReferenced(person: string, db: Handle = this.db): Promise<boolean> {
    const rota = await db.selectFrom('oncall_rotas').select('id').where('person_id', '=', person).executeTakeFirst();
    const override = await db
      .selectFrom('oncall_overrides')
      .select('id')
      .where((eb) => eb.or([eb('replaced_person_id', '=', person), eb('replacement_person_id', '=', person)]))
      .executeTakeFirst();
    return Boolean(rota || override);
  }

  async serviceInUse(serviceId: string, db: Handle = this.db): Promise<boolean> {
    const rota = await db.selectFrom('oncall_rotas').select('id').where('service_id', '=', serviceId).executeTakeFirst();
    const override = await db.selectFrom('oncall_overrides').select('id').where('service_id', '=', serviceId).executeTakeFirst();
    const notification = await db.selectFrom('oncall_notifications').select('id').where('service_id', '=', serviceId).executeTakeFirst();
    return Boolean(rota || override || notification);
  }

  async insertNotification(trx: Handle, row: OncallNotificationsTable): Promise<void> {
    await trx.insertInto('oncall_notifications').values(row).execute();
  }

  notification(id: string, db: Handle = this.db): Promise<NotificationRow | undefined> {
    return db.selectFrom('oncall_notifications').selectAll().where('id', '=', id).executeTakeFirst();
  }

  notificationsOfAlarm(alarmId: string): Promise<NotificationRow[]> {
    return this.db
      .selectFrom('oncall_notifications')
      .selectAll()
      .where('alarm_id', '=', alarmId)
      .orderBy('created_at')
      .orderBy('position')
      .limit(500)
      .execute();
  }

  /** Notifications with a send attempt due (pending ones, and failed ones to retry). */
  dueForSending(nowIso: string, limit: number): Promise<NotificationRow[]> {
    return this.db
      .selectFrom('oncall_notifications')
      .selectAll()
      .where('state', 'in', ['pending', 'failed', 'sent'])
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
  }

  /** Sent notifications left unacknowledged past their escalation time. */
  dueForEscalation(nowIso: string, limit: number): Promise<NotificationRow[]> {
    return this.db
      .selectFrom('oncall_notifications')
      .selectAll()
      .where('state', 'in', ['sent', 'failed'])
      .where('escalate_at', '<=', nowIso)
      .orderBy('escalate_at')
      .limit(limit)
      .execute();
  }

  async chainAcknowledged(chainId: string, db: Handle = this.db): Promise<boolean> {
    return Boolean(
      await db.selectFrom('oncall_notifications').select('id').where('chain_id', '=', chainId).where('state', '=', 'acknowledged').executeTakeFirst(),
    );
  }

  /** Acknowledges a notification unless it already is: the link works once, whatever a send in progress does. */
  async acknowledgeIf(trx: Handle, id: string, changes: Updateable<OncallNotificationsTable>): Promise<boolean> {
    const result = await trx.updateTable('oncall_notifications').set(changes).where('id', '=', id).where('state', '!=', 'acknowledged').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Changes a notification only if it is still as read (state and attempt time): two processes never both act on it. */
  async updateNotificationIf(
    trx: Handle,
    row: Pick<NotificationRow, 'id' | 'state' | 'next_attempt_at' | 'escalate_at'>,
    changes: Updateable<OncallNotificationsTable>,
  ): Promise<boolean> {
    let query = trx.updateTable('oncall_notifications').set(changes).where('id', '=', row.id).where('state', '=', row.state);
    query = row.next_attempt_at === null ? query.where('next_attempt_at', 'is', null) : query.where('next_attempt_at', '=', row.next_attempt_at);
    query = row.escalate_at === null ? query.where('escalate_at', 'is', null) : query.where('escalate_at', '=', row.escalate_at);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
