// The recorder role's reconciliation with fake recorders: only enabled, authorised cameras are
// recorded; a camera that loses its authorisation is stopped; a changed URL, password,
// recording engine or RTSP transport restarts its recorder; state changes reach the subscriber; a camera whose credentials or
// masks cannot be read is stopped and reported once while the others are reconciled, and an
// unreadable inventory stops every recorder (LEGAL 4: no stale unmasked recorder).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypedEvents } from '../../platform/processes.ts';
import type { RecorderCamera, RecorderEvents } from './recorder.ts';
import { RecorderFleet, type FleetCamera, type FleetRecorder, type UnreadableConfiguration } from './recorder-fleet.ts';
import type { RecorderState, RecorderStateChange } from './recording.types.ts';

class FakeRecorder implements FleetRecorder {
  readonly events = new TypedEvents<RecorderEvents>();
  state: RecorderState = 'stopped';
  constructor(readonly camera: RecorderCamera) {}
  async start(): Promise<void> {
    this.move('starting');
  }
  async stop(): Promise<void> {
    this.move('stopped');
  }
  move(to: RecorderState): void {
    const from = this.state;
    this.state = to;
    this.events.emit('state', { cameraId: this.camera.id, communeInsee: this.camera.communeInsee, from, to, at: new Date(0) });
  }
}

function setup(initial: FleetCamera[]) {
  let cameras = initial;
  const passwords = new Map<string, string>([['c1', 'one']]);
  const created: FakeRecorder[] = [];
  const changes: RecorderStateChange[] = [];
  const fleet = new RecorderFleet({
    listCameras: async () => cameras,
    credentials: async (id) => (passwords.has(id) ? { username: 'admin', password: passwords.get(id)! } : null),
    createRecorder: (camera) => {
      const recorder = new FakeRecorder(camera);
      created.push(recorder);
      return recorder;
    },
    onState: (change) => changes.push(change),
  });
  return {
    fleet,
    created,
    changes,
    passwords,
    setCameras: (next: FleetCamera[]) => {
      cameras = next;
    },
  };
}

const camera = (id: string, state: string, url = `rtsp://10.0.0.1/${id}`): FleetCamera => ({ id, communeInsee: '21038', mainStreamUrl: url, state });

describe('RecorderFleet', () => {
  it('records only enabled, authorised cameras, with their credentials', async () => {
    const h = setup([camera('c1', 'unknown'), camera('c2', 'unauthorised'), camera('c3', 'disabled'), camera('c4', 'failed')]);
    assert.deepEqual(await h.fleet.reconcile(), { started: ['c1', 'c4'], stopped: [] });
    assert.deepEqual(h.fleet.cameraIds, ['c1', 'c4']);
    assert.deepEqual(h.created[0]!.camera.credentials, { username: 'admin', password: 'one' });
    assert.equal(h.created[1]!.camera.credentials, undefined);
    assert.deepEqual(
      h.changes.map((change) => `${change.cameraId}:${change.to}`),
      ['c1:starting', 'c4:starting'],
    );
  });

  it('stops a camera that lost its authorisation, and restarts one whose URL or password changed', async () => {
    const h = setup([camera('c1', 'recording'), camera('c2', 'recording')]);
    await h.fleet.reconcile();
    h.setCameras([camera('c1', 'recording'), camera('c2', 'unauthorised')]);
    assert.deepEqual(await h.fleet.reconcile(), { started: [], stopped: ['c2'] });
    assert.equal(h.created[1]!.state, 'stopped');
    h.passwords.set('c1', 'two');
    assert.deepEqual(await h.fleet.reconcile(), { started: ['c1'], stopped: ['c1'] });
    h.setCameras([camera('c1', 'recording', 'rtsp://10.0.0.9/c1')]);
    assert.deepEqual(await h.fleet.reconcile(), { started: ['c1'], stopped: ['c1'] });
    assert.equal(h.created.length, 4);
    assert.equal(h.created[3]!.camera.rtspUrl, 'rtsp://10.0.0.9/c1');
    await h.fleet.stopAll();
    assert.deepEqual(h.fleet.cameraIds, []);
    assert.ok(h.created.every((recorder) => recorder.state === 'stopped'));
  });

  it('restarts only the recorder whose engine changed, and tells the new one its engine (absent: native)', async () => {
    const h = setup([camera('c1', 'recording'), { ...camera('c2', 'recording'), engine: 'native' }]);
    await h.fleet.reconcile();
    assert.deepEqual(
      h.created.map((recorder) => recorder.camera.engine),
      ['native', 'native'],
    );
    h.setCameras([{ ...camera('c1', 'recording'), engine: 'native' }, camera('c2', 'recording')]);
    assert.deepEqual(await h.fleet.reconcile(), { started: [], stopped: [] }, 'absent and native are the same engine');
    h.setCameras([{ ...camera('c1', 'recording'), engine: 'ffmpeg' }, camera('c2', 'recording')]);
    assert.deepEqual(await h.fleet.reconcile(), { started: ['c1'], stopped: ['c1'] });
    assert.equal(h.created[0]!.state, 'stopped');
    assert.equal(h.created.length, 3);
    assert.equal(h.created[2]!.camera.engine, 'ffmpeg');
    assert.equal(h.created[2]!.camera.gapReason, undefined, 'a restart for the engine is not a mask change');
    assert.deepEqual(await h.fleet.reconcile(), { started: [], stopped: [] });
    h.setCameras([camera('c1', 'recording'), camera('c2', 'recording')]);
    assert.deepEqual(await h.fleet.reconcile(), { started: ['c1'], stopped: ['c1'] }, 'back to native');
    assert.equal(h.created[3]!.camera.engine, 'native');
  });

  it('restarts only the recorder whose RTSP transport changed, and tells the new one its transport (absent: tcp)', async () => {
    const h = setup([camera('c1', 'recording'), { ...camera('c2', 'recording'), rtspTransport: 'udp' }]);
    await h.fleet.reconcile();
    assert.deepEqual(
      h.created.map((recorder) => recorder.camera.rtspTransport),
      ['tcp', 'udp'],
    );
    h.setCameras([
      { ...camera('c1', 'recording'), rtspTransport: 'tcp' },
      { ...camera('c2', 'recording'), rtspTransport: 'udp' },
    ]);
    assert.deepEqual(await h.fleet.reconcile(), { started: [], stopped: [] }, 'absent and tcp are the same transport');
    h.setCameras([
      { ...camera('c1', 'recording'), rtspTransport: 'auto' },
      { ...camera('c2', 'recording'), rtspTransport: 'udp' },
    ]);
    assert.deepEqual(await h.fleet.reconcile(), { started: ['c1'], stopped: ['c1'] });
    assert.equal(h.created[0]!.state, 'stopped');
    assert.equal(h.created[2]!.camera.rtspTransport, 'auto');
    assert.equal(h.created[2]!.camera.gapReason, undefined, 'a restart for the transport is not a mask change');
    assert.deepEqual(await h.fleet.reconcile(), { started: [], stopped: [] });
    h.setCameras([{ ...camera('c1', 'recording'), rtspTransport: 'auto' }, camera('c2', 'recording')]);
    assert.deepEqual(await h.fleet.reconcile(), { started: ['c2'], stopped: ['c2'] }, 'udp back to tcp');
    assert.equal(h.created[3]!.camera.rtspTransport, 'tcp');
    assert.equal(h.created.length, 4);
  });

  it('shares one pass between concurrent reconciles', async () => {
    const h = setup([camera('c1', 'unknown')]);
    const [first, second] = await Promise.all([h.fleet.reconcile(), h.fleet.reconcile()]);
    assert.equal(first, second);
    assert.equal(h.created.length, 1);
  });

  it('burns in the privacy mask, restarts only the camera whose mask changed, and never records a masked camera without its image', async () => {
    const square = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
    ] as const;
    let cameras: FleetCamera[] = [{ ...camera('c1', 'recording'), mask: { version: 'v1', polygons: [square] } }, camera('c2', 'recording')];
    const written: string[] = [];
    let failWrites = false;
    const created: FakeRecorder[] = [];
    const fleet = new RecorderFleet({
      listCameras: async () => cameras,
      credentials: async () => null,
      createRecorder: (recorderCamera) => {
        const recorder = new FakeRecorder(recorderCamera);
        created.push(recorder);
        return recorder;
      },
      writeMaskImage: async (fleetCamera, mask) => {
        if (failWrites) throw new Error('disk full');
        written.push(`${fleetCamera.id}:${mask.version}`);
        return `/data/masks/${fleetCamera.id}.mask.png`;
      },
    });
    assert.deepEqual(await fleet.reconcile(), { started: ['c1', 'c2'], stopped: [] });
    assert.deepEqual(
      created.map((recorder) => recorder.camera.mask),
      [{ imagePath: '/data/masks/c1.mask.png' }, undefined],
    );
    assert.deepEqual(written, ['c1:v1']);
    assert.deepEqual(await fleet.reconcile(), { started: [], stopped: [] }, 'same version: nothing restarts');

    cameras = [{ ...camera('c1', 'recording'), mask: { version: 'v2', polygons: [square, square] } }, camera('c2', 'recording')];
    assert.deepEqual(await fleet.reconcile(), { started: ['c1'], stopped: ['c1'] }, 'a mask change restarts that camera only');
    assert.deepEqual(written, ['c1:v1', 'c1:v2']);

    cameras = [camera('c1', 'recording'), { ...camera('c2', 'recording'), mask: { version: 'v3', polygons: [square] } }];
    failWrites = true;
    const changed = await fleet.reconcile();
    assert.deepEqual(
      { started: changed.started, stopped: changed.stopped.sort() },
      { started: ['c1'], stopped: ['c1', 'c2'] },
      'c1 unmasked restarts; c2 cannot get its mask image',
    );
    assert.deepEqual(fleet.cameraIds, ['c1']);
    assert.equal(created.at(-1)!.camera.mask, undefined);
    failWrites = false;
    assert.deepEqual(await fleet.reconcile(), { started: ['c2'], stopped: [] }, 'retried at the next reconcile');
    assert.deepEqual(created.at(-1)!.camera.mask, { imagePath: '/data/masks/c2.mask.png' });

    const withoutWriter = new RecorderFleet({
      listCameras: async () => cameras,
      credentials: async () => null,
      createRecorder: (recorderCamera) => new FakeRecorder(recorderCamera),
    });
    assert.deepEqual(await withoutWriter.reconcile(), { started: ['c1'], stopped: [] }, 'no writer configured: the masked camera is not recorded');
    await Promise.all([fleet.stopAll(), withoutWriter.stopAll()]);
  });

  it('stops a camera whose credentials cannot be read, reports it once, and still reconciles the others (a new mask reaches them)', async () => {
    const square = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
    ] as const;
    let cameras: FleetCamera[] = [camera('c1', 'recording'), camera('c2', 'recording')];
    const broken = new Set<string>();
    const reports: UnreadableConfiguration[] = [];
    const created: FakeRecorder[] = [];
    const fleet = new RecorderFleet({
      listCameras: async () => cameras,
      credentials: async (id) => {
        if (broken.has(id)) throw new SyntaxError('Unexpected token, "admin:s3cret" is not valid JSON');
        return null;
      },
      createRecorder: (recorderCamera) => {
        const recorder = new FakeRecorder(recorderCamera);
        created.push(recorder);
        return recorder;
      },
      writeMaskImage: async (fleetCamera) => `/data/masks/${fleetCamera.id}.mask.png`,
      onUnreadable: (report) => {
        reports.push(report);
      },
    });
    assert.deepEqual(await fleet.reconcile(), { started: ['c1', 'c2'], stopped: [] });
    broken.add('c2');
    const masking = { version: '0123456789abcdef', mode: 'server' as const, revisions: ['r1'], polygons: [square] };
    cameras = [{ ...camera('c1', 'recording'), mask: { version: 'v1', polygons: [square] }, masking }, camera('c2', 'recording')];
    const result = await fleet.reconcile();
    assert.deepEqual(
      { started: result.started, stopped: result.stopped.sort() },
      { started: ['c1'], stopped: ['c1', 'c2'] },
      'c2 stopped, c1 restarted with its new mask',
    );
    assert.equal(created[1]!.state, 'stopped', 'no stale recorder for the unreadable camera');
    assert.deepEqual(fleet.cameraIds, ['c1']);
    assert.deepEqual(created.at(-1)!.camera.masking, masking, 'the recorder is told the masking its segments carry');
    assert.deepEqual(
      reports,
      [{ cameraId: 'c2', communeInsee: '21038', stage: 'credentials', error: 'credentials not readable (SyntaxError)' }],
      'the secret in the parse error is not repeated',
    );
    await fleet.reconcile();
    assert.equal(reports.length, 1, 'reported once while it stays unreadable');
    broken.delete('c2');
    assert.deepEqual(await fleet.reconcile(), { started: ['c2'], stopped: [] }, 'readable again: recorded again');
    broken.add('c2');
    await fleet.reconcile();
    assert.equal(reports.length, 2, 'a new episode is reported again');
    await fleet.stopAll();
  });

  it('stops a camera whose masks cannot be read, and every recorder when the inventory cannot be read', async () => {
    let cameras: FleetCamera[] | Error = [camera('c1', 'recording'), camera('c2', 'recording')];
    const reports: UnreadableConfiguration[] = [];
    const created: FakeRecorder[] = [];
    const fleet = new RecorderFleet({
      listCameras: async () => {
        if (cameras instanceof Error) throw cameras;
        return cameras;
      },
      credentials: async () => null,
      createRecorder: (recorderCamera) => {
        const recorder = new FakeRecorder(recorderCamera);
        created.push(recorder);
        return recorder;
      },
      onUnreadable: (report) => {
        reports.push(report);
        throw new Error('listener down');
      },
    });
    await fleet.reconcile();
    cameras = [camera('c1', 'recording'), { ...camera('c2', 'recording'), configError: 'privacy mask m9 unreadable' }];
    assert.deepEqual(await fleet.reconcile(), { started: [], stopped: ['c2'] });
    assert.deepEqual(
      reports.map((report) => [report.cameraId, report.stage]),
      [['c2', 'masks']],
    );
    cameras = new Error('database unreachable');
    const blind = await fleet.reconcile();
    assert.deepEqual(blind, { started: [], stopped: ['c1'] }, 'what each camera must burn in is not known: nothing keeps recording');
    assert.ok(created.every((recorder) => recorder.state === 'stopped'));
    assert.deepEqual(reports.at(-1), { cameraId: null, communeInsee: null, stage: 'inventory', error: 'database unreachable' });
    cameras = [camera('c1', 'recording'), camera('c2', 'recording')];
    assert.deepEqual(await fleet.reconcile(), { started: ['c1', 'c2'], stopped: [] }, 'readable again: both recorded');
    await fleet.stopAll();
  });
});
