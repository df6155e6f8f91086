// The PTZ position watcher without IO: which preset a position is at (tolerance, nearest),
// MOVING, what is watched, changes only, the presets cache, an unreachable camera (last known
// position kept, logged once), the word of this process's commands, and no timer left behind
// (node:test's mock timers: no real time is waited).

/** Lets every pending promise continuation run (one turn of the event loop; setImmediate is not mocked). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { OnvifError, type OnvifCamera, type PtzPresetPosition, type PtzVector } from '../../platform/onvif/index.ts';
import { PtzPositions } from './ptz-positions.ts';
import { observePreset, presetAtPosition } from './ptz-watch.rules.ts';
import { PtzPositionWatcher, positionWatchJob, type PtzWatcherDeps } from './ptz-watcher.ts';
import { ManualClock } from '../../platform/clock.ts';
import { JobRegistry } from '../../platform/jobs.ts';

const balcon: PtzPresetPosition = { token: 'p1', name: 'Balcon', position: { pan: 0.5, tilt: -0.2, zoom: 0.3 } };
const parvis: PtzPresetPosition = { token: 'p2', name: 'Parvis', position: { pan: 0.506, tilt: -0.2, zoom: 0.3 } };
const blind: PtzPresetPosition = { token: 'p3', name: 'Sans position', position: null };

describe('the preset a position is at', () => {
  it('matches a stored position within the tolerance on every axis, and the nearest of two', () => {
    assert.equal(presetAtPosition({ pan: 0.5, tilt: -0.2, zoom: 0.3 }, [balcon, blind]), 'p1');
    assert.equal(presetAtPosition({ pan: 0.509, tilt: -0.191, zoom: 0.305 }, [balcon]), 'p1', 'within 0.01 on each axis');
    assert.equal(presetAtPosition({ pan: 0.52, tilt: -0.2, zoom: 0.3 }, [balcon]), null, 'pan 0.02 away');
    assert.equal(presetAtPosition({ pan: 0.5, tilt: -0.2, zoom: 0.35 }, [balcon]), null, 'zoom counts too');
    assert.equal(presetAtPosition({ pan: 0.505, tilt: -0.2, zoom: 0.3 }, [balcon, parvis]), 'p2', 'the nearer one');
    assert.equal(presetAtPosition({ pan: 0.501, tilt: -0.2, zoom: 0.3 }, [parvis, balcon]), 'p1');
    assert.equal(presetAtPosition({ pan: 0.52, tilt: -0.2, zoom: 0.3 }, [balcon], 0.05), 'p1', 'the tolerance is a parameter');
    assert.equal(presetAtPosition({ pan: 0, tilt: 0, zoom: 0 }, [blind]), null, 'a preset without a stored position matches nothing');
  });

  it('is no preset while the head moves, even over a preset; unknown when the camera gives no position', () => {
    assert.deepEqual(observePreset({ position: balcon.position, moving: true }, [balcon]), { kind: 'at', presetToken: null });
    assert.deepEqual(observePreset({ position: null, moving: true }, [balcon]), { kind: 'at', presetToken: null });
    assert.deepEqual(observePreset({ position: balcon.position, moving: false }, [balcon]), { kind: 'at', presetToken: 'p1' });
    assert.deepEqual(observePreset({ position: null, moving: false }, [balcon]), { kind: 'unknown' });
  });
});

type Camera = Awaited<ReturnType<PtzWatcherDeps['cameras']['list']>>[number];
const dome = (id: string, extra: Partial<Camera> = {}): Camera => ({ id, kind: 'ptz', onvifUrl: `http://127.0.0.1:1/${id}`, state: 'recording', ...extra });

/** A fake fleet: each camera's head (position, moving, reachable), counted calls, a manual clock. */
function harness(cameras: Camera[], presetMasked: string[]) {
  let now = 1_000_000;
  const heads = new Map<string, { position: PtzVector | null; moving: boolean; reachable: boolean; presets: PtzPresetPosition[] }>();
  for (const camera of cameras) heads.set(camera.id, { position: { pan: 0, tilt: 0, zoom: 0 }, moving: false, reachable: true, presets: [balcon, blind] });
  const calls = { status: [] as string[], presets: [] as string[], lists: 0 };
  const logs: Array<{ level: string; message: string }> = [];
  const positions = new PtzPositions();
  const changes: Array<[string, string | null]> = [];
  positions.onChange((cameraId, token) => changes.push([cameraId, token]));
  const head = (target: OnvifCamera) => {
    const found = heads.get(target.cameraId)!;
    if (!found.reachable) throw new OnvifError('unreachable', 'camera unreachable (ECONNREFUSED)');
    return found;
  };
  let holdStatus: Promise<void> | undefined;
  let statusEntered: (() => void) | undefined;
  const commandListeners = new Set<(cameraId: string, token: string | null) => void>();
  const deps: PtzWatcherDeps = {
    cameras: {
      list: async () => {
        calls.lists++;
        return cameras;
      },
      streamCredentials: async () => ({ username: 'u', password: 'p' }),
    },
    masks: { presetMaskedCameras: async (ids) => new Set(ids.filter((id) => presetMasked.includes(id))) },
    device: {
      status: async (target) => {
        calls.status.push(target.cameraId);
        statusEntered?.();
        await holdStatus;
        const { position, moving } = head(target);
        return { position, moving };
      },
      presetPositions: async (target) => {
        calls.presets.push(target.cameraId);
        return head(target).presets;
      },
    },
    positions,
    commands: {
      onPositionChanged: (listener) => {
        commandListeners.add(listener);
        return () => commandListeners.delete(listener);
      },
    },
    log: { info: (_fields, message) => logs.push({ level: 'info', message }), warn: (_fields, message) => logs.push({ level: 'warn', message }) },
  };
  const watcher = new PtzPositionWatcher(deps, { intervalMs: 10_000, movingRecheckMs: 1000, presetCacheMs: 60_000, commandGraceMs: 5000, nowMs: () => now });
  return {
    watcher,
    heads,
    calls,
    logs,
    positions,
    changes,
    commandListeners,
    advance: (ms: number) => (now += ms),
    holdStatusUntil: (until: Promise<void> | undefined) => (holdStatus = until),
    /** Resolves when the next status read has begun (and is held, if holdStatusUntil said so). */
    nextStatusRead: () =>
      new Promise<void>(
        (resolve) =>
          (statusEntered = () => {
            statusEntered = undefined;
            resolve();
          }),
      ),
  };
}

describe('PtzPositionWatcher', () => {
  it('watches only enabled, authorised PTZ cameras with an ONVIF URL and a preset mask in server mode', async () => {
    const h = harness(
      [
        dome('watched'),
        dome('no-preset-mask'),
        dome('fixed', { kind: 'fixed' }),
        dome('no-onvif', { onvifUrl: null }),
        dome('disabled', { state: 'disabled' }),
        dome('unauthorised', { state: 'unauthorised' }),
      ],
      ['watched', 'fixed', 'no-onvif', 'disabled', 'unauthorised'],
    );
    await h.watcher.pass();
    assert.deepEqual(h.watcher.watchedCameras(), ['watched']);
    assert.deepEqual(h.calls.status, ['watched']);
  });

  it('reports the preset reached, changes only, and drops it while the camera moves', async () => {
    const h = harness([dome('c1')], ['c1']);
    await h.watcher.pass();
    assert.deepEqual(h.changes, [], 'at no preset, as already known: no change');
    h.heads.get('c1')!.position = { pan: 0.503, tilt: -0.2, zoom: 0.3 };
    h.advance(10_000);
    await h.watcher.pass();
    assert.deepEqual(h.changes, [['c1', 'p1']]);
    h.advance(10_000);
    await h.watcher.pass();
    assert.deepEqual(h.changes, [['c1', 'p1']], 'the same preset again is no change');

    h.heads.get('c1')!.moving = true;
    h.advance(10_000);
    await h.watcher.pass();
    assert.deepEqual(h.changes.at(-1), ['c1', null], 'MOVING: at no preset');
    const reads = h.calls.status.length;
    h.advance(500);
    await h.watcher.pass();
    assert.equal(h.calls.status.length, reads, 'not read again before the recheck');
    h.advance(500);
    h.heads.get('c1')!.moving = false;
    await h.watcher.pass();
    assert.equal(h.calls.status.length, reads + 1, 'a moving camera is read again after 1 s, not 10');
    assert.deepEqual(
      h.changes,
      [
        ['c1', 'p1'],
        ['c1', null],
        ['c1', 'p1'],
      ],
      'back at the preset',
    );
  });

  it('asks for the presets once a minute, not at every read', async () => {
    const h = harness([dome('c1')], ['c1']);
    for (let tick = 0; tick < 6; tick++) {
      await h.watcher.pass();
      h.advance(10_000);
    }
    assert.equal(h.calls.status.length, 6);
    assert.equal(h.calls.presets.length, 1);
    await h.watcher.pass();
    assert.equal(h.calls.presets.length, 2, 'a minute later, asked again');
  });

  it('keeps the last known position of a camera that cannot be reached, and logs it once', async () => {
    const h = harness([dome('c1')], ['c1']);
    h.heads.get('c1')!.position = balcon.position;
    await h.watcher.pass();
    assert.equal(h.positions.presetOf('c1'), 'p1');
    h.heads.get('c1')!.reachable = false;
    for (let tick = 0; tick < 4; tick++) {
      h.advance(10_000);
      await h.watcher.pass();
    }
    assert.equal(h.calls.status.length, 5, 'still tried at each interval');
    assert.equal(h.positions.presetOf('c1'), 'p1', 'the last known preset stays');
    assert.deepEqual(
      h.logs.filter((entry) => entry.level === 'warn').map((entry) => entry.message),
      ['PTZ position not read: the last known one is kept'],
    );
    h.heads.get('c1')!.reachable = true;
    h.heads.get('c1')!.position = { pan: -0.9, tilt: 0, zoom: 0 };
    h.advance(10_000);
    await h.watcher.pass();
    assert.equal(h.positions.presetOf('c1'), null);
    assert.equal(h.logs.filter((entry) => entry.message === 'PTZ position read again').length, 1);
  });

  it('keeps watching the cameras it had when the inventory cannot be read, and logs that once', async () => {
    const h = harness([dome('c1')], ['c1']);
    await h.watcher.pass();
    const list = watcherDeps(h).cameras.list;
    watcherDeps(h).cameras.list = async () => {
      throw new Error('database unavailable');
    };
    h.heads.get('c1')!.position = balcon.position;
    for (let tick = 0; tick < 3; tick++) {
      h.advance(10_000);
      await h.watcher.pass();
    }
    assert.equal(h.positions.presetOf('c1'), 'p1', 'still read');
    assert.equal(h.logs.filter((entry) => entry.level === 'warn').length, 1);
    watcherDeps(h).cameras.list = list;
  });

  it('leaves the word of a command of this process for the grace period, including over a read under way', async () => {
    const h = harness([dome('c1')], ['c1']);
    h.watcher.noteCommand('c1'); // what the command subscription calls (see the next test)
    h.positions.set('c1', 'p1'); // the go-to's word: the head is still on its way
    h.heads.get('c1')!.moving = true;
    await h.watcher.pass();
    assert.equal(h.calls.status.length, 0, 'not read during the grace');
    h.advance(5000);
    let release!: () => void;
    h.holdStatusUntil(new Promise<void>((resolve) => (release = resolve)));
    const entered = h.nextStatusRead();
    const reading = h.watcher.pass();
    await entered; // the read is under way
    h.advance(100);
    h.watcher.noteCommand('c1'); // another go-to while the read was under way
    release();
    await reading;
    h.holdStatusUntil(undefined);
    assert.equal(h.calls.status.length, 1);
    assert.equal(h.positions.presetOf('c1'), 'p1', 'the stale MOVING read is dropped');
    h.advance(5000);
    h.heads.get('c1')!.moving = false;
    h.heads.get('c1')!.position = { pan: 0.2, tilt: 0, zoom: 0 };
    await h.watcher.pass();
    assert.equal(h.positions.presetOf('c1'), null, 'after the grace, what the camera says');
  });

  it('runs as the ptz.position-watch job: follows the commands while started, reads due cameras at each pass, nothing after stop', async () => {
    const h = harness([dome('c1')], ['c1']);
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 }); // the registry's timer and the watcher's real-time clock (Date.now)
    try {
      const fast = new PtzPositionWatcher({ ...watcherDeps(h) }, { intervalMs: 200, movingRecheckMs: 100 });
      const registry = new JobRegistry({ clock: new ManualClock() });
      registry.add([positionWatchJob(fast, 100)]);
      await registry.start(['recorder']);
      assert.equal(h.commandListeners.size, 1);
      await settle();
      assert.equal(h.calls.status.length, 0, 'the first pass comes with the first tick');
      for (let elapsed = 100; elapsed <= 1000; elapsed += 100) {
        mock.timers.tick(100);
        await settle();
      }
      // A pass every 100 ms (the recheck), each reading the camera once 200 ms (the interval) have passed.
      assert.deepEqual(h.calls.status, ['c1', 'c1', 'c1', 'c1', 'c1']);
      await registry.stop();
      assert.equal(h.commandListeners.size, 0);
      mock.timers.tick(1000);
      await settle();
      assert.equal(h.calls.status.length, 5, 'nothing read after stop: no timer left behind');
    } finally {
      mock.timers.reset();
    }
  });
});

/** The harness's dependencies again, for a watcher with real time. */
function watcherDeps(h: ReturnType<typeof harness>): PtzWatcherDeps {
  return (h.watcher as unknown as { deps: PtzWatcherDeps }).deps;
}
