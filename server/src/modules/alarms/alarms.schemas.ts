// Zod schemas of alarms: the intake payload (webhook body and MQTT message, docs/alarms.md
// "Intake format"), the queue's views and actions, the sources. Every string and array bounded.
import { z } from 'zod';
import { alarmStates, alarmTypeCodes, outcomeCodes, priorities, senderTypeCodes, type PriorityName } from './alarms.catalogue.ts';

/** The largest payload kept as received (bytes): a webhook body or MQTT message above it is refused. */
export const maxPayloadBytes = 16 * 1024;

const priorityNames = Object.keys(priorities) as [PriorityName, ...PriorityName[]];
const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@/-]+$/, 'letters, digits and . _ : @ / -');
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const noControlCharacters = /^[^\u0000-\u001f\u007f]*$/;
const text = (max: number) => z.string().trim().min(1).max(max).regex(noControlCharacters, 'no control characters');

export const alarmPayloadSchema = z.strictObject({
  /** The sender's own id of this event: a resend carries the same one, and is stored once. */
  eventId: identifier,
  /** `restore`: the condition ended (a panel's restoral); it attaches to the open alarm of the same type, site and zone. */
  event: z.enum(['alarm', 'restore']).optional(),
  type: z.enum(senderTypeCodes),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  priority: z.enum(priorityNames).optional(),
  siteId: z.uuid().optional(),
  zone: text(100).optional(),
  title: text(200).optional(),
  position: z.strictObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  cameraIds: z.array(z.string().min(1).max(100)).max(32).optional(),
  details: z
    .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .refine((value) => Object.keys(value).length <= 32, 'at most 32 details')
    .optional(),
});
export type AlarmPayload = z.infer<typeof alarmPayloadSchema>;

export const intakeOutcomes = ['created', 'folded', 'restored', 'restore_unmatched'] as const;
/** What a receipt can record: the intake outcomes and those of CAP messages (alarms.cap.intake.ts). */
export const receiptOutcomes = [...intakeOutcomes, 'updated', 'cancelled', 'reference_unmatched', 'no_area_match', 'ignored'] as const;

export const intakeResultSchema = z.object({
  receiptId: z.string(),
  alarmId: z.string().nullable(),
  outcome: z.enum(intakeOutcomes),
  /** True when this event id had already been stored: nothing was changed. */
  duplicate: z.boolean(),
});
export type IntakeResult = z.infer<typeof intakeResultSchema>;

export const alarmViewSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  communeInsee: z.string().nullable(),
  type: z.enum(alarmTypeCodes),
  priority: z.number().int(),
  state: z.enum(alarmStates),
  siteId: z.string().nullable(),
  zone: z.string().nullable(),
  title: z.string(),
  position: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
  cameraIds: z.array(z.string()),
  count: z.number().int(),
  occurredAt: z.string(),
  firstReceivedAt: z.string(),
  lastReceivedAt: z.string(),
  restoredAt: z.string().nullable(),
  takenAt: z.string().nullable(),
  takenBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  startedAt: z.string().nullable(),
  startedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  outcome: z.enum(outcomeCodes).nullable(),
  comment: z.string().nullable(),
  /** When it escalated for staying `new` past its priority's deadline; level 1: supervisors, 2: the chief. */
  escalatedAt: z.string().nullable(),
  escalationLevel: z.number().int(),
});
export type AlarmView = z.infer<typeof alarmViewSchema>;

export const receiptViewSchema = z.object({
  id: z.string(),
  senderEventId: z.string(),
  event: z.enum(['alarm', 'restore', 'cancel']),
  outcome: z.enum(receiptOutcomes),
  channel: z.string(),
  receivedAt: z.string(),
  rawPayload: z.string(),
});
export type ReceiptView = z.infer<typeof receiptViewSchema>;

export const alarmListQuerySchema = z.object({
  /** `open` (default): every state but closed, by priority then age; `closed`: newest first. */
  state: z.enum(['open', 'closed']).optional(),
  communeInsee: z.string().max(5).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const alarmCommentSchema = z.strictObject({ comment: text(2000).optional() });
export const alarmCloseSchema = z.strictObject({
  outcome: z.enum(outcomeCodes),
  comment: text(2000).optional(),
  /** A supervisor closing an alarm whose mandatory procedure steps are not all done says why (docs/alarms.md "Procedures"). */
  overrideReason: text(2000).optional(),
});

export const sourceKinds = ['webhook', 'mqtt', 'dc09', 'cap'] as const;
export const sourceCreateSchema = z.strictObject({
  id: z
    .string()
    .min(2)
    .max(40)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -'),
  kind: z.enum(sourceKinds),
  communeInsee: z.string().regex(/^[0-9][0-9AB][0-9]{3}$/),
  name: text(120),
});
export type SourceCreate = z.infer<typeof sourceCreateSchema>;

export const sourceViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  communeInsee: z.string().nullable(),
  name: z.string(),
  enabled: z.boolean(),
  hasToken: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SourceView = z.infer<typeof sourceViewSchema>;
/** A new webhook token is shown once, with its source. */
export const sourceWithTokenSchema = sourceViewSchema.extend({ token: z.string().nullable() });
