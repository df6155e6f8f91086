import { z } from 'zod';
import { inseeCode, isoDate } from '../auth/index.ts';
import { maxRetentionDays, purposes, recipients } from './legal-lists.ts';

const retention = z.number().int().min(1).max(maxRetentionDays);

/** Each field once, without defaults: creation adds its defaults, an update takes them as they are. */
const authorisationFields = {
  reference: z.string().trim().min(1).max(100),
  startOn: isoDate,
  endOn: isoDate,
  perimeter: z.string().trim().min(1).max(2000),
  purposes: z
    .array(z.enum(purposes))
    .min(1)
    .max(purposes.length * 2),
  minRetentionDays: retention,
  maxRetentionDays: retention,
  recipients: z.array(z.enum(recipients)).max(recipients.length * 2),
  cameraIds: z.array(z.string().min(1).max(100)).max(5000),
};

export const authorisationInputSchema = z.object({
  ...authorisationFields,
  communeInsee: inseeCode,
  recipients: authorisationFields.recipients.default([]),
  cameraIds: authorisationFields.cameraIds.default([]),
});
export type AuthorisationInput = z.input<typeof authorisationInputSchema>;

/**
 * An update changes only the fields it sends (the commune never changes). No default here: a
 * renewal that sends only `endOn` keeps the cameras and recipients. Unknown fields are refused,
 * so that a misspelt field is not silently ignored.
 */
export const authorisationUpdateSchema = z.object(authorisationFields).partial().strict();
export type AuthorisationUpdate = z.input<typeof authorisationUpdateSchema>;

export const authorisationViewSchema = z.object({
  id: z.string(),
  reference: z.string(),
  communeInsee: z.string(),
  startOn: z.string(),
  endOn: z.string(),
  perimeter: z.string(),
  purposes: z.array(z.enum(purposes)),
  minRetentionDays: z.number(),
  maxRetentionDays: z.number(),
  recipients: z.array(z.enum(recipients)),
  cameraIds: z.array(z.string()),
  status: z.enum(['valid', 'not_yet_valid', 'expired', 'revoked']),
  renewalDueOn: z.string(),
  daysToExpiry: z.number(),
  revokedAt: z.string().nullable(),
});
export type AuthorisationView = z.infer<typeof authorisationViewSchema>;
