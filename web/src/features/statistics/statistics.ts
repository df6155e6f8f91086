// Logic of the statistics screen, no React: the series of one indicator across years (Vigie's
// and imported figures kept apart), the yearly table, the offence form's body. Pure.
import { parisLocalToUtcIso } from '../../lib/dates.ts';

export interface StatisticsTotal {
  year: number;
  indicator: string;
  origin: 'vigie' | 'imported';
  value: number;
}

/** One indicator across the years: a value per year for each origin (null: no figure). */
export function seriesOf(totals: readonly StatisticsTotal[], indicator: string, from: number, to: number) {
  const years = Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
  const figureOf = (year: number, origin: StatisticsTotal['origin']) =>
    totals.find((total) => total.year === year && total.indicator === indicator && total.origin === origin)?.value ?? null;
  return { years, vigie: years.map((year) => figureOf(year, 'vigie')), imported: years.map((year) => figureOf(year, 'imported')) };
}

/** The table: a row per indicator, a cell per year holding Vigie's figure and the imported one. */
export function tableOf(totals: readonly StatisticsTotal[], indicators: readonly string[], from: number, to: number) {
  return indicators.map((indicator) => {
    const series = seriesOf(totals, indicator, from, to);
    return { indicator, cells: series.years.map((year, index) => ({ year, vigie: series.vigie[index] ?? null, imported: series.imported[index] ?? null })) };
  });
}

/** Whether any figure was imported in the period (the screen then explains how they are shown). */
export function hasImported(totals: readonly StatisticsTotal[]): boolean {
  return totals.some((total) => total.origin === 'imported');
}

export interface OffenceDraft {
  communeInsee: string;
  occurredAtLocal: string;
  category: string;
  spottedByOperator: boolean;
  service: string;
  comment: string;
}

/** The body of POST /api/offences, or null when the Paris date and time cannot be read. */
export function offenceBody(draft: OffenceDraft) {
  const occurredAt = parisLocalToUtcIso(draft.occurredAtLocal);
  if (!occurredAt) return null;
  const service = draft.service.trim();
  return {
    communeInsee: draft.communeInsee,
    occurredAt,
    category: draft.category,
    spottedByOperator: draft.spottedByOperator,
    comment: draft.comment.trim(),
    ...(service ? { service } : {}),
  };
}
