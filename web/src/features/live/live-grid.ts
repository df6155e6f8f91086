// The live wall's layout rules: grids of 1 to 25 tiles, where a clicked or dropped camera
// goes, moving tiles, next/previous camera, and the keyboard shortcuts. Pure, tested by
// live-grid.test.ts.

export const grids = [1, 4, 9, 16, 25] as const;
export type Grid = (typeof grids)[number];
export const maxTiles = 25;

/** Cameras of the 25 possible tiles; a smaller grid shows the first ones and keeps the others. */
export type Tiles = readonly (string | null)[];

export function isGrid(value: unknown): value is Grid {
  return typeof value === 'number' && (grids as readonly number[]).includes(value);
}

export function columnsOf(grid: Grid): number {
  return Math.round(Math.sqrt(grid));
}

export function emptyTiles(): (string | null)[] {
  return Array.from({ length: maxTiles }, () => null);
}

/** Any list (a saved layout, storage) as 25 tiles. */
export function normaliseTiles(tiles: readonly unknown[] | null | undefined): (string | null)[] {
  const result = emptyTiles();
  (tiles ?? []).slice(0, maxTiles).forEach((tile, index) => {
    result[index] = typeof tile === 'string' && tile.length > 0 ? tile : null;
  });
  return result;
}

/** What a layout shows (and what is saved or pushed to a wall): the grid's first tiles. */
export function visibleTiles(tiles: Tiles, grid: Grid): (string | null)[] {
  return normaliseTiles(tiles).slice(0, grid);
}

/**
 * Where a clicked camera goes: the selected tile when it is empty, else the first empty tile,
 * else (a full grid) the selected tile, else the first. The tile that receives it becomes the
 * selected one, so that successive clicks fill the grid and the last one can be steered.
 */
export function targetTileFor(tiles: Tiles, grid: Grid, selected: number | null): number {
  const shown = visibleTiles(tiles, grid);
  const selectedIndex = selected !== null && selected >= 0 && selected < grid ? selected : null;
  if (selectedIndex !== null && shown[selectedIndex] === null) return selectedIndex;
  const firstEmpty = shown.indexOf(null);
  if (firstEmpty >= 0) return firstEmpty;
  return selectedIndex ?? 0;
}

export function placeCamera(tiles: Tiles, index: number, cameraId: string | null): (string | null)[] {
  const next = normaliseTiles(tiles);
  if (index >= 0 && index < maxTiles) next[index] = cameraId;
  return next;
}

/** Drag from one tile to another: the two swap (a drop on an empty tile moves). */
export function swapTiles(tiles: Tiles, from: number, to: number): (string | null)[] {
  const next = normaliseTiles(tiles);
  if (from === to || from < 0 || to < 0 || from >= maxTiles || to >= maxTiles) return next;
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next;
}

/** The camera after (or before) `current` in the tree's order, wrapping round. */
export function stepCamera(order: readonly string[], current: string | null, direction: 1 | -1): string | null {
  if (order.length === 0) return null;
  const index = current === null ? -1 : order.indexOf(current);
  if (index < 0) return direction === 1 ? order[0]! : order[order.length - 1]!;
  return order[(index + direction + order.length) % order.length]!;
}

export type LiveShortcut =
  | { kind: 'grid'; grid: Grid }
  | { kind: 'camera'; direction: 1 | -1 }
  | { kind: 'ptz'; pan: number; tilt: number; zoom: number }
  | { kind: 'enlarge' }
  | { kind: 'leave' }
  | { kind: 'help' };

export interface KeyInput {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

const ptzKeys: Record<string, { pan: number; tilt: number; zoom: number }> = {
  ArrowLeft: { pan: -1, tilt: 0, zoom: 0 },
  ArrowRight: { pan: 1, tilt: 0, zoom: 0 },
  ArrowUp: { pan: 0, tilt: 1, zoom: 0 },
  ArrowDown: { pan: 0, tilt: -1, zoom: 0 },
  PageUp: { pan: 0, tilt: 0, zoom: 1 },
  PageDown: { pan: 0, tilt: 0, zoom: -1 },
};

/**
 * The live page's shortcuts: Alt+1..5 grids (by key position, whatever the keyboard layout),
 * N / P next / previous camera in the selected tile, arrows and Page Up / Page Down for PTZ,
 * Enter enlarges, Escape leaves, ? shows the help. Ctrl and Meta combinations stay the browser's.
 */
export function shortcutOf(event: KeyInput): LiveShortcut | null {
  if (event.ctrlKey || event.metaKey) return null;
  if (event.altKey) {
    const digit = /^(?:Digit|Numpad)([1-5])$/.exec(event.code)?.[1] ?? /^[1-5]$/.exec(event.key)?.[0];
    return digit ? { kind: 'grid', grid: grids[Number(digit) - 1]! } : null;
  }
  if (event.key === '?') return { kind: 'help' };
  if (event.shiftKey) return null;
  const ptz = ptzKeys[event.key];
  if (ptz) return { kind: 'ptz', ...ptz };
  switch (event.key) {
    case 'n':
    case 'N':
      return { kind: 'camera', direction: 1 };
    case 'p':
    case 'P':
      return { kind: 'camera', direction: -1 };
    case 'Enter':
      return { kind: 'enlarge' };
    case 'Escape':
      return { kind: 'leave' };
    default:
      return null;
  }
}

/** A layout as stored locally (the live page comes back as it was left). */
export interface StoredLayout {
  grid: Grid;
  tiles: (string | null)[];
}

export function parseStoredLayout(raw: string | null): StoredLayout | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as { grid?: unknown; tiles?: unknown };
    if (!isGrid(parsed.grid) || !Array.isArray(parsed.tiles)) return null;
    return { grid: parsed.grid, tiles: normaliseTiles(parsed.tiles) };
  } catch {
    return null;
  }
}

/** The smallest grid that shows `count` cameras (a wall tour page, a loaded layout). */
export function gridFor(count: number): Grid {
  return grids.find((grid) => grid >= count) ?? 25;
}
