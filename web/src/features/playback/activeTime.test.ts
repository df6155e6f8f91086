import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActiveTime } from './activeTime.ts';

describe('active playback time (review hours)', () => {
  const run = (active: ActiveTime, fromMs: number, toMs: number, state: (nowMs: number) => { visible: boolean; playing: boolean; wallMs: number }) => {
    for (let now = fromMs; now <= toMs; now += 100) active.tick(now, state(now));
  };

  it('counts playing time in a visible tab, not a paused video nor a hidden tab', () => {
    const active = new ActiveTime();
    run(active, 0, 10_000, (now) => ({ visible: true, playing: true, wallMs: now }));
    assert.equal(active.take(), 10);
    run(active, 10_100, 20_000, () => ({ visible: true, playing: false, wallMs: 5 }));
    assert.equal(active.take(), 0, 'paused, playhead still');
    run(active, 20_100, 30_000, (now) => ({ visible: false, playing: true, wallMs: now }));
    assert.equal(active.take(), 0, 'hidden tab');
  });

  it('counts scrubbing and stepping while paused, and caps a frozen tick', () => {
    const active = new ActiveTime();
    run(active, 0, 3000, (now) => ({ visible: true, playing: false, wallMs: Math.floor(now / 100) }));
    assert.equal(active.take(), 3, 'the playhead moved on every tick');
    active.tick(3100, { visible: true, playing: true, wallMs: 1 });
    active.tick(60_000, { visible: true, playing: true, wallMs: 2 });
    assert.ok(active.take() <= 3, 'a tab frozen for a minute counts at most 2 s of it');
  });
});
