// Zod schemas of the camera-health routes (docs/health.md): thresholds per camera (PATCH: only
// the fields sent; null goes back to the default), the reference capture, the views.
import { z } from 'zod';

const ratio = z.number().min(0).max(1);
/** Each threshold's bounds: wide enough to tune, never so wide a check is silently turned off. */
export const thresholdsPatchSchema = z
  .object({
    raiseAfter: z.number().int().min(1).max(60).nullable(),
    clearAfter: z.number().int().min(1).max(60).nullable(),
    coveredMaxMean: z.number().min(0).max(128).nullable(),
    coveredMaxStd: z.number().min(0).max(64).nullable(),
    uniformMaxStd: z.number().min(0).max(16).nullable(),
    blurMaxSharpnessRatio: z.number().min(0.01).max(0.95).nullable(),
    movedMinCorrelation: z.number().min(0.05).max(0.99).nullable(),
    movedMinStableCorrelation: ratio.nullable(),
    obstructedMaxLostFraction: z.number().min(0.05).max(0.95).nullable(),
    obstructedMaxStableLoss: ratio.nullable(),
    frozenMaxChangedFraction: z.number().min(0).max(0.05).nullable(),
    frozenPixelDelta: z.number().int().min(0).max(32).nullable(),
    frozenChecks: z.number().int().min(2).max(60).nullable(),
    learningChecks: z.number().int().min(1).max(60).nullable(),
  })
  .partial()
  .strict();
export type ThresholdsPatch = z.infer<typeof thresholdsPatchSchema>;

const thresholdsSchema = z.object({
  raiseAfter: z.number(),
  clearAfter: z.number(),
  coveredMaxMean: z.number(),
  coveredMaxStd: z.number(),
  uniformMaxStd: z.number(),
  blurMaxSharpnessRatio: z.number(),
  movedMinCorrelation: z.number(),
  movedMinStableCorrelation: z.number(),
  obstructedMaxLostFraction: z.number(),
  obstructedMaxStableLoss: z.number(),
  frozenMaxChangedFraction: z.number(),
  frozenPixelDelta: z.number(),
  frozenChecks: z.number(),
  learningChecks: z.number(),
});

/** The thresholds in force, flat (as PATCH sends them), and which of them are overridden for the camera. */
export const thresholdsViewSchema = thresholdsSchema.extend({
  cameraId: z.string(),
  overridden: z.array(z.string()),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

export const referenceCaptureSchema = z
  .object({
    /** The PTZ preset the reference is for; absent: the preset the camera is at now (none for a fixed camera). */
    presetToken: z.string().min(1).max(64).nullable().optional(),
    reason: z.string().max(500).optional(),
  })
  .strict();

export const checkNames = ['covered', 'blurred', 'moved', 'obstructed', 'frozen'] as const;

const measuresSchema = z.object({
  mean: z.number(),
  std: z.number(),
  sharpnessRatio: z.number().nullable(),
  correlation: z.number().nullable(),
  lostFraction: z.number().nullable(),
  changedFraction: z.number().nullable(),
});

export const referenceViewSchema = z.object({
  cameraId: z.string(),
  presetToken: z.string().nullable(),
  capturedAt: z.string(),
  capturedBy: z.string(),
  learning: z.boolean(),
  learnt: z.object({ checks: z.number(), minCorrelation: z.number(), minSharpnessRatio: z.number(), maxLostFraction: z.number() }).nullable(),
});

export const healthStateSchema = z.object({
  cameraId: z.string(),
  communeInsee: z.string(),
  checkedAt: z.string().nullable(),
  presetToken: z.string().nullable(),
  measures: measuresSchema.nullable(),
  checks: z.array(z.object({ check: z.enum(checkNames), raised: z.boolean(), since: z.string().nullable(), judged: z.boolean() })),
  references: z.array(referenceViewSchema),
});

export const healthEventSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  check: z.enum(checkNames),
  transition: z.enum(['raised', 'cleared']),
  at: z.string(),
  presetToken: z.string().nullable(),
  measures: measuresSchema,
  hasStill: z.boolean(),
});

export const historyQuerySchema = z.object({
  from: z.string().datetime().optional(),
  to: z.string().datetime().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const referenceQuerySchema = z.object({ presetToken: z.string().min(1).max(64).optional() });
