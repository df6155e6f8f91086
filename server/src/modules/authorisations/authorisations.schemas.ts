import { z } from 'zod';
import { inseeCode, isoDate } from '../auth/auth.schemas.ts';
import { maxRetentionDays, purposes, recipients } from './legal-lists.ts';

const retention = z.number().int().min(1).max(maxRetentionDays);

export const authorisationInputSchema = z.object({
  reference: z.string().trim().min(1).max(100),
  communeInsee: inseeCode,
  startOn: isoDate,
  endOn: isoDate,
  perimeter: z.string().trim().min(1).max(2000),
  purposes: z.array(z.enum(purposes)).min(1),
  minRetentionDays: retention,
  maxRetentionDays: retention,
  recipients: z.array(z.enum(recipients)).default([]),
  cameraIds: z.array(z.string().min(1)).max(5000).default([]),
});
export type AuthorisationInput = z.input<typeof authorisationInputSchema>;

export const authorisationUpdateSchema = authorisationInputSchema.omit({ communeInsee: true }).partial();
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
