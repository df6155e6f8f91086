// Masks of a PTZ preset followed by the recorder (LEGAL 4), on both databases, with the
// simulator's PTZ camera, the real ffmpeg and the recorder role whole: a preset saved through
// the PTZ API gets a mask of its own; going to it restarts the camera's recorder at once (not
// at the periodic reconcile) with that mask burnt in (frames of a newly recorded segment are
// uniform inside the polygon) and loses a fraction of a second at most (the native ingest starts
// again on the camera's keyframe; a hole over 250 ms is a `mask_changed` gap); a continuous
// move away drops it (camera-wide mask only); a go-to to a preset without masks of its own
// restarts nothing. Everything started here is stopped in `after`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { maskedAreasUniform, type MaskPolygon } from '../../platform/media/mask-image.ts';
import { silentLog } from '../../platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { topLeftQuarter, topRightQuarter } from '../../testing/mask-polygons.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { isAlive, sleep, waitFor } from '../../testing/wait.ts';
import { MASK_CHANGED_GAP_REASON } from './recorder-fleet.ts';
import type { RecordingRole } from './recording.role.ts';
import { grabGrayFrame } from '../../testing/frames.ts';

const COMMUNE = '38999';
const WIDTH = 320;
const HEIGHT = 180;
const TOLERANCE = 3;

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  simulator = await startSimulator({
    count: 1,
    camerasPerSite: 1,
    loopSeconds: 6,
    controlPort: false,
    main: { width: WIDTH, height: HEIGHT, fps: 8, bitrateKbps: 250, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 80, gopSeconds: 1 },
  });
});
after(async () => {
  await Promise.all(roles.map((role) => role.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`masks of a PTZ preset [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let role: RecordingRole;
    let operator: SignedIn;
    let cameraId = '';
    let maskedPreset = '';
    let plainPreset = '';

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString(), clockRunning: true });
      const { services } = context;
      await services.communes.create({ insee: COMMUNE, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: COMMUNE, name: 'Mairie', kind: 'public_building' }, testCli);
      const dome = simulator!.cameras[0]!;
      assert.equal(dome.kind, 'ptz');
      cameraId = (
        await services.cameras.create(
          {
            siteId: site.id,
            name: dome.name,
            kind: 'ptz',
            fieldClass: 'narrow',
            mainStreamUrl: dome.rtspUrls.main,
            onvifUrl: dome.onvifUrl,
            credentials: dome.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        )
      ).id;
      await services.authorisations.create(
        {
          reference: 'AP-PTZ-MASKS',
          communeInsee: COMMUNE,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Mairie',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: [cameraId],
        },
        testCli,
      );
      operator = await signIn(context, 'operator', [COMMUNE]);
      // The periodic reconcile is out of the way (1 h): only the PTZ position change can restart the recorder.
      role = services.recordingModule.api.createRole(
        {
          segmentSeconds: 2,
          recorderTuning: {
            pollIntervalMs: 250,
            socketTimeoutSeconds: 3,
            stallTimeoutMs: 5000,
            backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
          },
        },
        { log: silentLog },
      );
      roles.push(role);
    });
    after(async () => {
      await role?.stop();
      await context?.close();
    });

    const ptz = async (path: string, payload: object = {}) => {
      const response = await operator.request({ method: 'POST', url: `/api/cameras/${cameraId}/ptz${path}`, payload });
      assert.ok(response.statusCode < 300, `${path}: ${response.statusCode} ${response.body}`);
      return response.json();
    };
    const pid = () => role.fleet.pidOf(cameraId);

    /** Waits for the recorder's ffmpeg to be another than `previous`, then for a whole segment of the new run; returns its frames. */
    async function framesOfNewRun(previous: number | undefined): Promise<{ pid: number; frames: Uint8Array[] }> {
      await waitFor('the recorder restarted', () => pid() !== undefined && pid() !== previous, 10_000, 50);
      const restartedAt = Date.now();
      const repository = context.services.recordingRepository;
      let segment: Awaited<ReturnType<typeof repository.segmentsOverlapping>>[number] | undefined;
      // The first segment indexed after the restart may be the old run's last, short piece
      // (its start anchored late): the second one is surely the new run's.
      await waitFor(
        'a second segment after the restart',
        async () => {
          segment = (await repository.segmentsOverlapping(cameraId, restartedAt - 60_000, Date.now() + 60_000)).filter((row) => row.startMs >= restartedAt)[1];
          return segment !== undefined;
        },
        20_000,
        250,
      );
      const file = join(context.config.recordingsDir, segment!.path);
      return { pid: pid()!, frames: [await grabGrayFrame(file, WIDTH, HEIGHT, 0), await grabGrayFrame(file, WIDTH, HEIGHT, 0.5)] };
    }

    const uniform = (frame: Uint8Array, polygon: MaskPolygon) => maskedAreasUniform(frame, WIDTH, HEIGHT, [polygon], TOLERANCE).uniform;
    const maskChangedGaps = async () =>
      (await context.services.recordingRepository.gapsOverlapping(cameraId, 0, Date.now() + 60_000)).filter((gap) => gap.reason === MASK_CHANGED_GAP_REASON);

    it('saves two presets, a mask for one of them, and records with the camera-wide mask only', async () => {
      maskedPreset = (await ptz('/presets', { name: 'Balcon' })).token;
      await ptz('/move', { pan: 0.6, tilt: 0, zoom: 0 });
      await sleep(300);
      await ptz('/stop');
      plainPreset = (await ptz('/presets', { name: 'Parvis' })).token;
      assert.notEqual(maskedPreset, plainPreset);
      assert.equal(context.services.ptzPositions.presetOf(cameraId), plainPreset, 'a preset just saved is where the camera is');
      await context.services.masks.create({ cameraId, name: 'Fenêtres', polygons: [topLeftQuarter] }, testCli);
      await context.services.masks.create({ cameraId, name: 'Balcon privé', presetToken: maskedPreset, polygons: [topRightQuarter] }, testCli);

      await role.start();
      const { frames } = await framesOfNewRun(undefined);
      for (const frame of frames) {
        assert.equal(uniform(frame, topLeftQuarter), true, 'the camera-wide mask is burnt in');
        assert.equal(uniform(frame, topRightQuarter), false, 'at the preset without masks of its own (the last one saved), the balcony is not masked');
      }
    });

    it('burns the preset’s mask in at once when the camera goes to that preset, leaving a mask_changed gap', async () => {
      const before = pid();
      await ptz(`/presets/${maskedPreset}/goto`);
      const { pid: after, frames } = await framesOfNewRun(before);
      await waitFor('the old ffmpeg gone', () => !isAlive(before), 5000);
      assert.notEqual(after, before);
      for (const frame of frames) {
        assert.equal(uniform(frame, topRightQuarter), true, 'the preset’s mask is burnt in');
        assert.equal(uniform(frame, topLeftQuarter), true, 'with the camera-wide one');
        assert.equal(
          maskedAreasUniform(frame, WIDTH, HEIGHT, [topLeftQuarter, topRightQuarter], TOLERANCE).outsideStandardDeviation > 20,
          true,
          'the rest has detail',
        );
      }
      // The new recorder's ingest starts on the keyframe the camera answers PLAY with: the switch loses a fraction of a
      // second at most, indexed as a `mask_changed` gap when over the native tolerance (250 ms); nothing else is missing.
      const gaps = await context.services.recordingRepository.gapsOverlapping(cameraId, 0, Date.now() + 60_000);
      assert.ok(gaps.length <= 1, JSON.stringify(gaps));
      for (const gap of gaps) {
        assert.equal(gap.reason, MASK_CHANGED_GAP_REASON);
        assert.ok(gap.endMs - gap.startMs < 3000, `a short gap: ${gap.endMs - gap.startMs} ms`);
      }
    });

    it('drops the preset’s mask after a continuous move away (camera-wide mask only)', async () => {
      const before = pid();
      await ptz('/move', { pan: -0.4, tilt: 0, zoom: 0 });
      const { frames } = await framesOfNewRun(before);
      for (const frame of frames) {
        assert.equal(uniform(frame, topLeftQuarter), true);
        assert.equal(uniform(frame, topRightQuarter), false, 'away from the preset, its mask no longer applies');
      }
      assert.ok((await maskChangedGaps()).length <= 2);
    });

    it('restarts nothing for a go-to to a preset without masks of its own, nor for more moves', async () => {
      const before = pid();
      const gapsBefore = (await maskChangedGaps()).length;
      await ptz(`/presets/${plainPreset}/goto`);
      await ptz('/move', { pan: 0.2, tilt: 0, zoom: 0 });
      await sleep(300);
      await role.refreshMasks(cameraId); // after the passes the moves asked for
      assert.equal(pid(), before, 'the same ffmpeg: the polygons in force did not change');
      assert.ok(isAlive(before));
      assert.equal(role.recorderState(cameraId), 'recording');
      assert.equal((await maskChangedGaps()).length, gapsBefore, 'no new gap');
    });
  });
}
