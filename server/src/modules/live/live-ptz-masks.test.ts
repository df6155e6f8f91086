// Live sub-streams follow the masks of a PTZ preset (LEGAL 4), no camera (a fake ffmpeg, a fake
// RTSP client that never answers): the sub-stream is built with the polygons in force at the
// camera's position, and a preset with masks reached or left restarts it at once with the new
// mask image (not at the 10 s check), while a preset without masks of its own changes nothing.
// The masked sub-stream's ffmpeg reads the ingest's fragmented MP4 on stdin: it opens no camera.
import { EventBus } from '../../platform/events.ts';
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { TypedEvents, type SpawnedChild, type Spawner } from '../../platform/processes.ts';
import type { RtspClient } from '../../platform/rtsp/index.ts';
import type { Principal } from '../access/index.ts';
import type { CameraView } from '../cameras/index.ts';
import type { FleetMask } from '../masks/index.ts';
import { PtzPositions, type PresetPositions } from '../ptz/index.ts';
import { LiveService } from './live.service.ts';

const HOME = '38999';
const wide: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];
const balcony: MaskPolygon = [
  [0.5, 0],
  [1, 0],
  [1, 0.5],
  [0.5, 0.5],
];
const operator: Principal = {
  kind: 'user',
  id: 'u-op',
  login: 'operator-1',
  role: 'operator',
  allCommunes: false,
  communes: [HOME],
  actionSubset: null,
  approvalReference: 'AGR-1',
  approvalExpiresOn: '2030-01-01',
  trainingDate: '2026-01-15',
  imageAccessConfirmed: true,
};
const dome = {
  id: 'dome',
  communeInsee: HOME,
  name: 'Dôme',
  kind: 'ptz',
  state: 'recording',
  subStreamUrl: 'rtsp://127.0.0.1/sub',
  mainStreamUrl: 'rtsp://127.0.0.1/main',
} as CameraView;

function fakeFfmpeg() {
  const runs: string[][] = [];
  const spawner: Spawner = (_command, args) => {
    runs.push([...args]);
    let exit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
    const child: SpawnedChild = {
      pid: 2000 + runs.length,
      onStdout: () => undefined,
      onStderr: () => undefined,
      onExit: (listener) => {
        exit = listener;
      },
      writeStdin: () => undefined,
      stdinBufferedBytes: () => 0,
      endStdin: () => {
        setImmediate(() => exit?.(0, null));
      },
      kill: () => setImmediate(() => exit?.(null, 'SIGTERM')),
    };
    return child;
  };
  return { runs, spawner };
}

function setup() {
  const positions = new PtzPositions();
  // As the ptz module does: each change of position is an event on the bus.
  const events = new EventBus();
  positions.onChange((cameraId, presetToken) => events.emit('ptz.positionChanged', { cameraId, presetToken }));
  const { runs, spawner } = fakeFfmpeg();
  const written: MaskPolygon[][] = [];
  const live = new LiveService({
    clock: new ManualClock('2026-12-01T10:00:00.000Z'),
    audit: { recordAlone: async () => 1, recordImageAccess: async () => 1 },
    cameras: { get: async () => dome, list: async () => [dome], streamCredentials: async () => null },
    recipientsOf: async () => [],
    // The masks service's rule in small: camera-wide everywhere, the balcony's at preset `p-balcony` only.
    masks: {
      recorderMasks: async (ids: readonly string[], at?: PresetPositions) => {
        const polygons = at?.presetOf('dome') === 'p-balcony' ? [wide, balcony] : [wide];
        return new Map<string, FleetMask>(ids.map((id) => [id, { version: `v${polygons.length}`, polygons }]));
      },
    },
    ptzPositions: positions,
    maskImages: {
      write: async (_cameraId, mask) => {
        written.push([...mask.polygons]);
        return '/data/masks/dome.mask.png';
      },
    },
    spawner,
    // The camera never answers: nothing is fed, the test watches the ffmpeg runs only.
    createRtspClient: () => ({ events: new TypedEvents(), start: () => new Promise(() => undefined), stop: async () => undefined }) as unknown as RtspClient,
    tuning: { checkIntervalMs: 3_600_000 },
    events,
    recorder: {
      current: () => ({
        live: { subscribe: () => () => undefined, snapshot: async () => null },
        recorderState: () => 'recording',
        fleet: { cameraIds: ['dome'] },
      }),
    },
  });
  return { live, positions, runs, written };
}

// Time is node:test's mock clock (setTimeout, setInterval, Date): a fed ffmpeg is stopped by closing
// its stdin, which the fake ffmpeg answers by exiting at once; the test moves the clock where it waits.

/** Lets the chains of promises and immediates under way run to their end: turns of the event loop, no time passing. */
async function settle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** Moves the mock clock by `stepMs` steps until `condition` holds, at most `limitMs`; returns the time it took. */
async function advanceUntil(what: string, condition: () => boolean, limitMs = 5000, stepMs = 100): Promise<number> {
  let elapsed = 0;
  await settle();
  while (!condition()) {
    if (elapsed >= limitMs) assert.fail(`${what}: not within ${limitMs} ms of mock time`);
    mock.timers.tick(stepMs);
    elapsed += stepMs;
    await settle();
  }
  return elapsed;
}

describe('live sub-stream masks at a PTZ position', () => {
  it('starts with the polygons in force where the camera is, and follows a preset reached or left at once', async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    t.after(() => mock.timers.reset());
    const { live, positions, runs, written } = setup();
    positions.set('dome', 'p-balcony');
    const viewing = await live.openViewing(
      { cameraId: 'dome', stream: 'sub', transport: 'websocket' },
      { actor: { type: 'user', id: operator.id, login: operator.login }, principal: operator },
    );
    assert.equal(viewing.description.transcoded, true, 'masked: re-encoded');
    assert.deepEqual(written, [[wide, balcony]], 'built at the balcony preset: its mask too');
    await settle();
    assert.equal(runs.length, 1);
    assert.ok(runs[0]!.includes('/data/masks/dome.mask.png'), 'the mask image is overlaid');
    assert.ok(runs[0]!.includes('pipe:0') && !runs[0]!.some((arg) => /rtsps?:|ffconcat/.test(arg)), `ffmpeg opens no camera: ${runs[0]!.join(' ')}`);

    positions.set('dome', null); // a continuous move away
    await settle();
    assert.deepEqual(written.at(-1), [wide], 'camera-wide only, written at once');
    assert.equal(await advanceUntil('the sub-stream started over with it', () => runs.length === 2), 0, 'at once: its stdin closed, ffmpeg left');

    positions.set('dome', 'p-porch'); // a preset without masks of its own
    await settle();
    assert.equal(written.length, 2, 'nothing written');
    assert.equal(runs.length, 2, 'no restart');

    positions.set('dome', 'p-balcony');
    await settle();
    assert.deepEqual(written.at(-1), [wide, balcony]);
    assert.equal(await advanceUntil('the sub-stream started over again', () => runs.length === 3), 0);
    let stopped = false;
    void live.stop().then(() => {
      stopped = true;
    });
    await advanceUntil('the live service stopped', () => stopped);
    assert.equal(runs.length, 3, 'no run after stop');
    positions.set('dome', null);
    await settle();
    assert.equal(written.length, 3, 'a stopped live service no longer follows');
  });
});
