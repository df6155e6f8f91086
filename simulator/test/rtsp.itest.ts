// ffprobe and ffmpeg read the simulated cameras' streams as they would a real camera's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../src/index.ts';
import { RtspClient } from '../src/rtsp-client.ts';
import { decode, framesDecoded, probe, sleep, startSmallSimulator, withCredentials } from './helpers.ts';

describe('RTSP server of simulated cameras', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSmallSimulator({ count: 2 });
  });
  after(async () => {
    await sim?.stop();
  });

  test('ffprobe reads the main and sub streams of every camera with the right credentials', async () => {
    for (const camera of sim.cameras) {
      for (const [profile, width] of [
        ['main', 320],
        ['sub', 160],
      ] as const) {
        const { stream, result } = await probe(withCredentials(camera.rtspUrls[profile], camera));
        assert.equal(result.code, 0, result.stderr);
        assert.equal(stream?.codec_name, 'h264');
        assert.equal(stream?.width, width);
        assert.equal(stream?.r_frame_rate, '12/1');
      }
    }
  });

  test('a client without credentials, or with a wrong password, gets 401', async () => {
    const camera = sim.cameras[0]!;
    const anonymous = await probe(camera.rtspUrls.main);
    assert.notEqual(anonymous.result.code, 0);
    assert.match(anonymous.result.stderr, /401/);
    const wrong = await probe(withCredentials(camera.rtspUrls.main, camera, 'not-the-password'));
    assert.match(wrong.result.stderr, /401/);
    const client = new RtspClient(camera.rtspUrls.main);
    await client.connect();
    const response = await client.request('DESCRIBE', camera.rtspUrls.main);
    client.close();
    assert.equal(response.status, 401);
    assert.match(response.headers['www-authenticate'] ?? '', /^Digest realm="[^"]+", nonce="/);
  });

  test('ffmpeg decodes 3 s over TCP interleaved and over UDP without errors', async () => {
    const camera = sim.cameras[1]!;
    for (const transport of ['tcp', 'udp'] as const) {
      const { code, stderr } = await decode(withCredentials(camera.rtspUrls.main, camera), 3, undefined, transport);
      assert.equal(code, 0, stderr);
      const frames = framesDecoded(stderr);
      assert.ok(frames >= 30, `${transport}: ${frames} frames decoded`);
      assert.doesNotMatch(stderr, /error while decoding|corrupt|non-existing PPS/i);
    }
  });

  test('several clients pull one camera at once and get the same continuous timeline', async () => {
    const camera = sim.cameras[0]!;
    const clients = [1, 2, 3].map(() => new RtspClient(camera.rtspUrls.sub, camera.credentials));
    await Promise.all(
      clients.map(async (client) => {
        await client.connect();
        await client.play();
      }),
    );
    await sleep(2000);
    for (const client of clients) client.close();
    for (const client of clients) {
      assert.ok(client.stats.pictures >= 20, `${client.stats.pictures} pictures`);
      assert.ok(client.stats.keyframes >= 1);
      const elapsed = ((client.stats.lastTimestamp! - client.stats.firstTimestamp!) >>> 0) / 90000;
      assert.ok(elapsed > 1.5 && elapsed < 4, `RTP timestamps span ${elapsed} s`);
    }
  });

  test('RTCP sender reports arrive on the interleaved RTCP channel', async () => {
    const camera = sim.cameras[1]!;
    const client = new RtspClient(camera.rtspUrls.sub, camera.credentials);
    await client.connect();
    await client.play();
    await sleep(300);
    client.close();
    assert.ok(client.stats.senderReports >= 1);
  });

  test('GET_PARAMETER keeps a session alive and TEARDOWN ends it', async () => {
    const camera = sim.cameras[0]!;
    const client = new RtspClient(camera.rtspUrls.sub, camera.credentials);
    await client.connect();
    await client.play();
    await sleep(300);
    assert.equal((await client.request('GET_PARAMETER', camera.rtspUrls.sub)).status, 200);
    assert.equal((await client.request('TEARDOWN', camera.rtspUrls.sub)).status, 200);
    await sleep(200);
    const packets = client.stats.rtpPackets;
    await sleep(500);
    assert.equal(client.stats.rtpPackets, packets);
    assert.equal((await client.request('PLAY', camera.rtspUrls.sub)).status, 454);
    client.close();
  });

  test('an unknown path is answered 404', async () => {
    const camera = sim.cameras[0]!;
    const client = new RtspClient(camera.rtspUrls.main.replace('/main', '/other'), camera.credentials);
    await client.connect();
    const response = await client.request('DESCRIBE', client.url);
    client.close();
    assert.equal(response.status, 404);
  });
});

describe('RTSP server of an H.265 camera', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSmallSimulator({ count: 1, codec: 'h265' });
  });
  after(async () => {
    await sim?.stop();
  });

  test('ffprobe sees HEVC and ffmpeg decodes it without errors', async () => {
    const camera = sim.cameras[0]!;
    const { stream, result } = await probe(withCredentials(camera.rtspUrls.main, camera));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(stream?.codec_name, 'hevc');
    assert.equal(stream?.width, 320);
    // 4 s of stream: joining mid-GOP costs up to one GOP (2 s) before the first decodable frame.
    const decoded = await decode(withCredentials(camera.rtspUrls.sub, camera), 4);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.ok(framesDecoded(decoded.stderr) >= 20, `only ${framesDecoded(decoded.stderr)} frames decoded`);
    assert.doesNotMatch(decoded.stderr, /error while decoding|corrupt|Could not find ref/i);
  });
});
