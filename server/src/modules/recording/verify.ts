// `./vigie recordings verify` (LEGAL 10, 15): re-hashes segment files and checks the per-camera
// chains. Reports files modified or missing, files on disk that no row indexes, chain breaks
// (a row edited, removed from the middle or from the end) other than lawful purges, which
// the purge records as runs (first/last chain hash) that the chain may jump over. With the
// chain key, rows are checked as keyed; with the signed checkpoints, each camera's index must
// still hold the head the newest genuine checkpoint recorded (issue 11). Files a crash left in
// a camera's `.incoming` folder are reported by their file name's time (`orphaned`).
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ChainMac } from '../../platform/chain-keys.ts';
import { checkCheckpointedHead, type CheckpointedHead, type RecordingCheckpoints } from './recording.checkpoints.ts';
import { checkSegmentChainAcrossPurges, type PurgedRun } from './recording.chain.ts';
import type { RecordingRepository } from './recording.repository.ts';
import type { StorageVolume } from './recording.types.ts';
import { incomingFiles } from './incoming-files.ts';
import { INCOMING_FOLDER } from './recorder.ts';
import { sha256File } from './segment-indexer.ts';

export type RecordingProblemKind =
  | 'modified'
  | 'missing'
  | 'unindexed'
  | 'orphaned'
  | 'chain_broken'
  | 'chain_edited'
  | 'tail_removed'
  | 'checkpoint_invalid'
  | 'checkpoint_mismatch';

/**
 * A file in `.incoming` older than this was not being written (a segment lasts 10 minutes at
 * most, and a closed one is indexed within seconds): a crash left it there.
 */
export const INCOMING_ORPHAN_AFTER_MS = 15 * 60_000;

export interface RecordingProblem {
  kind: RecordingProblemKind;
  cameraId: string | null;
  segmentId: number | null;
  volume: string;
  path: string | null;
  message: string;
}

export interface RecordingsVerifyOptions {
  volumes: readonly StorageVolume[];
  cameraId?: string;
  /** Only files of segments overlapping [fromMs, toMs) are re-hashed; chains are always checked whole. */
  fromMs?: number;
  toMs?: number;
  /** The camera's lawfully purged runs (RecordingRepository.purgedRunsOf); none by default. */
  purgedRuns?: (cameraId: string) => Promise<readonly PurgedRun[]>;
  /** The segment chain's HMAC key: always given by the command line; without it rows are checked as plain SHA-256. */
  chainKey?: ChainMac;
  /** Now, for the age of `.incoming` files (epoch ms; the wall clock by default). */
  nowMs?: number;
  /** The signed checkpoints (newest genuine heads, bad lines of the file); none by default. */
  checkpoints?: () => Promise<RecordingCheckpoints>;
}

export interface RecordingsVerifyReport {
  ok: boolean;
  cameras: number;
  segmentsChecked: number;
  filesHashed: number;
  problems: RecordingProblem[];
}

async function* mp4FilesUnder(root: string, folder: string): AsyncGenerator<string> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== INCOMING_FOLDER) yield* mp4FilesUnder(root, path);
    } else if (entry.isFile() && entry.name.endsWith('.mp4')) {
      yield relative(root, path).split(sep).join('/');
    }
  }
}

export async function verifyRecordings(repository: RecordingRepository, options: RecordingsVerifyOptions): Promise<RecordingsVerifyReport> {
  const volumes = new Map(options.volumes.map((volume) => [volume.name, volume]));
  const cameraIds = options.cameraId ? [options.cameraId] : await repository.camerasWithRecordings();
  const problems: RecordingProblem[] = [];
  const indexed = new Set<string>();
  const cameraFolders = new Set<string>();
  let segmentsChecked = 0;
  let filesHashed = 0;
  const checkpoints = options.checkpoints ? await options.checkpoints() : { heads: [], problems: [] };
  for (const message of checkpoints.problems) problems.push({ kind: 'checkpoint_invalid', cameraId: null, segmentId: null, volume: '', path: null, message });
  const checkpointed = new Map<string, CheckpointedHead>(checkpoints.heads.map((head) => [head.cameraId, head]));
  const inWindow = (startMs: number, endMs: number) =>
    (options.fromMs === undefined || endMs > options.fromMs) && (options.toMs === undefined || startMs < options.toMs);

  for (const cameraId of cameraIds) {
    const rows = [];
    for await (const segment of repository.iterateCamera(cameraId)) rows.push(segment);
    segmentsChecked += rows.length;
    const runs = options.purgedRuns ? await options.purgedRuns(cameraId) : [];
    const head = await repository.readHead(cameraId);
    const chainProblem = checkSegmentChainAcrossPurges(rows, runs, head?.chainHash, options.chainKey);
    const signedHead = checkpointed.get(cameraId);
    checkpointed.delete(cameraId);
    const checkpointProblem = signedHead ? checkCheckpointedHead(signedHead, rows, runs) : null;
    if (checkpointProblem)
      problems.push({
        kind: 'checkpoint_mismatch',
        cameraId,
        segmentId: signedHead!.segmentId,
        volume: rows.at(-1)?.volume ?? '',
        path: null,
        message: checkpointProblem,
      });
    if (chainProblem?.kind === 'tail_removed') {
      problems.push({
        kind: 'tail_removed',
        cameraId,
        segmentId: head?.segmentId ?? null,
        volume: rows.at(-1)?.volume ?? '',
        path: null,
        message: `the newest indexed segment (${head?.segmentId}) is gone from the index, outside a lawful purge`,
      });
    } else if (chainProblem) {
      const row = rows.find((candidate) => candidate.id === chainProblem.segmentId);
      problems.push({
        kind: chainProblem.kind === 'broken' ? 'chain_broken' : 'chain_edited',
        cameraId,
        segmentId: chainProblem.segmentId,
        volume: row?.volume ?? '',
        path: row?.path ?? null,
        message:
          chainProblem.kind === 'broken'
            ? `segment ${chainProblem.segmentId} does not chain to the one before it: a segment was removed or reordered outside a lawful purge`
            : `segment ${chainProblem.segmentId}'s index row was edited (its chain hash does not match)`,
      });
    }
    for (const row of rows) {
      indexed.add(`${row.volume}\u0000${row.path}`);
      cameraFolders.add(`${row.volume}\u0000${row.path.split('/').slice(0, 2).join('/')}`);
      if (!inWindow(row.startMs, row.endMs)) continue;
      const volume = volumes.get(row.volume);
      const base = { cameraId, segmentId: row.id, volume: row.volume, path: row.path };
      if (!volume) {
        problems.push({ ...base, kind: 'missing', message: `volume ${row.volume} is not configured` });
        continue;
      }
      const file = join(volume.root, row.path);
      try {
        const info = await stat(file);
        filesHashed++;
        const sha256 = await sha256File(file);
        if (sha256 !== row.sha256 || info.size !== row.bytes)
          problems.push({ ...base, kind: 'modified', message: `${row.path} differs from what was recorded (SHA-256 or size)` });
      } catch {
        problems.push({ ...base, kind: 'missing', message: `${row.path} is indexed but missing on disk` });
      }
    }
  }

  // Cameras a checkpoint names that have no index at all now: their rows and head were deleted.
  for (const head of checkpointed.values()) {
    if (options.cameraId && head.cameraId !== options.cameraId) continue;
    problems.push({
      kind: 'checkpoint_mismatch',
      cameraId: head.cameraId,
      segmentId: head.segmentId,
      volume: '',
      path: null,
      message: `camera ${head.cameraId} had segment ${head.segmentId} in the checkpoint of ${head.at}, and has no index now: its segments and chain head were deleted`,
    });
  }

  // Files no row indexes: every camera folder of the volumes, or only the verified camera's.
  for (const volume of options.volumes) {
    for await (const path of mp4FilesUnder(volume.root, volume.root)) {
      const folder = path.split('/').slice(0, 2).join('/');
      if (options.cameraId && !cameraFolders.has(`${volume.name}\u0000${folder}`) && !path.split('/').includes(options.cameraId)) continue;
      if (!indexed.has(`${volume.name}\u0000${path}`)) {
        problems.push({ kind: 'unindexed', cameraId: null, segmentId: null, volume: volume.name, path, message: `${path} is on disk but not in the index` });
      }
    }
    // Files a crash left in `.incoming` (issue 11), by their file name's time: whatever the camera, in the inventory or not.
    const nowMs = options.nowMs ?? Date.now();
    for await (const file of incomingFiles(volume)) {
      if (options.cameraId && file.cameraId !== options.cameraId) continue;
      const base = { cameraId: file.cameraId, segmentId: null, volume: volume.name, path: file.path };
      if (file.startMs === null) {
        problems.push({ ...base, kind: 'unindexed', message: `${file.path} is in .incoming under a name the recorder never writes` });
      } else if (file.startMs < nowMs - INCOMING_ORPHAN_AFTER_MS) {
        problems.push({
          ...base,
          kind: 'orphaned',
          message: `${file.path} (opened ${new Date(file.startMs).toISOString()}) was left in .incoming and never indexed; the purge destroys it at its retention`,
        });
      }
    }
  }
  return { ok: problems.length === 0, cameras: cameraIds.length, segmentsChecked, filesHashed, problems };
}
