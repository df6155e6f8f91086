// Evidence packages over HTTP: what is asked (cameras and ranges, bounded), and what is shown
// (state, progress, the journal's summary once ready).
import { z } from 'zod';

export const MAX_PACKAGE_ITEMS = 50;
export const MAX_ITEM_HOURS = 24;

export const packageStates = ['queued', 'building', 'ready', 'failed', 'purged'] as const;
export type PackageState = (typeof packageStates)[number];

const instant = z.iso.datetime({ offset: true });

export const packageInputSchema = z
  .object({
    /** Absent: the requisition's own ranges. */
    items: z
      .array(z.object({ cameraId: z.string().min(1).max(64), from: instant, to: instant }).strict())
      .min(1)
      .max(MAX_PACKAGE_ITEMS)
      .optional(),
  })
  .strict();

const itemSummary = z.object({
  file: z.string(),
  cameraId: z.string(),
  cameraName: z.string(),
  imageStart: z.string(),
  imageEnd: z.string(),
  durationSeconds: z.number(),
  frames: z.number(),
  codec: z.string(),
  masked: z.boolean(),
  reencoded: z.boolean(),
  bytes: z.number(),
  sha256: z.string(),
  gaps: z.number(),
});

export const packageViewSchema = z.object({
  id: z.string(),
  requisitionId: z.string(),
  communeInsee: z.string(),
  state: z.enum(packageStates),
  progress: z.object({ fraction: z.number(), message: z.string() }),
  items: z.array(z.object({ cameraId: z.string(), from: z.string(), to: z.string() })),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  zip: z.object({ bytes: z.number(), sha256: z.string() }).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  purgedAt: z.string().nullable(),
  journal: z.object({ keyId: z.string(), publicKeySha256: z.string(), items: z.array(itemSummary) }).nullable(),
});
export type PackageView = z.infer<typeof packageViewSchema>;
