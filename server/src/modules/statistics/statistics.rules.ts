// Pure rules of the yearly statistics: the Paris year of an instant, the service key, the
// figures of each year x commune x service x indicator from Vigie's records, the totals per
// year, and the French labels of indicators and categories. No IO.
import { parisDate, parisMidnightMs } from '../../platform/clock.ts';
import { indicators, type Indicator, type Origin, type StatisticsRow, type StatisticsTotal } from './statistics.schemas.ts';

export const indicatorLabels: Record<Indicator, { fr: string; en: string }> = {
  offences_seen: { fr: 'Faits constatés', en: 'Offences seen' },
  offences_spotted_by_operators: { fr: 'Détections à l’initiative des opérateurs', en: 'Offences spotted by operators' },
  requests: { fr: 'Réquisitions reçues', en: 'Requests to view footage' },
  requests_flagrance: { fr: 'Réquisitions – flagrance (art. 60-1 CPP)', en: 'Requests – flagrance (art. 60-1)' },
  requests_preliminary: { fr: 'Réquisitions – enquête préliminaire (art. 77-1-1 CPP)', en: 'Requests – preliminary inquiry (art. 77-1-1)' },
  requests_investigation: { fr: 'Réquisitions – instruction (art. 99-3 CPP)', en: 'Requests – judicial investigation (art. 99-3)' },
  requests_direct_collection: { fr: 'Réquisitions – recueil direct', en: 'Requests – direct collection' },
  review_positive: { fr: 'Relectures positives', en: 'Positive reviews' },
  review_negative: { fr: 'Relectures négatives', en: 'Negative reviews' },
  review_live_viewing_only: { fr: 'Visionnages en direct seulement', en: 'Live viewing only' },
  review_cancelled: { fr: 'Demandes annulées', en: 'Cancelled requests' },
  exports: { fr: 'Extractions sur réquisition', en: 'Exports on requisition' },
  review_hours: { fr: 'Heures de relecture', en: 'Review hours' },
};

export const originLabels: Record<Origin, string> = { vigie: 'Vigie', imported: 'Importé' };

/** The indicators drawn as the main series (the console's chart, the PDF's bars). */
export const mainSeries: readonly Indicator[] = ['offences_seen', 'requests', 'exports', 'review_hours'];

/** The year (Europe/Paris, the centre's legal time) of an instant. */
export function parisYear(at: string | Date): number {
  return Number(parisDate(typeof at === 'string' ? new Date(at) : at).slice(0, 4));
}

/** The instants [from, to) that cover the Paris years `fromYear` to `toYear`. */
export function yearsWindow(fromYear: number, toYear: number): { fromIso: string; toIso: string } {
  return {
    fromIso: new Date(parisMidnightMs(`${fromYear}-01-01`)).toISOString(),
    toIso: new Date(parisMidnightMs(`${toYear + 1}-01-01`)).toISOString(),
  };
}

/** Services are grouped on their text, spaces trimmed and collapsed; none given is "". */
export function serviceKey(text: string | null | undefined): string {
  return (text ?? '').trim().replace(/\s+/g, ' ');
}

export interface RequisitionFact {
  requisitionId: string;
  communeInsee: string;
  officerUnit: string;
  legalFramework: string;
  fromState: string | null;
  toState: string;
  at: string;
}

export interface OffenceFact {
  communeInsee: string;
  occurredAt: string;
  spottedByOperator: boolean;
  service: string | null;
}

export interface ReviewFact {
  year: number;
  communeInsee: string;
  /** The requesting unit of the requisition the review was for. */
  service: string;
  seconds: number;
}

const resultIndicators: Partial<Record<string, Indicator>> = {
  positive: 'review_positive',
  negative: 'review_negative',
  live_viewing_only: 'review_live_viewing_only',
  cancelled: 'review_cancelled',
  exported: 'exports',
};

const frameworkIndicators: Partial<Record<string, Indicator>> = {
  flagrance: 'requests_flagrance',
  preliminary: 'requests_preliminary',
  investigation: 'requests_investigation',
  direct_collection: 'requests_direct_collection',
};

/** Review seconds as hours, to the hundredth. */
export function hoursOf(seconds: number): number {
  return Math.round(seconds / 36) / 100;
}

const indicatorOrder = new Map(indicators.map((indicator, index) => [indicator, index]));

/** Rows by year, commune, service, indicator (the table's order), imported after Vigie's. */
export function sortRows(rows: StatisticsRow[]): StatisticsRow[] {
  return rows.sort(
    (a, b) =>
      a.year - b.year ||
      a.communeInsee.localeCompare(b.communeInsee) ||
      a.service.localeCompare(b.service, 'fr') ||
      indicatorOrder.get(a.indicator)! - indicatorOrder.get(b.indicator)! ||
      (a.origin === b.origin ? 0 : a.origin === 'vigie' ? -1 : 1),
  );
}

/**
 * Vigie's own figures for the years [fromYear, toYear]: requests at their intake (by legal
 * framework too), results and exports the first time a requisition reached them, offences by
 * the year they happened, review hours as the port gives them. Facts outside the years are
 * ignored, so the caller may pass a slightly wider window.
 */
export function aggregate(input: {
  fromYear: number;
  toYear: number;
  requisitions: readonly RequisitionFact[];
  offences: readonly OffenceFact[];
  reviews: readonly ReviewFact[];
}): StatisticsRow[] {
  const figures = new Map<string, StatisticsRow>();
  const counted = new Set<string>();
  const inYears = (year: number) => year >= input.fromYear && year <= input.toYear;
  const add = (year: number, communeInsee: string, service: string, indicator: Indicator, value: number) => {
    const key = JSON.stringify([year, communeInsee, service, indicator]);
    const row = figures.get(key);
    if (row) row.value += value;
    else figures.set(key, { year, communeInsee, service, indicator, value, origin: 'vigie' });
  };
  for (const fact of input.requisitions) {
    const year = parisYear(fact.at);
    if (!inYears(year)) continue;
    const service = serviceKey(fact.officerUnit);
    const reached: Indicator[] = [];
    if (fact.toState === 'received' && fact.fromState === null) {
      reached.push('requests');
      const byFramework = frameworkIndicators[fact.legalFramework];
      if (byFramework) reached.push(byFramework);
    }
    const result = resultIndicators[fact.toState];
    if (result) reached.push(result);
    for (const indicator of reached) {
      // A requisition counts once per indicator, whatever its history.
      const once = `${fact.requisitionId} ${indicator}`;
      if (counted.has(once)) continue;
      counted.add(once);
      add(year, fact.communeInsee, service, indicator, 1);
    }
  }
  for (const offence of input.offences) {
    const year = parisYear(offence.occurredAt);
    if (!inYears(year)) continue;
    const service = serviceKey(offence.service);
    add(year, offence.communeInsee, service, 'offences_seen', 1);
    if (offence.spottedByOperator) add(year, offence.communeInsee, service, 'offences_spotted_by_operators', 1);
  }
  // Seconds are added up per year, commune and service before they become hours (one rounding).
  const reviewSeconds = new Map<string, ReviewFact>();
  for (const review of input.reviews) {
    if (!inYears(review.year) || review.seconds <= 0) continue;
    const service = serviceKey(review.service);
    const key = JSON.stringify([review.year, review.communeInsee, service]);
    const known = reviewSeconds.get(key);
    if (known) known.seconds += review.seconds;
    else reviewSeconds.set(key, { ...review, service });
  }
  for (const review of reviewSeconds.values()) add(review.year, review.communeInsee, review.service, 'review_hours', hoursOf(review.seconds));
  return sortRows([...figures.values()]);
}

/** Per year, indicator and origin, over communes and services: Vigie's and imported figures are never added together. */
export function totalsOf(rows: readonly StatisticsRow[]): StatisticsTotal[] {
  const totals = new Map<string, StatisticsTotal>();
  for (const row of rows) {
    const key = `${row.year} ${row.indicator} ${row.origin}`;
    const total = totals.get(key);
    if (total) total.value += row.value;
    else totals.set(key, { year: row.year, indicator: row.indicator, origin: row.origin, value: row.value });
  }
  return [...totals.values()]
    .map((total) => ({ ...total, value: Math.round(total.value * 100) / 100 }))
    .sort(
      (a, b) =>
        a.year - b.year || indicatorOrder.get(a.indicator)! - indicatorOrder.get(b.indicator)! || (a.origin === b.origin ? 0 : a.origin === 'vigie' ? -1 : 1),
    );
}

/** "1 011,5": a figure as French readers write it. */
export function frenchNumber(value: number): string {
  return new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 }).format(value);
}
