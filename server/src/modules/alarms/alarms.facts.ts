// Read-only facts of alarms for the logbook, the incident report and the chief's figures
// (issue 14 items 6 and 7): one alarm with its receipts, the alarms received or closed in a
// period, the alarms open now. No scope check here: the caller (logbook module) checks the
// reader's communes against each alarm's commune.
import type { Kysely } from 'kysely';
import type { AlarmsSchema } from '../../platform/db/schema.ts';
import { alarmTypes, outcomes, stateLabels, type AlarmOutcome, type AlarmState, type AlarmType } from './alarms.catalogue.ts';
import type { AlarmRow, ReceiptRow } from './alarms.repository.ts';

export type { AlarmRow, ReceiptRow };

const MAX_ROWS = 100_000;

export class AlarmFacts {
  constructor(private readonly db: Kysely<AlarmsSchema>) {}

  alarm(id: string): Promise<AlarmRow | undefined> {
    return this.db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
  }

  receipts(alarmId: string): Promise<ReceiptRow[]> {
    return this.db.selectFrom('alarm_receipts').selectAll().where('alarm_id', '=', alarmId).orderBy('received_at').orderBy('id').limit(5000).execute();
  }

  /** Alarms first received, or closed, in [from, to); null communes: every commune and the centre-wide alarms. */
  inPeriod(filter: { from: string; to: string; communes: readonly string[] | null }): Promise<AlarmRow[]> {
    let query = this.db
      .selectFrom('alarms')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('first_received_at', '>=', filter.from), eb('first_received_at', '<', filter.to)]),
          eb.and([eb('closed_at', '>=', filter.from), eb('closed_at', '<', filter.to)]),
        ]),
      );
    if (filter.communes) query = query.where('commune_insee', 'in', filter.communes.length > 0 ? [...filter.communes] : ['']);
    return query.orderBy('first_received_at').limit(MAX_ROWS).execute();
  }

  /** Alarms not closed, oldest first. */
  open(communes: readonly string[] | null): Promise<AlarmRow[]> {
    let query = this.db.selectFrom('alarms').selectAll().where('state', '!=', 'closed');
    if (communes) query = query.where('commune_insee', 'in', communes.length > 0 ? [...communes] : ['']);
    return query.orderBy('first_received_at').limit(MAX_ROWS).execute();
  }

  /** Whether a type is raised by the technical source only (camera offline, storage low...). */
  isTechnical(type: string): boolean {
    return alarmTypes[type as AlarmType]?.technical ?? false;
  }

  /** French names of a type, state and outcome (the logbook and the report print them). */
  labels(row: Pick<AlarmRow, 'type' | 'state' | 'outcome'>): { type: string; state: string; outcome: string | null } {
    return {
      type: alarmTypes[row.type as AlarmType]?.fr ?? row.type,
      state: stateLabels[row.state as AlarmState]?.fr ?? row.state,
      outcome: row.outcome ? (outcomes[row.outcome as AlarmOutcome]?.fr ?? row.outcome) : null,
    };
  }
}
