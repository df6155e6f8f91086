// SubStreamIngest with a fake RTSP client (real depacketizer, pictures at 20 frames/s, a
// keyframe every 5): the first subscriber connects to the camera; each subscriber gets the init
// segment then a keyframe (a late one: the init and the pictures since the latest keyframe at
// once), durations the camera's RTP steps, with no hole in the timeline; a new session starts
// a new init segment, passed on to a direct subscriber and told to a fed one (which then gets
// nothing more); stop() closes the camera connection for good.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FragmentedMp4Reader, type Mp4Event } from '../../platform/media/fmp4.ts';
import type { RtspClient } from '../../platform/rtsp/index.ts';
import { waitFor } from '../../testing/wait.ts';
import { SubStreamIngest } from './sub-stream-ingest.ts';
import { FAKE_CAMERA_STEP, FakeRtspCamera } from '../../platform/rtsp/fake-camera.fixtures.ts';

const STEP = FAKE_CAMERA_STEP; // 20 frames/s at 90 kHz

function setUp() {
  const cameras: FakeRtspCamera[] = [];
  const ingest = new SubStreamIngest({
    name: 'cam-1/sub/copy',
    rtspUrl: 'rtsp://127.0.0.1:1/sub',
    credentials: { username: 'admin', password: 'secret' },
    backoff: { initialMs: 20, maxMs: 50, stableAfterMs: 10_000 },
    createClient: (options) => {
      const camera = new FakeRtspCamera(options);
      cameras.push(camera);
      return camera as unknown as RtspClient;
    },
  });
  return { ingest, cameras };
}

/** What a subscriber received, parsed as the live source parses it. */
function collector() {
  const reader = new FragmentedMp4Reader();
  const events: Mp4Event[] = [];
  return { events, write: (bytes: Buffer) => events.push(...reader.push(bytes)) };
}
const fragmentsOf = (events: Mp4Event[]) => events.flatMap((event) => (event.kind === 'fragment' ? [event.fragment] : []));

describe('SubStreamIngest: a sub-stream received by Vigie, as fragmented MP4', () => {
  it('connects on the first subscriber; init then keyframe for each, a late one gets the GOP at once; decode times follow the camera', async () => {
    const { ingest, cameras } = setUp();
    try {
      assert.equal(cameras.length, 0, 'no connection before a subscriber');
      const first = collector();
      ingest.subscribe(first.write);
      assert.equal(cameras.length, 1);
      assert.deepEqual(cameras[0]!.options?.credentials, { username: 'admin', password: 'secret' }, 'the credentials go to Vigie’s client, in this process');
      await waitFor('pictures', () => fragmentsOf(first.events).length >= 7, 5000, 10);
      assert.equal(ingest.connected, true);
      assert.equal(first.events[0]!.kind, 'init');
      const init = first.events[0]!.kind === 'init' ? first.events[0]!.init : undefined;
      assert.deepEqual([init?.info.codec, init?.info.width, init?.info.height], ['h264', 640, 360]);
      const fragments = fragmentsOf(first.events);
      assert.equal(fragments[0]!.keyframe, true, 'the first fragment is a keyframe');
      // Each fragment's duration is the camera's step to it (the first one's a guess), and the
      // timeline has no hole: each one starts where the previous one ends.
      assert.deepEqual(
        fragments.slice(1, 6).map((fragment) => fragment.duration),
        [STEP, STEP, STEP, STEP, STEP],
      );
      assert.equal(fragments[0]!.decodeTime, 0);
      for (let index = 1; index < fragments.length; index++)
        assert.equal(fragments[index]!.decodeTime, fragments[index - 1]!.decodeTime + fragments[index - 1]!.duration, `fragment ${index} follows on`);

      const late = collector();
      ingest.subscribe(late.write);
      assert.equal(late.events[0]!.kind, 'init', 'the init at once');
      const cached = fragmentsOf(late.events);
      assert.ok(cached.length >= 1 && cached[0]!.keyframe, 'then the pictures since the latest keyframe');
      assert.equal(cameras.length, 1, 'one camera connection for both');
    } finally {
      await ingest.stop();
    }
    assert.equal(cameras[0]!.stopped, true);
    assert.equal(ingest.connected, false);
  });

  it('a new session: a new init for a direct subscriber, a fed one is told and gets nothing more; stop is for good', async () => {
    const { ingest, cameras } = setUp();
    try {
      const direct = collector();
      const fed = collector();
      let told = 0;
      ingest.subscribe(direct.write);
      ingest.subscribe(fed.write, () => told++);
      await waitFor('pictures', () => fragmentsOf(fed.events).length >= 3, 5000, 10);
      cameras[0]!.lose();
      await waitFor('a new session', () => cameras.length === 2 && ingest.connected, 5000, 10);
      await waitFor('its first pictures', () => direct.events.filter((event) => event.kind === 'init').length === 2, 5000, 10);
      const fedBytes = fed.events.length;
      await waitFor('more pictures', () => fragmentsOf(direct.events).length >= fragmentsOf(fed.events).length + 3, 5000, 10);
      assert.equal(told, 1, 'the fed subscriber is told once');
      assert.equal(fed.events.length, fedBytes, 'and gets nothing after the new init');
      const lastInit = direct.events.map((event) => event.kind).lastIndexOf('init');
      const afterInit = direct.events.slice(lastInit + 1);
      assert.ok(
        afterInit[0]?.kind === 'fragment' && afterInit[0].fragment.keyframe && afterInit[0].fragment.decodeTime === 0,
        'a keyframe, decode times from 0',
      );
      const again = collector();
      ingest.subscribe(again.write, () => told++);
      assert.equal(again.events[0]!.kind, 'init', 'a new subscription starts on the new init');
    } finally {
      await ingest.stop();
    }
    assert.equal(cameras[1]!.stopped, true, 'the session in progress is closed');
    const after = collector();
    ingest.subscribe(after.write);
    assert.equal(cameras.length, 2, 'no connection after stop');
  });
});
