import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocker, initialChoice } from './onvif.ts';

const profiles = [
  { token: 'main', belowFloor: [], streamUrl: 'rtsp://127.0.0.1/main' },
  { token: 'sub', belowFloor: ['resolution_below_floor'], streamUrl: 'rtsp://127.0.0.1/sub' },
  { token: 'mute', belowFloor: [], streamUrl: null },
];

describe('ONVIF card logic', () => {
  it('keeps the proposal where it names a profile with a stream', () => {
    assert.deepEqual(initialChoice(profiles, { mainProfileToken: 'main', subProfileToken: 'sub' }), { main: 'main', sub: 'sub' });
    assert.deepEqual(initialChoice(profiles, { mainProfileToken: 'mute', subProfileToken: 'gone' }), { main: null, sub: null });
  });

  it('blocks a main stream below the floor, a missing one, and missing fields', () => {
    assert.equal(blocker(profiles, { main: 'main', sub: 'sub' }, 'Parvis', 'site-1'), null);
    assert.equal(blocker(profiles, { main: 'sub', sub: null }, 'Parvis', 'site-1'), 'floor');
    assert.equal(blocker(profiles, { main: null, sub: null }, 'Parvis', 'site-1'), 'main');
    assert.equal(blocker(profiles, { main: 'main', sub: null }, ' ', 'site-1'), 'fields');
  });
});
