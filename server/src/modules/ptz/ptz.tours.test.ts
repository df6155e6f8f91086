// Patrol tours: validation (nothing half-valid is stored), windows in Paris time including
// one across midnight, the tick plan (one tour per camera, bounded, dwell respected), and the
// runner over a fake port and a manual clock (pause while a person steers, resume after).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import { PatrolRunner, type PatrolPort } from './ptz.tours.ts';
import {
  FAILED_RETRY_MS,
  inWindow,
  parisMinuteOfDay,
  parseTourInput,
  PAUSED_RETRY_MS,
  planTick,
  progressAfter,
  type PatrolTour,
  type StepOutcome,
  type TourProgress,
} from './ptz.tours.rules.ts';

function tour(overrides: Partial<PatrolTour> = {}): PatrolTour {
  return {
    id: 'tour-1',
    cameraId: 'cam-1',
    communeInsee: '38999',
    name: 'Ronde',
    enabled: true,
    activeFrom: null,
    activeTo: null,
    steps: [
      { presetToken: 'p1', dwellSeconds: 10 },
      { presetToken: 'p2', dwellSeconds: 20 },
    ],
    createdAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'op',
    updatedAt: '2026-12-01T00:00:00.000Z',
    updatedBy: 'op',
    ...overrides,
  };
}

function invalid(input: unknown): DomainError {
  try {
    parseTourInput(input);
  } catch (error) {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, 'ptz_tour_invalid');
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

describe('patrol tour validation', () => {
  const steps = [
    { presetToken: 'p1', dwellSeconds: 5 },
    { presetToken: 'p2', dwellSeconds: 3600 },
  ];

  it('accepts a tour, with or without a window, enabled by default', () => {
    assert.deepEqual(parseTourInput({ name: ' Parvis ', steps }), { name: 'Parvis', steps, activeFrom: null, activeTo: null, enabled: true });
    assert.equal(parseTourInput({ name: 'Nuit', steps, activeFrom: '22:00', activeTo: '06:00', enabled: false }).activeTo, '06:00');
  });

  it('refuses dwell times outside 5..3600 s, no step, a bad or half window, unknown fields', () => {
    assert.match(invalid({ name: 'x', steps: [{ presetToken: 'p1', dwellSeconds: 4 }] }).messageEn, /steps\.0\.dwellSeconds/);
    invalid({ name: 'x', steps: [{ presetToken: 'p1', dwellSeconds: 3601 }] });
    invalid({ name: 'x', steps: [{ presetToken: 'p1', dwellSeconds: 7.5 }] });
    invalid({ name: 'x', steps: [] });
    invalid({ name: 'x', steps: [{ presetToken: '', dwellSeconds: 10 }] });
    invalid({ name: '', steps });
    invalid({ name: 'x', steps, activeFrom: '24:00', activeTo: '06:00' });
    invalid({ name: 'x', steps, activeFrom: '7:00', activeTo: '09:00' });
    invalid({ name: 'x', steps, activeFrom: '22:00' });
    invalid({ name: 'x', steps, activeFrom: '08:00', activeTo: '08:00' });
    invalid({ name: 'x', steps, cameraId: 'other' });
    invalid(undefined);
  });
});

describe('patrol windows (Europe/Paris)', () => {
  it('reads Paris time in winter (UTC+1) and summer (UTC+2)', () => {
    assert.equal(parisMinuteOfDay(new Date('2026-12-01T21:30:00Z')), 22 * 60 + 30);
    assert.equal(parisMinuteOfDay(new Date('2026-07-01T21:30:00Z')), 23 * 60 + 30);
  });

  it('runs within a day window, end excluded', () => {
    const day = { activeFrom: '08:00', activeTo: '18:00' };
    assert.equal(inWindow(day, new Date('2026-12-01T07:00:00Z')), true, '08:00 Paris');
    assert.equal(inWindow(day, new Date('2026-12-01T06:59:00Z')), false);
    assert.equal(inWindow(day, new Date('2026-12-01T17:00:00Z')), false, '18:00 Paris');
    assert.equal(inWindow({ activeFrom: null, activeTo: null }, new Date()), true);
  });

  it('runs across midnight: 22:00 to 06:00', () => {
    const night = { activeFrom: '22:00', activeTo: '06:00' };
    assert.equal(inWindow(night, new Date('2026-12-01T21:00:00Z')), true, '22:00 Paris');
    assert.equal(inWindow(night, new Date('2026-12-01T23:30:00Z')), true, '00:30 Paris');
    assert.equal(inWindow(night, new Date('2026-12-02T04:59:00Z')), true, '05:59 Paris');
    assert.equal(inWindow(night, new Date('2026-12-02T05:00:00Z')), false, '06:00 Paris');
    assert.equal(inWindow(night, new Date('2026-12-01T12:00:00Z')), false, '13:00 Paris');
  });
});

describe('patrol tick plan', () => {
  const now = new Date('2026-12-01T12:00:00Z');

  it('starts a new tour at its first step, then waits its dwell before the next', () => {
    const first = planTick([tour()], new Map(), now, 10);
    assert.deepEqual(
      first.due.map((step) => step.stepIndex),
      [0],
    );
    const progress = new Map([['tour-1', progressAfter(tour(), 0, 'moved', now)]]);
    assert.equal(planTick([tour()], progress, new Date(now.getTime() + 9_999), 10).due.length, 0);
    assert.deepEqual(
      planTick([tour()], progress, new Date(now.getTime() + 10_000), 10).due.map((step) => step.stepIndex),
      [1],
    );
    const wrapped = new Map([['tour-1', progressAfter(tour(), 1, 'moved', now)]]);
    assert.deepEqual(
      planTick([tour()], wrapped, new Date(now.getTime() + 20_000), 10).due.map((step) => step.stepIndex),
      [0],
      'back to the first preset',
    );
  });

  it('retries a paused step, skips a failed one later', () => {
    const paused = progressAfter(tour(), 1, 'paused', now);
    assert.equal(paused.nextAtMs, now.getTime() + PAUSED_RETRY_MS);
    assert.deepEqual(
      planTick([tour()], new Map([['tour-1', paused]]), new Date(paused.nextAtMs), 10).due.map((step) => step.stepIndex),
      [1],
    );
    const failed = progressAfter(tour(), 1, 'failed', now);
    assert.equal(failed.nextAtMs, now.getTime() + FAILED_RETRY_MS);
    assert.deepEqual(
      planTick([tour()], new Map([['tour-1', failed]]), new Date(failed.nextAtMs), 10).due.map((step) => step.stepIndex),
      [0],
    );
  });

  it('runs one tour per camera, stops tours that left their window or were edited, and is bounded', () => {
    const night = tour({ id: 'night', activeFrom: '22:00', activeTo: '06:00' });
    const second = tour({ id: 'second' });
    const running: TourProgress = { ...progressAfter(night, 0, 'moved', now), nextAtMs: 0 };
    const plan = planTick([night, tour(), second], new Map([['night', running]]), now, 10);
    assert.deepEqual(
      plan.due.map((step) => step.tour.id),
      ['tour-1'],
      '13:00 Paris: the day tour runs, not the second of the camera',
    );
    assert.deepEqual(
      plan.stopped.map((entry) => entry.tourId),
      ['night'],
    );
    const edited = planTick(
      [tour({ updatedAt: '2026-12-01T11:00:00.000Z' })],
      new Map([['tour-1', { ...progressAfter(tour(), 1, 'moved', now), nextAtMs: 0 }]]),
      now,
      10,
    );
    assert.deepEqual(
      edited.due.map((step) => step.stepIndex),
      [0],
      'an edited tour starts again',
    );
    const many = Array.from({ length: 30 }, (_, index) => tour({ id: `t${index}`, cameraId: `cam-${index}` }));
    assert.equal(planTick(many, new Map(), now, 8).due.length, 8);
  });
});

describe('patrol runner', () => {
  function fakePort(tours: PatrolTour[]) {
    const calls: string[] = [];
    let humanHolds = false;
    let listener: (() => void) | undefined;
    const port: PatrolPort = {
      enabledTours: async () => tours,
      patrolStep: async (item, stepIndex): Promise<StepOutcome> => {
        if (humanHolds) return 'paused';
        calls.push(`${item.cameraId}:${item.steps[stepIndex]!.presetToken}`);
        return 'moved';
      },
      endPatrol: async (cameraId) => void calls.push(`end:${cameraId}`),
      endPatrols: async () => void calls.push('end-all'),
      sweepExpiredLocks: async () => 0,
      onToursChanged: (next) => {
        listener = next;
        return () => undefined;
      },
    };
    return { port, calls, setHuman: (value: boolean) => (humanHolds = value), changed: () => listener?.() };
  }

  it('moves between presets after each dwell, pauses while a person steers, resumes after', async () => {
    const clock = new ManualClock('2026-12-01T12:00:00Z');
    const tours = [tour()];
    const fake = fakePort(tours);
    const runner = new PatrolRunner(fake.port, clock);
    await runner.tick();
    assert.deepEqual(fake.calls, ['cam-1:p1']);
    clock.advance(9_000);
    await runner.tick();
    assert.deepEqual(fake.calls, ['cam-1:p1'], 'dwelling');
    clock.advance(1_000);
    await runner.tick();
    assert.deepEqual(fake.calls, ['cam-1:p1', 'cam-1:p2']);
    fake.setHuman(true);
    clock.advance(20_000);
    await runner.tick();
    assert.equal(runner.progressOf('tour-1')?.paused, true);
    fake.setHuman(false);
    clock.advance(PAUSED_RETRY_MS);
    await runner.tick();
    assert.deepEqual(fake.calls, ['cam-1:p1', 'cam-1:p2', 'cam-1:p1'], 'resumed where it paused');
    tours.length = 0;
    fake.changed();
    await runner.tick();
    assert.equal(fake.calls.at(-1), 'end:cam-1', 'a deleted tour gives the camera back at once');
    await runner.stop();
    assert.equal(fake.calls.at(-1), 'end-all');
  });
});
