// The media side of live, no IO: the GOP cache, the HLS window and playlist, a WebSocket
// viewer's messages and backpressure, and a live source driven through a fake ffmpeg (what it
// feeds on stdin, how it cuts stdout, what a late viewer and a new run get, a sub-stream's
// switch between direct and ffmpeg runs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FragmentedMp4Reader, type InitSegment, type MediaFragment } from '../../platform/media/fmp4.ts';
import { h264Init, pictureFragment } from '../../platform/media/fmp4.fixtures.ts';
import type { SpawnedChild, Spawner } from '../../platform/processes.ts';
import { TS_PACKET } from '../recording/index.ts';
import { GopCache } from './gop-cache.ts';
import { HlsWindow } from './hls.ts';
import { firstRandomAccessOffset, LiveSource, type LiveSink } from './live-source.ts';
import { BACKPRESSURE_HIGH_BYTES, BACKPRESSURE_LOW_BYTES, closeCodeOf, WebSocketViewer, type LiveSocket } from './ws-viewer.ts';
import { DomainError } from '../../platform/errors.ts';

/** Real init and fragments (parsed by the reader) for the pattern given: true = keyframe. */
function media(pattern: boolean[]): { init: InitSegment; fragments: MediaFragment[] } {
  const reader = new FragmentedMp4Reader();
  const events = reader.push(Buffer.concat([h264Init, ...pattern.map((keyframe, index) => pictureFragment(index + 1, keyframe, 100))]));
  const init = events.find((event) => event.kind === 'init');
  assert.ok(init?.kind === 'init');
  return { init: init.init, fragments: events.flatMap((event) => (event.kind === 'fragment' ? [event.fragment] : [])) };
}

describe('GOP cache', () => {
  it('holds the fragments since the last keyframe, nothing before the first one', () => {
    const { fragments } = media([false, true, false, false, true, false]);
    const cache = new GopCache();
    cache.add(fragments[0]!);
    assert.equal(cache.fragments.length, 0, 'a cache starts on a keyframe');
    for (const fragment of fragments.slice(1, 4)) cache.add(fragment);
    assert.deepEqual(
      cache.fragments.map((fragment) => fragment.sequence),
      [2, 3, 4],
    );
    cache.add(fragments[4]!);
    cache.add(fragments[5]!);
    assert.deepEqual(
      cache.fragments.map((fragment) => [fragment.sequence, fragment.keyframe]),
      [
        [5, true],
        [6, false],
      ],
    );
  });

  it('gives up a GOP larger than its bound until the next keyframe', () => {
    const { fragments } = media([true, false, false, true]);
    const cache = new GopCache(fragments[0]!.data.length * 2 + 1);
    for (const fragment of fragments.slice(0, 3)) cache.add(fragment);
    assert.deepEqual([cache.fragments.length, cache.byteLength], [0, 0], 'overflowed: emptied');
    cache.add(fragments[3]!);
    assert.deepEqual(
      cache.fragments.map((fragment) => fragment.sequence),
      [4],
    );
  });
});

describe('HLS window', () => {
  it('cuts keyframe-aligned segments, keeps the last six, lists them after the init map', () => {
    const { init, fragments } = media(Array.from({ length: 24 }, (_, index) => index % 3 === 0));
    const window = new HlsWindow(6);
    assert.equal(window.playlist('h=x'), null, 'nothing before the init segment');
    window.onInit(init);
    for (const fragment of fragments) window.onFragment(fragment);
    // 8 GOPs of 3 pictures: 7 are complete (the last is still being built), the first dropped.
    assert.equal(window.segmentCount, 6);
    const playlist = window.playlist('h=abc')!;
    assert.equal(
      playlist.split('\n').slice(0, 6).join('\n'),
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI="init.mp4?h=abc"',
    );
    assert.deepEqual(playlist.match(/^#EXTINF:.*$/gm), Array(6).fill('#EXTINF:0.250,'), '3 x 7500 / 90000 s');
    assert.deepEqual(playlist.match(/^\d+\.m4s\?h=abc$/gm), ['1.m4s?h=abc', '2.m4s?h=abc', '3.m4s?h=abc', '4.m4s?h=abc', '5.m4s?h=abc', '6.m4s?h=abc']);
    assert.deepEqual(window.segment(1)!.data, Buffer.concat(fragments.slice(3, 6).map((fragment) => fragment.data)));
    assert.equal(window.segment(0), undefined, 'out of the window');
    assert.deepEqual(window.init, init.data);
  });

  it('starts over on a new init segment (a new ffmpeg run)', () => {
    const { init, fragments } = media([true, false, true, false, true]);
    const window = new HlsWindow();
    window.onInit(init);
    for (const fragment of fragments) window.onFragment(fragment);
    assert.equal(window.segmentCount, 2);
    window.onInit(init);
    assert.equal(window.segmentCount, 0);
    assert.equal(window.playlist('h=x'), null);
  });
});

class FakeSocket implements LiveSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Array<string | Buffer> = [];
  closedWith: [number | undefined, string | undefined] | null = null;
  send(data: string | Buffer): void {
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  on(): this {
    return this;
  }
}

describe('WebSocket viewer', () => {
  const description = { viewingId: 'v-1', cameraId: 'c-1', communeInsee: '38999', stream: 'sub' as const, transport: 'websocket' as const, transcoded: false };

  it('sends the init message, the init segment, then whole fragments', () => {
    const { init, fragments } = media([true, false]);
    const socket = new FakeSocket();
    const viewer = new WebSocketViewer(socket, { description });
    viewer.onInit(init);
    for (const fragment of fragments) viewer.onFragment(fragment);
    viewer.onState('reconnecting');
    assert.deepEqual(JSON.parse(socket.sent[0] as string), {
      type: 'init',
      viewingId: 'v-1',
      mime: 'video/mp4; codecs="avc1.64001f"',
      codec: 'h264',
      stream: 'sub',
      width: 320,
      height: 180,
      transcoded: false,
    });
    assert.deepEqual(socket.sent.slice(1, 4), [init.data, fragments[0]!.data, fragments[1]!.data]);
    assert.deepEqual(JSON.parse(socket.sent[4] as string), { type: 'state', state: 'reconnecting' });
    assert.equal(
      viewer.stats.bytesSent,
      socket.sent.reduce((total, item) => total + Buffer.byteLength(item), 0),
    );
  });

  it('a slow viewer skips to the next keyframe instead of queuing, and resumes once drained', () => {
    const { init, fragments } = media([true, false, false, false, true, false, true, false]);
    const socket = new FakeSocket();
    const viewer = new WebSocketViewer(socket, { description });
    viewer.onInit(init);
    viewer.onFragment(fragments[0]!);
    socket.bufferedAmount = BACKPRESSURE_HIGH_BYTES + 1;
    viewer.onFragment(fragments[1]!); // skipped: backlog
    socket.bufferedAmount = 0;
    viewer.onFragment(fragments[2]!); // skipped: waits for a keyframe
    viewer.onFragment(fragments[3]!);
    socket.bufferedAmount = BACKPRESSURE_LOW_BYTES + 1;
    viewer.onFragment(fragments[4]!); // keyframe, but the backlog is not drained yet
    viewer.onFragment(fragments[5]!);
    socket.bufferedAmount = 0;
    viewer.onFragment(fragments[6]!); // resumes here
    viewer.onFragment(fragments[7]!);
    const sentSequences = socket.sent.slice(2).map((data) => fragments.find((fragment) => fragment.data === data)!.sequence);
    assert.deepEqual(sentSequences, [1, 7, 8]);
    assert.equal(viewer.stats.fragmentsSkipped, 5);
  });

  it('ends with an error message and a close code that says why', () => {
    const socket = new FakeSocket();
    new WebSocketViewer(socket, { description }).onEnd(new DomainError('camera_unauthorised'));
    assert.equal(JSON.parse(socket.sent[0] as string).code, 'camera_unauthorised');
    assert.deepEqual(socket.closedWith, [4403, 'camera_unauthorised']);
    assert.deepEqual(
      [
        new DomainError('not_found'),
        new DomainError('live_unavailable'),
        new DomainError('reason_required'),
        new DomainError('forbidden'),
        new Error('boom'),
      ].map(closeCodeOf),
      [4404, 4503, 4403, 4403, 4500],
    );
  });
});

/** A fake ffmpeg: records stdin, lets the test write its stdout and end it. */
function fakeFfmpeg() {
  const runs: Array<{
    stdin: Buffer[];
    stdout?: (chunk: Buffer) => void;
    exit?: (code: number | null, signal: NodeJS.Signals | null) => void;
    ended: boolean;
    buffered: number;
    args: string[];
  }> = [];
  const spawner: Spawner = (_command, args) => {
    const run: (typeof runs)[number] = { stdin: [], ended: false, buffered: 0, args: [...args] };
    runs.push(run);
    const child: SpawnedChild = {
      pid: 1000 + runs.length,
      onStdout: (listener) => {
        run.stdout = listener;
      },
      onStderr: () => undefined,
      onExit: (listener) => {
        run.exit = listener;
      },
      writeStdin: (data) => {
        run.stdin.push(Buffer.from(data));
      },
      stdinBufferedBytes: () => run.buffered,
      endStdin: () => {
        run.ended = true;
        setImmediate(() => run.exit?.(0, null));
      },
      kill: () => setImmediate(() => run.exit?.(null, 'SIGTERM')),
    };
    return child;
  };
  return { runs, spawner };
}

/** TS packets: `randomAccess` sets the adaptation field's random access indicator. */
function tsPacket(randomAccess: boolean): Buffer {
  const packet = Buffer.alloc(TS_PACKET, 0xff);
  packet[0] = 0x47;
  packet[1] = 0x01;
  packet[2] = 0x00;
  packet[3] = randomAccess ? 0x30 : 0x10;
  if (randomAccess) {
    packet[4] = 7;
    packet[5] = 0x40;
  }
  return packet;
}

describe('live source', () => {
  it('feeds stdin from the recorder, cuts stdout, gives a late viewer init + cached GOP, restarts cleanly', async () => {
    const { runs, spawner } = fakeFfmpeg();
    let feedListener: ((packets: Buffer) => void) | undefined;
    let feeds = 0;
    const source = new LiveSource({
      key: 'c-1/main/copy',
      cameraId: 'c-1',
      stream: 'main',
      reencodes: false,
      transcodeToH264: false,
      spawner,
      input: {
        cameraConnection: false,
        args: () => ['-i', 'pipe:0'],
        feed: (write) => {
          feeds += 1;
          feedListener = write;
          return () => {
            feedListener = undefined;
          };
        },
      },
    });
    source.start();
    assert.equal(runs.length, 1);
    feedListener!(tsPacket(true));
    assert.equal(runs[0]!.stdin.length, 1, 'recorder bytes piped into ffmpeg');
    const stream = Buffer.concat([h264Init, pictureFragment(1, true), pictureFragment(2, false)]);
    runs[0]!.stdout!(stream.subarray(0, 50));
    runs[0]!.stdout!(stream.subarray(50));
    assert.equal(source.init?.info.codec, 'h264');
    const received: string[] = [];
    const sink: LiveSink = {
      onInit: () => received.push('init'),
      onFragment: (fragment) => received.push(`${fragment.sequence}${fragment.keyframe ? 'k' : ''}`),
    };
    source.subscribe(sink);
    assert.deepEqual(received, ['init', '1k', '2'], 'init and the cached GOP at once');
    runs[0]!.stdout!(pictureFragment(3, false));
    assert.deepEqual(received.at(-1), '3');

    await source.restart();
    assert.equal(runs[0]!.ended, true, 'stopped by closing its stdin (ffmpeg ignores SIGTERM while blocked reading it)');
    assert.equal(runs.length, 2);
    assert.equal(feeds, 2, 'a new run subscribes to the recorder again (its cached GOP first)');
    assert.equal(source.init, null, 'the old init segment does not describe the new run');
    runs[1]!.stdout!(Buffer.concat([h264Init, pictureFragment(1, true)]));
    assert.deepEqual(received.slice(-2), ['init', '1k'], 'viewers get the new init segment');
    await source.stop();
  });

  it("when ffmpeg does not keep up, drops the recorder's bytes and resumes on a keyframe", () => {
    const { runs, spawner } = fakeFfmpeg();
    let write: ((packets: Buffer) => void) | undefined;
    const source = new LiveSource({
      key: 'k',
      cameraId: 'c',
      stream: 'main',
      reencodes: false,
      transcodeToH264: false,
      spawner,
      maxStdinBufferedBytes: 1000,
      input: {
        cameraConnection: false,
        args: () => [],
        feed: (feedWrite) => {
          write = feedWrite;
          return () => undefined;
        },
      },
    });
    source.start();
    runs[0]!.buffered = 5000;
    write!(tsPacket(true));
    runs[0]!.buffered = 0;
    write!(Buffer.concat([tsPacket(false), tsPacket(false)]));
    write!(Buffer.concat([tsPacket(false), tsPacket(true), tsPacket(false)]));
    assert.equal(runs[0]!.stdin.length, 1);
    assert.equal(runs[0]!.stdin[0]!.length, 2 * TS_PACKET, 'from the keyframe packet on');
    assert.equal(firstRandomAccessOffset(runs[0]!.stdin[0]!), 0);
    assert.equal(firstRandomAccessOffset(Buffer.concat([tsPacket(false), tsPacket(false)])), -1);
    void source.stop();
  });

  it('a sub-stream switches between direct runs (no ffmpeg) and fed ffmpeg runs as its mask comes and goes; stop closes its input', async () => {
    const { runs, spawner } = fakeFfmpeg();
    const state = { masked: false, connected: true, closed: 0 };
    let write: ((bytes: Buffer) => void) | undefined;
    const source = new LiveSource({
      key: 'c/sub/copy',
      cameraId: 'c',
      stream: 'sub',
      reencodes: false,
      transcodeToH264: false,
      spawner,
      input: {
        cameraConnection: true,
        get direct() {
          return !state.masked;
        },
        inputFormat: 'mp4',
        args: () => (state.masked ? ['-i', 'pipe:0', 'mask.png'] : ['-i', 'pipe:0']),
        feed: (feedWrite) => {
          write = feedWrite;
          return () => {
            write = undefined;
          };
        },
        cameraConnected: () => state.connected,
        close: async () => {
          state.closed += 1;
        },
      },
    });
    const received: string[] = [];
    source.subscribe({ onInit: () => received.push('init'), onFragment: (fragment) => received.push(`${fragment.sequence}`) });
    source.start();
    write!(Buffer.concat([h264Init, pictureFragment(1, true)]));
    assert.deepEqual([runs.length, source.pid, source.running, received], [0, undefined, true, ['init', '1']], 'direct: no ffmpeg, the bytes to the viewers');
    assert.equal(source.cameraConnected, true);
    state.connected = false;
    assert.equal(source.cameraConnected, false, 'the input says whether its camera connection is up');
    state.masked = true;
    await source.restart();
    assert.equal(runs.length, 1, 'masked: one ffmpeg');
    assert.deepEqual(runs[0]!.args, ['-i', 'pipe:0', 'mask.png']);
    write!(pictureFragment(2, false));
    assert.equal(runs[0]!.stdin.length, 1, 'fed to ffmpeg, not to the viewers');
    assert.deepEqual(received, ['init', '1']);
    state.masked = false;
    await source.restart();
    assert.equal(runs[0]!.ended, true, 'the ffmpeg left');
    assert.deepEqual([runs.length, source.pid], [1, undefined], 'direct again: no new ffmpeg');
    write!(Buffer.concat([h264Init, pictureFragment(1, true)]));
    assert.deepEqual(received.slice(-2), ['init', '1']);
    await source.stop();
    assert.deepEqual([state.closed, write, source.cameraConnected], [1, undefined, false]);
  });
});
