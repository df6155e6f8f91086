// Masks never fail open in playback (issue 11 item 7, LEGAL 4), on both databases, over HTTP,
// on footage really recorded from the simulator by the recorder role (2-s segments, a 500-ms
// reconcile), with real ffmpeg decoding the frames served:
//   - a second camera whose credentials become unreadable is stopped and raises one critical
//     `recorder_config_unreadable`, while the masked camera's recorder is still reconciled and
//     restarted with a new mask (formerly every pass threw and the recorder ran on without it);
//   - footage recorded before a mask, or by a recorder that did not have it yet, is served
//     re-encoded with it, however long after the mask's change it was recorded;
//   - deleting a mask and redrawing another, then switching the camera to in-camera masks,
//     never serves older footage raw: it is re-encoded with every mask in force since;
//   - each segment carries the masking its recorder ran with (recording_mask_versions).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { maskedAreasUniform, type MaskPolygon } from '../../platform/media/mask-image.ts';
import { silentLog } from '../../platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { grabGrayFrame } from '../../testing/frames.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { waitFor } from '../../testing/wait.ts';
import type { RecordingRole } from '../recording/index.ts';
import type { PlaybackView } from './playback.service.ts';

const HOME = '38997';
const WIDTH = 320;
const HEIGHT = 180;
const quarterA: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];
const quarterB: MaskPolygon = [
  [0.5, 0],
  [1, 0],
  [1, 0.5],
  [0.5, 0.5],
];
const quarterC: MaskPolygon = [
  [0, 0.5],
  [0.5, 0.5],
  [0.5, 1],
  [0, 1],
];
const reason = 'Réquisition OPJ n° 2026/204';

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  simulator = await startSimulator({
    count: 2,
    loopSeconds: 8,
    controlPort: false,
    main: { width: WIDTH, height: HEIGHT, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
});
after(async () => {
  await Promise.all(roles.map((role) => role.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`masks in playback never fail open [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let operator: SignedIn;
    let cameraId = '';
    let brokenId = '';
    let maskA = { id: '', revision: '' };
    let maskB = { id: '', revision: '' };
    let bCreatedAt = 0;
    /** The masking version of the segments recorded with the first mask. */
    let versionA = '';
    let role: RecordingRole;
    const startedAt = Date.now();
    const segmentsOf = async (id: string) => context.services.recordingRepository.segmentsOverlapping(id, startedAt - 60_000, Date.now() + 60_000);
    /** The masked camera's segments from about `since` on, recorded with a mask and none of the `other` versions. */
    const maskedSince = async (since: number, other: string[]) => {
      const segments = (await segmentsOf(cameraId)).filter((segment) => segment.startMs >= since - 2000);
      const versions = await context.services.recordingRepository.segmentMaskVersions(segments.map((segment) => segment.id));
      return segments
        .map((segment) => ({ startMs: segment.startMs, version: versions.get(segment.id) ?? 'none' }))
        .filter((segment) => segment.version !== 'none' && !other.includes(segment.version));
    };

    before(async () => {
      // The former rule trusted every segment recorded 20 s (a 5-s reconcile + 15 s) after a mask change.
      context = await createTestContext(dialect, { clockStart: new Date().toISOString(), clockRunning: true, env: { VIGIE_RECONCILE_SECONDS: '5' } });
      const { services } = context;
      await services.communes.create({ insee: HOME, name: 'Vigie-sur-Isère', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: HOME, name: 'Mairie', kind: 'station' }, testCli);
      const [parvis, cour] = simulator!.cameras;
      const create = (name: string, simulated: typeof parvis) =>
        services.cameras.create(
          {
            siteId: site.id,
            name,
            kind: 'fixed',
            fieldClass: 'wide',
            mainStreamUrl: simulated!.rtspUrls.main,
            credentials: simulated!.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        );
      cameraId = (await create('Parvis', parvis)).id;
      brokenId = (await create('Cour', cour)).id;
      await services.authorisations.create(
        {
          reference: 'AP-2026-11',
          communeInsee: HOME,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Mairie',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: [cameraId, brokenId],
        },
        testCli,
      );
      role = services.recordingModule.api.createRole(
        {
          segmentSeconds: 2,
          reconcileIntervalMs: 500,
          recorderTuning: {
            pollIntervalMs: 200,
            socketTimeoutSeconds: 3,
            stallTimeoutMs: 5000,
            backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
          },
        },
        { log: silentLog },
      );
      roles.push(role);
      await role.start();
      await waitFor(
        '2 unmasked segments of each camera',
        async () => (await segmentsOf(cameraId)).length >= 2 && (await segmentsOf(brokenId)).length >= 1,
        40_000,
      );

      maskA = await services.masks.create({ cameraId, name: 'Fenêtres', polygons: [quarterA] }, testCli);
      // The restart may lose no time at all (the native ingest starts again on the camera's keyframe): the masking written on the segments tells it.
      const aAt = Date.now();
      await waitFor('the recorder restarted with the first mask', async () => (await maskedSince(aAt, [])).length >= 1, 20_000);
      versionA = (await maskedSince(aAt, []))[0]!.version;
      const restartedAt = Date.now();
      await waitFor(
        '2 segments burnt with it',
        async () => (await segmentsOf(cameraId)).filter((segment) => segment.startMs > restartedAt).length >= 2,
        20_000,
      );

      // One camera's sealed credentials become unreadable (a restored backup, a changed key): formerly every pass threw.
      await context.database.handle.db.updateTable('cameras').set({ credentials_sealed: 'not-a-sealed-value' }).where('id', '=', brokenId).execute();
      maskB = await services.masks.create({ cameraId, name: 'Jardin', polygons: [quarterB] }, testCli);
      bCreatedAt = Date.now();
      await waitFor(
        'a segment recorded more than 21 s after the second mask',
        async () => (await segmentsOf(cameraId)).some((segment) => segment.startMs > bCreatedAt + 21_000),
        60_000,
      );
      await role.stop();
      operator = await signIn(context, 'operator', [HOME]);
    });
    after(async () => context?.close());

    const window = () => ({ from: new Date(startedAt - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    const open = async () => {
      const response = await operator.request({ method: 'POST', url: `/api/cameras/${cameraId}/playback`, payload: { ...window(), reason } });
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as PlaybackView;
    };
    /** Fetches a segment; returns the masking header and a decoded frame 1 s in. */
    const fetchFrame = async (session: PlaybackView, index: number) => {
      const segment = session.segments.at(index)!;
      const response = await operator.request({ method: 'GET', url: segment.url });
      assert.equal(response.statusCode, 200, response.body.slice(0, 200));
      const file = join(context.dataDir, `frame-${segment.id}-${Date.now()}.mp4`);
      await writeFile(file, response.rawPayload);
      return {
        masked: response.headers['x-vigie-masked'],
        pixels: await grabGrayFrame(file, WIDTH, HEIGHT, Math.min(1, segment.durationSeconds / 2)),
        segment,
      };
    };
    const uniform = (pixels: Uint8Array, polygon: MaskPolygon) => maskedAreasUniform(pixels, WIDTH, HEIGHT, [polygon], 3).uniform;

    it('stops the camera whose credentials cannot be read, raises one critical event, and still reconciles the masked camera', async () => {
      const events = await context.services.technicalEvents.list({ code: 'recorder_config_unreadable' }, null);
      assert.deepEqual(
        events.map((event) => [event.cameraId, event.severity, event.details.stage]),
        [[brokenId, 'critical', 'credentials']],
        'once, for that camera',
      );
      assert.ok(!events[0]!.message.includes(simulator!.cameras[1]!.credentials.password), 'no secret in the event');
      const brokenSegments = await segmentsOf(brokenId);
      assert.ok(
        brokenSegments.every((segment) => segment.endMs < bCreatedAt + 5_000),
        'no footage of the unreadable camera after it became unreadable',
      );
      const withB = await maskedSince(bCreatedAt, [versionA]);
      assert.ok(withB.length >= 1, 'the masked camera restarted with the second mask despite the other camera');
      assert.ok(withB[0]!.startMs < bCreatedAt + 6_000, `within a few reconciles: ${withB[0]!.startMs - bCreatedAt} ms`);
    });

    it('serves footage recorded before the second mask re-encoded, and footage recorded with both masks as recorded, masked in both areas', async () => {
      const session = await open();
      const before = session.segments.filter((segment) => Date.parse(segment.end) <= bCreatedAt);
      assert.ok(before.length >= 4 && before.every((segment) => segment.reencoded), 'recorded without the second mask');
      const first = await fetchFrame(session, 0);
      assert.equal(first.masked, 'reencoded');
      assert.ok(uniform(first.pixels, quarterA) && uniform(first.pixels, quarterB), 'unmasked footage masked on the way out');
      assert.ok(!uniform(first.pixels, quarterC), 'the rest of the picture has detail');
      const last = await fetchFrame(session, -1);
      assert.ok(Date.parse(last.segment.start) > bCreatedAt + 21_000);
      assert.equal(last.masked, 'recorded', 'burnt in by the restarted recorder');
      assert.ok(uniform(last.pixels, quarterA) && uniform(last.pixels, quarterB), 'both masks in the recorded picture');
      await operator.request({ method: 'DELETE', url: `/api/playback/${session.playbackId}` });
    });

    it('writes on each segment the masking its recorder ran with', async () => {
      const segments = await segmentsOf(cameraId);
      const versions = await context.services.recordingRepository.segmentMaskVersions(segments.map((segment) => segment.id));
      assert.equal(versions.get(segments[0]!.id), 'none', 'recorded before any mask');
      const lastVersion = versions.get(segments.at(-1)!.id)!;
      assert.match(lastVersion, /^[0-9a-f]{16}$/);
      const recorded = await context.services.recordingRepository.recordedMaskings(cameraId, [...versions.values()]);
      assert.deepEqual([...recorded.get(lastVersion)!.revisions].sort(), [maskA.revision, maskB.revision].sort());
      assert.equal(recorded.get(lastVersion)!.burnt, true);
      const withA = [...recorded.values()].filter((masking) => masking.revisions.size === 1);
      assert.deepEqual(
        withA.map((masking) => [...masking.revisions]),
        [[maskA.revision]],
        'the recorder that had the first mask only',
      );
    });

    it('never serves older footage raw after a mask is deleted and another drawn', async () => {
      await context.services.masks.remove(maskB.id, testCli);
      await context.services.masks.create({ cameraId, name: 'Jardin (redessiné)', polygons: [quarterC] }, testCli);
      const session = await open();
      assert.ok(
        session.segments.every((segment) => segment.reencoded),
        'no segment carries the redrawn mask',
      );
      for (const index of [0, -1]) {
        const { masked, pixels } = await fetchFrame(session, index);
        assert.equal(masked, 'reencoded');
        assert.ok(uniform(pixels, quarterA) && uniform(pixels, quarterB) && uniform(pixels, quarterC), `segment ${index}: the deleted mask too`);
      }
      await operator.request({ method: 'DELETE', url: `/api/playback/${session.playbackId}` });
    });

    it('never serves older footage raw after the camera switches to in-camera masks', async () => {
      await context.services.masks.setMode(cameraId, 'in_camera', testCli);
      const session = await open();
      assert.ok(
        session.segments.every((segment) => segment.reencoded),
        'the camera masking itself from now on says nothing of what it recorded before',
      );
      const { masked, pixels } = await fetchFrame(session, 0);
      assert.equal(masked, 'reencoded');
      assert.ok(uniform(pixels, quarterA) && uniform(pixels, quarterB) && uniform(pixels, quarterC));
      await operator.request({ method: 'DELETE', url: `/api/playback/${session.playbackId}` });
      assert.equal((await context.services.audit.verify()).ok, true);
    });
  });
}
