import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtzHead } from './ptz.ts';

function head() {
  let now = 0;
  return {
    ptz: new PtzHead(() => now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

test('a continuous move integrates its velocity until stopped or timed out, within the range', () => {
  const { ptz, advance } = head();
  ptz.continuousMove({ pan: 0.5 });
  advance(500);
  assert.ok(ptz.isMoving());
  assert.equal(ptz.position().pan, 0.5);
  ptz.stop();
  advance(500);
  assert.equal(ptz.position().pan, 0.5);
  ptz.continuousMove({ tilt: -1 }, 300);
  advance(5000);
  assert.equal(ptz.isMoving(), false);
  assert.equal(Math.round(ptz.position().tilt * 100) / 100, -0.6);
  ptz.continuousMove({ pan: 1 });
  advance(10_000);
  assert.equal(ptz.position().pan, 1);
});

test('absolute and relative moves travel at finite speed and stay in range', () => {
  const { ptz, advance } = head();
  ptz.absoluteMove({ pan: 1, zoom: 2 });
  advance(250);
  assert.equal(ptz.position().pan, 0.5);
  advance(1000);
  assert.deepEqual(ptz.position(), { pan: 1, tilt: 0, zoom: 1 });
  ptz.relativeMove({ pan: -0.5 });
  advance(1000);
  assert.equal(ptz.position().pan, 0.5);
});

test('presets are set at the current position, listed, reached and removed', () => {
  const { ptz, advance } = head();
  ptz.absoluteMove({ pan: -0.4, tilt: 0.2 });
  advance(1000);
  const preset = ptz.setPreset('Parvis');
  ptz.absoluteMove({ pan: 0.8 });
  advance(1000);
  assert.equal(ptz.gotoPreset(preset.token), true);
  advance(2000);
  assert.deepEqual(ptz.position(), { pan: -0.4, tilt: 0.2, zoom: 0 });
  assert.deepEqual(
    ptz.listPresets().map((entry) => entry.name),
    ['Parvis'],
  );
  assert.equal(ptz.removePreset(preset.token), true);
  assert.equal(ptz.gotoPreset(preset.token), false);
});
