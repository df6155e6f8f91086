import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translatorFor } from '../../i18n/translate.ts';
import { ApiError } from '../../lib/errors.ts';
import type { PtzVelocity } from '../../api/types.ts';
import { joystickVector, lockSentence, parisClock, ptzErrorText, PtzMover, tourDraftProblems } from './ptz-control.ts';

/** A fake clock and timers: `advance(ms)` runs what falls due, in order. */
function fakeTransport(options: { failMoves?: boolean } = {}) {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const calls: { at: number; kind: 'move' | 'stop'; velocity?: PtzVelocity }[] = [];
  const errors: unknown[] = [];
  const started: number[] = [];
  return {
    calls,
    errors,
    started,
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
    transport: {
      move: (velocity: PtzVelocity) => {
        calls.push({ at: now, kind: 'move' as const, velocity });
        return options.failMoves ? Promise.reject(new ApiError(409, { code: 'ptz_locked' })) : Promise.resolve();
      },
      stop: () => {
        calls.push({ at: now, kind: 'stop' as const });
        return Promise.resolve();
      },
      onError: (error: unknown) => {
        errors.push(error);
      },
      onStarted: () => {
        started.push(now);
      },
      now: () => now,
      setTimer: (callback: () => void, ms: number) => {
        const id = nextId++;
        timers.set(id, { at: now + ms, callback });
        return id;
      },
      clearTimer: (timer: unknown) => {
        timers.delete(timer as number);
      },
    },
  };
}

const right = { pan: 0.5, tilt: 0, zoom: 0 };

describe('joystick', () => {
  it('gives right/up positive velocities within the unit circle', () => {
    assert.deepEqual(joystickVector(50, 0, 100), { pan: 0.5, tilt: 0 });
    assert.deepEqual(joystickVector(0, -100, 100), { pan: 0, tilt: 1 });
    assert.deepEqual(joystickVector(300, 400, 100), { pan: 0.6, tilt: -0.8 });
    assert.deepEqual(joystickVector(5, 5, 100), { pan: 0, tilt: 0 });
    assert.deepEqual(joystickVector(5, 5, 0), { pan: 0, tilt: 0 });
  });
});

describe('PTZ mover', () => {
  it('sends at once, renews every 500 ms while held, and stops on release', async () => {
    const fake = fakeTransport();
    const mover = new PtzMover(fake.transport);
    mover.press(right);
    fake.advance(1200);
    mover.release();
    assert.deepEqual(
      fake.calls.map((call) => `${call.kind}@${call.at}`),
      ['move@0', 'move@500', 'move@1000', 'stop@1200'],
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fake.started.length, 1, 'the start of the hold is announced once');
  });

  it('sends at most 5 requests a second however fast the direction changes', () => {
    const fake = fakeTransport();
    const mover = new PtzMover(fake.transport);
    for (let step = 0; step < 100; step += 1) {
      mover.press({ pan: (step % 10) / 10 + 0.1, tilt: 0, zoom: 0 });
      fake.advance(10);
    }
    mover.release();
    const moves = fake.calls.filter((call) => call.kind === 'move');
    assert.ok(moves.length <= 6, `${moves.length} moves in 1 s`);
    for (let index = 1; index < moves.length; index += 1) assert.ok(moves[index]!.at - moves[index - 1]!.at >= 200);
  });

  it('keeps a quick click moving 400 ms before the stop, and a new press cancels that stop', () => {
    const fake = fakeTransport();
    const mover = new PtzMover(fake.transport);
    mover.press(right);
    fake.advance(50);
    mover.release();
    fake.advance(100);
    assert.deepEqual(
      fake.calls.map((call) => call.kind),
      ['move'],
    );
    fake.advance(300);
    assert.deepEqual(
      fake.calls.map((call) => `${call.kind}@${call.at}`),
      ['move@0', 'stop@400'],
    );
    mover.press(right);
    fake.advance(100);
    mover.release();
    mover.press({ pan: -0.5, tilt: 0, zoom: 0 });
    fake.advance(600);
    mover.dispose();
    assert.equal(fake.calls.filter((call) => call.kind === 'stop').length, 2, 'the cancelled stop is not sent; dispose stops');
  });

  it('ends the hold and reports a refused move, without a stop', async () => {
    const fake = fakeTransport({ failMoves: true });
    const mover = new PtzMover(fake.transport);
    mover.press(right);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(mover.holding, false);
    fake.advance(2000);
    mover.release();
    assert.deepEqual(
      fake.calls.map((call) => call.kind),
      ['move'],
    );
    assert.equal((fake.errors[0] as ApiError).code, 'ptz_locked');
  });
});

describe('PTZ lock in words', () => {
  const t = translatorFor('fr');
  const lock = {
    holderLogin: 'dupont',
    holderRole: 'police',
    takeover: true,
    priority: 3,
    acquiredAt: '2026-07-01T11:50:00.000Z',
    expiresAt: '2026-07-01T12:05:00.000Z',
    mine: false,
  };
  it('names the holder, their role and the end in Paris time', () => {
    assert.equal(parisClock('2026-07-01T12:05:00.000Z', 'fr'), '14:05');
    assert.equal(parisClock('2026-01-01T12:05:09.000Z', 'en', true), '13:05:09');
    assert.equal(lockSentence(lock, t, 'fr'), 'Pilotée par dupont (Police / gendarmerie) jusqu’à 14:05');
    assert.equal(lockSentence(null, t, 'fr'), 'Libre');
    assert.match(lockSentence({ ...lock, mine: true }, t, 'fr'), /vous/);
  });
  it('explains a refusal with the holder from the error details', () => {
    const details = { holder: { login: 'dupont', role: 'police', priority: 3 }, takeover: true, expiresAt: lock.expiresAt };
    const locked = new ApiError(409, { code: 'ptz_locked', message_fr: 'Verrouillée', details });
    assert.match(ptzErrorText(locked, t, 'fr'), /dupont \(Police \/ gendarmerie\) jusqu’à 14:05/);
    assert.equal(ptzErrorText(new ApiError(409, { code: 'ptz_locked', message_fr: 'Verrouillée' }), t, 'fr'), 'Verrouillée');
    assert.match(ptzErrorText(new ApiError(409, { code: 'ptz_taken_over', message_fr: 'x', details }), t, 'fr'), /dupont/);
    assert.equal(lockSentence({ ...lock, holderLogin: 'patrol', holderRole: 'patrol' }, t, 'fr'), 'Pilotée par patrol (ronde virtuelle) jusqu’à 14:05');
  });
});

describe('tour form', () => {
  it('needs a name, two presets, dwell seconds 5..3600 and both ends of a window', () => {
    const steps = [
      { presetToken: 'p1', dwellSeconds: '10' },
      { presetToken: 'p2', dwellSeconds: '20' },
    ];
    assert.deepEqual(tourDraftProblems('Ronde', steps, '', ''), []);
    assert.deepEqual(tourDraftProblems('Ronde', steps, '22:00', '06:00'), []);
    assert.deepEqual(tourDraftProblems(' ', [steps[0]!, { presetToken: '', dwellSeconds: '5' }], '', ''), ['ptz.tour.needName', 'ptz.tour.needSteps']);
    assert.deepEqual(tourDraftProblems('R', [steps[0]!, { presetToken: 'p2', dwellSeconds: '4' }], '', ''), ['ptz.tour.badDwell']);
    assert.deepEqual(tourDraftProblems('R', steps, '22:00', ''), ['ptz.tour.badWindow']);
    assert.deepEqual(tourDraftProblems('R', steps, '25:00', '06:00'), ['ptz.tour.badWindow']);
  });
});
