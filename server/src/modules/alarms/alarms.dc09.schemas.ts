// Zod schemas of the DC-09 accounts (docs/alarms.md "SIA DC-09"): what an administrator sets for
// each panel's account, and how it is shown (never its key). Every string bounded.
import { z } from 'zod';

export const dc09AccountParamsSchema = z.object({
  id: z.string().max(100),
  /** The line (account) prefix after `L`: 1 to 6 hex digits. */
  line: z
    .string()
    .max(6)
    .regex(/^[0-9A-F]{1,6}$/, '1 to 6 upper-case hex digits'),
  /** The account number after `#`: 3 to 16 hex digits. */
  account: z
    .string()
    .max(16)
    .regex(/^[0-9A-F]{3,16}$/, '3 to 16 upper-case hex digits'),
});

// PUT replaces the account: `siteId` and `supervisionSeconds` must be sent (null to clear them);
// only the key, which is never shown back, may be left out to keep it as it is.
export const dc09AccountPutSchema = z.strictObject({
  /** A site of the source's commune: the account's alarms are shown there. */
  siteId: z.uuid().nullable(),
  /** AES-128/192/256 key, 32, 48 or 64 hex digits; null: plain messages only; absent: kept as it is. */
  key: z
    .string()
    .max(64)
    .regex(/^([0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64})$/, '32, 48 or 64 hex digits')
    .nullable()
    .optional(),
  /** The panel's test or link-test interval; silent past it plus the grace: `supervision_lost`. Null: not supervised. */
  supervisionSeconds: z.number().int().min(60).max(604_800).nullable(),
});
/** What the service takes: the route sends every field; set-up code (demo, tests) may leave them out (null). */
export type Dc09AccountPut = Partial<z.infer<typeof dc09AccountPutSchema>>;

export const dc09AccountViewSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  line: z.string(),
  account: z.string(),
  siteId: z.string().nullable(),
  /** Whether a key is set (the key itself is never shown). */
  encrypted: z.boolean(),
  supervisionSeconds: z.number().int().nullable(),
  lastSeenAt: z.string().nullable(),
  supervisionLostAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Dc09AccountView = z.infer<typeof dc09AccountViewSchema>;

export const dc09StatusSchema = z.object({
  listening: z.boolean(),
  host: z.string().nullable(),
  tcpPort: z.number().int().nullable(),
  udpPort: z.number().int().nullable(),
  connections: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.record(z.string(), z.number().int()),
});
export type Dc09Status = z.infer<typeof dc09StatusSchema>;
