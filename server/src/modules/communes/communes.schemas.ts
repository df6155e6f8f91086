import { z } from 'zod';
import { inseeCode } from '../auth/index.ts';

const timeZone = z
  .string()
  .max(64)
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone');

export const communeCreateSchema = z.object({
  insee: inseeCode,
  name: z.string().trim().min(1).max(200),
  // The legal bound (1..30, LEGAL 6) is checked in the service for a clear error of its own.
  retentionDays: z.number().int().default(14),
  timeZone: timeZone.default('Europe/Paris'),
});
export type CommuneCreate = z.input<typeof communeCreateSchema>;

export const communeUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    // The legal bound is checked in the service, so that 31+ gets its own clear error.
    retentionDays: z.number().int().optional(),
    timeZone: timeZone.optional(),
  })
  .strict();
export type CommuneUpdate = z.input<typeof communeUpdateSchema>;

export const communeViewSchema = z.object({
  insee: z.string(),
  name: z.string(),
  retentionDays: z.number(),
  timeZone: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CommuneView = z.infer<typeof communeViewSchema>;
