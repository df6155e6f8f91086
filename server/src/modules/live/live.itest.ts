// Live viewing whole, on both databases, against the simulator with real ffmpeg: the recorder
// role records three tiny cameras (one with a server-side privacy mask, one in H.265), the app
// listens on loopback, and WebSocket viewers sign in as the console does. Proves: init JSON,
// init segment and a keyframe fragment within 1 s of connecting; two viewers share one source
// and add no camera connection (recorder PID and the simulator's session count unchanged);
// the sub-stream is used when present (one more camera connection, whatever its viewers); the
// start and stop are audited server-side; commune scope, reasons and recipients (LEGAL 17) are
// enforced; the masked sub-stream is uniform inside the polygon (LEGAL 4); H.265 is announced
// as such and transcoded on request; still.jpg is a JPEG (audited); ffprobe plays the HLS
// fallback over loopback; the live status counts it all; a viewing ends with its session and
// when its camera loses its authorisation (LEGAL 1). Nothing is left running.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { generateFleet, startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { grabGrayFrameArgs } from '../../platform/media/ffmpeg-args.ts';
import { FragmentedMp4Reader, parseInitSegment } from '../../platform/media/fmp4.ts';
import { maskedAreasUniform, type MaskPolygon } from '../../platform/media/mask-image.ts';
import { FFMPEG_PATH, FFPROBE_PATH, silentLog } from '../../platform/processes.ts';
import { runToCompletion } from '../../platform/process-runs.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { assertRunning, processGone, waitFor } from '../../testing/wait.ts';
import type { RecordingRole } from '../recording/index.ts';

const HOME = '38999';
const OTHER = '38998';
const SUB = { width: 160, height: 90 };
const maskPolygon: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];

interface Viewer {
  socket: WebSocket;
  openedAt: number;
  texts: Array<{ at: number; message: Record<string, unknown> }>;
  binaries: Array<{ at: number; data: Buffer }>;
  closed: Promise<{ code: number }>;
  close(): Promise<void>;
}

function connect(baseUrl: string, user: SignedIn, cameraId: string, query = ''): Viewer {
  const openedAt = performance.now();
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/cameras/${cameraId}/live/ws${query ? `?${query}` : ''}`, {
    headers: { cookie: user.cookie },
  });
  const viewer: Viewer = {
    socket,
    openedAt,
    texts: [],
    binaries: [],
    closed: new Promise((resolve) => socket.on('close', (code) => resolve({ code }))),
    close: async () => {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
      await viewer.closed;
    },
  };
  socket.on('message', (data, isBinary) => {
    const at = performance.now() - openedAt;
    if (isBinary) viewer.binaries.push({ at, data: Buffer.from(data as Buffer) });
    else viewer.texts.push({ at, message: JSON.parse(String(data)) as Record<string, unknown> });
  });
  socket.on('error', () => undefined);
  return viewer;
}

const initOf = (viewer: Viewer) => viewer.texts.find((text) => text.message.type === 'init')?.message;
const errorOf = (viewer: Viewer) => viewer.texts.find((text) => text.message.type === 'error')?.message;

/** The media of a viewer as one fragmented MP4 (init + fragments), with its parsed fragments. */
function mediaOf(viewer: Viewer) {
  const reader = new FragmentedMp4Reader();
  const events = viewer.binaries.flatMap((binary) => reader.push(binary.data).map((event) => ({ ...event, at: binary.at })));
  return { file: Buffer.concat(viewer.binaries.map((binary) => binary.data)), events };
}

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  const cameras = generateFleet({
    count: 3,
    addressMode: 'ephemeral-ports',
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { ...SUB, fps: 12, bitrateKbps: 100, gopSeconds: 1 },
  });
  cameras[2]!.codec = 'h265';
  simulator = await startSimulator({ cameras, loopSeconds: 4, controlPort: false });
});
after(async () => {
  await Promise.all(roles.map((role) => role.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`live viewing [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let role: RecordingRole;
    let url = '';
    const ids: string[] = [];
    let operator: SignedIn;
    let authorisationId = '';

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString() });
      const { services } = context;
      await services.communes.create({ insee: HOME, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await services.communes.create({ insee: OTHER, name: 'Saint-Guet', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: HOME, name: 'Gare', kind: 'station' }, testCli);
      for (const camera of simulator!.cameras) {
        const created = await services.cameras.create(
          {
            siteId: site.id,
            name: camera.name,
            kind: 'fixed',
            fieldClass: 'wide',
            mainStreamUrl: camera.rtspUrls.main,
            subStreamUrl: camera.id === 'cam-003' ? null : camera.rtspUrls.sub,
            credentials: camera.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        );
        ids.push(created.id);
      }
      authorisationId = (
        await services.authorisations.create(
          {
            reference: 'AP-2026-07',
            communeInsee: HOME,
            startOn: '2026-01-01',
            endOn: '2030-12-31',
            perimeter: 'Gare',
            purposes: ['people_property_safety'],
            minRetentionDays: 1,
            maxRetentionDays: 30,
            cameraIds: ids,
            recipients: ['national_police'],
          },
          testCli,
        )
      ).id;
      // Camera 2 is masked by Vigie (LEGAL 4): the recorder burns the mask in, and so must its live sub-stream.
      await services.masks.setMode(ids[1]!, 'server', testCli);
      await services.masks.create({ cameraId: ids[1]!, name: 'Fenêtres', polygons: [maskPolygon] }, testCli);
      role = services.recordingModule.api.createRole(
        {
          segmentSeconds: 4,
          reconcileIntervalMs: 3_600_000,
          recorderTuning: {
            pollIntervalMs: 500,
            socketTimeoutSeconds: 3,
            stallTimeoutMs: 5000,
            backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
          },
        },
        { log: silentLog },
      );
      roles.push(role);
      await role.start();
      url = await context.app.listen({ host: '127.0.0.1', port: 0 });
      operator = await signIn(context, 'operator', [HOME]);
      await waitFor('the three cameras recording', () => ids.every((id) => role.recorderState(id) === 'recording'), 20_000);
    });
    after(async () => {
      await role?.stop();
      await context?.close();
    });

    it('sends init JSON, init segment and a keyframe within 1 s; a second viewer shares the source and the camera connection', async () => {
      const recorderPid = role.fleet.pidOf(ids[0]!);
      const first = connect(url, operator, ids[0]!, 'stream=main&reason=ronde');
      await waitFor('a first fragment', () => first.binaries.length >= 2, 5000, 20);
      const init = initOf(first)!;
      assert.equal(init.codec, 'h264');
      assert.equal(init.stream, 'main');
      assert.deepEqual([init.width, init.height, init.transcoded], [320, 180, false]);
      assert.match(String(init.mime), /^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
      const media = mediaOf(first);
      assert.equal(media.events[0]!.kind, 'init');
      assert.ok(media.events[1]!.kind === 'fragment' && media.events[1]!.fragment.keyframe, 'the first fragment is a keyframe');
      assert.ok(first.binaries[1]!.at < 1000, `first viewer's keyframe after ${first.binaries[1]!.at.toFixed(0)} ms`);

      const second = connect(url, operator, ids[0]!, 'stream=main');
      await waitFor("the second viewer's keyframe", () => second.binaries.length >= 2, 3000, 20);
      assert.ok(second.binaries[1]!.at < 1000, `second viewer's keyframe after ${second.binaries[1]!.at.toFixed(0)} ms`);
      // The native engine (issue 12): the camera is received inside this process and its fragments go to the viewers as they are.
      assert.equal(recorderPid, undefined, 'no recorder process');
      assert.deepEqual(context.services.live.sourcePids(), [], 'no ffmpeg between the recorder and the viewers');
      assert.equal(simulator!.camera('cam-001').viewers.main, 1, "one session on the camera, the recorder's");
      const status = (await operator.request({ method: 'GET', url: '/api/live/status' })).json();
      const row = status.cameras.find((camera: { cameraId: string }) => camera.cameraId === ids[0]);
      assert.deepEqual(row, { cameraId: ids[0], viewers: 2, sources: 1, cameraConnections: 1 });
      await Promise.all([first.close(), second.close()]);
      await waitFor(
        'both stops audited',
        async () => (await context.services.audit.search({ action: 'image.live.stop', targetId: ids[0]! }, { allCommunes: true, communes: [] })).total === 2,
        5000,
      );
      const starts = await context.services.audit.search({ action: 'image.live.start', targetId: ids[0]! }, { allCommunes: true, communes: [] });
      assert.equal(starts.total, 2);
      const withReason = starts.records.find((record) => record.reason === 'ronde')!;
      assert.equal(withReason.actorLogin, operator.login);
      assert.equal(withReason.details.stream, 'main');
      assert.equal(withReason.details.viewingId, init.viewingId);
      const stops = await context.services.audit.search({ action: 'image.live.stop', targetId: ids[0]! }, { allCommunes: true, communes: [] });
      const stop = stops.records.find((record) => record.details.viewingId === init.viewingId)!;
      assert.ok(Number(stop.details.bytesSent) > 1000 && Number(stop.details.durationSeconds) >= 0, JSON.stringify(stop.details));
    });

    it('uses the sub-stream when there is one: one live pull, shared by its viewers', async () => {
      const viewers = [connect(url, operator, ids[0]!), connect(url, operator, ids[0]!, 'stream=auto')];
      await waitFor('sub-stream fragments', () => viewers.every((viewer) => viewer.binaries.length >= 2), 8000, 20);
      for (const viewer of viewers) assert.deepEqual([initOf(viewer)!.stream, initOf(viewer)!.width, initOf(viewer)!.height], ['sub', SUB.width, SUB.height]);
      assert.deepEqual(simulator!.camera('cam-001').viewers, { main: 1, sub: 1 });
      const status = (await operator.request({ method: 'GET', url: '/api/live/status' })).json();
      assert.equal(status.cameras.find((camera: { cameraId: string }) => camera.cameraId === ids[0]).cameraConnections, 2);
      await Promise.all(viewers.map((viewer) => viewer.close()));
    });

    it('refuses another commune, a police viewer without reason, a partner the authorisation does not name', async () => {
      const foreign = connect(url, await signIn(context, 'operator', [OTHER]), ids[0]!);
      const police = await signIn(context, 'police', [HOME]);
      const silentPolice = connect(url, police, ids[0]!, 'stream=main');
      const partner = connect(url, await signIn(context, 'partner', [HOME]), ids[0]!, 'stream=main&reason=convention');
      const refused = await Promise.all([foreign, silentPolice, partner].map((viewer) => viewer.closed));
      assert.deepEqual(
        refused.map((close) => close.code),
        [4403, 4403, 4403],
      );
      assert.deepEqual(
        [foreign, silentPolice, partner].map((viewer) => errorOf(viewer)?.code),
        ['commune_out_of_scope', 'reason_required', 'recipient_not_authorised'],
      );
      assert.ok(
        [foreign, silentPolice, partner].every((viewer) => viewer.binaries.length === 0),
        'no image sent',
      );
      assert.match(String(errorOf(foreign)!.message_fr), /hors de votre périmètre/);
      const denied = await context.services.audit.search({ action: 'access.denied', targetId: ids[0]! }, { allCommunes: true, communes: [] });
      assert.deepEqual(denied.records.map((record) => record.details.code).sort(), ['commune_out_of_scope', 'reason_required', 'recipient_not_authorised']);
      const hijacked = new WebSocket(`${url.replace('http', 'ws')}/api/cameras/${ids[0]}/live/ws`, {
        headers: { cookie: operator.cookie, origin: 'http://evil.example' },
      });
      const refusedStatus = await new Promise<number>((resolve) => {
        hijacked.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        hijacked.on('open', () => resolve(101));
        hijacked.on('error', () => undefined);
      });
      assert.equal(refusedStatus, 403, 'a page of another origin is refused before the upgrade');
      hijacked.terminate();
      const unknown = connect(url, operator, 'no-such-camera');
      assert.equal((await unknown.closed).code, 4404);
      // The security hook's refusals come in-band too (a browser learns nothing from a failed handshake).
      const anonymous = connect(url, { ...operator, cookie: '' }, ids[0]!);
      assert.equal((await anonymous.closed).code, 4401);
      assert.equal(errorOf(anonymous)?.code, 'unauthenticated');
      const untrained = connect(url, await signIn(context, 'operator', [HOME], { trainingDate: '2019-01-01' }), ids[0]!);
      assert.equal((await untrained.closed).code, 4403);
      assert.equal(errorOf(untrained)?.code, 'training_expired');
      assert.ok(anonymous.binaries.length === 0 && untrained.binaries.length === 0, 'no image sent');
      const reasoned = connect(url, police, ids[0]!, `stream=main&reason=${encodeURIComponent('PV 2026/118')}`);
      await waitFor("the police viewer's keyframe", () => reasoned.binaries.length >= 2, 5000, 20);
      await reasoned.close();
    });

    it('masks the sub-stream of a camera Vigie masks: uniform inside the polygon, not outside', async () => {
      const viewer = connect(url, operator, ids[1]!, 'stream=sub');
      await waitFor('masked sub-stream fragments', () => viewer.binaries.length >= 14, 10_000, 20);
      await viewer.close();
      assert.equal(initOf(viewer)!.transcoded, true, 'the masked sub-stream is re-encoded by the server');
      const directory = await mkdtemp(join(tmpdir(), 'vigie-live-mask-'));
      try {
        const file = join(directory, 'sub.mp4');
        await writeFile(file, mediaOf(viewer).file);
        const frame = await runToCompletion(FFMPEG_PATH, grabGrayFrameArgs(file, SUB.width, SUB.height, 0.5), { timeoutMs: 20_000 });
        assert.equal(frame.stdout.length, SUB.width * SUB.height, frame.stderr);
        const pixels = new Uint8Array(frame.stdout);
        const inside = maskedAreasUniform(pixels, SUB.width, SUB.height, [maskPolygon], 3, 2);
        assert.equal(inside.uniform, true, JSON.stringify(inside.polygons));
        assert.ok(inside.outsideStandardDeviation > 10, `the rest of the picture shows the scene (deviation ${inside.outsideStandardDeviation})`);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    it('announces H.265 as such and transcodes it to H.264 on request', async () => {
      const plain = connect(url, operator, ids[2]!);
      const transcoded = connect(url, operator, ids[2]!, 'transcode=h264');
      await waitFor('both H.265 camera viewers', () => [plain, transcoded].every((viewer) => viewer.binaries.length >= 2), 10_000, 20);
      assert.deepEqual([initOf(plain)!.codec, initOf(plain)!.stream, initOf(plain)!.transcoded], ['h265', 'main', false]);
      assert.match(String(initOf(plain)!.mime), /codecs="(hev1|hvc1)\.1\./);
      assert.deepEqual([initOf(transcoded)!.codec, initOf(transcoded)!.transcoded], ['h264', true]);
      assert.equal(parseInitSegment(transcoded.binaries[0]!.data).codec, 'h264');
      await Promise.all([plain.close(), transcoded.close()]);
    });

    it('serves the current still as JPEG, audited as a snapshot', async () => {
      const response = await operator.request({ method: 'GET', url: `/api/cameras/${ids[1]}/still.jpg` });
      assert.equal(response.statusCode, 200, response.body.slice(0, 200));
      assert.equal(response.headers['content-type'], 'image/jpeg');
      assert.deepEqual([...response.rawPayload.subarray(0, 2)], [0xff, 0xd8]);
      const audited = await context.services.audit.search({ action: 'image.snapshot', targetId: ids[1]! }, { allCommunes: true, communes: [] });
      assert.equal(audited.total, 1);
    });

    it('plays the HLS fallback with ffprobe over loopback, audited once per session', async () => {
      const playlist = `${url}/api/cameras/${ids[0]}/live/hls/index.m3u8?stream=main`;
      const probe = await runToCompletion(
        FFPROBE_PATH,
        ['-v', 'error', '-headers', `Cookie: ${operator.cookie}\r\n`, '-show_entries', 'stream=codec_name,width,height', '-of', 'json', playlist],
        { timeoutMs: 30_000 },
      );
      assert.equal(probe.code, 0, probe.stderr);
      assert.deepEqual(JSON.parse(probe.stdout.toString()).streams[0], { codec_name: 'h264', width: 320, height: 180 });
      const again = await operator.request({ method: 'GET', url: `/api/cameras/${ids[0]}/live/hls/index.m3u8?stream=main` });
      assert.equal(again.statusCode, 200);
      assert.match(again.body, /#EXT-X-MAP:URI="init\.mp4\?h=[0-9a-f-]{36}"/);
      const starts = await context.services.audit.search({ action: 'image.live.start', targetId: ids[0]! }, { allCommunes: true, communes: [] });
      assert.equal(starts.records.filter((record) => record.details.transport === 'hls').length, 1, 'one start for the session');
      const stranger = await signIn(context, 'operator', [HOME]);
      const segmentUrl = /\n(\d+\.m4s\?h=[^\n]+)/.exec(again.body)![1]!;
      assert.equal(
        (await stranger.request({ method: 'GET', url: `/api/cameras/${ids[0]}/live/hls/${segmentUrl}` })).statusCode,
        404,
        'another session cannot use the segment URLs',
      );
      assert.equal((await operator.request({ method: 'GET', url: `/api/cameras/${ids[0]}/live/hls/${segmentUrl}` })).statusCode, 200);
      await context.services.live.hls.sweep(true);
      const stops = await context.services.audit.search({ action: 'image.live.stop', targetId: ids[0]! }, { allCommunes: true, communes: [] });
      assert.equal(stops.records.filter((record) => record.details.transport === 'hls').length, 1);
    });

    it('ends a viewing when its session ends, and when the camera loses its authorisation (LEGAL 1)', async () => {
      const leaving = await signIn(context, 'operator', [HOME]);
      const staying = connect(url, operator, ids[0]!, 'stream=main');
      const signedOut = connect(url, leaving, ids[0]!, 'stream=main');
      await waitFor('both viewers playing', () => staying.binaries.length >= 2 && signedOut.binaries.length >= 2, 5000, 20);
      assert.equal((await leaving.request({ method: 'POST', url: '/api/auth/logout' })).statusCode < 300, true);
      await context.services.live.checkNow();
      assert.equal((await signedOut.closed).code, 4401);
      assert.equal(errorOf(signedOut)!.code, 'session_expired');
      assert.equal(staying.socket.readyState, WebSocket.OPEN);
      const pids = context.services.live.sourcePids();
      assert.ok(pids.length > 0);
      for (const pid of pids) await assertRunning(pid, 'ffmpeg'); // the operating system's word, not the service's list
      await context.services.authorisations.revoke(authorisationId, 'arrêté abrogé', testCli);
      await context.services.live.checkNow();
      await waitFor('its live ffmpeg gone (ESRCH)', () => pids.every(processGone), 5000);
      assert.equal((await staying.closed).code, 4403);
      assert.equal(errorOf(staying)!.code, 'camera_unauthorised');
      await waitFor(
        'the stops audited',
        async () =>
          (await context.services.audit.search({ action: 'image.live.stop', targetId: ids[0]! }, { allCommunes: true, communes: [] })).records.filter(
            (record) => [initOf(staying)!.viewingId, initOf(signedOut)!.viewingId].includes(record.details.viewingId),
          ).length === 2,
        5000,
      );
      const refused = connect(url, operator, ids[0]!, 'stream=main');
      assert.equal(errorOf(await refused.closed.then(() => refused))?.code, 'camera_unauthorised');
    });

    it('stops cleanly: no live ffmpeg left', async () => {
      // A fresh authorisation (the previous test revoked the first), so that a live ffmpeg runs when the service stops.
      await context.services.authorisations.create(
        {
          reference: 'AP-2026-08',
          communeInsee: HOME,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Gare',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: ids,
          recipients: ['national_police'],
        },
        testCli,
      );
      await role.reconcile();
      await waitFor('the camera recording again', () => role.recorderState(ids[0]!) === 'recording', 20_000);
      // A sub-stream pull is an ffmpeg of the live module (the main stream of a natively recorded camera has none).
      await waitFor('the camera with a sub-stream recording', () => role.recorderState(ids[1]!) === 'recording', 20_000);
      const viewer = connect(url, operator, ids[1]!, 'stream=sub');
      await waitFor('a viewer playing', () => viewer.binaries.length >= 2, 5000, 20);
      const pids = context.services.live.sourcePids();
      assert.ok(pids.length > 0, 'a live source runs');
      for (const pid of pids) await assertRunning(pid, 'ffmpeg');
      await context.services.live.stop();
      // stop() resolves once every child has exited and been reaped: gone for the operating system at once.
      for (const pid of pids) assert.equal(processGone(pid), true, `live ffmpeg ${pid} still exists after stop()`);
      assert.deepEqual(context.services.live.sourcePids(), []);
      await viewer.closed;
    });
  });
}
