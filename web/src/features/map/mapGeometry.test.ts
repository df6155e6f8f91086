import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundsOf, destinationPoint, fovAngleDeg, fovCone, stateGlyph } from './mapGeometry.ts';

const near = (actual: number, expected: number, tolerance = 1e-6) => assert.ok(Math.abs(actual - expected) < tolerance, `${actual} ≉ ${expected}`);

describe('map geometry', () => {
  it('opens the cone by kind', () => {
    assert.equal(fovAngleDeg('fixed'), 60);
    assert.equal(fovAngleDeg('ptz'), 90);
    assert.equal(fovAngleDeg('panoramic'), 180);
    assert.equal(fovAngleDeg('nomadic'), 60);
  });

  it('walks a distance along a bearing', () => {
    const [north] = destinationPoint(45, 5, 0, 111_195);
    near(north, 46, 1e-3);
    const [lat, lon] = destinationPoint(45, 5, 90, 100);
    near(lat, 45, 1e-6);
    near(lon, 5 + 100 / (111_195 * Math.cos(Math.PI / 4)), 1e-6);
    assert.equal(Math.round(destinationPoint(0, 179.9999, 90, 100)[1]), -180, 'wraps the antimeridian');
  });

  it('draws the cone centred on the heading, from the camera', () => {
    const cone = fovCone({ latitude: 45, longitude: 5, headingDeg: 90, kind: 'fixed' }, 50)!;
    assert.deepEqual(cone[0], [45, 5]);
    assert.equal(cone.length, 1 + 13);
    const first = cone[1]!;
    const last = cone[cone.length - 1]!;
    assert.ok(first[0] > 45 && last[0] < 45, 'from 60° (north of east) to 120° (south of east)');
    near(first[0] - 45, 45 - last[0], 1e-8);
    const middle = cone[7]!;
    near(middle[0], 45, 1e-6);
    assert.ok(middle[1] > 5);
    assert.equal(fovCone({ latitude: 45, longitude: 5, headingDeg: 0, kind: 'panoramic' })!.length, 1 + 37);
    assert.equal(fovCone({ latitude: 45, longitude: 5, headingDeg: null, kind: 'fixed' }), null);
    assert.equal(fovCone({ latitude: null, longitude: 5, headingDeg: 10, kind: 'fixed' }), null);
  });

  it('fits the placed cameras', () => {
    assert.deepEqual(
      boundsOf([
        { latitude: 45.1, longitude: 5.2 },
        { latitude: 45.3, longitude: 5.1 },
        { latitude: null, longitude: null },
      ]),
      [
        [45.1, 5.1],
        [45.3, 5.2],
      ],
    );
    assert.equal(boundsOf([{ latitude: null, longitude: 3 }]), null);
  });

  it('gives every state its own glyph', () => {
    const states = ['unknown', 'starting', 'recording', 'reconnecting', 'failed', 'unauthorised', 'disabled'] as const;
    assert.equal(new Set(states.map(stateGlyph)).size, states.length);
  });
});
