// PipedRecorder's own logic, with a fake RTSP client (real depacketizer, pictures sent in real
// time at 20 frames/s, a keyframe every 5) and a fake ffmpeg (its stdin recorded, its unread
// bytes set by the test): every ffmpeg run starts with the init segment then a keyframe; a
// stdin that does not drain drops pictures up to a keyframe, and a hole over PIPE_HOLE_MS ends
// the run (gap reason `encoder_too_slow`); a crashed ffmpeg gets the init and the latest GOP
// again; the camera lost ends the run, the next session starts another; an `auto` camera whose
// UDP SETUP is refused is received over TCP without a failed run.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SpawnedChild, Spawner } from '../../../platform/processes.ts';
import { RtspError, type RtspClient, type RtspClientOptions } from '../../../platform/rtsp/index.ts';
import { sleep, waitFor } from '../../../testing/wait.ts';
import type { SegmentIndexer } from '../segment-indexer.ts';
import { MAX_PIPE_BUFFERED_BYTES, PIPE_HOLE_MS, PipedRecorder } from './piped-recorder.ts';
import { FakeRtspCamera } from '../../../platform/rtsp/fake-camera.fixtures.ts';

interface FakeRun {
  writes: Buffer[];
  buffered: number;
  exit(code: number): void;
}

function fakeFfmpeg(runs: FakeRun[]): Spawner {
  let pid = 40_000;
  return () => {
    let exitListener: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
    let stdout: ((chunk: Buffer) => void) | undefined;
    let exited = false;
    const run: FakeRun = {
      writes: [],
      buffered: 0,
      exit: (code) => {
        if (exited) return;
        exited = true;
        setImmediate(() => exitListener?.(code, null));
      },
    };
    runs.push(run);
    const child: SpawnedChild = {
      pid: pid++,
      onStdout: (listener) => {
        stdout = listener;
      },
      onStderr: () => undefined,
      onExit: (listener) => {
        exitListener = listener;
      },
      writeStdin: (data) => {
        run.writes.push(Buffer.from(data));
        stdout?.(Buffer.from([0x47])); // "live bytes": proof of life
      },
      stdinBufferedBytes: () => run.buffered,
      endStdin: () => run.exit(0),
      kill: () => run.exit(1),
    };
    return child;
  };
}

/** Box type of a written chunk: `ftyp` (init), `moof` (a fragment's header), or the sample itself. */
const kind = (chunk: Buffer) => chunk.subarray(4, 8).toString('latin1');
/** Whether a moof's single sample is a sync sample (the trun's first sample flags). */
const keyframeFragment = (moof: Buffer) => moof.readUInt32BE(8 + 16 + 8 + 16 + 20 + 20 + 8) === 0x02000000;

describe('PipedRecorder: the native ingest piped into ffmpeg', () => {
  const root = mkdtempSync(join(tmpdir(), 'vigie-piped-unit-'));
  after(() => rm(root, { recursive: true, force: true }));

  function setUp(options: { rtspTransport?: 'tcp' | 'udp' | 'auto'; refuseUdp?: boolean; warnings?: string[] } = {}) {
    const cameras: FakeRtspCamera[] = [];
    const transports: string[] = [];
    const runs: FakeRun[] = [];
    const indexer = { index: () => Promise.resolve(undefined) } as unknown as SegmentIndexer;
    const recorder = new PipedRecorder({
      camera: {
        id: 'cam-1',
        communeInsee: '21038',
        rtspUrl: 'rtsp://127.0.0.1:1/main',
        mask: { imagePath: '/nonexistent.png' },
        rtspTransport: options.rtspTransport,
      },
      log: { info: () => undefined, warn: (_fields, message) => options.warnings?.push(message) },
      volume: { name: 'v', root },
      indexer,
      segmentSeconds: 60,
      backoff: { initialMs: 50, maxMs: 100, stableAfterMs: 10_000 },
      pollIntervalMs: 1000,
      spawner: fakeFfmpeg(runs),
      createClient: (client: RtspClientOptions) => {
        transports.push(client.transport);
        const camera = new FakeRtspCamera();
        cameras.push(camera);
        if (client.transport === 'udp' && options.refuseUdp) {
          camera.start = () => Promise.reject(new RtspError('rtsp_transport_refused', 'SETUP answered 461 Unsupported Transport', 461));
        }
        return camera as unknown as RtspClient;
      },
    });
    return { recorder, cameras, runs, transports };
  }
  const fragments = (run: FakeRun) => run.writes.filter((chunk) => kind(chunk) === 'moof');

  it('starts each ffmpeg run with the init segment and a keyframe, drops to a keyframe when stdin does not drain, and ends the run on the hole', async () => {
    const { recorder, runs } = setUp();
    await recorder.start();
    try {
      await waitFor('pictures fed', () => runs.length === 1 && fragments(runs[0]!).length >= 8, 5000, 20);
      const first = runs[0]!;
      assert.equal(kind(first.writes[0]!), 'ftyp', 'the init segment first');
      assert.equal(keyframeFragment(fragments(first)[0]!), true, 'then a keyframe');
      assert.equal(recorder.state, 'recording');

      // ffmpeg stops reading: nothing more is written beyond the bound; the pictures are dropped and counted.
      first.buffered = MAX_PIPE_BUFFERED_BYTES + 1;
      const written = first.writes.length;
      await sleep(PIPE_HOLE_MS + 400);
      assert.equal(first.writes.length, written, 'nothing buffered beyond the bound');
      assert.ok(recorder.stats.droppedForPipe >= 20, `dropped ${recorder.stats.droppedForPipe}`);
      first.buffered = 0;
      // The hole is over PIPE_HOLE_MS: the run ends (stdin closed) and the next starts at a keyframe with the init.
      await waitFor('a second ffmpeg run fed', () => runs.length === 2 && fragments(runs[1]!).length >= 2, 5000, 20);
      assert.equal(first.writes.length, written, 'the slow run got nothing more');
      assert.equal(kind(runs[1]!.writes[0]!), 'ftyp');
      assert.equal(keyframeFragment(fragments(runs[1]!)[0]!), true);
      assert.equal(recorder.stats.runsEnded, 1);
    } finally {
      await recorder.stop();
    }
  });

  it('feeds a restarted ffmpeg the init and the pictures since the latest keyframe; a lost camera ends the run until it is back', async () => {
    const { recorder, runs, cameras } = setUp();
    await recorder.start();
    try {
      await waitFor('pictures fed', () => runs.length === 1 && fragments(runs[0]!).length >= 7, 5000, 20);
      runs[0]!.exit(1); // ffmpeg crashes mid-GOP
      await waitFor('ffmpeg restarted', () => runs.length === 2 && runs[1]!.writes.length > 0, 5000, 20);
      const restarted = runs[1]!;
      assert.equal(kind(restarted.writes[0]!), 'ftyp', 'the init segment again');
      assert.equal(keyframeFragment(fragments(restarted)[0]!), true, 'then the latest keyframe');
      assert.ok(fragments(restarted).length >= 1);
      assert.equal(recorder.stats.runsEnded, 0, 'a crash is a restart of the supervisor, not a hole');

      cameras[0]!.lose();
      await waitFor('the run ended with the session', () => recorder.pid === undefined, 3000, 20);
      assert.equal(recorder.state, 'reconnecting');
      await waitFor('the next session fed a new run', () => runs.length === 3 && fragments(runs[2]!).length >= 1, 5000, 20);
      assert.equal(cameras.length, 2, 'one new connection');
      assert.equal(kind(runs[2]!.writes[0]!), 'ftyp');
      assert.equal(keyframeFragment(fragments(runs[2]!)[0]!), true);
      await waitFor('recording again', () => recorder.state === 'recording', 3000, 20);
    } finally {
      await recorder.stop();
    }
    assert.equal(recorder.state, 'stopped');
  });

  it('auto: a refused UDP SETUP gives TCP at once, without a failed run; the stats and the log say so', async () => {
    const warnings: string[] = [];
    const { recorder, runs, transports } = setUp({ rtspTransport: 'auto', refuseUdp: true, warnings });
    const states: string[] = [];
    recorder.events.on('state', ({ to }) => states.push(to));
    await recorder.start();
    try {
      await waitFor('pictures fed', () => runs.length === 1 && fragments(runs[0]!).length >= 2, 5000, 20);
      assert.deepEqual(transports, ['udp', 'tcp']);
      assert.equal(recorder.stats.transport, 'tcp');
      assert.equal(recorder.stats.tcpFallback?.reason, 'udp_refused');
      assert.ok(!states.includes('reconnecting') && !states.includes('failed'), states.join(','));
      assert.deepEqual(warnings, ['RTSP over UDP does not work for this camera: TCP from now on']);
    } finally {
      await recorder.stop();
    }
  });

  it('takes the camera’s transport: udp asks the client for UDP, absent is tcp', () => {
    const udp = setUp({ rtspTransport: 'udp' });
    const tcp = setUp();
    assert.equal(udp.recorder.stats.transport, 'udp');
    assert.equal(tcp.recorder.stats.transport, 'tcp');
  });
});
