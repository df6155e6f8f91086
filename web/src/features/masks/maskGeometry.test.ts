import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blocksSaving,
  closesPolygon,
  hitPolygon,
  hitVertex,
  insertOnEdge,
  maskProblems,
  moveVertex,
  normalisePoint,
  pointInPolygon,
  polygonArea,
  removePolygon,
  removeVertex,
  selfIntersects,
  toApiPolygons,
  type Polygon,
} from './maskGeometry.ts';

const size = { width: 640, height: 360 };
const square: Polygon = [
  [0.1, 0.1],
  [0.4, 0.1],
  [0.4, 0.4],
  [0.1, 0.4],
];
const triangle: Polygon = [
  [0.5, 0.5],
  [0.9, 0.5],
  [0.7, 0.9],
];

describe('mask editor geometry', () => {
  it('normalises pointer positions into the picture, clamped and rounded', () => {
    assert.deepEqual(normalisePoint(320, 90, size), [0.5, 0.25]);
    assert.deepEqual(normalisePoint(-5, 400, size), [0, 1]);
    assert.deepEqual(normalisePoint(100, 100, size), [0.1563, 0.2778]);
    assert.deepEqual(normalisePoint(10, 10, { width: 0, height: 0 }), [0, 0]);
  });

  it('knows what is inside a polygon, and its area', () => {
    assert.ok(pointInPolygon([0.2, 0.2], square));
    assert.ok(!pointInPolygon([0.5, 0.2], square));
    assert.ok(Math.abs(Math.abs(polygonArea(square)) - 0.09) < 1e-12);
    assert.equal(hitPolygon([square, triangle], [0.7, 0.6]), 1);
    assert.equal(hitPolygon([square, triangle], [0.95, 0.05]), -1);
  });

  it('hits vertices within a few screen pixels, the nearest first', () => {
    assert.deepEqual(hitVertex([square, triangle], [0.105, 0.1], size), { polygon: 0, vertex: 0 });
    assert.equal(hitVertex([square], [0.2, 0.2], size), null);
    assert.deepEqual(
      hitVertex(
        [
          square,
          [
            [0.11, 0.1],
            [0.3, 0.3],
            [0.2, 0.5],
          ],
        ],
        [0.108, 0.1],
        size,
      ),
      { polygon: 1, vertex: 0 },
    );
  });

  it('closes a polygon on its first point once it has three', () => {
    assert.ok(closesPolygon(triangle, [0.501, 0.501], size));
    assert.ok(!closesPolygon(triangle.slice(0, 2), [0.5, 0.5], size));
    assert.ok(!closesPolygon(triangle, [0.6, 0.6], size));
  });

  it('checks what the server checks, and warns of a crossing outline', () => {
    assert.deepEqual(maskProblems([]), [{ code: 'none' }]);
    assert.deepEqual(maskProblems([square, triangle]), []);
    assert.deepEqual(
      maskProblems([
        [
          [0, 0],
          [1, 1],
        ],
      ]),
      [{ code: 'points', polygon: 1, min: 3, max: 64 }],
    );
    assert.deepEqual(
      maskProblems([
        square,
        [
          [0, 0],
          [1.2, 0],
          [0, 1],
        ],
      ]),
      [{ code: 'outside', polygon: 2, point: 2 }],
    );
    assert.deepEqual(
      maskProblems([
        [
          [0, 0],
          [0.5, 0.5],
          [1, 1],
        ],
      ]),
      [{ code: 'area', polygon: 1 }],
    );
    const bowTie: Polygon = [
      [0.1, 0.1],
      [0.6, 0.5],
      [0.6, 0.1],
      [0.1, 0.3],
    ];
    assert.ok(selfIntersects(bowTie));
    assert.ok(!selfIntersects(square));
    assert.deepEqual(maskProblems([bowTie]), [{ code: 'crossing', polygon: 1 }]);
    assert.ok(!blocksSaving(maskProblems([bowTie])));
    assert.ok(blocksSaving(maskProblems([])));
    assert.deepEqual(maskProblems(Array.from({ length: 33 }, () => square))[0], { code: 'tooMany', max: 32 });
  });

  it('moves, removes and inserts points', () => {
    const moved = moveVertex([square], { polygon: 0, vertex: 2 }, [1.3, 0.55555555]);
    assert.deepEqual(moved[0]![2], [1, 0.5556]);
    assert.deepEqual(removeVertex([square], { polygon: 0, vertex: 0 })[0], [
      [0.4, 0.1],
      [0.4, 0.4],
      [0.1, 0.4],
    ]);
    assert.deepEqual(removeVertex([triangle, square], { polygon: 0, vertex: 1 }), [square], 'a polygon left with two points goes');
    assert.deepEqual(removePolygon([square, triangle], 0), [triangle]);
    const inserted = insertOnEdge([square], [0.25, 0.101], size)!;
    assert.deepEqual(inserted.hit, { polygon: 0, vertex: 1 });
    assert.deepEqual(inserted.polygons[0]![1], [0.25, 0.101]);
    assert.equal(insertOnEdge([square], [0.25, 0.25], size), null);
    assert.deepEqual(toApiPolygons([triangle]), [
      [
        [0.5, 0.5],
        [0.9, 0.5],
        [0.7, 0.9],
      ],
    ]);
  });
});
