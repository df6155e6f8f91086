// The per-camera chain of segments, pure. Each row's chain_hash covers the previous row's
// chain_hash, the file's SHA-256 and the metadata that places it in time and storage, so that
// editing a row, swapping a file, or removing a segment from the middle breaks the chain. The
// hash is an HMAC under the chain key kept outside the database (issue 11): whoever can write
// the database cannot recompute it. Segments indexed before the key existed (ids at or below
// its legacy boundary, kept in the key file) were plain SHA-256 and still verify as such.
import { createHash } from 'node:crypto';
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { IndexedSegment } from './recording.types.ts';

export const SEGMENT_GENESIS_HASH = '0'.repeat(64);

/** What a segment's chain hash covers: where and when it was recorded, and its file's digest. */
export type ChainedSegmentFields = Pick<IndexedSegment, 'cameraId' | 'communeInsee' | 'volume' | 'path' | 'startMs' | 'endMs' | 'bytes' | 'sha256'>;

/** Keyed when a key is given (what the recorder writes); plain SHA-256 without (before issue 11, and tests of the chain alone). */
export function segmentChainHash(prevHash: string, segment: ChainedSegmentFields, key?: ChainMac): string {
  const encoding = JSON.stringify([
    segment.cameraId,
    segment.communeInsee,
    segment.volume,
    segment.path,
    segment.startMs,
    segment.endMs,
    segment.bytes,
    segment.sha256,
  ]);
  const message = `${prevHash}\n${encoding}`;
  return key ? key.mac(message) : createHash('sha256').update(message).digest('hex');
}

/** A row's chain hash matches its content: keyed, or plain SHA-256 only at or below the key's legacy boundary. */
export function segmentRowSound(row: ChainedSegmentFields & { id: number; prevHash: string; chainHash: string }, key?: ChainMac): boolean {
  if (!key) return segmentChainHash(row.prevHash, row) === row.chainHash;
  return segmentChainHash(row.prevHash, row, key) === row.chainHash || (row.id <= key.legacyThrough && segmentChainHash(row.prevHash, row) === row.chainHash);
}

export type SegmentChainProblem = { kind: 'broken'; segmentId: number; expectedPrevHash: string } | { kind: 'edited'; segmentId: number };

/** Checks rows of one camera in chain order; the first row may start after a lawful purge. */
export function checkSegmentChain(
  rows: ReadonlyArray<ChainedSegmentFields & { id: number; prevHash: string; chainHash: string }>,
  firstPrevHash?: string,
  key?: ChainMac,
): SegmentChainProblem | undefined {
  let expected = firstPrevHash ?? rows[0]?.prevHash;
  for (const row of rows) {
    if (row.prevHash !== expected) return { kind: 'broken', segmentId: row.id, expectedPrevHash: expected ?? '' };
    if (!segmentRowSound(row, key)) return { kind: 'edited', segmentId: row.id };
    expected = row.chainHash;
  }
  return undefined;
}

// Across lawful purges (the retention module records each purged run through the recording index).

export interface PurgedRun {
  firstSegmentId: number;
  lastSegmentId: number;
  fromMs: number;
  toMs: number;
  segments: number;
  /** What the first destroyed segment chained from. */
  prevHash: string;
  /** The last destroyed segment's chain hash: what the next kept segment chains to. */
  lastChainHash: string;
}

export type ChainAfterPurgeProblem =
  | { kind: 'broken'; segmentId: number; expectedPrevHash: string }
  | { kind: 'edited'; segmentId: number }
  | { kind: 'tail_removed'; expectedHead: string; reached: string };

/**
 * Checks the links of a camera's remaining segments (chain order, hashes already checked by
 * `checkSegmentChain` row by row) across lawful purges: a segment may chain to a hash other
 * than its predecessor's only if purged runs bridge the two. With the camera's head, also
 * detects a removed tail. Use this in `recordings verify` with the rows of
 * `recording_purged_runs` for the camera.
 */
export function checkLinksAcrossPurges(
  rows: ReadonlyArray<{ id: number; prevHash: string; chainHash: string }>,
  runs: ReadonlyArray<Pick<PurgedRun, 'prevHash' | 'lastChainHash'>>,
  headChainHash?: string,
): ChainAfterPurgeProblem | undefined {
  const bridges = new Map(runs.map((run) => [run.prevHash, run.lastChainHash]));
  /** Follows bridges from `from`; returns `to` if reached, else the last hash reached. */
  const reach = (from: string, to: string): string => {
    let current = from;
    for (let step = 0; current !== to; step++) {
      const next = bridges.get(current);
      if (next === undefined || step > bridges.size) return current;
      current = next;
    }
    return current;
  };
  let expected = SEGMENT_GENESIS_HASH;
  for (const row of rows) {
    const reached = reach(expected, row.prevHash);
    if (reached !== row.prevHash) return { kind: 'broken', segmentId: row.id, expectedPrevHash: reached };
    expected = row.chainHash;
  }
  if (headChainHash !== undefined) {
    const reached = reach(expected, headChainHash);
    if (reached !== headChainHash) return { kind: 'tail_removed', expectedHead: headChainHash, reached };
  }
  return undefined;
}

/**
 * The whole check of one camera's remaining rows (chain order) after lawful purges: each row's
 * chain hash recomputed (an edited row, a swapped file's hash), then the links across purged
 * runs and up to the camera's head. Unlike a single anchor, this accepts held segments left
 * between purged runs, and a camera whose every segment was purged.
 */
export function checkSegmentChainAcrossPurges(
  rows: ReadonlyArray<ChainedSegmentFields & { id: number; prevHash: string; chainHash: string }>,
  runs: ReadonlyArray<Pick<PurgedRun, 'prevHash' | 'lastChainHash'>>,
  headChainHash?: string,
  key?: ChainMac,
): ChainAfterPurgeProblem | undefined {
  for (const row of rows) {
    if (!segmentRowSound(row, key)) return { kind: 'edited', segmentId: row.id };
  }
  return checkLinksAcrossPurges(rows, runs, headChainHash);
}
