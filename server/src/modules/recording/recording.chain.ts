// The per-camera chain of segments, pure. Each row's chain_hash covers the previous row's
// chain_hash, the file's SHA-256 and the metadata that places it in time and storage, so that
// editing a row, swapping a file, or removing a segment from the middle breaks the chain.
import { createHash } from 'node:crypto';
import type { IndexedSegment } from './recording.types.ts';

export const SEGMENT_GENESIS_HASH = '0'.repeat(64);

/** What a segment's chain hash covers: where and when it was recorded, and its file's digest. */
export type ChainedSegmentFields = Pick<IndexedSegment, 'cameraId' | 'communeInsee' | 'volume' | 'path' | 'startMs' | 'endMs' | 'bytes' | 'sha256'>;

export function segmentChainHash(prevHash: string, segment: ChainedSegmentFields): string {
  const encoding = JSON.stringify([
    segment.cameraId, segment.communeInsee, segment.volume, segment.path, segment.startMs, segment.endMs, segment.bytes, segment.sha256,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(encoding).digest('hex');
}

export type SegmentChainProblem = { kind: 'broken'; segmentId: number; expectedPrevHash: string } | { kind: 'edited'; segmentId: number };

/** Checks rows of one camera in chain order; the first row may start after a lawful purge. */
export function checkSegmentChain(
  rows: ReadonlyArray<ChainedSegmentFields & { id: number; prevHash: string; chainHash: string }>,
  firstPrevHash?: string,
): SegmentChainProblem | undefined {
  let expected = firstPrevHash ?? rows[0]?.prevHash;
  for (const row of rows) {
    if (row.prevHash !== expected) return { kind: 'broken', segmentId: row.id, expectedPrevHash: expected ?? '' };
    if (segmentChainHash(row.prevHash, row) !== row.chainHash) return { kind: 'edited', segmentId: row.id };
    expected = row.chainHash;
  }
  return undefined;
}
