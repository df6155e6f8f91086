// What a video wall shows: its pushed layout, or the page of its tour due now (tours cycle the
// chosen cameras every N seconds, `grid` cameras a page). And the tour a walls page pushes.
// Pure, tested by wall-view.test.ts.
import type { Wall, WallPush } from '../../api/types.ts';
import { isGrid, visibleTiles, type Grid } from '../live/live-grid.ts';

export interface WallView {
  kind: 'empty' | 'layout' | 'tour';
  grid: Grid;
  tiles: (string | null)[];
  /** Tour page shown (0-based) and number of pages; 0 / 0 outside a tour. */
  page: number;
  pages: number;
  /** Seconds until the next tour page (null outside a tour of several pages). */
  nextInSeconds: number | null;
}

/** The view of `wall` at `nowMs`, its tour counted from `sinceMs` (when it was received). */
export function wallView(wall: Pick<Wall, 'grid' | 'tiles' | 'tour'> | null, nowMs: number, sinceMs: number): WallView {
  const grid: Grid = wall && isGrid(wall.grid) ? wall.grid : 1;
  const cameraIds = wall?.tour?.cameraIds.filter((id) => typeof id === 'string' && id.length > 0) ?? [];
  if (wall?.tour && cameraIds.length > 0) {
    const pages: string[][] = [];
    for (let start = 0; start < cameraIds.length; start += grid) pages.push(cameraIds.slice(start, start + grid));
    const intervalMs = Math.max(1, wall.tour.intervalSeconds) * 1000;
    const elapsed = Math.max(0, nowMs - sinceMs);
    const page = Math.floor(elapsed / intervalMs) % pages.length;
    const tiles = visibleTiles(pages[page]!, grid);
    const nextInSeconds = pages.length > 1 ? Math.ceil((intervalMs - (elapsed % intervalMs)) / 1000) : null;
    return { kind: 'tour', grid, tiles, page, pages: pages.length, nextInSeconds };
  }
  const tiles = visibleTiles(wall?.tiles ?? [], grid);
  const kind = tiles.some((tile) => tile !== null) ? 'layout' : 'empty';
  return { kind, grid, tiles, page: 0, pages: 0, nextInSeconds: null };
}

export const minTourSeconds = 5;
export const maxTourSeconds = 3600;

/** The push of a tour: its cameras in order, the interval, the page grid; null if not valid. */
export function tourPush(cameraIds: readonly string[], intervalSeconds: number, grid: Grid): WallPush | null {
  const unique = [...new Set(cameraIds)];
  if (unique.length === 0 || !Number.isInteger(intervalSeconds) || intervalSeconds < minTourSeconds || intervalSeconds > maxTourSeconds) return null;
  return { grid, tiles: Array.from({ length: grid }, () => null), tour: { cameraIds: unique, intervalSeconds } };
}
