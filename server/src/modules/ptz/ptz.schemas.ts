// Zod schemas of the PTZ API, shared by routes and the console (web/src/api/types.ts mirrors them).
import { z } from 'zod';
import { DWELL_MAX_SECONDS, DWELL_MIN_SECONDS } from './ptz.tours.rules.ts';

export const lockViewSchema = z.object({
  holderLogin: z.string(),
  /** A role, or 'patrol' for a patrol tour. */
  holderRole: z.string(),
  takeover: z.boolean(),
  priority: z.number().int(),
  acquiredAt: z.string(),
  expiresAt: z.string(),
  mine: z.boolean(),
});
export type LockView = z.infer<typeof lockViewSchema>;

export const presetViewSchema = z.object({ token: z.string(), name: z.string() });
export const positionSchema = z.object({ pan: z.number(), tilt: z.number(), zoom: z.number() });

export const tourStepViewSchema = z.object({ presetToken: z.string(), dwellSeconds: z.number().int() });
export const tourViewSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  communeInsee: z.string(),
  name: z.string(),
  steps: z.array(tourStepViewSchema),
  activeFrom: z.string().nullable(),
  activeTo: z.string().nullable(),
  enabled: z.boolean(),
  /** Enabled and within its window now. */
  activeNow: z.boolean(),
  /** The patrol holds the camera for this tour now. */
  running: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type TourView = z.infer<typeof tourViewSchema>;

export const ptzStatusSchema = z.object({
  supported: z.boolean(),
  lock: lockViewSchema.nullable(),
  presets: z.array(presetViewSchema),
  position: positionSchema.nullable(),
  tours: z.array(tourViewSchema),
  /** Why presets and position could not be read from the camera just now (null: they were). */
  cameraError: z.string().nullable(),
});
export type PtzStatusView = z.infer<typeof ptzStatusSchema>;

const velocity = z.number().min(-1).max(1).default(0);
export const moveBodySchema = z.object({ pan: velocity, tilt: velocity, zoom: velocity });
export const lockBodySchema = z.object({ takeover: z.boolean().default(false) }).default({ takeover: false });
export const presetBodySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(64)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'no control characters'),
});

/** Documentation only: the service validates tours itself so that errors say `ptz_tour_invalid`. */
export const tourBodyDescription = `{name, steps: [{presetToken, dwellSeconds (${DWELL_MIN_SECONDS}..${DWELL_MAX_SECONDS})}], activeFrom?: 'HH:MM', activeTo?: 'HH:MM' (Europe/Paris; may cross midnight), enabled?: boolean (true)}`;
/** PUT replaces the whole tour: nothing is optional, so that nothing is reset by omission. */
export const tourReplaceBodyDescription = `{name, steps: [{presetToken, dwellSeconds (${DWELL_MIN_SECONDS}..${DWELL_MAX_SECONDS})}], activeFrom: 'HH:MM' | null, activeTo: 'HH:MM' | null (Europe/Paris; may cross midnight), enabled: boolean}, every field required`;
