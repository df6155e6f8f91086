// Patrol tours (virtual patrol), pure: what a tour is, how it is validated, whether it runs at
// a given time (a daily window in Europe/Paris, which may cross midnight), and which camera
// moves next. The runner (ptz.tours.ts) applies these decisions to cameras.
import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';

export const DWELL_MIN_SECONDS = 5;
export const DWELL_MAX_SECONDS = 3600;
export const TOUR_MAX_STEPS = 50;
/** While a person steers the camera, the tour asks again this often. */
export const PAUSED_RETRY_MS = 5_000;
/** After a camera error, the tour tries its next step this much later. */
export const FAILED_RETRY_MS = 30_000;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (00:00 to 23:59)');

export const tourStepSchema = z.object({
  presetToken: z.string().trim().min(1).max(64),
  dwellSeconds: z.number().int().min(DWELL_MIN_SECONDS).max(DWELL_MAX_SECONDS),
});

const tourFields = {
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'no control characters'),
  steps: z.array(tourStepSchema).min(1).max(TOUR_MAX_STEPS),
  activeFrom: hhmm.nullable(),
  activeTo: hhmm.nullable(),
  enabled: z.boolean(),
};
type WindowFields = { activeFrom?: string | null; activeTo?: string | null };
const windowRules = <Schema extends z.ZodType<WindowFields>>(schema: Schema) =>
  schema
    .refine((tour) => ((tour.activeFrom ?? null) === null ? (tour.activeTo ?? null) === null : (tour.activeTo ?? null) !== null), {
      message: 'activeFrom and activeTo go together',
      path: ['activeTo'],
    })
    .refine((tour) => tour.activeFrom == null || tour.activeFrom !== tour.activeTo, { message: 'an empty window (activeFrom = activeTo)', path: ['activeTo'] });

/** Creation: no window means all day, and a new tour is enabled unless said otherwise. */
export const tourInputSchema = windowRules(
  z
    .object({
      ...tourFields,
      activeFrom: tourFields.activeFrom.optional(),
      activeTo: tourFields.activeTo.optional(),
      enabled: tourFields.enabled.default(true),
    })
    .strict(),
);
/** PUT replaces the whole tour: every field is required (null for no window), none has a default. */
export const tourReplaceSchema = windowRules(z.object(tourFields).strict());

export type TourStep = z.output<typeof tourStepSchema>;

export interface PatrolTour {
  id: string;
  cameraId: string;
  communeInsee: string;
  name: string;
  steps: TourStep[];
  activeFrom: string | null;
  activeTo: string | null;
  enabled: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface ParsedTour {
  name: string;
  steps: TourStep[];
  activeFrom: string | null;
  activeTo: string | null;
  enabled: boolean;
}

/** Parses a tour to create (`create`, defaults applied) or to replace (`replace`, every field required). */
export function parseTourInput(input: unknown, purpose: 'create' | 'replace' = 'create'): ParsedTour {
  const parsed = (purpose === 'create' ? tourInputSchema : tourReplaceSchema).safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'ronde';
    throw new DomainError('ptz_tour_invalid', {
      fr: `Ronde virtuelle invalide : champ « ${where} » incorrect (${issue?.message ?? 'format'}) ; rien n’a été enregistré.`,
      en: `Invalid patrol tour: field "${where}" is wrong (${issue?.message ?? 'format'}); nothing was stored.`,
      details: parsed.error.issues.map((problem) => ({ field: problem.path.join('.'), problem: problem.message })),
    });
  }
  const tour = parsed.data;
  return { name: tour.name, steps: tour.steps, activeFrom: tour.activeFrom ?? null, activeTo: tour.activeTo ?? null, enabled: tour.enabled };
}

const parisClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Minutes since midnight in Europe/Paris (the centre's legal time). */
export function parisMinuteOfDay(at: Date): number {
  const parts = parisClock.formatToParts(at);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value);
  const minute = Number(parts.find((part) => part.type === 'minute')?.value);
  return hour * 60 + minute;
}

const minutesOf = (value: string) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));

/** Within [activeFrom, activeTo) in Paris time; a window whose end is before its start crosses midnight. */
export function inWindow(tour: Pick<PatrolTour, 'activeFrom' | 'activeTo'>, at: Date): boolean {
  if (tour.activeFrom === null || tour.activeTo === null) return true;
  const now = parisMinuteOfDay(at);
  const from = minutesOf(tour.activeFrom);
  const to = minutesOf(tour.activeTo);
  return from < to ? now >= from && now < to : now >= from || now < to;
}

export function isActive(tour: Pick<PatrolTour, 'enabled' | 'activeFrom' | 'activeTo'>, at: Date): boolean {
  return tour.enabled && inWindow(tour, at);
}

/** Where a running tour is: the step last reached and when the next one is due. */
export interface TourProgress {
  tourId: string;
  cameraId: string;
  /** The tour version (updatedAt) this progress belongs to: an edited tour starts again. */
  version: string;
  stepIndex: number;
  nextAtMs: number;
  paused: boolean;
}

export type StepOutcome = 'moved' | 'paused' | 'failed';

export interface TickPlan {
  /** Steps to run now, the longest overdue first, at most `limit`. */
  due: { tour: PatrolTour; stepIndex: number }[];
  /** Tours that ran and must stop (disabled, deleted, out of their window, or another tour took the camera). */
  stopped: TourProgress[];
}

/**
 * One tick's work. Per camera, the first enabled tour in its window runs (tours are given in
 * creation order); the others wait. Bounded: at most `limit` steps are due per tick.
 */
export function planTick(tours: readonly PatrolTour[], progress: ReadonlyMap<string, TourProgress>, now: Date, limit: number): TickPlan {
  const running = new Map<string, PatrolTour>();
  for (const tour of tours) if (!running.has(tour.cameraId) && tour.steps.length > 0 && isActive(tour, now)) running.set(tour.cameraId, tour);
  const runningIds = new Set([...running.values()].map((tour) => tour.id));
  const stopped = [...progress.values()].filter((entry) => !runningIds.has(entry.tourId));
  const candidates: { tour: PatrolTour; stepIndex: number; dueAt: number }[] = [];
  for (const tour of running.values()) {
    const entry = progress.get(tour.id);
    if (!entry || entry.version !== tour.updatedAt) candidates.push({ tour, stepIndex: 0, dueAt: Number.NEGATIVE_INFINITY });
    else if (now.getTime() >= entry.nextAtMs) {
      // A paused or failed step is tried again; a reached one gives way to the next.
      const stepIndex = entry.paused ? entry.stepIndex : (entry.stepIndex + 1) % tour.steps.length;
      candidates.push({ tour, stepIndex: stepIndex % tour.steps.length, dueAt: entry.nextAtMs });
    }
  }
  candidates.sort((a, b) => a.dueAt - b.dueAt);
  return { due: candidates.slice(0, Math.max(0, limit)).map(({ tour, stepIndex }) => ({ tour, stepIndex })), stopped };
}

/** The progress after a step: dwell at a reached preset; retry later when paused or failed. */
export function progressAfter(tour: PatrolTour, stepIndex: number, outcome: StepOutcome, now: Date): TourProgress {
  const base = { tourId: tour.id, cameraId: tour.cameraId, version: tour.updatedAt, stepIndex };
  if (outcome === 'moved') return { ...base, nextAtMs: now.getTime() + tour.steps[stepIndex]!.dwellSeconds * 1000, paused: false };
  if (outcome === 'paused') return { ...base, nextAtMs: now.getTime() + PAUSED_RETRY_MS, paused: true };
  // A failed step is skipped: the camera may have lost that preset; the next one is tried later.
  return { ...base, nextAtMs: now.getTime() + FAILED_RETRY_MS, paused: false };
}

/** What the API shows of a tour: its definition, whether it should run now and whether the patrol holds the camera for it. */
export function tourView(tour: PatrolTour, lock: { role: string; tourId: string | null } | null, now: Date) {
  return {
    id: tour.id,
    cameraId: tour.cameraId,
    communeInsee: tour.communeInsee,
    name: tour.name,
    steps: tour.steps.map((step) => ({ ...step })),
    activeFrom: tour.activeFrom,
    activeTo: tour.activeTo,
    enabled: tour.enabled,
    activeNow: isActive(tour, now),
    running: lock !== null && lock.role === 'patrol' && lock.tourId === tour.id,
    createdAt: tour.createdAt,
    createdBy: tour.createdBy,
    updatedAt: tour.updatedAt,
    updatedBy: tour.updatedBy,
  };
}
