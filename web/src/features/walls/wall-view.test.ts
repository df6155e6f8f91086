import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tourPush, wallView } from './wall-view.ts';

describe('wall view', () => {
  it('shows the pushed layout, or says nothing was pushed', () => {
    const view = wallView({ grid: 4, tiles: ['a', null, 'b', null], tour: null }, 0, 0);
    assert.equal(view.kind, 'layout');
    assert.deepEqual(view.tiles, ['a', null, 'b', null]);
    assert.equal(wallView(null, 0, 0).kind, 'empty');
    assert.equal(wallView({ grid: 9, tiles: [], tour: null }, 0, 0).kind, 'empty');
    assert.equal(wallView({ grid: 9, tiles: [], tour: null }, 0, 0).tiles.length, 9);
  });

  it('cycles a tour page by page every interval, from when it was received', () => {
    const wall = { grid: 1 as const, tiles: [null], tour: { cameraIds: ['a', 'b', 'c'], intervalSeconds: 10 } };
    const at = (seconds: number) => wallView(wall, 1_000_000 + seconds * 1000, 1_000_000);
    assert.deepEqual(
      [0, 9.9, 10, 25, 30, 31].map((seconds) => at(seconds).tiles[0]),
      ['a', 'a', 'b', 'c', 'a', 'a'],
    );
    assert.equal(at(0).kind, 'tour');
    assert.equal(at(0).pages, 3);
    assert.equal(at(4).nextInSeconds, 6);
    const four = wallView({ grid: 4, tiles: [], tour: { cameraIds: ['a', 'b', 'c', 'd', 'e'], intervalSeconds: 5 } }, 5000, 0);
    assert.deepEqual(four.tiles, ['e', null, null, null]);
    assert.equal(wallView({ grid: 4, tiles: [], tour: { cameraIds: ['a'], intervalSeconds: 5 } }, 0, 0).nextInSeconds, null);
  });

  it('builds a valid tour push only', () => {
    assert.deepEqual(tourPush(['a', 'b', 'a'], 15, 1), { grid: 1, tiles: [null], tour: { cameraIds: ['a', 'b'], intervalSeconds: 15 } });
    assert.equal(tourPush([], 15, 1), null);
    assert.equal(tourPush(['a'], 2, 1), null);
    assert.equal(tourPush(['a'], 7.5, 1), null);
  });
});
