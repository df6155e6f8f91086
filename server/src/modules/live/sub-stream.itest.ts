// Live sub-streams through Vigie's own RTSP ingest (issue 12 item 4), on both databases, against
// the simulator (Digest credentials) with real ffmpeg: WebSocket viewers of two recorded
// cameras' sub-streams, one of them masked by Vigie (LEGAL 4). Proves: the unmasked sub-stream
// is playable (ffprobe decodes its pictures) and is served with no child process at all (none
// beside the recorders' in this test's process tree); the masked one is served by exactly one
// ffmpeg, which reads its stdin and has no rtsp URL, no password and no ffconcat file on its
// /proc/<pid>/cmdline, its output masked; each sub-stream is one RTSP session at the camera,
// whatever its viewers. Nothing is left running.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { generateFleet, startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { maskedAreasUniform, type MaskPolygon } from '../../platform/media/mask-image.ts';
import { FFPROBE_PATH, silentLog } from '../../platform/processes.ts';
import { runToCompletion } from '../../platform/process-runs.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { grabGrayFrame } from '../../testing/frames.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { assertNoSecretOnCommandLines, descendantsOf } from '../../testing/process-tree.ts';
import { processGone, waitFor } from '../../testing/wait.ts';
import type { RecordingRole } from '../recording/index.ts';

const HOME = '38999';
const SUB = { width: 160, height: 90 };
const maskPolygon: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];

interface Viewer {
  binaries: Buffer[];
  texts: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

function connect(baseUrl: string, user: SignedIn, cameraId: string): Viewer {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/cameras/${cameraId}/live/ws?stream=sub`, { headers: { cookie: user.cookie } });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const viewer: Viewer = {
    binaries: [],
    texts: [],
    close: async () => {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
      await closed;
    },
  };
  socket.on('message', (data, isBinary) => {
    if (isBinary) viewer.binaries.push(Buffer.from(data as Buffer));
    else viewer.texts.push(JSON.parse(String(data)) as Record<string, unknown>);
  });
  socket.on('error', () => undefined);
  return viewer;
}

/** ffprobe decodes the viewer's bytes (init + fragments) as a file: codec, size, pictures decoded. */
async function probe(file: string): Promise<{ codec_name: string; width: number; height: number; nb_read_frames: string }> {
  const result = await runToCompletion(
    FFPROBE_PATH,
    ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file],
    { timeoutMs: 30_000 },
  );
  assert.equal(result.code, 0, result.stderr.toString());
  return JSON.parse(result.stdout.toString()).streams[0];
}

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  const cameras = generateFleet({
    count: 2,
    addressMode: 'ephemeral-ports',
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { ...SUB, fps: 12, bitrateKbps: 100, gopSeconds: 1 },
  });
  simulator = await startSimulator({ cameras, loopSeconds: 4, controlPort: false });
});
after(async () => {
  await Promise.all(roles.map((role) => role.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`live sub-streams through Vigie's RTSP ingest [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let role: RecordingRole;
    let url = '';
    let operator: SignedIn;
    const ids: string[] = [];
    const directory = { path: '' };

    before(async () => {
      directory.path = await mkdtemp(join(tmpdir(), 'vigie-live-sub-'));
      context = await createTestContext(dialect, { clockStart: new Date().toISOString() });
      const { services } = context;
      await services.communes.create({ insee: HOME, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: HOME, name: 'Gare', kind: 'station' }, testCli);
      for (const camera of simulator!.cameras) {
        const created = await services.cameras.create(
          {
            siteId: site.id,
            name: camera.name,
            kind: 'fixed',
            fieldClass: 'wide',
            mainStreamUrl: camera.rtspUrls.main,
            subStreamUrl: camera.rtspUrls.sub,
            credentials: camera.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        );
        ids.push(created.id);
      }
      await services.authorisations.create(
        {
          reference: 'AP-2026-09',
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
      await waitFor('both cameras recording', () => ids.every((id) => role.recorderState(id) === 'recording'), 20_000);
    });
    after(async () => {
      await role?.stop();
      await context?.close();
      await rm(directory.path, { recursive: true, force: true });
    });

    it('serves an unmasked sub-stream with no child process: playable, one RTSP session for two viewers', async () => {
      const [plain] = simulator!.cameras;
      const viewers = [connect(url, operator, ids[0]!), connect(url, operator, ids[0]!)];
      await waitFor('sub-stream pictures', () => viewers.every((viewer) => viewer.binaries.length >= 25), 10_000, 20);
      const init = viewers[0]!.texts.find((text) => text.type === 'init')!;
      assert.deepEqual([init.stream, init.codec, init.width, init.height, init.transcoded], ['sub', 'h264', SUB.width, SUB.height, false]);
      assert.deepEqual(context.services.live.sourcePids(), [], 'no live ffmpeg');
      // The operating system's word: no process under this test but the masked camera's recorder ffmpeg
      // (and the TypeScript loader's esbuild service, which runs the test, not Vigie).
      const recorderPids = new Set(ids.map((id) => role.fleet.pidOf(id)).filter((pid) => pid !== undefined));
      const others = (await descendantsOf(process.pid)).filter((entry) => !recorderPids.has(entry.pid) && !/\/esbuild$/.test(entry.argv[0] ?? ''));
      assert.deepEqual(
        others.map((entry) => entry.argv.join(' ')),
        [],
      );
      assert.equal(simulator!.camera(plain!.id).viewers.sub, 1, 'one session on the sub-stream, Vigie’s');
      const status = (await operator.request({ method: 'GET', url: '/api/live/status' })).json();
      assert.deepEqual(
        status.cameras.find((camera: { cameraId: string }) => camera.cameraId === ids[0]),
        { cameraId: ids[0], viewers: 2, sources: 1, cameraConnections: 2 },
      );
      await Promise.all(viewers.map((viewer) => viewer.close()));
      const file = join(directory.path, 'plain.mp4');
      await writeFile(file, Buffer.concat(viewers[0]!.binaries));
      const stream = await probe(file);
      assert.deepEqual([stream.codec_name, stream.width, stream.height], ['h264', SUB.width, SUB.height]);
      assert.ok(Number(stream.nb_read_frames) >= 20, `pictures decoded: ${stream.nb_read_frames}`);
    });

    it('serves a masked sub-stream through one ffmpeg fed on stdin: no URL, no password, no ffconcat on its command line', async () => {
      const [, masked] = simulator!.cameras;
      const viewer = connect(url, operator, ids[1]!);
      await waitFor('masked sub-stream pictures', () => viewer.binaries.length >= 20, 15_000, 20);
      const init = viewer.texts.find((text) => text.type === 'init')!;
      assert.deepEqual([init.stream, init.transcoded], ['sub', true]);
      const pids = context.services.live.sourcePids();
      assert.equal(pids.length, 1, 'one live ffmpeg');
      const tree = await assertNoSecretOnCommandLines(process.pid, masked!.credentials);
      const ffmpeg = tree.find((entry) => entry.pid === pids[0]);
      assert.ok(ffmpeg, 'the live ffmpeg is in the tree');
      assert.ok(ffmpeg.argv.includes('pipe:0'), 'it reads the sub-stream on stdin');
      assert.ok(!ffmpeg.argv.some((arg) => /rtsps?:|ffconcat|@/.test(arg)), `it opens no camera: ${ffmpeg.argv.join(' ')}`);
      assert.equal(simulator!.camera(masked!.id).viewers.sub, 1, 'one session on the sub-stream, Vigie’s');
      await viewer.close();
      const file = join(directory.path, 'masked.mp4');
      await writeFile(file, Buffer.concat(viewer.binaries));
      const pixels = await grabGrayFrame(file, SUB.width, SUB.height, 0.5);
      const inside = maskedAreasUniform(pixels, SUB.width, SUB.height, [maskPolygon], 3, 2);
      assert.equal(inside.uniform, true, JSON.stringify(inside.polygons));
      assert.ok(inside.outsideStandardDeviation > 10, `the rest of the picture shows the scene (deviation ${inside.outsideStandardDeviation})`);
      await context.services.live.stop();
      assert.ok(processGone(pids[0]!), 'stop leaves no ffmpeg behind');
      await waitFor('the sub-stream session closed at the camera', () => simulator!.camera(masked!.id).viewers.sub === 0, 5000, 20);
    });
  });
}
