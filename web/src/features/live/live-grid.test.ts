import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  columnsOf,
  gridFor,
  normaliseTiles,
  parseStoredLayout,
  placeCamera,
  shortcutOf,
  stepCamera,
  swapTiles,
  targetTileFor,
  visibleTiles,
  type KeyInput,
} from './live-grid.ts';

const key = (init: Partial<KeyInput>): KeyInput => ({ key: '', code: '', altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...init });

describe('live grid', () => {
  it('has square grids and keeps 25 tiles whatever the grid shows', () => {
    assert.deepEqual(
      [1, 4, 9, 16, 25].map((grid) => columnsOf(grid as 1)),
      [1, 2, 3, 4, 5],
    );
    const tiles = normaliseTiles(['a', '', 7, 'b']);
    assert.equal(tiles.length, 25);
    assert.deepEqual(tiles.slice(0, 4), ['a', null, null, 'b']);
    assert.deepEqual(visibleTiles(placeCamera(tiles, 20, 'z'), 4), ['a', null, null, 'b']);
    assert.equal(visibleTiles(placeCamera(tiles, 20, 'z'), 25)[20], 'z', 'a tile beyond a small grid comes back with a larger one');
  });

  it('puts a clicked camera in the selected empty tile, else the first empty, else the selected one', () => {
    const tiles = normaliseTiles(['a', null, 'b', null]);
    assert.equal(targetTileFor(tiles, 4, 3), 3);
    assert.equal(targetTileFor(tiles, 4, 0), 1);
    assert.equal(targetTileFor(tiles, 4, null), 1);
    const full = normaliseTiles(['a', 'b', 'c', 'd']);
    assert.equal(targetTileFor(full, 4, 2), 2);
    assert.equal(targetTileFor(full, 4, null), 0);
    assert.equal(targetTileFor(full, 4, 7), 0, 'a selection outside the grid does not count');
  });

  it('swaps tiles on a drop, moves onto an empty one', () => {
    const tiles = normaliseTiles(['a', null, 'b']);
    assert.deepEqual(swapTiles(tiles, 0, 2).slice(0, 3), ['b', null, 'a']);
    assert.deepEqual(swapTiles(tiles, 0, 1).slice(0, 3), [null, 'a', 'b']);
    assert.deepEqual(swapTiles(tiles, 0, 99).slice(0, 3), ['a', null, 'b']);
  });

  it('steps through the cameras in tree order, wrapping', () => {
    const order = ['a', 'b', 'c'];
    assert.equal(stepCamera(order, 'b', 1), 'c');
    assert.equal(stepCamera(order, 'c', 1), 'a');
    assert.equal(stepCamera(order, 'a', -1), 'c');
    assert.equal(stepCamera(order, null, 1), 'a');
    assert.equal(stepCamera(order, 'gone', -1), 'c');
    assert.equal(stepCamera([], 'a', 1), null);
  });

  it('picks the smallest grid for a number of cameras', () => {
    assert.deepEqual([0, 1, 2, 5, 16, 17, 40].map(gridFor), [1, 1, 4, 9, 16, 25, 25]);
  });

  it('reads a stored layout, rejecting anything else', () => {
    assert.deepEqual(parseStoredLayout('{"grid":9,"tiles":["a"]}')?.tiles.slice(0, 2), ['a', null]);
    assert.equal(parseStoredLayout('{"grid":6,"tiles":[]}'), null);
    assert.equal(parseStoredLayout('nope'), null);
    assert.equal(parseStoredLayout(null), null);
  });
});

describe('live shortcuts', () => {
  it('switches grids with Alt+1..5 by key position', () => {
    assert.deepEqual(shortcutOf(key({ key: '&', code: 'Digit1', altKey: true })), { kind: 'grid', grid: 1 });
    assert.deepEqual(shortcutOf(key({ key: '5', code: 'Numpad5', altKey: true })), { kind: 'grid', grid: 25 });
    assert.deepEqual(shortcutOf(key({ key: '2', code: '', altKey: true })), { kind: 'grid', grid: 4 });
    assert.equal(shortcutOf(key({ key: '6', code: 'Digit6', altKey: true })), null);
    assert.equal(shortcutOf(key({ key: '1', code: 'Digit1' })), null);
  });

  it('maps N / P, arrows, Page Up / Down, Enter, Escape and ?', () => {
    assert.deepEqual(shortcutOf(key({ key: 'n' })), { kind: 'camera', direction: 1 });
    assert.deepEqual(shortcutOf(key({ key: 'P' })), { kind: 'camera', direction: -1 });
    assert.deepEqual(shortcutOf(key({ key: 'ArrowLeft' })), { kind: 'ptz', pan: -1, tilt: 0, zoom: 0 });
    assert.deepEqual(shortcutOf(key({ key: 'ArrowUp' })), { kind: 'ptz', pan: 0, tilt: 1, zoom: 0 });
    assert.deepEqual(shortcutOf(key({ key: 'PageDown' })), { kind: 'ptz', pan: 0, tilt: 0, zoom: -1 });
    assert.deepEqual(shortcutOf(key({ key: 'Enter' })), { kind: 'enlarge' });
    assert.deepEqual(shortcutOf(key({ key: 'Escape' })), { kind: 'leave' });
    assert.deepEqual(shortcutOf(key({ key: '?', shiftKey: true })), { kind: 'help' });
  });

  it('leaves Ctrl and Meta combinations to the browser', () => {
    assert.equal(shortcutOf(key({ key: 'n', ctrlKey: true })), null);
    assert.equal(shortcutOf(key({ key: 'ArrowLeft', metaKey: true })), null);
    assert.equal(shortcutOf(key({ key: 'x' })), null);
  });
});
