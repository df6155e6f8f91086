// The API shapes of the yearly statistics (zod only): the offence short form and its list, the
// statistics query and its rows, the CSV import's answer. Every string and array is bounded.
import { z } from 'zod';
import { inseeCode } from '../auth/index.ts';

/** The indicators of the yearly table CSUs report (docs/statistics.md gives each definition). */
export const indicators = [
  'offences_seen',
  'offences_spotted_by_operators',
  'requests',
  'requests_flagrance',
  'requests_preliminary',
  'requests_investigation',
  'requests_direct_collection',
  'review_positive',
  'review_negative',
  'review_live_viewing_only',
  'review_cancelled',
  'exports',
  'review_hours',
] as const;
export type Indicator = (typeof indicators)[number];

export const offenceCategories = ['property', 'persons', 'drugs', 'traffic', 'incivility', 'other'] as const;
export type OffenceCategory = (typeof offenceCategories)[number];

/** form: the short form; logbook: an "offence seen" / "offence spotted" entry of the operators' logbook (later). */
export const offenceSources = ['form', 'logbook'] as const;
export const origins = ['vigie', 'imported'] as const;
export type Origin = (typeof origins)[number];

/** Years a figure may be given for (the oldest series we know start in 2008). */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;
export const MAX_CAMERAS_PER_OFFENCE = 20;

const instant = z.iso.datetime({ offset: true });
const year = z.coerce.number().int().min(FIRST_YEAR).max(LAST_YEAR);

export const offenceInputSchema = z
  .object({
    communeInsee: inseeCode,
    occurredAt: instant.describe('when the offence happened'),
    category: z
      .enum(offenceCategories)
      .describe(
        'property: atteinte aux biens; persons: aux personnes; drugs: stupéfiants; traffic: circulation/stationnement; incivility: incivilités/dépôts sauvages',
      ),
    spottedByOperator: z.boolean().describe('spotted by the operators themselves (not reported to them)'),
    siteId: z.string().min(1).max(100).optional(),
    cameraIds: z.array(z.string().min(1).max(100)).max(MAX_CAMERAS_PER_OFFENCE).optional(),
    service: z.string().trim().min(1).max(200).optional().describe('the service that intervened'),
    comment: z.string().trim().min(1).max(2000),
  })
  .strict();
export type OffenceInput = z.infer<typeof offenceInputSchema>;

export const offenceListQuerySchema = z
  .object({
    communeInsee: inseeCode.optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const offenceViewSchema = z.object({
  id: z.string(),
  communeInsee: z.string(),
  occurredAt: z.string(),
  category: z.enum(offenceCategories),
  spottedByOperator: z.boolean(),
  siteId: z.string().nullable(),
  cameraIds: z.array(z.string()),
  service: z.string().nullable(),
  comment: z.string(),
  source: z.enum(offenceSources),
  sourceRef: z.string().nullable(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type OffenceView = z.infer<typeof offenceViewSchema>;

export const statisticsQuerySchema = z
  .object({
    from: year.optional().describe('first year (default: nine years before `to`)'),
    to: year.optional().describe('last year (default: this year, Paris time)'),
    communeInsee: inseeCode.optional(),
  })
  .strict();
export type StatisticsQuery = z.infer<typeof statisticsQuerySchema>;

export const statisticsRowSchema = z.object({
  year: z.number().int(),
  communeInsee: z.string(),
  service: z.string().describe('the requesting unit, or the service that intervened; "" when not given'),
  indicator: z.enum(indicators),
  value: z.number(),
  origin: z.enum(origins).describe('vigie: computed from Vigie’s records; imported: from a CSV of past years'),
});
export type StatisticsRow = z.infer<typeof statisticsRowSchema>;

export const statisticsTotalSchema = z.object({
  year: z.number().int(),
  indicator: z.enum(indicators),
  origin: z.enum(origins),
  value: z.number(),
});
export type StatisticsTotal = z.infer<typeof statisticsTotalSchema>;

export const statisticsViewSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  indicators: z.array(z.enum(indicators)).max(indicators.length),
  rows: z.array(statisticsRowSchema),
  totals: z.array(statisticsTotalSchema).describe('per year, indicator and origin, over the communes and services asked for; the two origins are never added'),
});
export type StatisticsView = z.infer<typeof statisticsViewSchema>;

export const importResultSchema = z.object({
  lines: z.number().int().describe('figures read (header and blank lines excluded)'),
  inserted: z.number().int(),
  replaced: z.number().int().describe('figures of the same year, commune, service and indicator imported before, now replaced'),
  years: z.array(z.number().int()),
  communes: z.array(z.string()),
  yearsWithVigieData: z.array(z.number().int()).describe('years that also have figures computed by Vigie: shown side by side, never added'),
});
export type ImportResult = z.infer<typeof importResultSchema>;
