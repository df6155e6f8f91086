import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  codecOfMime,
  codecPlan,
  initialLiveStatus,
  isFatal,
  liveEdgeAction,
  liveHlsUrl,
  liveSocketUrl,
  nextLiveStatus,
  parseServerMessage,
  rangeAround,
  reconnectDelayMs,
  type LiveInit,
  type LiveStatus,
} from './live-stream.ts';

const h264 = 'video/mp4; codecs="avc1.64001e"';
const h265 = 'video/mp4; codecs="hvc1.1.6.L93.B0"';

describe('live addresses', () => {
  it('uses ws on http and wss on https, on the page host, with stream, reason and transcode', () => {
    assert.equal(liveSocketUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, 'cam 1'), 'ws://127.0.0.1:8080/api/cameras/cam%201/live/ws?stream=auto');
    assert.equal(
      liveSocketUrl({ protocol: 'https:', host: 'csu.example' }, 'c1', { stream: 'main', reason: ' Réquisition n°12 & suite ', transcode: true }),
      'wss://csu.example/api/cameras/c1/live/ws?stream=main&reason=R%C3%A9quisition+n%C2%B012+%26+suite&transcode=h264',
    );
    assert.equal(liveSocketUrl({ protocol: 'http:', host: 'h' }, 'c1', { reason: '   ' }), 'ws://h/api/cameras/c1/live/ws?stream=auto');
  });

  it('builds the HLS fallback playlist address', () => {
    assert.equal(liveHlsUrl('c/2', { stream: 'sub', reason: 'x' }), '/api/cameras/c%2F2/live/hls/index.m3u8?stream=sub&reason=x');
  });
});

describe('live server messages', () => {
  it('reads init, state and error; ignores the rest', () => {
    const init = parseServerMessage(
      JSON.stringify({ type: 'init', viewingId: 'v1', mime: h264, codec: 'h264', stream: 'sub', width: 160, height: 90, transcoded: false }),
    );
    assert.deepEqual(init, { type: 'init', viewingId: 'v1', mime: h264, codec: 'h264', stream: 'sub', width: 160, height: 90, transcoded: false });
    assert.deepEqual(parseServerMessage('{"type":"state","state":"reconnecting"}'), { type: 'state', state: 'reconnecting' });
    assert.deepEqual(parseServerMessage('{"type":"error","code":"forbidden","message_fr":"Refusé","message_en":"Refused"}'), {
      type: 'error',
      code: 'forbidden',
      message_fr: 'Refusé',
      message_en: 'Refused',
    });
    assert.equal(parseServerMessage('not json'), null);
    assert.equal(parseServerMessage('{"type":"init"}'), null);
    assert.equal(parseServerMessage('{"type":"ping"}'), null);
    assert.equal(parseServerMessage('42'), null);
  });

  it('guesses the codec from the MIME type when the server does not say', () => {
    const init = parseServerMessage(JSON.stringify({ type: 'init', mime: h265 })) as LiveInit;
    assert.equal(init.codec, 'h265');
    assert.equal(codecOfMime(h264), 'h264');
    assert.equal(codecOfMime('video/mp4'), 'unknown');
  });
});

describe('codec plan', () => {
  const chromium = { mseSupports: (mime: string) => mime.includes('avc1'), hlsPlayable: false };
  it('plays what MSE supports', () => {
    assert.equal(codecPlan({ mime: h264, codec: 'h264', transcoded: false }, chromium), 'mse');
  });
  it('asks the server to transcode H.265 it cannot decode, once', () => {
    assert.equal(codecPlan({ mime: h265, codec: 'h265', transcoded: false }, chromium), 'transcode');
    assert.equal(codecPlan({ mime: h265, codec: 'h265', transcoded: true }, chromium), 'unsupported');
  });
  it('falls back to native HLS, else gives up', () => {
    assert.equal(codecPlan({ mime: 'video/mp4; codecs="av01"', codec: 'unknown', transcoded: false }, { mseSupports: () => false, hlsPlayable: true }), 'hls');
    assert.equal(codecPlan({ mime: 'video/mp4; codecs="av01"', codec: 'unknown', transcoded: false }, chromium), 'unsupported');
  });
});

describe('reconnection', () => {
  it('waits 1 s, 2 s, 4 s, 8 s then 10 s at most', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs), [1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    assert.equal(reconnectDelayMs(0), 1000);
  });
  it('does not retry a refusal', () => {
    assert.equal(isFatal(4403, null), true);
    assert.equal(isFatal(4404, null), true);
    assert.equal(isFatal(4503, 'live_unavailable'), false);
    assert.equal(isFatal(1006, null), false);
    assert.equal(isFatal(1000, 'reason_required'), true);
  });
});

describe('live edge', () => {
  it('stays when close to the newest frame', () => {
    assert.deepEqual(liveEdgeAction({ start: 10, end: 12, currentTime: 11.5, fragmentSeconds: 0.1 }), { seekTo: null, removeBefore: null });
  });
  it('jumps forward when lagging more than 0.8 s with short fragments', () => {
    const action = liveEdgeAction({ start: 10, end: 13, currentTime: 11, fragmentSeconds: 0.1 });
    assert.ok(action.seekTo !== null && action.seekTo > 12.7 && action.seekTo < 13);
  });
  it('tolerates one and a half fragments of lag when fragments are long (one per GOP)', () => {
    assert.equal(liveEdgeAction({ start: 10, end: 12, currentTime: 10.7, fragmentSeconds: 1 }).seekTo, null);
    const action = liveEdgeAction({ start: 10, end: 14, currentTime: 11, fragmentSeconds: 1 });
    assert.equal(action.seekTo, 13.25);
  });
  it('moves a position before the buffer into it (the first fragment)', () => {
    const action = liveEdgeAction({ start: 3600, end: 3600.5, currentTime: 0, fragmentSeconds: 0 });
    assert.ok(action.seekTo !== null && action.seekTo >= 3600 && action.seekTo <= 3600.5);
  });
  it('trims what lies far behind the picture, keeping a few seconds', () => {
    assert.deepEqual(liveEdgeAction({ start: 0, end: 20.2, currentTime: 20, fragmentSeconds: 0.1 }), { seekTo: null, removeBefore: 15 });
    assert.deepEqual(liveEdgeAction({ start: 5, end: 5, currentTime: 5, fragmentSeconds: 0 }), { seekTo: null, removeBefore: null });
  });
  it('picks the buffered range holding the play position, else the last', () => {
    const ranges = [
      { start: 0, end: 2 },
      { start: 5, end: 9 },
    ];
    assert.deepEqual(rangeAround(ranges, 1), { start: 0, end: 2 });
    assert.deepEqual(rangeAround(ranges, 3), { start: 5, end: 9 });
    assert.equal(rangeAround([], 3), null);
  });
});

describe('viewer state machine', () => {
  const init: LiveInit = { type: 'init', viewingId: 'v', mime: h264, codec: 'h264', stream: 'sub', width: 160, height: 90, transcoded: false };
  const run = (...events: Parameters<typeof nextLiveStatus>[1][]): LiveStatus => events.reduce(nextLiveStatus, initialLiveStatus);

  it('connects, buffers, plays, and measures the first picture once', () => {
    const playing = run({ type: 'connect', transport: 'mse' }, { type: 'init', init }, { type: 'picture', elapsedMs: 412.4 });
    assert.equal(playing.phase, 'playing');
    assert.equal(playing.firstPictureMs, 412);
    assert.equal(playing.attempt, 0);
    const again = run(
      { type: 'connect', transport: 'mse' },
      { type: 'picture', elapsedMs: 400 },
      { type: 'closed', closeCode: 1006, now: 0 },
      { type: 'connect', transport: 'mse' },
      { type: 'picture', elapsedMs: 9000 },
    );
    assert.equal(again.firstPictureMs, 400);
  });

  it('backs off while connections fail, and starts again at 1 s after a success', () => {
    const failOnce = run({ type: 'connect', transport: 'mse' }, { type: 'closed', closeCode: 1006, now: 1000 });
    assert.equal(failOnce.phase, 'reconnecting');
    assert.equal(failOnce.retryAt, 2000);
    const failThrice = run(
      { type: 'connect', transport: 'mse' },
      { type: 'closed', closeCode: 1006, now: 0 },
      { type: 'connect', transport: 'mse' },
      { type: 'closed', closeCode: 1006, now: 0 },
      { type: 'connect', transport: 'mse' },
      { type: 'closed', closeCode: 4503, now: 0 },
    );
    assert.equal(failThrice.retryAt, 4000);
    const recovered = nextLiveStatus(nextLiveStatus(nextLiveStatus(failThrice, { type: 'connect', transport: 'mse' }), { type: 'picture', elapsedMs: 1 }), {
      type: 'closed',
      closeCode: 1006,
      now: 0,
    });
    assert.equal(recovered.retryAt, 1000);
  });

  it('stops on a refusal, keeping the server message', () => {
    const refused = run(
      { type: 'connect', transport: 'mse' },
      { type: 'serverError', error: { code: 'forbidden', message_fr: 'Hors périmètre', message_en: 'Out of scope' } },
      { type: 'closed', closeCode: 4403, now: 0 },
    );
    assert.equal(refused.phase, 'failed');
    assert.equal(refused.error?.message_fr, 'Hors périmètre');
    assert.equal(run({ type: 'connect', transport: 'mse' }, { type: 'closed', closeCode: 4404, now: 0 }).error?.code, 'not_found');
  });

  it('tells an H.265 transcode this viewer asked for from a masked re-encode', () => {
    const transcoded = { ...init, transcoded: true };
    assert.equal(run({ type: 'connect', transport: 'mse' }, { type: 'init', init: transcoded, transcodeRequested: true }).transcodedFromH265, true);
    assert.equal(run({ type: 'connect', transport: 'mse' }, { type: 'init', init: transcoded }).transcodedFromH265, false);
  });

  it('keeps the camera state the server reports, and nothing changes once stopped', () => {
    const state = run({ type: 'connect', transport: 'mse' }, { type: 'cameraState', state: 'reconnecting' });
    assert.equal(state.cameraState, 'reconnecting');
    const stopped = nextLiveStatus(state, { type: 'stop' });
    assert.equal(stopped.phase, 'stopped');
    assert.equal(nextLiveStatus(stopped, { type: 'connect', transport: 'mse' }), stopped);
  });
});
