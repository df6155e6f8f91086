// Zod schemas of procedures (fiches réflexes, docs/alarms.md "Procedures"): a procedure's ordered
// steps, its create and PATCH bodies, the steps an alarm runs and the operator's tick. Bounded:
// at most 30 steps, labels of 300 characters.
import { z } from 'zod';
import { alarmTypeCodes } from './alarms.catalogue.ts';

export const maxSteps = 30;
export const stepKinds = ['call', 'notify_oncall', 'open_cameras', 'comment', 'check'] as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const noControlCharacters = /^[^\u0000-\u001f\u007f]*$/;
const text = (max: number) => z.string().trim().min(1).max(max).regex(noControlCharacters, 'no control characters');
const stepId = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -');
const serviceName = text(80);

export const stepInputSchema = z.strictObject({
  /** Kept across edits when sent; given by the server otherwise. */
  id: stepId.optional(),
  kind: z.enum(stepKinds),
  labelFr: text(300),
  labelEn: text(300).nullable().optional(),
  mandatory: z.boolean(),
  /** `call`: the number shown to the operator. */
  number: z
    .string()
    .trim()
    .min(2)
    .max(30)
    .regex(/^[0-9+ .()-]+$/, 'digits, spaces and + . ( ) -')
    .nullable()
    .optional(),
  /** `notify_oncall`: the on-call service told. */
  service: serviceName.nullable().optional(),
  /** `open_cameras`: named cameras (none: the alarm's own). */
  cameraIds: z.array(z.string().min(1).max(100)).max(32).optional(),
  /** Seconds from the alarm's intake by which the step must be done (e.g. 30 for a PTI). */
  deadlineSeconds: z.number().int().min(5).max(86_400).nullable().optional(),
});
export type StepInput = z.infer<typeof stepInputSchema>;

export const procedureStepSchema = z.object({
  id: z.string(),
  kind: z.enum(stepKinds),
  labelFr: z.string(),
  labelEn: z.string().nullable(),
  mandatory: z.boolean(),
  number: z.string().nullable(),
  service: z.string().nullable(),
  cameraIds: z.array(z.string()),
  deadlineSeconds: z.number().int().nullable(),
});
export type ProcedureStep = z.infer<typeof procedureStepSchema>;

const stepsSchema = z.array(stepInputSchema).min(1).max(maxSteps);

export const procedureCreateSchema = z.strictObject({
  alarmType: z.enum(alarmTypeCodes),
  /** A site's procedure wins over its type's centre-wide one. */
  siteId: z.uuid().nullable().optional(),
  name: text(200),
  escalationService: serviceName.nullable().optional(),
  steps: stepsSchema,
});
export type ProcedureCreate = z.infer<typeof procedureCreateSchema>;

/** Only the fields sent change; the type and site of a procedure do not (create another). */
export const procedurePatchSchema = z.strictObject({
  name: text(200).optional(),
  escalationService: serviceName.nullable().optional(),
  steps: stepsSchema.optional(),
});
export type ProcedurePatch = z.infer<typeof procedurePatchSchema>;

export const procedureViewSchema = z.object({
  id: z.string(),
  alarmType: z.enum(alarmTypeCodes),
  siteId: z.string().nullable(),
  communeInsee: z.string().nullable(),
  name: z.string(),
  escalationService: z.string().nullable(),
  steps: z.array(procedureStepSchema),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type ProcedureView = z.infer<typeof procedureViewSchema>;

export const procedureListQuerySchema = z.object({
  alarmType: z.enum(alarmTypeCodes).optional(),
  siteId: z.uuid().optional(),
});

export const alarmStepViewSchema = procedureStepSchema.extend({
  position: z.number().int(),
  procedureId: z.string(),
  procedureVersion: z.number().int(),
  /** The alarm's first receipt plus the deadline. */
  dueAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  doneBy: z.string().nullable(),
  comment: z.string().nullable(),
  result: z.string().nullable(),
  escalationLevel: z.number().int(),
  escalatedAt: z.string().nullable(),
});
export type AlarmStepView = z.infer<typeof alarmStepViewSchema>;

export const alarmStepsViewSchema = z.object({
  alarmId: z.string(),
  procedure: z.object({ id: z.string(), version: z.number().int() }).nullable(),
  steps: z.array(alarmStepViewSchema),
});
export type AlarmStepsView = z.infer<typeof alarmStepsViewSchema>;

export const stepTickSchema = z.strictObject({
  done: z.boolean(),
  comment: text(2000).optional(),
  /** What came of it (who answered the call, ...). */
  result: text(300).optional(),
});
export type StepTick = z.infer<typeof stepTickSchema>;
