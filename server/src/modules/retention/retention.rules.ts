// Pure arithmetic of the retention purge: effective retention (LEGAL 6), which segments a
// purge may destroy given legal holds, chain runs (for verification after a purge: checked by
// the recording module's recording.chain.ts) and the merged time ranges written to the
// statutory register (LEGAL 7). No IO: tested as values.
import type { PurgedRun, TimeRange } from '../recording/index.ts';

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
      runs.push({
        firstSegmentId: segment.id,
        lastSegmentId: segment.id,
        fromMs: segment.startMs,
        toMs: segment.endMs,
        segments: 1,
        prevHash: segment.prevHash,
        lastChainHash: segment.chainHash,
      });
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
