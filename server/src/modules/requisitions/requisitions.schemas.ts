// The API shapes of requisitions (zod only): intake, PATCH, state changes, the scanned
// document, and the views. Every string and array is bounded.
import { z } from 'zod';
import { inseeCode } from '../auth/index.ts';

export const legalFrameworks = ['flagrance', 'preliminary', 'investigation', 'direct_collection'] as const;
export const channels = ['email', 'paper', 'phone', 'in_person', 'other'] as const;
export const requisitionStates = [
  'received',
  'in_review',
  'positive',
  'negative',
  'live_viewing_only',
  'cancelled',
  'exported',
  'delivered',
  'closed',
] as const;
export type RequisitionState = (typeof requisitionStates)[number];

/** Ranges per requisition, and how long one range may be (31 days: no footage is older than 30). */
export const MAX_RANGES = 50;
export const MAX_RANGE_HOURS = 31 * 24;
/** The scanned requisition: PDF, PNG or JPEG, checked by its first bytes. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const MAX_DOCUMENT_BASE64 = Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4;

const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime({ offset: true });
export const transitionReasonSchema = z.string().trim().min(3).max(2000);

export const rangeInputSchema = z.object({ cameraId: z.string().min(1).max(100), from: instant, to: instant }).strict();

const editable = {
  officerName: text(200).describe('nom de l’officier requérant'),
  officerRank: text(100).describe('grade (OPJ, APJ, brigadier...)'),
  officerUnit: text(200).describe('service ou unité'),
  officerContact: text(200).describe('téléphone ou courriel'),
  procedureNumber: text(100).describe('numéro de procédure (PV)'),
  legalFramework: z
    .enum(legalFrameworks)
    .describe('flagrance: art. 60-1 CPP; preliminary: 77-1-1; investigation: 99-3; direct_collection: officer habilitated, no written requisition'),
  requisitionDate: instant.describe('date of the requisition (or of the officer’s request)'),
  channel: z.enum(channels),
  freeText: z.string().trim().max(5000).nullable(),
};

export const requisitionInputSchema = z
  .object({
    communeInsee: inseeCode,
    ...editable,
    freeText: editable.freeText.optional(),
    ranges: z.array(rangeInputSchema).min(1).max(MAX_RANGES),
  })
  .strict();

/** PATCH: only the fields sent change; ranges are not editable (their holds were placed at intake). */
export const requisitionPatchSchema = z.object(editable).partial().strict();

export const transitionInputSchema = z
  .object({
    to: z.enum(requisitionStates),
    reason: transitionReasonSchema,
    /** Closing only: the procedure keeps the holds (they stay confirmed, reviewed like any other). */
    keepHolds: z.boolean().optional(),
  })
  .strict();

export const documentInputSchema = z
  .object({
    fileName: text(200),
    contentBase64: z
      .string()
      .min(4)
      .max(MAX_DOCUMENT_BASE64)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
    /** Required to supersede an earlier version. */
    reason: transitionReasonSchema.optional(),
  })
  .strict();

export const requisitionListQuerySchema = z
  .object({
    communeInsee: inseeCode.optional(),
    state: z.enum(requisitionStates).optional(),
    open: z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => (value === undefined ? undefined : value === 'true')),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const rangeViewSchema = z.object({
  position: z.number().int(),
  cameraId: z.string(),
  from: z.string(),
  to: z.string(),
  footage: z.enum(['held', 'partial', 'missing']).describe('at intake: all held, start no longer existed, none existed'),
  heldFrom: z.string().nullable(),
  holdId: z.string().nullable(),
  destructionAt: z.string().nullable().describe('when the oldest held footage reaches its retention (kept past it while held)'),
  nearDestruction: z.boolean(),
});

export const documentViewSchema = z.object({
  version: z.number().int(),
  fileName: z.string(),
  mediaType: z.enum(['application/pdf', 'image/png', 'image/jpeg']),
  bytes: z.number().int(),
  sha256: z.string(),
  uploadedAt: z.string(),
  uploadedBy: z.string(),
  reason: z.string().nullable(),
  supersededAt: z.string().nullable(),
});
export type DocumentView = z.infer<typeof documentViewSchema>;

export const requisitionViewSchema = z.object({
  id: z.string(),
  communeInsee: z.string(),
  state: z.enum(requisitionStates),
  officerName: z.string(),
  officerRank: z.string(),
  officerUnit: z.string(),
  officerContact: z.string(),
  procedureNumber: z.string(),
  legalFramework: z.enum(legalFrameworks),
  requisitionDate: z.string(),
  channel: z.enum(channels),
  freeText: z.string().nullable(),
  receivedAt: z.string(),
  filedBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  closedAt: z.string().nullable(),
  holdsKept: z.boolean().nullable(),
  due: z.object({
    at: z.string(),
    answeredAt: z.string().nullable(),
    remainingMs: z.number().describe('until the due date (negative: late); frozen at the first result'),
    overdue: z.boolean(),
  }),
  flags: z.object({ missingFootage: z.boolean(), nearDestruction: z.boolean(), overdue: z.boolean() }),
  ranges: z.array(rangeViewSchema).max(MAX_RANGES),
  document: documentViewSchema.nullable().describe('the current version of the scanned requisition'),
  allowedTransitions: z.array(z.enum(requisitionStates)).max(requisitionStates.length),
});
export type RequisitionView = z.infer<typeof requisitionViewSchema>;

export const transitionViewSchema = z.object({
  from: z.enum(requisitionStates).nullable(),
  to: z.enum(requisitionStates),
  at: z.string(),
  by: z.string(),
  reason: z.string(),
});

export const requisitionHoldViewSchema = z.object({
  id: z.string(),
  cameraIds: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  status: z.enum(['provisional', 'confirmed', 'lapsed', 'released']),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
  releaseReason: z.string().nullable(),
});

export const requisitionDetailSchema = requisitionViewSchema.extend({
  history: z.array(transitionViewSchema),
  holds: z.array(requisitionHoldViewSchema),
  documents: z.array(documentViewSchema),
});
export type RequisitionDetail = z.infer<typeof requisitionDetailSchema>;
