// Privacy masks' rules, pure (LEGAL 4): the shape and geometry a mask must have before it is
// stored (normalised points inside the picture, 3..64 points, at most 32 polygons, each of
// non-zero area), the polygons in force for a camera at a PTZ position, and the version that
// tells the recorder fleet a mask changed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';

export const MASK_MAX_POLYGONS = 32;
export const MASK_MIN_POINTS = 3;
export const MASK_MAX_POINTS = 64;
/** Smallest polygon area, as a share of the picture: below it the polygon masks no pixel of any real camera. */
export const MASK_MIN_AREA = 1e-6;

export const maskModes = ['in_camera', 'server'] as const;
export type MaskMode = (typeof maskModes)[number];
/** A camera with masks and no mode chosen is masked by Vigie: the safe default. */
export const DEFAULT_MASK_MODE: MaskMode = 'server';

export interface PrivacyMask {
  id: string;
  cameraId: string;
  communeInsee: string;
  /** Null: at every position of the camera. */
  presetToken: string | null;
  name: string;
  polygons: MaskPolygon[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** Its current revision in the mask history (a new one when its polygons or preset change). */
  revision: string;
}

const nameSchema = z.string().trim().min(1).max(100);
const presetSchema = z.string().trim().min(1).max(64).nullish();
const pointSchema = z.tuple([z.number(), z.number()]);
// Point counts are checked by validatePolygons for a clear message; the bound here keeps a hostile body small.
const polygonsSchema = z
  .array(z.array(pointSchema).max(MASK_MAX_POINTS * 4))
  .min(1)
  .max(MASK_MAX_POLYGONS);

export const maskCreateSchema = z.object({
  cameraId: z.string().min(1).max(100),
  presetToken: presetSchema,
  name: nameSchema,
  polygons: polygonsSchema,
});
export const maskUpdateSchema = z
  .object({
    presetToken: presetSchema,
    name: nameSchema.optional(),
    polygons: polygonsSchema.optional(),
  })
  .strict();
/** Polygons as callers give them (read-only tuples accepted; checked again at run time). */
export type MaskPolygonsInput = ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
export type MaskCreateInput = Omit<z.input<typeof maskCreateSchema>, 'polygons'> & { polygons: MaskPolygonsInput };
export type MaskUpdateInput = Omit<z.input<typeof maskUpdateSchema>, 'polygons'> & { polygons?: MaskPolygonsInput };

const invalid = (fr: string, en: string, details?: unknown) =>
  new DomainError('mask_invalid', { fr: `Masque invalide : ${fr}`, en: `Invalid mask: ${en}`, details });

/** Signed area (shoelace), in picture units (1 = the whole picture). */
export function polygonArea(polygon: MaskPolygon): number {
  let twice = 0;
  for (let index = 0; index < polygon.length; index++) {
    const [x1, y1] = polygon[index]!;
    const [x2, y2] = polygon[(index + 1) % polygon.length]!;
    twice += x1 * y2 - x2 * y1;
  }
  return twice / 2;
}

/** Checks the geometry; throws `mask_invalid` naming the polygon and point at fault. */
export function validatePolygons(polygons: readonly (readonly (readonly number[])[])[]): MaskPolygon[] {
  if (polygons.length < 1 || polygons.length > MASK_MAX_POLYGONS) {
    throw invalid(`de 1 à ${MASK_MAX_POLYGONS} polygones (reçu ${polygons.length}).`, `1 to ${MASK_MAX_POLYGONS} polygons (got ${polygons.length}).`);
  }
  return polygons.map((polygon, index) => {
    const number = index + 1;
    if (polygon.length < MASK_MIN_POINTS || polygon.length > MASK_MAX_POINTS) {
      throw invalid(
        `le polygone ${number} doit avoir de ${MASK_MIN_POINTS} à ${MASK_MAX_POINTS} points (reçu ${polygon.length}).`,
        `polygon ${number} must have ${MASK_MIN_POINTS} to ${MASK_MAX_POINTS} points (got ${polygon.length}).`,
        { polygon: index },
      );
    }
    const points = polygon.map((point, pointIndex) => {
      const [x, y] = point;
      if (point.length !== 2 || !Number.isFinite(x) || !Number.isFinite(y) || x! < 0 || x! > 1 || y! < 0 || y! > 1) {
        throw invalid(
          `le point ${pointIndex + 1} du polygone ${number} est hors de l’image (coordonnées de 0 à 1).`,
          `point ${pointIndex + 1} of polygon ${number} is outside the picture (coordinates 0 to 1).`,
          { polygon: index, point: pointIndex },
        );
      }
      return [x!, y!] as const;
    });
    if (Math.abs(polygonArea(points)) < MASK_MIN_AREA) {
      throw invalid(`le polygone ${number} n’a pas de surface (points alignés ou confondus).`, `polygon ${number} has no area (points aligned or repeated).`, {
        polygon: index,
      });
    }
    return points;
  });
}

/** Parses with zod, then turns any problem into a bilingual `mask_invalid`: nothing reaches the database. */
export function parseMaskInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'masque';
    throw invalid(
      `champ « ${where} » incorrect (${issue?.message ?? 'format'}).`,
      `field "${where}" is wrong (${issue?.message ?? 'format'}).`,
      parsed.error.issues,
    );
  }
  return parsed.data;
}

export function parseMaskMode(mode: unknown): MaskMode {
  if (typeof mode === 'string' && (maskModes as readonly string[]).includes(mode)) return mode as MaskMode;
  throw invalid(`mode de masquage inconnu (attendu : ${maskModes.join(' ou ')}).`, `unknown masking mode (expected ${maskModes.join(' or ')}).`);
}

/** The polygons in force at a position: the camera-wide masks plus those of that preset, in a stable order. */
export function polygonsInForce(masks: readonly PrivacyMask[], presetToken: string | null): MaskPolygon[] {
  return masks
    .filter((mask) => mask.presetToken === null || (presetToken !== null && mask.presetToken === presetToken))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .flatMap((mask) => mask.polygons);
}

/**
 * Every polygon of the camera, camera-wide and of every preset, in a stable order: for footage
 * of which nobody knows where the camera pointed (playback's re-encode). Over-masking is
 * lawful, under-masking is not (LEGAL 4).
 */
export function polygonsOfEveryPosition(masks: readonly PrivacyMask[]): MaskPolygon[] {
  return [...masks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).flatMap((mask) => mask.polygons);
}

/** Changes whenever what the recorder must burn in changes (mode or polygons); null when nothing is burnt in. */
export function maskVersion(mode: MaskMode, polygons: readonly MaskPolygon[]): string | null {
  if (mode !== 'server' || polygons.length === 0) return null;
  return createHash('sha256').update(JSON.stringify(polygons)).digest('hex').slice(0, 16);
}
