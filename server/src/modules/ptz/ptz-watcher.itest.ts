// The PTZ position watcher on both databases, with the simulator's PTZ camera on loopback, the
// real ffmpeg and the recorder role whole. Every move is sent DIRECTLY to the camera's ONVIF
// endpoint by another client (not through Vigie's PTZ service, so no command callback fires):
// the watcher learns where the camera is when it starts (restarting nothing when the polygons
// stay the same), sees a go-to to a preset with masks of its own within two ticks, after which
// the recorder burns that preset's mask in (mask_changed gap), and sees a continuous move away,
// after which it records with the camera-wide mask only; a camera in `in_camera` mode is no
// longer read. Everything started here is stopped.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { maskedAreasUniform, type MaskPolygon } from '../../platform/media/mask-image.ts';
import { OnvifPtzClient, type OnvifCamera } from '../../platform/onvif/index.ts';
import { silentLog } from '../../platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { topLeftQuarter, topRightQuarter } from '../../testing/mask-polygons.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { waitFor } from '../../testing/wait.ts';
import { JobRegistry } from '../../platform/jobs.ts';
import { PtzPositionWatcher, positionWatchJob } from './ptz-watcher.ts';
import { MASK_CHANGED_GAP_REASON, type RecordingRole } from '../recording/index.ts';
import { grabGrayFrame } from '../../testing/frames.ts';

const COMMUNE = '38998';
const WIDTH = 320;
const HEIGHT = 180;
const TOLERANCE = 3;
const TICK_MS = 400;

let simulator: Simulator | undefined;
const stoppables: Array<{ stop(): Promise<void> }> = [];

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
  await Promise.all(stoppables.map((running) => running.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`PTZ position read back from the camera [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let role: RecordingRole;
    let watcher: PtzPositionWatcher;
    let watchJobs: JobRegistry;
    let cameraId = '';
    let maskedPreset = '';
    let plainPreset = '';
    // Another ONVIF client (the camera's own keyboard, a third-party VMS): Vigie hears nothing of its commands.
    const otherClient = new OnvifPtzClient();
    let direct: OnvifCamera;

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString(), clockRunning: true });
      const { services } = context;
      await services.communes.create({ insee: COMMUNE, name: 'Vigie-sur-Isère', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: COMMUNE, name: 'Halle', kind: 'public_building' }, testCli);
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
          reference: 'AP-PTZ-WATCH',
          communeInsee: COMMUNE,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Halle',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: [cameraId],
        },
        testCli,
      );
      direct = { cameraId: `other-${cameraId}`, deviceUrl: dome.onvifUrl, credentials: dome.credentials };
      // The periodic reconcile is out of the way (1 h): only a position change can restart the recorder.
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
      // Wired as main.ts wires it, with a short interval.
      watcher = new PtzPositionWatcher(
        {
          cameras: services.cameras,
          masks: services.masks,
          device: services.onvif,
          positions: services.ptzPositions,
          commands: services.ptz,
          log: silentLog,
        },
        { intervalMs: TICK_MS, movingRecheckMs: TICK_MS / 2 },
      );
      // Run by a job registry as in serve, with a short interval.
      watchJobs = new JobRegistry({ clock: context.clock });
      watchJobs.add([positionWatchJob(watcher, TICK_MS / 2)]);
      stoppables.push(watchJobs, role);
    });
    after(async () => {
      await watchJobs?.stop();
      await role?.stop();
      await context?.close();
    });

    const pid = () => role.fleet.pidOf(cameraId);
    const presetNow = () => context.services.ptzPositions.presetOf(cameraId);
    /** A continuous move sent directly, then waits until the head has stopped (the camera-side timeout). */
    async function moveDirectly(velocity: { pan?: number; tilt?: number }, timeoutMs: number): Promise<void> {
      await otherClient.continuousMove(direct, { pan: velocity.pan ?? 0, tilt: velocity.tilt ?? 0, zoom: 0 }, timeoutMs);
      await waitFor('the head stopped', async () => !(await otherClient.status(direct)).moving, 5000, 50);
    }

    /**
     * Waits for the recorder's ffmpeg to be another than `previous`, then for the SECOND segment
     * indexed after that: the old run's last piece, closed by its stop, may be indexed after the
     * restart with a start pushed to its predecessor's end (the indexer's overlap rule); the
     * second one is surely the new run's. Returns two frames of it.
     */
    async function framesOfNewRun(previous: number | undefined): Promise<Uint8Array[]> {
      await waitFor('the recorder restarted', () => pid() !== undefined && pid() !== previous, 10_000, 50);
      const restartedAt = Date.now();
      const repository = context.services.recordingRepository;
      let segment: Awaited<ReturnType<typeof repository.segmentsOverlapping>>[number] | undefined;
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
      return [await grabGrayFrame(file, WIDTH, HEIGHT, 0), await grabGrayFrame(file, WIDTH, HEIGHT, 0.5)];
    }

    const uniform = (frame: Uint8Array, polygon: MaskPolygon) => maskedAreasUniform(frame, WIDTH, HEIGHT, [polygon], TOLERANCE).uniform;
    const maskChangedGaps = async () =>
      (await context.services.recordingRepository.gapsOverlapping(cameraId, 0, Date.now() + 60_000)).filter((gap) => gap.reason === MASK_CHANGED_GAP_REASON);

    it('learns at start which preset the camera is at, restarting nothing when the polygons stay the same', async () => {
      maskedPreset = await otherClient.setPreset(direct, `Balcon ${dialect}`);
      await moveDirectly({ pan: -0.5 }, 300);
      plainPreset = await otherClient.setPreset(direct, `Parvis ${dialect}`);
      await context.services.masks.create({ cameraId, name: 'Fenêtres', polygons: [topLeftQuarter] }, testCli);
      await context.services.masks.create({ cameraId, name: 'Balcon privé', presetToken: maskedPreset, polygons: [topRightQuarter] }, testCli);
      await role.start();
      await waitFor('the recorder running', () => role.recorderState(cameraId) === 'recording', 15_000, 100);
      const recorder = pid();
      assert.equal(presetNow(), null, 'nothing known before the watcher reads the camera');

      const startedAt = Date.now();
      await watchJobs.start(['recorder']);
      await waitFor('the preset read back', () => presetNow() === plainPreset, 2 * TICK_MS + 1500, 25);
      assert.deepEqual(watcher.watchedCameras(), [cameraId]);
      assert.ok(Date.now() - startedAt < 2 * TICK_MS + 1500, `read within two ticks: ${Date.now() - startedAt} ms`);
      await role.refreshMasks(cameraId); // after the pass the change asked for
      assert.equal(pid(), recorder, 'a preset without masks of its own: the same ffmpeg');
      assert.equal((await maskChangedGaps()).length, 0);
    });

    it('sees a go-to sent directly to the camera within two ticks and burns the preset’s mask in', async () => {
      const recorder = pid();
      const sentAt = Date.now();
      await otherClient.gotoPreset(direct, maskedPreset);
      await waitFor('the go-to seen', () => presetNow() === maskedPreset, 2 * TICK_MS + 1500, 25);
      const seenMs = Date.now() - sentAt;
      assert.ok(seenMs < 2 * TICK_MS + 1500, `seen within about two ticks (travel included): ${seenMs} ms`);
      const frames = await framesOfNewRun(recorder);
      for (const frame of frames) {
        assert.equal(uniform(frame, topRightQuarter), true, 'the preset’s mask is burnt in');
        assert.equal(uniform(frame, topLeftQuarter), true, 'with the camera-wide one');
      }
      // A new ffmpeg (framesOfNewRun); the native ingest starts again on the camera's keyframe, so the restart loses a
      // fraction of a second at most, a `mask_changed` gap when over 250 ms.
      assert.ok((await maskChangedGaps()).length <= 1);
    });

    it('sees a continuous move sent directly away from the preset and records with the camera-wide mask only', async () => {
      const recorder = pid();
      // Tilt, so that the head ends far from every preset saved so far (the other database's run included).
      await otherClient.continuousMove(direct, { pan: 0, tilt: 0.4, zoom: 0 }, 600);
      await waitFor('the move seen', () => presetNow() === null, 2 * TICK_MS + 1500, 25);
      const frames = await framesOfNewRun(recorder);
      for (const frame of frames) {
        assert.equal(uniform(frame, topLeftQuarter), true);
        assert.equal(uniform(frame, topRightQuarter), false, 'away from the preset, its mask no longer applies');
      }
      assert.ok((await maskChangedGaps()).length <= 2);
      assert.equal(presetNow(), null, 'stopped away from every preset: still none');
    });

    it('stops watching a camera whose masks no longer depend on the position (in_camera mode)', async () => {
      await context.services.masks.setMode(cameraId, 'in_camera', testCli);
      await waitFor('the camera no longer watched', () => watcher.watchedCameras().length === 0, 2 * TICK_MS + 1500, 25);
    });
  });
}
