// Masks of a PTZ preset followed (LEGAL 4), the pure and in-memory parts: the positions
// registry reports real changes only; the polygons in force at a preset and of every position;
// `recorderMasks` gives a new version at a preset that has masks and the same one at a preset
// that has none; the fleet restarts a recorder for a new mask with the gap reason
// `mask_changed`, and nothing for the same version; playback re-encodes older footage with
// every position's polygons unless the recorder's masking accounted for every mask, and that
// masking accounts for the presets the camera is not at.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypedEvents } from '../../platform/processes.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { databaseMasks } from '../playback/index.ts';
import { PtzPositions } from '../ptz/index.ts';
import {
  MASK_CHANGED_GAP_REASON,
  RecorderFleet,
  type FleetCamera,
  type FleetRecorder,
  type RecorderCamera,
  type RecorderEvents,
  type RecorderState,
} from '../recording/index.ts';
import { recorderMasking } from './masks.coverage.ts';
import type { MaskMode, PrivacyMask } from './masks.rules.ts';
import { polygonsInForce, polygonsOfEveryPosition } from './masks.rules.ts';
import { MasksService } from './masks.service.ts';

const left: MaskPolygon = [
  [0, 0],
  [0.25, 0],
  [0.25, 1],
  [0, 1],
];
const right: MaskPolygon = [
  [0.75, 0],
  [1, 0],
  [1, 1],
  [0.75, 1],
];
const middle: MaskPolygon = [
  [0.4, 0.4],
  [0.6, 0.4],
  [0.6, 0.6],
  [0.4, 0.6],
];

function mask(id: string, presetToken: string | null, polygons: MaskPolygon[], updatedAt = '2026-12-01T10:00:00.000Z'): PrivacyMask {
  return {
    id,
    cameraId: 'dome',
    communeInsee: '21038',
    presetToken,
    name: id,
    polygons,
    createdAt: updatedAt,
    createdBy: 'admin',
    updatedAt,
    updatedBy: 'admin',
    revision: `${id}-r1`,
  };
}

const domeMasks = [mask('m1', null, [left]), mask('m2', 'balcony', [right]), mask('m3', 'garden', [middle], '2026-12-01T11:00:00.000Z')];

function masksService(masks: PrivacyMask[], mode: MaskMode = 'server'): MasksService {
  const repository = {
    masksOfCameras: async (ids: readonly string[]) => new Map(ids.filter((id) => id === 'dome').map((id) => [id, masks])),
    masksOfCamerasByCamera: async (ids: readonly string[]) => ({
      masks: new Map(ids.filter((id) => id === 'dome').map((id) => [id, masks])),
      unreadable: new Map(),
    }),
    modesOf: async (ids: readonly string[]) => new Map(ids.map((id) => [id, mode])),
  };
  return new MasksService(repository as never, null as never, null as never, null as never);
}

describe('PtzPositions', () => {
  it('knows nothing at first, then tells its followers of real changes only', () => {
    const positions = new PtzPositions();
    const heard: [string, string | null][] = [];
    const unfollow = positions.onChange((cameraId, preset) => heard.push([cameraId, preset]));
    assert.equal(positions.presetOf('dome'), null, 'unknown at process start: camera-wide masks only');
    assert.equal(positions.set('dome', null), false, 'null again is no change');
    assert.equal(positions.set('dome', 'balcony'), true);
    assert.equal(positions.set('dome', 'balcony'), false, 'the same preset again (a patrol coming back) is no change');
    assert.equal(positions.presetOf('dome'), 'balcony');
    positions.set('dome', null);
    positions.set('dome', null); // a held joystick: a move every 500 ms
    assert.deepEqual(heard, [
      ['dome', 'balcony'],
      ['dome', null],
    ]);
    unfollow();
    positions.set('dome', 'garden');
    assert.equal(heard.length, 2);
  });

  it('keeps telling the other followers when one throws', () => {
    const errors: string[] = [];
    const positions = new PtzPositions((cameraId, error) => errors.push(`${cameraId}: ${(error as Error).message}`));
    let heard = 0;
    positions.onChange(() => {
      throw new Error('boom');
    });
    positions.onChange(() => {
      heard++;
    });
    positions.set('dome', 'balcony');
    assert.equal(heard, 1);
    assert.deepEqual(errors, ['dome: boom']);
  });
});

describe('polygons in force at a PTZ position', () => {
  it('gives camera-wide masks everywhere, a preset’s own only there, and every polygon for an unknown past', () => {
    assert.deepEqual(polygonsInForce(domeMasks, null), [left]);
    assert.deepEqual(polygonsInForce(domeMasks, 'balcony'), [left, right]);
    assert.deepEqual(polygonsInForce(domeMasks, 'porch'), [left], 'a preset without masks of its own');
    assert.deepEqual(polygonsOfEveryPosition([...domeMasks].reverse()), [left, right, middle], 'stable order');
  });

  it('recorderMasks follows the position: a new version at a preset with masks, the same one at a preset without', async () => {
    const service = masksService(domeMasks);
    const positions = new PtzPositions();
    const version = async () => (await service.recorderMasks(['dome', 'fixed'], positions)).get('dome')?.version;
    const cameraWide = await version();
    assert.equal(cameraWide, (await service.recorderMasks(['dome'])).get('dome')?.version, 'no positions given: camera-wide');
    positions.set('dome', 'balcony');
    const atBalcony = (await service.recorderMasks(['dome'], positions)).get('dome');
    assert.notEqual(atBalcony?.version, cameraWide);
    assert.deepEqual(atBalcony?.polygons, [left, right]);
    positions.set('dome', 'porch');
    assert.equal(await version(), cameraWide, 'a preset without masks: the same version, no restart');
    positions.set('dome', null);
    assert.equal(await version(), cameraWide);
  });

  it('burns nothing in for a camera that masks itself, wherever it points', async () => {
    const positions = new PtzPositions();
    positions.set('dome', 'balcony');
    assert.equal((await masksService(domeMasks, 'in_camera').recorderMasks(['dome'], positions)).size, 0);
  });

  it('masks a camera with preset masks only while it is at that preset', async () => {
    const service = masksService([mask('m2', 'balcony', [right])]);
    const positions = new PtzPositions();
    assert.equal((await service.recorderMasks(['dome'], positions)).size, 0, 'elsewhere: the copy path');
    positions.set('dome', 'balcony');
    assert.deepEqual((await service.recorderMasks(['dome'], positions)).get('dome')?.polygons, [right]);
  });
});

class FakeRecorder implements FleetRecorder {
  readonly events = new TypedEvents<RecorderEvents>();
  state: RecorderState = 'stopped';
  constructor(readonly camera: RecorderCamera) {}
  async start(): Promise<void> {
    this.state = 'starting';
  }
  async stop(): Promise<void> {
    this.state = 'stopped';
  }
}

describe('RecorderFleet and mask changes', () => {
  it('restarts for a new mask version with the gap reason mask_changed, and for nothing else when the version is the same', async () => {
    const base: FleetCamera = { id: 'dome', communeInsee: '21038', mainStreamUrl: 'rtsp://127.0.0.1/dome', state: 'recording' };
    let cameras: FleetCamera[] = [{ ...base, mask: { version: 'wide', polygons: [left] } }];
    const created: FakeRecorder[] = [];
    const fleet = new RecorderFleet({
      listCameras: async () => cameras,
      credentials: async () => null,
      createRecorder: (camera) => {
        const recorder = new FakeRecorder(camera);
        created.push(recorder);
        return recorder;
      },
      writeMaskImage: async (camera) => `/data/masks/${camera.id}.mask.png`,
    });
    await fleet.reconcile();
    assert.equal(created[0]!.camera.gapReason, undefined, 'a first start: the recorder’s own reason (recorder_started)');

    cameras = [{ ...base, mask: { version: 'balcony', polygons: [left, right] } }];
    assert.deepEqual(await fleet.reconcile(), { started: ['dome'], stopped: ['dome'] });
    assert.equal(created[1]!.camera.gapReason, MASK_CHANGED_GAP_REASON);
    assert.equal(MASK_CHANGED_GAP_REASON, 'mask_changed');

    assert.deepEqual(await fleet.reconcile(), { started: [], stopped: [] }, 'the same version: no restart');

    cameras = [{ ...base, mainStreamUrl: 'rtsp://127.0.0.1/dome2', mask: { version: 'wide', polygons: [left] } }];
    await fleet.reconcile();
    assert.equal(created[2]!.camera.gapReason, undefined, 'the URL changed too: not a mask change alone');

    cameras = [{ ...base, mainStreamUrl: 'rtsp://127.0.0.1/dome2', mask: null }];
    await fleet.reconcile();
    assert.equal(created[3]!.camera.gapReason, MASK_CHANGED_GAP_REASON, 'masks removed: a mask change too');
    assert.equal(created[3]!.camera.mask, undefined);
  });

  it('passOver waits for the pass under way', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fleet = new RecorderFleet({
      listCameras: async () => {
        await gate;
        return [];
      },
      credentials: async () => null,
      createRecorder: (camera) => new FakeRecorder(camera),
    });
    const pass = fleet.reconcile();
    let over = false;
    const waiting = fleet.passOver().then(() => {
      over = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(over, false);
    release();
    await Promise.all([pass, waiting]);
    assert.equal(over, true);
  });
});

describe('playback re-encode of footage whose PTZ position is unknown', () => {
  const history = domeMasks.map((entry) => ({
    revision: entry.revision,
    maskId: entry.id,
    presetToken: entry.presetToken,
    polygons: entry.polygons,
    validFromMs: Date.parse(entry.updatedAt),
    validToMs: null,
  }));
  const playbackMasks = (recorded: Map<string, { mode: MaskMode; revisions: Set<string>; burnt: boolean }>, versions: Map<number, string>) =>
    databaseMasks(
      { historySince: async () => history },
      { segmentMaskVersions: async () => versions, recordedMaskings: async () => recorded },
      { write: async () => '', pathOf: (key) => `/data/playback-masks/${key}.mask.png` },
    );

  it('serves as recorded a segment whose recorder accounted for every mask, presets included, wherever the camera pointed', async () => {
    const atBalcony = recorderMasking('server', domeMasks, polygonsInForce(domeMasks, 'balcony'));
    const recorded = new Map([[atBalcony.version, { mode: 'server' as const, revisions: new Set(atBalcony.revisions), burnt: true }]]);
    const plans = await playbackMasks(recorded, new Map([[1, atBalcony.version]])).plans('dome', [{ id: 1, startMs: Date.parse('2026-12-01T12:00:00.000Z') }]);
    assert.deepEqual(plans.get(1), { masking: 'recorded' });
  });

  it('re-encodes footage of unknown masking with every polygon, camera-wide and of every preset', async () => {
    const plans = await playbackMasks(new Map(), new Map([[1, 'unknown']])).plans('dome', [
      { id: 1, startMs: Date.parse('2026-12-01T09:00:00.000Z') },
      { id: 2, startMs: 0 },
    ]);
    const first = plans.get(1);
    assert.equal(first?.masking, 'reencoded');
    assert.deepEqual(first?.masking === 'reencoded' && first.polygons, [left, right, middle], 'oldest revision first');
    assert.equal(plans.get(2)?.masking, 'reencoded', 'a segment the index does not know: unknown, re-encoded');
  });
});

describe('the masking a PTZ camera’s recorder runs with', () => {
  it('accounts for every mask of the camera and keeps its version between presets without masks of their own', async () => {
    const service = masksService(domeMasks);
    const positions = new PtzPositions();
    const masking = async () => {
      const entry = (await service.recorderMasking(['dome', 'fixed'], positions)).get('dome');
      assert.ok(entry && 'masking' in entry);
      return entry;
    };
    const wide = await masking();
    assert.deepEqual(wide.masking.revisions, ['m1-r1', 'm2-r1', 'm3-r1'], 'presets elsewhere included: the recorder knows the camera is not there');
    assert.deepEqual(wide.masking.polygons, [left]);
    positions.set('dome', 'nowhere');
    assert.equal((await masking()).masking.version, wide.masking.version, 'a preset without masks: same masking, no restart');
    positions.set('dome', 'balcony');
    const balcony = await masking();
    assert.notEqual(balcony.masking.version, wide.masking.version);
    assert.deepEqual(balcony.burn?.polygons, [left, right]);
    assert.equal((await service.recorderMasking(['fixed'])).size, 0, 'a camera without masks: none');
    const inCamera = (await masksService(domeMasks, 'in_camera').recorderMasking(['dome'])).get('dome');
    assert.ok(inCamera && 'masking' in inCamera);
    assert.deepEqual([inCamera.burn, inCamera.masking.mode, inCamera.masking.polygons, inCamera.masking.revisions.length], [null, 'in_camera', [], 3]);
  });
});
