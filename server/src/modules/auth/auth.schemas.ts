// Zod schemas of accounts, sessions and tokens, shared by routes, CLI and (later) the console.
import { z } from 'zod';
import { actions, roles } from '../access/index.ts';

export const inseeCode = z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'INSEE code: 5 characters, e.g. 38185 or 2A004');
/** A real calendar day, YYYY-MM-DD (2026-02-30 is refused). */
export const isoDate = z.iso.date('a real calendar date YYYY-MM-DD');
export const loginSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash, underscore');
export const roleSchema = z.enum(roles);

export const userCreateSchema = z.object({
  login: loginSchema,
  displayName: z.string().min(1).max(200).optional(),
  role: roleSchema,
  password: z.string().min(1).max(256),
  allCommunes: z.boolean().default(false),
  communes: z.array(inseeCode).max(500).default([]),
  approvalReference: z.string().min(1).max(200).nullable().optional(),
  approvalExpiresOn: isoDate.nullable().optional(),
  trainingDate: isoDate.nullable().optional(),
});
export type UserCreate = z.input<typeof userCreateSchema>;

export const userUpdateSchema = z
  .object({
    displayName: z.string().min(1).max(200).optional(),
    role: roleSchema.optional(),
    allCommunes: z.boolean().optional(),
    communes: z.array(inseeCode).max(500).optional(),
    approvalReference: z.string().min(1).max(200).nullable().optional(),
    approvalExpiresOn: isoDate.nullable().optional(),
    trainingDate: isoDate.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type UserUpdate = z.infer<typeof userUpdateSchema>;

export const userViewSchema = z.object({
  id: z.string(),
  login: z.string(),
  displayName: z.string(),
  role: roleSchema,
  allCommunes: z.boolean(),
  communes: z.array(z.string()),
  approvalReference: z.string().nullable(),
  approvalExpiresOn: z.string().nullable(),
  trainingDate: z.string().nullable(),
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  /** Four eyes: image access given by one administrator waits for another's (or a supervisor's) confirmation. */
  imageAccess: z.object({ confirmed: z.boolean(), requestedBy: z.string().nullable(), confirmedBy: z.string().nullable(), confirmedAt: z.string().nullable() }),
});
export type UserView = z.infer<typeof userViewSchema>;

export const tokenCreateSchema = z.object({
  name: z.string().min(1).max(100),
  role: roleSchema,
  allCommunes: z.boolean().default(false),
  communes: z.array(inseeCode).max(500).default([]),
  actions: z.array(z.enum(actions)).min(1).max(actions.length).nullable().default(null),
  expiresAt: z.iso.datetime().nullable().default(null),
});
export type TokenCreate = z.input<typeof tokenCreateSchema>;

export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  allCommunes: z.boolean(),
  communes: z.array(z.string()),
  actions: z.array(z.enum(actions)).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof tokenViewSchema>;
