// The RTSP transport of a native recorder against the simulator (the camera's `rtspTransport`):
// a `udp` camera records its segments over UDP (the simulator's session is a UDP one); an `auto`
// camera whose UDP is refused (461) or dropped (a firewall: the udp_blocked fault) falls back to
// TCP without a failed run and records; a `udp` camera whose UDP is dropped stays on UDP and does
// not record. SQLite only: the database plays no part in the transport (native-recorder.itest.ts
// runs the engine on both). Everything started here is stopped in `after`, even on failure.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Fault, type Simulator } from '../../../../../simulator/src/index.ts';
import { systemClock } from '../../../platform/clock.ts';
import type { RecordingSchema } from '../../../platform/db/schema.ts';
import { tablesOf } from '../../../platform/db/tables.ts';
import type { ProcessLog } from '../../../platform/processes.ts';
import { waitFor } from '../../../testing/wait.ts';
import { createTestDatabase, type TestDatabase } from '../../../testing/databases.ts';
import { RecordingRepository } from '../recording.repository.ts';
import type { IndexedSegment, RecorderState } from '../recording.types.ts';
import { SegmentIndexer } from '../segment-indexer.ts';
import { NativeRecorder } from './native-recorder.ts';
import type { IngestTransport } from './rtsp-ingest.ts';

const COMMUNE = '21038';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const recorders: NativeRecorder[] = [];
let simulator: Simulator | undefined;
let database: TestDatabase | undefined;
const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-native-transport-')) };
let indexer: SegmentIndexer;

before(async () => {
  database = await createTestDatabase('sqlite');
  const repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), 'sqlite');
  indexer = new SegmentIndexer(repository, systemClock, { probe: () => Promise.reject(new Error('the native engine never needs ffprobe')) });
  simulator = await startSimulator({
    count: 4,
    distinctPictures: 1,
    loopSeconds: 4,
    controlPort: false,
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
});

after(async () => {
  await Promise.all(recorders.map((recorder) => recorder.stop().catch(() => undefined)));
  await simulator?.stop();
  await database?.drop();
  await rm(volume.root, { recursive: true, force: true }).catch(() => undefined);
});

interface Watched {
  recorder: NativeRecorder;
  segments: IndexedSegment[];
  states: Array<{ to: RecorderState; detail: string | undefined }>;
  warnings: Array<{ fields: Record<string, unknown>; message: string }>;
}

async function record(index: number, transport: IngestTransport, fault?: Fault): Promise<Watched> {
  const camera = simulator!.cameras[index]!;
  if (fault) await simulator!.setFault(camera.id, fault);
  const warnings: Watched['warnings'] = [];
  const log: ProcessLog = {
    info: () => undefined,
    warn: (fields, message) => warnings.push({ fields: fields as Record<string, unknown>, message }),
  };
  const recorder = new NativeRecorder({
    camera: {
      id: `cam-${transport}-${index}`,
      communeInsee: COMMUNE,
      rtspUrl: camera.rtspUrls.main,
      credentials: camera.credentials,
      rtspTransport: transport,
    },
    volume,
    indexer,
    segmentSeconds: 2,
    spreadSegments: false,
    timeoutMs: 3000,
    backoff: { initialMs: 200, maxMs: 1000, stableAfterMs: 10_000 },
    failAfterRuns: 2,
    log,
  });
  recorders.push(recorder);
  const watched: Watched = { recorder, segments: [], states: [], warnings };
  recorder.events.on('segment', (segment) => watched.segments.push(segment));
  recorder.events.on('state', ({ to, detail }) => watched.states.push({ to, detail }));
  await recorder.start();
  return watched;
}

/** The camera's RTSP sessions by transport, as the simulated camera counts them. */
const sessionsOf = (index: number) => simulator!.camera(simulator!.cameras[index]!.id).rtspSessions;

describe('native recorder: RTSP transport per camera', () => {
  it('udp: segments recorded over UDP, as the client and the camera both saw', async () => {
    const watched = await record(0, 'udp');
    await waitFor('two segments', () => watched.segments.length >= 2, 20_000);
    assert.deepEqual(sessionsOf(0), { tcp: 0, udp: 1 }, 'the camera serves one UDP session');
    const stats = watched.recorder.stats;
    assert.equal(stats.transport, 'udp');
    assert.equal(stats.tcpFallback, null);
    assert.ok(stats.packets > 50, `packets ${stats.packets}`);
    assert.deepEqual(
      watched.states.map((state) => state.to),
      ['starting', 'recording'],
    );
    assert.ok(watched.segments.every((segment) => segment.frameCount > 0 && segment.status === 'closed'));
    await watched.recorder.stop();
    assert.deepEqual(sessionsOf(0), { tcp: 0, udp: 0 }, 'torn down');
  });

  for (const mode of ['refuse', 'drop'] as const) {
    it(`auto, UDP ${mode === 'refuse' ? 'refused (461)' : 'dropped by a firewall'}: falls back to TCP without a failed run, logged and in the stats, and records`, async () => {
      const index = mode === 'refuse' ? 1 : 2;
      const startedAt = Date.now();
      const watched = await record(index, 'auto', { kind: 'udp_blocked', mode });
      await waitFor('two segments', () => watched.segments.length >= 2, 25_000);
      assert.deepEqual(sessionsOf(index), { tcp: 1, udp: 0 }, 'the camera serves one TCP session, no UDP one left');
      const stats = watched.recorder.stats;
      assert.equal(stats.transport, 'tcp');
      assert.equal(stats.tcpFallback?.reason, mode === 'refuse' ? 'udp_refused' : 'udp_silent');
      assert.ok(stats.tcpFallback!.atMs >= startedAt);
      assert.deepEqual(
        watched.states.map((state) => state.to),
        ['starting', 'recording'],
        'the UDP attempt is no failed run: never reconnecting',
      );
      const logged = watched.warnings.filter((warning) => /TCP from now on/.test(warning.message));
      assert.equal(logged.length, 1, JSON.stringify(watched.warnings));
      assert.equal(logged[0]!.fields.reason, stats.tcpFallback!.reason);
      if (mode === 'drop') {
        // Within the probe (3 s) and the TCP start, not after the client's 3-s silence timeout and a backoff.
        assert.ok(stats.tcpFallback!.atMs - startedAt < 6000, `fell back after ${stats.tcpFallback!.atMs - startedAt} ms`);
      }
      // For the rest of the recorder's life: UDP working again changes nothing until it restarts.
      await simulator!.clearFault(simulator!.cameras[index]!.id, 'udp_blocked');
      await sleep(500);
      assert.equal(watched.recorder.stats.transport, 'tcp');
      await watched.recorder.stop();
    });
  }

  it('udp, UDP dropped: stays on UDP (no fallback), its runs fail and it is not recorded', async () => {
    const watched = await record(3, 'udp', { kind: 'udp_blocked', mode: 'drop' });
    await waitFor('failed', () => watched.recorder.state === 'failed', 25_000);
    const stats = watched.recorder.stats;
    assert.equal(stats.transport, 'udp');
    assert.equal(stats.tcpFallback, null);
    assert.equal(stats.packets, 0);
    assert.deepEqual(watched.segments, []);
    assert.ok(
      watched.states.some((state) => state.to === 'reconnecting' && state.detail === 'stream_stalled'),
      JSON.stringify(watched.states),
    );
    await watched.recorder.stop();
    await simulator!.clearFault(simulator!.cameras[3]!.id, 'udp_blocked');
  });
});
