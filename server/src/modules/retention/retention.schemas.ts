// Zod schemas of the legal holds and statutory register API.
import { z } from 'zod';
import { registerKinds } from './retention.repository.ts';

const isoInstant = z.iso.datetime({ offset: true });

export const holdViewSchema = z.object({
  id: z.string(),
  communeInsee: z.string(),
  cameraIds: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  procedureReference: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
  releaseReason: z.string().nullable(),
  /** provisional (an operator's, until `lapsesAt`), confirmed (by a chief, with a procedure reference), lapsed, released. */
  status: z.enum(['provisional', 'confirmed', 'lapsed', 'released']),
  confirmedAt: z.string().nullable(),
  confirmedBy: z.string().nullable(),
  lapsesAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  /** The requisition that placed it: released by closing that requisition, not here. */
  requisitionId: z.string().nullable(),
});
export const holdListQuerySchema = z.object({
  communeInsee: z.string().max(5).optional(),
  cameraId: z.string().max(100).optional(),
  activeOnly: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true'),
});

export const registerQuerySchema = z.object({
  communeInsee: z.string().max(5).optional(),
  cameraId: z.string().max(100).optional(),
  kind: z.enum(registerKinds as [string, ...string[]]).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  /** Free text in the procedure reference. */
  text: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

export const registerVerifySchema = z.object({
  ok: z.boolean(),
  rowsChecked: z.number().int(),
  lastSeq: z.number().int(),
  keyId: z.string().nullable(),
  problems: z.array(
    z.object({
      kind: z.enum(['edited', 'deleted', 'reordered', 'tail_removed', 'unchained', 'checkpoint_mismatch', 'checkpoint_invalid']),
      seq: z.number().int(),
      registerId: z.number().int().nullable(),
      message: z.string(),
    }),
  ),
  problemCount: z.number().int(),
});
export const registerEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  communeInsee: z.string(),
  cameraId: z.string(),
  kind: z.string(),
  from: z.string(),
  to: z.string(),
  segments: z.number(),
  bytes: z.number(),
  reference: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
