// Pure arithmetic of the retention purge: effective retention (LEGAL 6), which segments a
// purge may destroy given legal holds, chain runs (for verification after a purge) and the
// merged time ranges written to the statutory register (LEGAL 7). No IO: tested as values.
import type { ChainMac } from '../../platform/chain-keys.ts';
import { SEGMENT_GENESIS_HASH, segmentRowSound, type ChainedSegmentFields } from './recording.chain.ts';
import type { TimeRange } from './recording.types.ts';

export const LEGAL_MAX_RETENTION_DAYS = 30;
export const DAY_MS = 86_400_000;

export interface RetentionSettings {
  cameraRetentionDays: number | null;
  communeRetentionDays: number | null;
}

export interface EffectiveRetention {
  days: number;
  source: 'camera' | 'commune' | 'legal_maximum';
  /** The stored value was outside 1..30 days and was brought back inside (logged by the purge). */
  clampedFrom: number | null;
}

/** Camera override, else commune, else the legal maximum; never above 30 days nor below 1. */
export function effectiveRetention(settings: RetentionSettings): EffectiveRetention {
  const stored = settings.cameraRetentionDays ?? settings.communeRetentionDays;
  const source = settings.cameraRetentionDays !== null ? 'camera' : settings.communeRetentionDays !== null ? 'commune' : 'legal_maximum';
  if (stored === null) return { days: LEGAL_MAX_RETENTION_DAYS, source, clampedFrom: null };
  const days = Math.min(LEGAL_MAX_RETENTION_DAYS, Math.max(1, Math.floor(stored)));
  return { days, source, clampedFrom: days === stored ? null : stored };
}

/** Segments ending at or before this instant have reached their retention. */
export function purgeCutoffMs(nowMs: number, retentionDays: number): number {
  return nowMs - retentionDays * DAY_MS;
}

export interface HoldWindow {
  id: string;
  fromMs: number;
  toMs: number;
  procedureReference: string | null;
}

/**
 * Whether a hold keeps a segment that has reached its retention. A hold without a procedure
 * reference lapses when the footage it covers reaches its retention (it only marks footage
 * while a requisition is being prepared); with a reference it lasts until released (LEGAL 6).
 */
export function holdKeepsPastRetention(hold: HoldWindow, segment: TimeRange): boolean {
  return hold.procedureReference !== null && segment.startMs < hold.toMs && segment.endMs > hold.fromMs;
}

export interface ChainedSpan extends TimeRange {
  id: number;
  bytes: number;
  prevHash: string;
  chainHash: string;
}

export interface PurgePlan<S extends ChainedSpan> {
  /** Segments to destroy, in chain order. */
  purgeable: S[];
  /** Segments past retention kept by a hold with a procedure reference. */
  held: S[];
  /** Segments destroyed although a hold without procedure reference covered them. */
  lapsedHoldSegments: number;
}

/** Splits a camera's segments that ended at or before the cutoff (in chain order). */
export function planPurge<S extends ChainedSpan>(candidates: readonly S[], cutoffMs: number, holds: readonly HoldWindow[]): PurgePlan<S> {
  const plan: PurgePlan<S> = { purgeable: [], held: [], lapsedHoldSegments: 0 };
  for (const segment of candidates) {
    // A segment goes once its first frame reaches retention (LEGAL 6: late is unlawful, early is not).
    if (segment.startMs > cutoffMs) continue;
    if (holds.some((hold) => holdKeepsPastRetention(hold, segment))) {
      plan.held.push(segment);
      continue;
    }
    if (holds.some((hold) => segment.startMs < hold.toMs && segment.endMs > hold.fromMs)) plan.lapsedHoldSegments++;
    plan.purgeable.push(segment);
  }
  return plan;
}

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

/** Groups destroyed segments (chain order) into runs of chain-adjacent links. */
export function purgedRuns(destroyed: readonly ChainedSpan[]): PurgedRun[] {
  const runs: PurgedRun[] = [];
  for (const segment of destroyed) {
    const current = runs[runs.length - 1];
    if (current && current.lastChainHash === segment.prevHash) {
      current.lastSegmentId = segment.id;
      current.lastChainHash = segment.chainHash;
      current.fromMs = Math.min(current.fromMs, segment.startMs);
      current.toMs = Math.max(current.toMs, segment.endMs);
      current.segments++;
    } else {
      runs.push({ firstSegmentId: segment.id, lastSegmentId: segment.id, fromMs: segment.startMs, toMs: segment.endMs, segments: 1, prevHash: segment.prevHash, lastChainHash: segment.chainHash });
    }
  }
  return runs;
}

export interface RegisterRange extends TimeRange {
  segments: number;
  bytes: number;
}

/** Contiguous time ranges of destroyed footage (one register row each); gaps up to `toleranceMs` are bridged. */
export function mergeRanges(spans: ReadonlyArray<TimeRange & { bytes: number }>, toleranceMs = 1000): RegisterRange[] {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  const ranges: RegisterRange[] = [];
  for (const span of sorted) {
    const current = ranges[ranges.length - 1];
    if (current && span.startMs <= current.endMs + toleranceMs) {
      current.endMs = Math.max(current.endMs, span.endMs);
      current.segments++;
      current.bytes += span.bytes;
    } else {
      ranges.push({ startMs: span.startMs, endMs: span.endMs, segments: 1, bytes: span.bytes });
    }
  }
  return ranges;
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
