// SQL of technical events; nothing else touches the `technical_events` table.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { TechnicalEventsSchema, TechnicalEventsTable } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';

export interface TechnicalEventQuery {
  /** Null: every commune, centre-wide events included. */
  communes: readonly string[] | null;
  communeInsee?: string;
  cameraId?: string;
  severity?: string;
  code?: string;
  from?: string;
  to?: string;
  limit: number;
}

export class TechnicalEventsRepository {
  constructor(private readonly db: Kysely<TechnicalEventsSchema>) {}

  /** Inserts one event; returns its id. */
  async insert(row: Insertable<TechnicalEventsTable>, handle: AnyHandle = this.db): Promise<number> {
    const inserted = await tablesOf<TechnicalEventsSchema>(handle).insertInto('technical_events').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(inserted.id);
  }

  /** Newest first. */
  list(filter: TechnicalEventQuery): Promise<Selectable<TechnicalEventsTable>[]> {
    const { communes } = filter;
    let query = this.db.selectFrom('technical_events').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (communes !== null) query = query.where('commune_insee', 'in', communes.length > 0 ? [...communes] : ['']);
    if (filter.communeInsee) query = query.where('commune_insee', '=', filter.communeInsee);
    if (filter.cameraId) query = query.where('camera_id', '=', filter.cameraId);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    if (filter.code) query = query.where('code', '=', filter.code);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    return query.execute();
  }
}
