// The console's rules, pure: what a saved live layout and a video wall's pushed layout must be
// (a grid of 1, 4, 9, 16 or 25 tiles, exactly that many tiles, each a camera id or empty; a
// tour of cameras cycled every 5 to 3,600 seconds), and how a viewer sees them: a camera
// outside the viewer's communes is an empty tile, never a name or an id (LEGAL 9, 20).
import { z } from 'zod';
import { DomainError, type ErrorCode } from '../../platform/errors.ts';

export const GRIDS = [1, 4, 9, 16, 25] as const;
export type Grid = (typeof GRIDS)[number];
export type Tiles = Array<string | null>;
export interface WallTour {
  cameraIds: string[];
  intervalSeconds: number;
}
export const TOUR_MIN_SECONDS = 5;
export const TOUR_MAX_SECONDS = 3600;
export const TOUR_MAX_CAMERAS = 200;

const cameraId = z.string().trim().min(1).max(100);
const gridSchema = z
  .number()
  .int()
  .refine((grid) => (GRIDS as readonly number[]).includes(grid), { message: `grid must be one of ${GRIDS.join(', ')}` });
const tilesSchema = z.array(cameraId.nullable()).max(25);
const nameSchema = z.string().trim().min(1).max(100);

const tilesFillGrid: [(layout: { grid: number; tiles: unknown[] }) => boolean, { message: string; path: string[] }] = [
  (layout) => layout.tiles.length === layout.grid,
  { message: 'tiles must have exactly grid entries', path: ['tiles'] },
];
const layoutFields = { name: nameSchema, grid: gridSchema, tiles: tilesSchema, shared: z.boolean() };
/** Creation: a layout is private unless said otherwise. */
export const layoutInputSchema = z.object({ ...layoutFields, shared: layoutFields.shared.default(false) }).refine(...tilesFillGrid);
/** PUT replaces the whole layout: every field is required, none has a default, unknown ones are refused. */
export const layoutReplaceSchema = z
  .object(layoutFields)
  .strict()
  .refine(...tilesFillGrid);

export const wallCreateSchema = z.object({ name: nameSchema });
const tourSchema = z.object({
  cameraIds: z.array(cameraId).min(1).max(TOUR_MAX_CAMERAS),
  intervalSeconds: z.number().int().min(TOUR_MIN_SECONDS).max(TOUR_MAX_SECONDS),
});
/** A push replaces what the wall shows: grid, tiles and tour (null: no tour) are all required. */
export const wallPushSchema = z
  .object({ grid: gridSchema, tiles: tilesSchema, tour: tourSchema.nullable() })
  .strict()
  .refine(...tilesFillGrid);

const labels: Partial<Record<ErrorCode, { fr: string; en: string }>> = {
  layout_invalid: { fr: 'Disposition invalide', en: 'Invalid layout' },
  wall_invalid: { fr: 'Mur d’images invalide', en: 'Invalid video wall' },
};

/** Parses with zod; any problem becomes the bilingual `code` naming the field, nothing stored. */
export function parseConsoleInput<Schema extends z.ZodType>(schema: Schema, input: unknown, code: 'layout_invalid' | 'wall_invalid'): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || '-';
  const label = labels[code]!;
  throw new DomainError(code, {
    fr: `${label.fr} : champ « ${where} » incorrect (${issue?.message ?? 'format'}) ; rien n’a été enregistré.`,
    en: `${label.en}: field "${where}" is wrong (${issue?.message ?? 'format'}); nothing was stored.`,
    details: parsed.error.issues.map((entry) => ({ field: entry.path.join('.'), problem: entry.message })),
  });
}

/** Every camera named must be one the author may see: one cannot place what one cannot view. */
export function assertCamerasVisible(cameraIds: ReadonlyArray<string | null>, visible: ReadonlySet<string>, code: 'layout_invalid' | 'wall_invalid'): void {
  const unknown = cameraIds.findIndex((id) => id !== null && !visible.has(id));
  if (unknown === -1) return;
  const label = labels[code]!;
  throw new DomainError(code, {
    fr: `${label.fr} : la caméra n° ${unknown + 1} est inconnue ou hors de votre périmètre ; rien n’a été enregistré.`,
    en: `${label.en}: camera number ${unknown + 1} is unknown or outside your scope; nothing was stored.`,
    details: [{ index: unknown, problem: 'camera unknown or out of scope' }],
  });
}

/** The tiles as this viewer may see them: cameras outside their scope (or gone) are empty. */
export function visibleTiles(tiles: Tiles, visible: ReadonlySet<string>): Tiles {
  return tiles.map((tile) => (tile !== null && visible.has(tile) ? tile : null));
}

/** The tour as this viewer may see it: only cameras in scope; none left, no tour. */
export function visibleTour(tour: WallTour | null, visible: ReadonlySet<string>): WallTour | null {
  if (!tour) return null;
  const cameraIds = tour.cameraIds.filter((id) => visible.has(id));
  return cameraIds.length > 0 ? { cameraIds, intervalSeconds: tour.intervalSeconds } : null;
}
