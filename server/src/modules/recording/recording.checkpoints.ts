// The segment chains against the signed checkpoints (issue 11), pure. A checkpoint records each
// camera's chain head (segment id and chain hash) at a moment; later, that segment must still
// be indexed with that hash, or have been destroyed by a lawful purge (a purged run covers it).
// The keyed chain stops a rewrite of rows; this stops a cut of the chain's end with the head
// moved back to a genuine, older segment, which only an outside record can show.
import type { PurgedRun } from './recording.chain.ts';

/** A camera's head as the newest genuine checkpoint recorded it. */
export interface CheckpointedHead {
  cameraId: string;
  segmentId: number;
  chainHash: string;
  /** When the checkpoint was written. */
  at: string;
}

/** What `recordings verify` is given: the newest genuine checkpoint's heads, and the file's bad lines. */
export interface RecordingCheckpoints {
  heads: readonly CheckpointedHead[];
  /** Lines of the checkpoint file that are not genuine checkpoints (messages). */
  problems: readonly string[];
}

/** Null when the camera's index still holds what the checkpoint recorded; else why not. */
export function checkCheckpointedHead(
  checkpointed: CheckpointedHead,
  rows: ReadonlyArray<{ id: number; chainHash: string }>,
  runs: ReadonlyArray<Pick<PurgedRun, 'firstSegmentId' | 'lastSegmentId' | 'lastChainHash'>>,
): string | null {
  const { segmentId, chainHash, at } = checkpointed;
  const row = rows.find((candidate) => candidate.id === segmentId);
  if (row) {
    return row.chainHash === chainHash
      ? null
      : `segment ${segmentId} had chain hash ${chainHash} in the checkpoint of ${at}, it now has ${row.chainHash}: the chain was rewritten`;
  }
  const run = runs.find((candidate) => candidate.firstSegmentId <= segmentId && segmentId <= candidate.lastSegmentId);
  if (!run) return `segment ${segmentId}, the camera's newest in the checkpoint of ${at}, is gone from the index outside a lawful purge`;
  if (run.lastSegmentId === segmentId && run.lastChainHash !== chainHash) {
    return `segment ${segmentId} had chain hash ${chainHash} in the checkpoint of ${at}, its purge recorded ${run.lastChainHash}`;
  }
  return null;
}
