// The yearly statistics use cases (issue 13 item 8, docs/statistics.md): offences recorded with
// the short form, the figures per year x commune x service x indicator computed from Vigie's
// records (requisitions through their module's facts, review hours through a port) beside the
// figures of past years imported from a CSV, and their CSV and PDF exports. Reads are limited
// to the reader's communes; every change and every export is audited.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import type { OffencesTable, StatisticsSchema } from '../../platform/db/schema.ts';
import { type AnyHandle, tablesOf } from '../../platform/db/tables.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertAllowed, communeFilter, type Principal } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import { importRefusal, parseStatisticsCsv, type ImportLineError } from './statistics.import.ts';
import { statisticsCsv, statisticsPdf } from './statistics.output.ts';
import type { OffenceRow, StatisticsRepository } from './statistics.repository.ts';
import { aggregate, parisYear, sortRows, totalsOf, yearsWindow, type RequisitionFact, type ReviewFact } from './statistics.rules.ts';
import {
  FIRST_YEAR,
  indicators,
  offenceInputSchema,
  type ImportResult,
  type Indicator,
  type OffenceCategory,
  type OffenceInput,
  type OffenceView,
  type StatisticsQuery,
  type StatisticsRow,
  type StatisticsView,
} from './statistics.schemas.ts';

export type Acting = { actor: Actor; principal: Principal | null };

/** What the statistics read of other modules (wired in services.ts). */
export interface StatisticsPorts {
  /** The requisitions module's state changes in a period (its `facts` api). */
  requisitionTransitions(filter: { communes: readonly string[] | null; fromIso: string; toIso: string }): Promise<RequisitionFact[]>;
  /** Seconds of review (relecture) for requisitions in a year, per commune and requesting unit (the requisitions module's review time). */
  reviewSeconds(query: { year: number }): Promise<Array<{ communeInsee: string; officerUnit: string; seconds: number }>>;
  /** Which of these communes exist. */
  existingCommunes(codes: readonly string[]): Promise<Set<string>>;
  /** The commune of a site, and of each camera that exists (in the caller's transaction when one is given). */
  communeOfSite(siteId: string, handle?: AnyHandle): Promise<string | null>;
  communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>>;
}

/** The widest span of years one query covers. */
export const MAX_YEARS = 50;
/** An offence may be recorded up to this long ahead of the server's clock (a workstation's clock). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const offenceInvalid = (fr: string, en: string, details?: unknown) => new DomainError('validation_failed', { fr, en, details });

export function offenceView(row: OffenceRow): OffenceView {
  return {
    id: row.id,
    communeInsee: row.commune_insee,
    occurredAt: row.occurred_at,
    category: row.category as OffenceCategory,
    spottedByOperator: Number(row.spotted_by_operator) === 1,
    siteId: row.site_id,
    cameraIds: JSON.parse(row.camera_ids) as string[],
    service: row.service,
    comment: row.comment,
    source: row.source as OffenceView['source'],
    sourceRef: row.source_ref,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
  };
}

export class StatisticsService {
  constructor(
    private readonly repository: StatisticsRepository,
    private readonly ports: StatisticsPorts,
    private readonly deps: { audit: AuditApi; clock: Clock },
  ) {}

  private today(): string {
    return parisDate(this.deps.clock.now());
  }

  /** The short form ("Consigner un fait constaté"): an operator or supervisor records an offence seen on camera. */
  async recordOffence(input: unknown, acting: Acting): Promise<OffenceView> {
    const data = offenceInputSchema.parse(input);
    if (acting.principal) assertAllowed(acting.principal, 'offence.record', data.communeInsee, this.today());
    const row = await this.offenceRow(data, { source: 'form', sourceRef: null }, acting);
    await this.repository.transaction(async (trx) => this.insertOffence(trx, row, acting.actor));
    return offenceView((await this.repository.findOffence(row.id))!);
  }

  /**
   * An "offence seen" / "offence spotted" entry of the operators' logbook, in the logbook's
   * transaction: it feeds the same counts as the short form (source `logbook`), once per entry
   * however often it is replayed. The logbook has checked its author's rights.
   */
  async recordFromLogbook(
    handle: AnyHandle,
    entry: { logbookEntryId: string; kind: 'offence_seen' | 'offence_spotted' } & Omit<OffenceInput, 'spottedByOperator'>,
    actor: Actor,
  ): Promise<{ id: string; created: boolean }> {
    const { logbookEntryId, kind, ...rest } = entry;
    const data = offenceInputSchema.parse({ ...rest, spottedByOperator: kind === 'offence_spotted' });
    const trx = tablesOf<StatisticsSchema>(handle);
    const known = await this.repository.findBySource(trx, 'logbook', logbookEntryId);
    if (known) return { id: known.id, created: false };
    const row = await this.offenceRow(data, { source: 'logbook', sourceRef: logbookEntryId }, { actor, principal: null }, handle);
    await this.insertOffence(trx, row, actor);
    return { id: row.id, created: true };
  }

  private async insertOffence(trx: Kysely<StatisticsSchema>, row: OffencesTable, actor: Actor): Promise<void> {
    await this.repository.insertOffence(trx, row);
    await this.deps.audit.record(trx, actor, {
      action: 'offence.recorded',
      communeInsee: row.commune_insee,
      targetType: 'offence',
      targetId: row.id,
      details: {
        occurredAt: row.occurred_at,
        category: row.category,
        spottedByOperator: row.spotted_by_operator === 1,
        siteId: row.site_id,
        cameraIds: JSON.parse(row.camera_ids) as string[],
        service: row.service,
        source: row.source,
        sourceRef: row.source_ref,
      },
    });
  }

  /** The row of a checked offence: not in the future, its site and cameras in its commune. */
  private async offenceRow(
    data: OffenceInput,
    origin: { source: 'form' | 'logbook'; sourceRef: string | null },
    acting: Acting,
    handle?: AnyHandle,
  ): Promise<OffencesTable> {
    const now = this.deps.clock.now();
    const occurredMs = Date.parse(data.occurredAt);
    if (occurredMs > now.getTime() + FUTURE_TOLERANCE_MS)
      throw offenceInvalid('occurredAt : la date est dans le futur.', 'occurredAt: the date is in the future.');
    if (parisYear(new Date(occurredMs)) < FIRST_YEAR) throw offenceInvalid(`occurredAt : avant ${FIRST_YEAR}.`, `occurredAt: before ${FIRST_YEAR}.`);
    if (data.siteId !== undefined && (await this.ports.communeOfSite(data.siteId, handle)) !== data.communeInsee)
      throw offenceInvalid(`Site inconnu dans la commune ${data.communeInsee}.`, `Unknown site in commune ${data.communeInsee}.`, { siteId: data.siteId });
    const cameraIds = [...new Set(data.cameraIds ?? [])].sort();
    const communes = await this.ports.communesOfCameras(cameraIds, handle);
    // A camera of another commune is reported like an unknown one: its existence is not revealed.
    const foreign = cameraIds.filter((cameraId) => communes.get(cameraId) !== data.communeInsee);
    if (foreign.length > 0)
      throw offenceInvalid(
        `Caméra(s) inconnue(s) dans la commune ${data.communeInsee} : ${foreign.join(', ')}.`,
        `Unknown camera(s) in commune ${data.communeInsee}: ${foreign.join(', ')}.`,
        foreign,
      );
    return {
      id: randomUUID(),
      commune_insee: data.communeInsee,
      occurred_at: new Date(occurredMs).toISOString(),
      category: data.category,
      spotted_by_operator: data.spottedByOperator ? 1 : 0,
      site_id: data.siteId ?? null,
      camera_ids: JSON.stringify(cameraIds),
      service: data.service ?? null,
      comment: data.comment,
      source: origin.source,
      source_ref: origin.sourceRef,
      recorded_at: now.toISOString(),
      recorded_by: acting.actor.login ?? acting.actor.type,
      recorded_by_id: acting.principal?.id ?? acting.actor.id,
    };
  }

  async listOffences(filter: { communeInsee?: string; from?: string; to?: string; limit?: number }, principal: Principal | null): Promise<OffenceView[]> {
    if (principal) assertAllowed(principal, 'offence.read', filter.communeInsee ?? null, this.today());
    const rows = await this.repository.listOffences({
      communes: this.communesOf(principal, filter.communeInsee),
      from: filter.from,
      to: filter.to,
      limit: filter.limit ?? 200,
    });
    return rows.map(offenceView);
  }

  /** The communes a read covers: the reader's, narrowed to one when asked (null: every commune). */
  private communesOf(principal: Principal | null, communeInsee: string | undefined): readonly string[] | null {
    const scope = principal ? communeFilter(principal) : null;
    if (!communeInsee) return scope;
    return scope === null || scope.includes(communeInsee) ? [communeInsee] : [];
  }

  private years(query: StatisticsQuery): { fromYear: number; toYear: number } {
    const toYear = query.to ?? parisYear(this.deps.clock.now());
    const fromYear = query.from ?? Math.max(FIRST_YEAR, toYear - 9);
    if (fromYear > toYear) throw new DomainError('validation_failed', { fr: 'from doit précéder to.', en: 'from must not come after to.' });
    if (toYear - fromYear >= MAX_YEARS)
      throw new DomainError('validation_failed', { fr: `${MAX_YEARS} années au plus par demande.`, en: `${MAX_YEARS} years at most per request.` });
    return { fromYear, toYear };
  }

  /** Vigie's own figures of these years and communes (no imported ones). */
  private async vigieRows(fromYear: number, toYear: number, communes: readonly string[] | null): Promise<StatisticsRow[]> {
    const { fromIso, toIso } = yearsWindow(fromYear, toYear);
    const [requisitions, offences] = await Promise.all([
      this.ports.requisitionTransitions({ communes, fromIso, toIso }),
      this.repository.offenceFacts({ communes, fromIso, toIso }),
    ]);
    const reviews: ReviewFact[] = [];
    for (let year = fromYear; year <= toYear; year += 1) {
      for (const review of await this.ports.reviewSeconds({ year })) {
        if (communes === null || communes.includes(review.communeInsee))
          reviews.push({ year, communeInsee: review.communeInsee, service: review.officerUnit, seconds: review.seconds });
      }
    }
    return aggregate({
      fromYear,
      toYear,
      requisitions,
      offences: offences.map((row) => ({
        communeInsee: row.commune_insee,
        occurredAt: row.occurred_at,
        spottedByOperator: Number(row.spotted_by_operator) === 1,
        service: row.service,
      })),
      reviews,
    });
  }

  /** The figures of [from, to] within the reader's communes: Vigie's and the imported ones, side by side. */
  async statistics(query: StatisticsQuery, principal: Principal | null): Promise<StatisticsView> {
    if (principal) assertAllowed(principal, 'statistics.read', query.communeInsee ?? null, this.today());
    const { fromYear, toYear } = this.years(query);
    const communes = this.communesOf(principal, query.communeInsee);
    const [vigie, imported] = await Promise.all([this.vigieRows(fromYear, toYear, communes), this.repository.importedFigures({ communes, fromYear, toYear })]);
    const rows = sortRows([
      ...vigie,
      ...imported.map((row) => ({
        year: Number(row.year),
        communeInsee: row.commune_insee,
        service: row.service,
        indicator: row.indicator as Indicator,
        value: Number(row.value),
        origin: 'imported' as const,
      })),
    ]);
    return { from: fromYear, to: toYear, indicators: [...indicators], rows, totals: totalsOf(rows) };
  }

  private async exported(query: StatisticsQuery, acting: Acting, format: 'csv' | 'pdf'): Promise<StatisticsView> {
    const view = await this.statistics(query, acting.principal);
    await this.deps.audit.recordAlone(acting.actor, {
      action: 'statistics.exported',
      communeInsee: query.communeInsee ?? null,
      details: { format, from: view.from, to: view.to, rows: view.rows.length },
    });
    return view;
  }

  async exportCsv(query: StatisticsQuery, acting: Acting): Promise<string> {
    return statisticsCsv(await this.exported(query, acting, 'csv'));
  }

  async exportPdf(query: StatisticsQuery, acting: Acting): Promise<Buffer> {
    const view = await this.exported(query, acting, 'pdf');
    return statisticsPdf(view, { communeInsee: query.communeInsee ?? null, generatedAt: this.deps.clock.now() });
  }

  /** All or nothing: every line checked (syntax, values, communes known and in scope) before one figure is stored. */
  async importCsv(text: string, acting: Acting): Promise<ImportResult> {
    if (acting.principal) assertAllowed(acting.principal, 'statistics.import', null, this.today());
    const { figures, errors } = parseStatisticsCsv(text, parisYear(this.deps.clock.now()));
    if (errors.length > 0) throw importRefusal(errors);
    const communes = [...new Set(figures.map((figure) => figure.communeInsee))].sort();
    const known = await this.ports.existingCommunes(communes);
    const scopeErrors: ImportLineError[] = [];
    for (const figure of figures) {
      const line = figure.line;
      if (!known.has(figure.communeInsee))
        scopeErrors.push({
          line,
          column: 'commune',
          code: 'unknown_commune',
          message_fr: `Ligne ${line}, colonne « commune » : commune ${figure.communeInsee} inconnue de Vigie.`,
          message_en: `Line ${line}, column "commune": commune ${figure.communeInsee} unknown to Vigie.`,
        });
      else if (acting.principal && !acting.principal.allCommunes && !acting.principal.communes.includes(figure.communeInsee))
        scopeErrors.push({
          line,
          column: 'commune',
          code: 'commune_out_of_scope',
          message_fr: `Ligne ${line}, colonne « commune » : la commune ${figure.communeInsee} est hors de votre périmètre.`,
          message_en: `Line ${line}, column "commune": commune ${figure.communeInsee} is outside your scope.`,
        });
    }
    if (scopeErrors.length > 0) throw importRefusal(scopeErrors);
    const at = this.deps.clock.now().toISOString();
    const by = acting.actor.login ?? acting.actor.type;
    const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
    const years = [...new Set(figures.map((figure) => figure.year))].sort((a, b) => a - b);
    const replaced = await this.repository.transaction(async (trx) => {
      const count = await this.repository.replaceImported(
        trx,
        figures.map((figure) => ({
          year: figure.year,
          commune_insee: figure.communeInsee,
          service: figure.service,
          indicator: figure.indicator,
          value: figure.value,
          imported_at: at,
          imported_by: by,
          file_sha256: sha256,
        })),
      );
      await this.deps.audit.record(trx, acting.actor, {
        action: 'statistics.imported',
        communeInsee: communes.length === 1 ? communes[0]! : null,
        targetType: 'statistics',
        details: { sha256, lines: figures.length, replaced: count, years, communes },
      });
      return count;
    });
    const vigie = await this.vigieRows(years[0]!, years.at(-1)!, communes);
    const yearsWithVigieData = [...new Set(vigie.map((row) => row.year))].filter((year) => years.includes(year)).sort((a, b) => a - b);
    return { lines: figures.length, inserted: figures.length - replaced, replaced, years, communes, yearsWithVigieData };
  }
}
