// Playback sessions on both databases, over HTTP, on footage really recorded from the simulator
// by the recorder role (2-s segments): refusals (reason, window, another commune, no footage),
// the session with its segments and gaps (audited with its reason), segments served to the
// owner only with Range, validators and the masking header, a purged file answered
// footage_unavailable, a segment recorded before a mask was added served re-encoded with the
// masked area uniform (LEGAL 4), the stop audited when the viewer closes, when the sweep finds
// the session idle (test clock), and lazily when an idle session is used.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { maskedAreasUniform } from '../../platform/media/mask-image.ts';
import { silentLog } from '../../platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { topLeftQuarter, topRightQuarter } from '../../testing/mask-polygons.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { waitFor } from '../../testing/wait.ts';
import type { RecordingRole } from '../recording/index.ts';
import type { PlaybackView } from './playback.service.ts';
import { grabGrayFrame } from '../../testing/frames.ts';

const HOME = '38999';
const FOREIGN = '38998';
const WIDTH = 320;
const HEIGHT = 180;
const reason = 'Réquisition OPJ n° 2026/118';

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  simulator = await startSimulator({
    count: 1,
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
  describe(`playback sessions [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let operator: SignedIn;
    let colleague: SignedIn;
    let foreignOperator: SignedIn;
    let cameraId = '';
    let window = { from: '', to: '' };
    let session: PlaybackView;
    const fetched = new Set<number>();

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString() });
      const { services } = context;
      await services.communes.create({ insee: HOME, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await services.communes.create({ insee: FOREIGN, name: 'Saint-Guet', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: HOME, name: 'Gare', kind: 'station' }, testCli);
      const simulated = simulator!.cameras[0]!;
      cameraId = (
        await services.cameras.create(
          {
            siteId: site.id,
            name: 'Parvis',
            kind: 'fixed',
            fieldClass: 'wide',
            mainStreamUrl: simulated.rtspUrls.main,
            credentials: simulated.credentials,
            purposes: ['people_property_safety'],
          },
          testCli,
        )
      ).id;
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
          cameraIds: [cameraId],
        },
        testCli,
      );
      const role = services.recordingModule.api.createRole(
        {
          segmentSeconds: 2,
          reconcileIntervalMs: 3_600_000,
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
      const since = Date.now() - 60_000;
      await waitFor(
        '4 indexed segments',
        async () => (await services.recordingRepository.segmentsOverlapping(cameraId, since, Date.now() + 60_000)).length >= 4,
        40_000,
      );
      await role.stop();
      context.clock.set(new Date()); // the test's clock stands still from here; the footage was recorded just before
      window = { from: new Date(Date.now() - 10 * 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
      operator = await signIn(context, 'operator', [HOME]);
      colleague = await signIn(context, 'operator', [HOME]);
      foreignOperator = await signIn(context, 'operator', [FOREIGN]);
    });
    after(async () => context?.close());

    const open = (who: SignedIn, body: Record<string, unknown>, camera = cameraId) =>
      who.request({ method: 'POST', url: `/api/cameras/${camera}/playback`, payload: body });
    const get = (who: SignedIn, url: string, headers: Record<string, string> = {}) => who.request({ method: 'GET', url, headers });
    const stops = async () =>
      (await context.services.audit.search({ action: 'image.playback.stop', targetId: cameraId }, { allCommunes: true, communes: [] })).records;
    const grab = async (bytes: Buffer, seekSeconds: number) => {
      const file = join(context.dataDir, `frame-${Date.now()}-${seekSeconds}.mp4`);
      await writeFile(file, bytes);
      return grabGrayFrame(file, WIDTH, HEIGHT, seekSeconds);
    };

    it('refuses without a reason, over more than 24 h, to another commune, and where nothing was recorded', async () => {
      const expect = async (response: Awaited<ReturnType<typeof open>>, status: number, code: string) =>
        assert.deepEqual([response.statusCode, response.json().code], [status, code], response.body);
      await expect(await open(operator, window), 400, 'reason_required');
      await expect(await open(operator, { ...window, reason: ' ok ' }), 400, 'reason_required');
      await expect(await open(operator, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:01Z', reason }), 400, 'recording_range_invalid');
      await expect(await open(operator, { from: window.to, to: window.from, reason }), 400, 'recording_range_invalid');
      await expect(await open(foreignOperator, { ...window, reason }), 403, 'commune_out_of_scope');
      await expect(await open(operator, { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z', reason }), 404, 'footage_unavailable');
      await expect(await open(operator, { ...window, reason }, 'cam-404'), 404, 'not_found');
      assert.equal(
        (await context.services.audit.search({ action: 'image.playback', targetId: cameraId }, { allCommunes: true, communes: [] })).total,
        0,
        'nothing was shown',
      );
    });

    it('opens a session listing the segments and gaps, audited with its reason', async () => {
      const response = await open(operator, { ...window, reason });
      assert.equal(response.statusCode, 201, response.body);
      session = response.json() as PlaybackView;
      assert.equal(session.cameraId, cameraId);
      assert.equal(session.expiresAt, new Date(context.clock.now().getTime() + 5 * 60_000).toISOString());
      assert.ok(session.segments.length >= 4, `${session.segments.length} segments`);
      for (const segment of session.segments) {
        assert.equal(segment.url, `/api/playback/${session.playbackId}/segments/${segment.id}`);
        // The last one may be short: the recorder was stopped in its middle.
        assert.ok(segment.bytes > 1000 && segment.durationSeconds > 0 && segment.durationSeconds < 5 && !segment.reencoded, JSON.stringify(segment));
        assert.equal(segment.durationSeconds, (Date.parse(segment.end) - Date.parse(segment.start)) / 1000);
      }
      assert.ok(
        session.segments.slice(1, -1).every((segment) => segment.durationSeconds >= 1.5),
        'whole 2-s segments in the middle',
      );
      assert.equal(session.gaps[0]!.from, window.from, 'nothing recorded before the recorder started');
      assert.ok(
        session.gaps.every((gap) => Date.parse(gap.to) <= context.clock.now().getTime()),
        'the future is not a gap',
      );
      const audited = await context.services.audit.search({ action: 'image.playback', targetId: cameraId }, { allCommunes: true, communes: [] });
      assert.equal(audited.total, 1);
      assert.equal(audited.records[0]!.reason, reason);
      assert.equal(audited.records[0]!.actorLogin, operator.login);
      assert.deepEqual(
        [audited.records[0]!.details.playbackId, audited.records[0]!.details.from, audited.records[0]!.details.to],
        [session.playbackId, window.from, window.to],
      );
    });

    it('serves a segment to its owner: whole, by byte ranges, with validators; raw footage here, the area later masked is not uniform', async () => {
      const segment = session.segments[1]!;
      const whole = await get(operator, segment.url);
      assert.equal(whole.statusCode, 200, whole.body.slice(0, 200));
      fetched.add(segment.id);
      assert.deepEqual(
        [whole.headers['content-type'], Number(whole.headers['content-length']), whole.headers['accept-ranges'], whole.headers['x-vigie-masked']],
        ['video/mp4', segment.bytes, 'bytes', 'none'],
      );
      assert.equal(whole.rawPayload.subarray(4, 8).toString('latin1'), 'ftyp', 'a self-contained MP4');
      const etag = whole.headers.etag as string;
      assert.match(etag, /^"\d+-[0-9a-f]+-[0-9a-f]+"$/);

      const head = await get(operator, segment.url, { range: 'bytes=0-99' });
      assert.deepEqual([head.statusCode, head.headers['content-range'], head.rawPayload.length], [206, `bytes 0-99/${segment.bytes}`, 100]);
      assert.ok(head.rawPayload.equals(whole.rawPayload.subarray(0, 100)));
      const tail = await get(operator, segment.url, { range: 'bytes=-50' });
      assert.deepEqual([tail.statusCode, tail.headers['content-range']], [206, `bytes ${segment.bytes - 50}-${segment.bytes - 1}/${segment.bytes}`]);
      assert.ok(tail.rawPayload.equals(whole.rawPayload.subarray(segment.bytes - 50)));
      const beyond = await get(operator, segment.url, { range: `bytes=${segment.bytes}-` });
      assert.deepEqual([beyond.statusCode, beyond.headers['content-range']], [416, `bytes */${segment.bytes}`]);
      assert.equal((await get(operator, segment.url, { 'if-none-match': etag })).statusCode, 304);
      assert.equal((await get(operator, segment.url, { range: 'bytes=0-9', 'if-range': '"stale"' })).statusCode, 200, 'a changed file is sent whole');

      const pixels = await grab(whole.rawPayload, 1);
      assert.equal(maskedAreasUniform(pixels, WIDTH, HEIGHT, [topLeftQuarter], 3).uniform, false, 'unmasked footage has detail there');
    });

    it('refuses the segment to anyone else, an unknown session, and a segment outside the session', async () => {
      const segment = session.segments[1]!;
      const other = await get(colleague, segment.url);
      assert.deepEqual([other.statusCode, other.json().code], [404, 'playback_session_invalid']);
      assert.equal((await get(operator, `/api/playback/nope/segments/${segment.id}`)).json().code, 'playback_session_invalid');
      assert.equal((await get(operator, `/api/playback/${session.playbackId}/segments/999999999`)).json().code, 'not_found');
      const first = session.segments[0]!;
      const narrow = await open(operator, { from: first.start, to: new Date(Date.parse(first.end) - 500).toISOString(), reason });
      assert.equal(narrow.statusCode, 201, narrow.body);
      const last = session.segments.at(-1)!;
      assert.equal(
        (await get(operator, `/api/playback/${narrow.json().playbackId}/segments/${last.id}`)).json().code,
        'not_found',
        'outside the session’s window',
      );
      assert.equal((await operator.request({ method: 'DELETE', url: `/api/playback/${narrow.json().playbackId}` })).statusCode, 204);
    });

    it('answers footage_unavailable for a segment purged meanwhile, and goes on serving the others', async () => {
      const last = session.segments.at(-1)!;
      const row = (await context.services.recordingRepository.segmentsOverlapping(cameraId, Date.parse(last.start), Date.parse(last.end))).find(
        (candidate) => candidate.id === last.id,
      )!;
      await rm(join(context.config.recordingsDir, row.path));
      const purged = await get(operator, last.url);
      assert.deepEqual([purged.statusCode, purged.json().code], [404, 'footage_unavailable']);
      assert.equal((await get(operator, session.segments[1]!.url)).statusCode, 200);
    });

    it('re-encodes a segment recorded before a mask was added, with the masked area uniform (LEGAL 4)', async () => {
      await context.services.masks.create({ cameraId, name: 'Fenêtres', polygons: [topLeftQuarter] }, testCli);
      const segment = session.segments[1]!;
      const masked = await get(operator, segment.url, { range: 'bytes=0-99' });
      assert.equal(masked.statusCode, 200, 'no range on a re-encode: the whole masked file');
      fetched.add(segment.id);
      assert.deepEqual([masked.headers['content-type'], masked.headers['x-vigie-masked'], masked.headers['accept-ranges']], ['video/mp4', 'reencoded', 'none']);
      assert.equal(masked.rawPayload.subarray(4, 8).toString('latin1'), 'ftyp');
      assert.ok(masked.rawPayload.includes(Buffer.from('moof')), 'fragmented');
      for (const seek of [0, 1]) {
        const pixels = await grab(masked.rawPayload, seek);
        const result = maskedAreasUniform(pixels, WIDTH, HEIGHT, [topLeftQuarter], 3);
        assert.equal(result.uniform, true, `masked area at ${seek} s: ${JSON.stringify(result.polygons)}`);
        assert.ok(result.polygons[0]!.mean < 20, `burnt in black, mean ${result.polygons[0]!.mean}`);
        assert.ok(result.outsideStandardDeviation > 20, 'the rest of the picture has detail');
        assert.equal(maskedAreasUniform(pixels, WIDTH, HEIGHT, [topRightQuarter], 3).uniform, false);
      }
      const reopened = await open(operator, { ...window, reason });
      assert.ok(
        (reopened.json() as PlaybackView).segments.every((entry) => entry.reencoded),
        'every stored segment predates the mask',
      );
      await operator.request({ method: 'DELETE', url: `/api/playback/${reopened.json().playbackId}` });
    });

    it('closes at the viewer’s request, auditing the stop with duration and segments served', async () => {
      context.clock.advance(42_000);
      const closed = await operator.request({ method: 'DELETE', url: `/api/playback/${session.playbackId}` });
      assert.equal(closed.statusCode, 204, closed.body);
      const stop = (await stops()).find((record) => record.details.playbackId === session.playbackId)!;
      assert.deepEqual(
        [stop.actorLogin, stop.reason, stop.details.endedBy, stop.details.durationSeconds, stop.details.segmentsServed],
        [operator.login, reason, 'viewer', 42, fetched.size],
      );
      assert.ok(Number(stop.details.requests) >= 8);
      assert.equal((await get(operator, session.segments[1]!.url)).json().code, 'playback_session_invalid');
      assert.equal((await operator.request({ method: 'DELETE', url: `/api/playback/${session.playbackId}` })).json().code, 'playback_session_invalid');
    });

    it('ends idle sessions by the sweep and on use, each stop audited', async () => {
      const swept = (await open(operator, { ...window, reason })).json() as PlaybackView;
      context.clock.advance(10_000);
      assert.equal((await get(operator, swept.segments[0]!.url)).statusCode, 200);
      context.clock.advance(60_000);
      const lazy = (await open(operator, { ...window, reason: 'levée de doute' })).json() as PlaybackView;
      context.clock.advance(5 * 60_000 - 60_000 - 1);
      assert.equal(await context.services.playback.closeIdle(), 0, 'not idle yet');
      context.clock.advance(1);
      assert.equal(await context.services.playback.closeIdle(), 1, 'the one used 5 minutes ago');
      const sweptStop = (await stops()).find((record) => record.details.playbackId === swept.playbackId)!;
      assert.deepEqual(
        [sweptStop.actorLogin, sweptStop.details.endedBy, sweptStop.details.durationSeconds, sweptStop.details.segmentsServed],
        [operator.login, 'idle', 10, 1],
      );
      assert.equal((await get(operator, swept.segments[0]!.url)).json().code, 'playback_session_invalid');

      context.clock.advance(60_000);
      assert.equal((await get(operator, lazy.segments[0]!.url)).json().code, 'playback_session_invalid', 'idle: refused, and closed on the spot');
      const lazyStop = (await stops()).find((record) => record.details.playbackId === lazy.playbackId)!;
      assert.deepEqual([lazyStop.details.endedBy, lazyStop.reason, lazyStop.details.segmentsServed], ['idle', 'levée de doute', 0]);
      assert.equal(await context.services.playback.closeIdle(), 0, 'never stopped twice');
      assert.equal((await context.services.audit.verify()).ok, true);
    });
  });
}
