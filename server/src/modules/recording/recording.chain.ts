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
    segment.cameraId, segment.communeInsee, segment.volume, segment.path, segment.startMs, segment.endMs, segment.bytes, segment.sha256,
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
