// Zod schemas of the logbook (main courante): an entry as written and as read, the search, the
// chain's verification report, the chief's figures. Every string and array is bounded.
import { z } from 'zod';
import { inseeCode } from '../auth/index.ts';
import { offenceCategories } from '../statistics/index.ts';

/** The entry types (docs/alarms.md "Logbook"): the two offence types feed the yearly statistics. */
export const logbookTypes = ['offence_seen', 'offence_spotted', 'intervention', 'information', 'alarm', 'technical', 'other'] as const;
export type LogbookType = (typeof logbookTypes)[number];
export const logbookTypeLabels: Record<LogbookType, { fr: string; en: string }> = {
  offence_seen: { fr: 'Fait constaté', en: 'Offence seen' },
  offence_spotted: { fr: 'Détection à l’initiative de l’opérateur', en: 'Offence spotted by the operator' },
  intervention: { fr: 'Intervention', en: 'Intervention' },
  information: { fr: 'Information', en: 'Information' },
  alarm: { fr: 'Alarme', en: 'Alarm' },
  technical: { fr: 'Technique', en: 'Technical' },
  other: { fr: 'Autre', en: 'Other' },
};
export const isOffenceType = (type: string): type is 'offence_seen' | 'offence_spotted' => type === 'offence_seen' || type === 'offence_spotted';

export const MAX_TEXT = 2000;
export const MAX_CAMERAS = 20;
const instant = z.iso.datetime({ offset: true });
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters other than line breaks and tabs are refused.
const printable = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const identifier = z.string().min(1).max(100);

export const logbookEntryInputSchema = z
  .object({
    type: z.enum(logbookTypes),
    communeInsee: inseeCode,
    occurredAt: instant.optional().describe('when it happened (default: now); not in the future'),
    text: z.string().trim().min(1).max(MAX_TEXT).regex(printable, 'no control characters'),
    offenceCategory: z.enum(offenceCategories).optional().describe('required for offence_seen and offence_spotted'),
    alarmId: identifier.optional(),
    siteId: identifier.optional(),
    cameraIds: z.array(identifier).max(MAX_CAMERAS).optional(),
    corrects: z.uuid().optional().describe('the entry this one corrects (entries are never edited)'),
  })
  .strict();
export type LogbookEntryInput = z.infer<typeof logbookEntryInputSchema>;

export const logbookEntryViewSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  recordedAt: z.string(),
  occurredAt: z.string(),
  communeInsee: z.string().nullable(),
  type: z.enum(logbookTypes),
  origin: z.enum(['manual', 'alarm']),
  text: z.string(),
  offenceCategory: z.string().nullable(),
  alarmId: z.string().nullable(),
  siteId: z.string().nullable(),
  cameraIds: z.array(z.string()),
  author: z.string(),
  corrects: z.string().nullable(),
  /** Entries that correct this one (newest last). */
  correctedBy: z.array(z.string()),
});
export type LogbookEntryView = z.infer<typeof logbookEntryViewSchema>;

export const logbookQuerySchema = z
  .object({
    communeInsee: inseeCode.optional(),
    type: z.enum(logbookTypes).optional(),
    from: instant.optional(),
    to: instant.optional(),
    text: z.string().trim().min(1).max(200).optional(),
    alarmId: identifier.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type LogbookQuery = z.infer<typeof logbookQuerySchema>;

export const logbookVerifySchema = z.object({
  ok: z.boolean(),
  rowsChecked: z.number().int(),
  lastSeq: z.number().int(),
  keyId: z.string(),
  problems: z.array(
    z.object({ kind: z.enum(['edited', 'deleted', 'reordered', 'tail_removed']), seq: z.number().int(), entryId: z.string().nullable(), message: z.string() }),
  ),
  problemCount: z.number().int(),
});

export const figuresQuerySchema = z.object({ from: instant, to: instant, communeInsee: inseeCode.optional() }).strict();
export type FiguresQuery = z.infer<typeof figuresQuerySchema>;

const ackFigures = z.object({ count: z.number().int(), p80Seconds: z.number().nullable(), p985Seconds: z.number().nullable() });
export const figuresSchema = z.object({
  from: z.string(),
  to: z.string(),
  communeInsee: z.string().nullable(),
  /** Intake (first receipt) to acknowledgement, nearest-rank percentiles, by the shift of the intake (Paris time). */
  acknowledgement: z.object({
    all: ackFigures,
    byShift: z.array(ackFigures.extend({ shift: z.string() })),
    byType: z.array(ackFigures.extend({ type: z.string() })),
  }),
  /** Alarms closed in the period, per site: outcome false_alarm over closed. */
  falseAlarms: z.array(z.object({ siteId: z.string().nullable(), closed: z.number().int(), falseAlarms: z.number().int(), ratio: z.number() })),
  /** Alarms open now, by age since their first receipt. */
  openByAge: z.array(z.object({ bucket: z.string(), count: z.number().int() })),
});
export type Figures = z.infer<typeof figuresSchema>;
