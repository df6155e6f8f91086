// The live page's current layout, kept per user in this browser so that the page comes back as
// it was left and the walls page can push it. Camera ids only: no image, no reason.
import { emptyTiles, parseStoredLayout, type StoredLayout } from '../live/live-grid.ts';

const keyOf = (userId: string) => `vigie.live.layout.${userId}`;

export function loadCurrentLayout(userId: string): StoredLayout {
  try {
    return parseStoredLayout(window.localStorage.getItem(keyOf(userId))) ?? { grid: 4, tiles: emptyTiles() };
  } catch {
    return { grid: 4, tiles: emptyTiles() };
  }
}

export function saveCurrentLayout(userId: string, layout: StoredLayout): void {
  try {
    window.localStorage.setItem(keyOf(userId), JSON.stringify(layout));
  } catch {
    // private mode or full storage: the layout lasts until the page is closed
  }
}
