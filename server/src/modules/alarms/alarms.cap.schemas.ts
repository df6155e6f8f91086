// Zod schemas of the CAP 1.2 intake's routes (docs/alarms.md "CAP 1.2"): the push answer, a
// source's Atom feed. Bounded.
import { z } from 'zod';

export const capOutcomes = ['created', 'updated', 'cancelled', 'reference_unmatched', 'no_area_match', 'ignored'] as const;

export const capResultSchema = z.object({
  messageId: z.string(),
  outcome: z.enum(capOutcomes),
  /** The alarms the message created or applied to (one per matched commune). */
  alarmIds: z.array(z.string()),
  /** True when this (sender, identifier, sent) had already been stored: nothing was changed. */
  duplicate: z.boolean(),
});

export const capFeedSetSchema = z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(2000) });

export const capFeedViewSchema = z.object({
  sourceId: z.string(),
  url: z.string(),
  lastPolledAt: z.string().nullable(),
  /** HTTP status of the last poll (304: unchanged). */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
});
