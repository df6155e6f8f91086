// Which privacy masks a recorded segment must carry, pure (LEGAL 4; issue 11 item 7). Masks are
// kept as revisions with a validity interval (privacy_mask_history): an edit of the polygons or
// of the preset ends a revision and starts another, a deletion ends it. A recorder runs with
// one masking: the revisions in force when it was started (it accounts for each: burnt in by
// ffmpeg at the camera's position, or masked by the camera itself in `in_camera` mode) and the
// polygons it burns in; the indexer writes that masking's version on every segment.
//
// A segment must carry every revision in force, or ever in force, since it was recorded (a
// revision not ended before its start): over-masking is lawful, under-masking is not. If the
// masking it was recorded with accounted for all of them, it is served as stored; otherwise it
// is re-encoded with the polygons of all of them, at every PTZ position (where the camera
// pointed is not stored). A segment whose version is unknown (recorded before versions
// existed, left by a crashed run) or names no stored masking accounted for nothing.
import { createHash } from 'node:crypto';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { maskVersion, type MaskMode, type PrivacyMask } from './masks.rules.ts';

/** Segments older than masking versions, or files left by a crashed run: nothing is known to be burnt in. */
export const UNKNOWN_MASK_VERSION = 'unknown';
/** Recorded while the camera had no mask at all. */
export const NO_MASK_VERSION = 'none';

/** One revision of a mask (privacy_mask_history). */
export interface MaskRevision {
  revision: string;
  maskId: string;
  presetToken: string | null;
  polygons: MaskPolygon[];
  validFromMs: number;
  /** Null while in force. */
  validToMs: number | null;
}

/** What a recorder runs with, written on each of its segments. */
/** What a recorder (or a live sub-stream) burns in: the polygons in force and their version (a new version restarts it). */
export interface FleetMask {
  version: string;
  polygons: readonly MaskPolygon[];
}

export interface RecorderMasking {
  /** 16 hex digits, or NO_MASK_VERSION / UNKNOWN_MASK_VERSION (neither accounts for any mask). */
  version: string;
  /** Null for NO_MASK_VERSION and UNKNOWN_MASK_VERSION. */
  mode: MaskMode | null;
  /** The revisions in force when the recorder's masks were read, sorted. */
  revisions: readonly string[];
  /** What ffmpeg burns in (empty in `in_camera` mode, or at a position without polygons). */
  polygons: readonly MaskPolygon[];
}

export const NO_MASKING: RecorderMasking = Object.freeze({ version: NO_MASK_VERSION, mode: null, revisions: [], polygons: [] });
export const UNKNOWN_MASKING: RecorderMasking = Object.freeze({ version: UNKNOWN_MASK_VERSION, mode: null, revisions: [], polygons: [] });

/**
 * The masking of a recorder started with `masks` (every mask of the camera now, each at its
 * current revision) in `mode`, burning in `burnt` (the polygons in force at its position).
 * The version changes with any of the three, so the fleet restarts the recorder on any change.
 */
export function recorderMasking(mode: MaskMode, masks: readonly Pick<PrivacyMask, 'revision'>[], burnt: readonly MaskPolygon[]): RecorderMasking {
  if (masks.length === 0) return NO_MASKING;
  const revisions = masks.map((mask) => mask.revision).sort();
  const polygons = mode === 'server' ? burnt : [];
  const version = createHash('sha256')
    .update(JSON.stringify([mode, revisions, polygons]))
    .digest('hex')
    .slice(0, 16);
  return { version, mode, revisions, polygons };
}

/** A masking some recorder of the camera ran with, as stored (recording_mask_versions). */
export interface RecordedMasking {
  mode: MaskMode;
  revisions: ReadonlySet<string>;
  /** Whether ffmpeg burnt any polygon in. */
  burnt: boolean;
}

/** The revisions a segment starting at `startMs` must carry: those not ended before it started. */
export function revisionsRequired(history: readonly MaskRevision[], startMs: number): MaskRevision[] {
  return history
    .filter((revision) => revision.validToMs === null || revision.validToMs > startMs)
    .sort((a, b) => a.validFromMs - b.validFromMs || (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
}

/**
 * How a stored segment is served:
 *   - `none`: nothing to burn in (no mask ever since, or every one masked by the camera);
 *   - `recorded`: the masking it was recorded with accounted for every required revision;
 *   - `reencoded`: some required revision is not accounted for: re-encoded with the polygons
 *     of every required revision, whatever the mode now (a camera switched to `in_camera`
 *     did not mask the footage it recorded before).
 */
export type SegmentMaskPlan = { masking: 'none' | 'recorded' } | { masking: 'reencoded'; version: string; polygons: MaskPolygon[] };

export function segmentMaskPlan(
  segment: { startMs: number; maskVersion: string },
  history: readonly MaskRevision[],
  recorded: ReadonlyMap<string, RecordedMasking>,
): SegmentMaskPlan {
  const accountedFor = recorded.get(segment.maskVersion);
  const required = revisionsRequired(history, segment.startMs);
  if (required.every((revision) => accountedFor?.revisions.has(revision.revision))) return { masking: accountedFor?.burnt ? 'recorded' : 'none' };
  const polygons = required.flatMap((revision) => revision.polygons);
  return { masking: 'reencoded', polygons, version: maskVersion('server', polygons)! };
}
