// SQL of the statistics module; nothing else touches its tables (offences, imported figures).
// Requisitions and review hours are read through their modules' apis, never here.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { OffencesTable, StatisticsImportedTable, StatisticsSchema } from '../../platform/db/schema.ts';

type Handle = Kysely<StatisticsSchema>;
export type OffenceRow = Selectable<OffencesTable>;
export type ImportedRow = Selectable<StatisticsImportedTable>;

const INSERT_BATCH = 500;

export class StatisticsRepository {
  constructor(private readonly db: Handle) {}

  transaction<T>(work: (trx: Transaction<StatisticsSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async insertOffence(trx: Handle, row: OffencesTable): Promise<void> {
    await trx.insertInto('offences').values(row).execute();
  }

  /** The offence a logbook entry (or another source) already fed, if any. */
  findBySource(db: Handle, source: string, sourceRef: string): Promise<OffenceRow | undefined> {
    return db.selectFrom('offences').selectAll().where('source', '=', source).where('source_ref', '=', sourceRef).executeTakeFirst();
  }

  findOffence(id: string): Promise<OffenceRow | undefined> {
    return this.db.selectFrom('offences').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first; `communes` null: every commune; [from, to) on the time of the offence. */
  async listOffences(filter: { communes: readonly string[] | null; from?: string; to?: string; limit: number }): Promise<OffenceRow[]> {
    let query = this.db.selectFrom('offences').selectAll();
    if (filter.communes !== null) {
      if (filter.communes.length === 0) return [];
      query = query.where('commune_insee', 'in', [...filter.communes]);
    }
    if (filter.from) query = query.where('occurred_at', '>=', filter.from);
    if (filter.to) query = query.where('occurred_at', '<', filter.to);
    return query.orderBy('occurred_at', 'desc').orderBy('id').limit(filter.limit).execute();
  }

  /** The offences of [fromIso, toIso), the columns the counts need. */
  async offenceFacts(filter: { communes: readonly string[] | null; fromIso: string; toIso: string }) {
    if (filter.communes !== null && filter.communes.length === 0) return [];
    let query = this.db
      .selectFrom('offences')
      .select(['commune_insee', 'occurred_at', 'spotted_by_operator', 'service'])
      .where('occurred_at', '>=', filter.fromIso)
      .where('occurred_at', '<', filter.toIso);
    if (filter.communes !== null) query = query.where('commune_insee', 'in', [...filter.communes]);
    return query.execute();
  }

  async importedFigures(filter: { communes: readonly string[] | null; fromYear: number; toYear: number }, db: Handle = this.db): Promise<ImportedRow[]> {
    if (filter.communes !== null && filter.communes.length === 0) return [];
    let query = db.selectFrom('statistics_imported').selectAll().where('year', '>=', filter.fromYear).where('year', '<=', filter.toYear);
    if (filter.communes !== null) query = query.where('commune_insee', 'in', [...filter.communes]);
    return query.orderBy('year').orderBy('commune_insee').orderBy('service').orderBy('indicator').execute();
  }

  /** Stores the figures, replacing those of the same key; returns how many were replaced. */
  async replaceImported(trx: Handle, rows: readonly StatisticsImportedTable[]): Promise<number> {
    if (rows.length === 0) return 0;
    const years = [...new Set(rows.map((row) => row.year))];
    const communes = [...new Set(rows.map((row) => row.commune_insee))];
    const existing = await trx
      .selectFrom('statistics_imported')
      .select(['year', 'commune_insee', 'service', 'indicator'])
      .where('year', 'in', years)
      .where('commune_insee', 'in', communes)
      .execute();
    const keyOf = (row: Pick<StatisticsImportedTable, 'year' | 'commune_insee' | 'service' | 'indicator'>) =>
      JSON.stringify([Number(row.year), row.commune_insee, row.service, row.indicator]);
    const incoming = new Set(rows.map(keyOf));
    const replaced = existing.filter((row) => incoming.has(keyOf(row)));
    for (const row of replaced) {
      await trx
        .deleteFrom('statistics_imported')
        .where('year', '=', row.year)
        .where('commune_insee', '=', row.commune_insee)
        .where('service', '=', row.service)
        .where('indicator', '=', row.indicator)
        .execute();
    }
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      await trx
        .insertInto('statistics_imported')
        .values(rows.slice(start, start + INSERT_BATCH))
        .execute();
    }
    return replaced.length;
  }
}
