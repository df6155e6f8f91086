// Child process of recorder-crash.itest.ts (native engine): runs ONE NativeRecorder of one
// camera, as the recorder role would, so that the test can kill it with SIGKILL mid-segment.
// Settings come as JSON in VIGIE_NATIVE_CRASH_CHILD (database config, volume, camera with
// credentials, segment length): env rather than argv, so the camera password is not in the
// process list. It prints JSON lines on stdout: {"type":"state","to"} and {"type":"segment",...}
// for each indexed segment. It stops by itself when its stdin closes (the test process is gone)
// or after `maxSeconds`, so that nothing outlives the test.
import type { DatabaseConfig } from '../../../../config.ts';
import { systemClock } from '../../../../platform/clock.ts';
import { openDatabase } from '../../../../platform/db/database.ts';
import type { RecordingSchema } from '../../../../platform/db/schema.ts';
import { tablesOf } from '../../../../platform/db/tables.ts';
import type { RecorderCamera } from '../../recorder.ts';
import { RecordingRepository } from '../../recording.repository.ts';
import type { StorageVolume } from '../../recording.types.ts';
import { SegmentIndexer } from '../../segment-indexer.ts';
import { NativeRecorder } from '../native-recorder.ts';

export interface NativeCrashChildSettings {
  database: DatabaseConfig;
  volume: StorageVolume;
  camera: RecorderCamera;
  segmentSeconds: number;
  maxSeconds: number;
}

const settings = JSON.parse(process.env.VIGIE_NATIVE_CRASH_CHILD ?? 'null') as NativeCrashChildSettings | null;
if (!settings) throw new Error('VIGIE_NATIVE_CRASH_CHILD is not set');

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const handle = openDatabase(settings.database, { poolSize: 2 });
const repository = new RecordingRepository(tablesOf<RecordingSchema>(handle.db), handle.dialect);
const recorder = new NativeRecorder({
  camera: settings.camera,
  volume: settings.volume,
  indexer: new SegmentIndexer(repository, systemClock),
  segmentSeconds: settings.segmentSeconds,
  spreadSegments: false, // the test counts segments of the set length
  timeoutMs: 3000,
  backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
});
recorder.events.on('segment', (segment) => print({ type: 'segment', atMs: Date.now(), segment }));
recorder.events.on('state', ({ to }) => print({ type: 'state', to, atMs: Date.now() }));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await recorder.stop().catch(() => undefined);
  await handle.close().catch(() => undefined);
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
setTimeout(() => void stop(), settings.maxSeconds * 1000).unref();

await recorder.start();
