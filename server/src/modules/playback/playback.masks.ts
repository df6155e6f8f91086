// What playback needs to know of privacy masks (LEGAL 4): how each stored segment is served,
// decided by masks.coverage.ts from the masking the segment was recorded with (written by the
// indexer from what the recorder ran with) and the mask history (every revision with its
// validity interval, deleted and edited ones included), both read through their owners'
// repositories; and the mask picture ffmpeg overlays when a segment must be re-encoded.
import { existsSync } from 'node:fs';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { segmentMaskPlan, UNKNOWN_MASK_VERSION, type MaskImageStore, type MasksService, type SegmentMaskPlan } from '../masks/index.ts';
import type { RecordingRepository, SegmentSpan } from '../recording/index.ts';

/** The polygons a re-encode burns in, and their version (the ETag and the picture's name). */
export interface ServerMask {
  version: string;
  polygons: MaskPolygon[];
}

export interface PlaybackMasks {
  /** How each segment (by id) is served; every segment given has a plan. */
  plans(cameraId: string, segments: readonly Pick<SegmentSpan, 'id' | 'startMs'>[]): Promise<Map<number, SegmentMaskPlan>>;
  /** The PNG of a re-encode's mask, written once per version; returns its path. */
  imagePath(cameraId: string, mask: ServerMask): Promise<string>;
}

/**
 * Nothing is inferred from when masks changed: a segment is served as stored only when the
 * masking it was recorded with accounted for every mask revision in force, or ever in force,
 * since it started. A recorder that never restarted with a new mask, a camera switched to
 * `in_camera`, a mask deleted or redrawn, a file of a crashed run or an older row ('unknown'):
 * the segment is re-encoded with every such revision's polygons (every PTZ position).
 */
export function databaseMasks(
  masks: Pick<MasksService, 'historySince'>,
  footage: Pick<RecordingRepository, 'segmentMaskVersions' | 'recordedMaskings'>,
  images: Pick<MaskImageStore, 'write' | 'pathOf'>,
): PlaybackMasks {
  const written = new Map<string, true>();
  return {
    async plans(cameraId, segments) {
      const plans = new Map<number, SegmentMaskPlan>();
      if (segments.length === 0) return plans;
      const versions = await footage.segmentMaskVersions(segments.map((segment) => segment.id));
      const [history, recorded] = await Promise.all([
        masks.historySince(cameraId, Math.min(...segments.map((segment) => segment.startMs))),
        footage.recordedMaskings(cameraId, [...versions.values()]),
      ]);
      for (const segment of segments) {
        plans.set(segment.id, segmentMaskPlan({ startMs: segment.startMs, maskVersion: versions.get(segment.id) ?? UNKNOWN_MASK_VERSION }, history, recorded));
      }
      return plans;
    },
    async imagePath(cameraId, mask) {
      // One picture per version: two re-encodes of one camera with different masks never share a file.
      const key = `${cameraId}.${mask.version}`;
      const path = images.pathOf(key);
      if (written.has(key) && existsSync(path)) return path;
      await images.write(key, mask);
      written.set(key, true);
      return path;
    },
  };
}
