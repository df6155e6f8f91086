import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlaybackClock } from './clock.ts';

describe('shared playback clock', () => {
  it('advances at the speed while playing, stands still when paused or held, reverses', () => {
    let now = 1000;
    const clock = new PlaybackClock(50_000, () => now);
    let changes = 0;
    clock.subscribe(() => changes++);
    now += 500;
    assert.equal(clock.time(), 50_000, 'paused at first');
    clock.play();
    now += 1000;
    assert.equal(clock.time(), 51_000);
    clock.setRate(4);
    now += 1000;
    assert.equal(clock.time(), 55_000);
    clock.setHeld(true);
    now += 1000;
    assert.equal(clock.time(), 55_000);
    clock.setHeld(false);
    clock.setRate(-2);
    now += 1000;
    assert.equal(clock.time(), 53_000);
    clock.pause();
    now += 1000;
    assert.equal(clock.time(), 53_000);
    clock.seek(10_000);
    assert.equal(clock.time(), 10_000);
    assert.deepEqual(clock.state(), { playing: false, rate: -2, held: false });
    clock.setRate(0);
    clock.pause();
    assert.equal(changes, 7, 'a speed of 0 and a second pause change nothing');
  });
});
