// What playback needs to know of a camera's privacy masks (LEGAL 4): the server mask an older
// segment is re-encoded with (every polygon of a camera in `server` mode: camera-wide ones and
// those of every PTZ preset, since where the camera pointed back then is not known) and the
// moment it became what it is, read from the masks' own tables through their repository; and
// the mask picture ffmpeg overlays when an older segment must be re-encoded.
import { existsSync } from 'node:fs';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { DEFAULT_MASK_MODE, maskVersion, polygonsOfEveryPosition, type MaskImageStore, type MasksRepository } from '../recording/index.ts';
import type { MaskInForce } from './playback.rules.ts';

export interface ServerMask extends MaskInForce {
  polygons: MaskPolygon[];
}

export interface PlaybackMasks {
  /** The server mask older footage gets, or null when Vigie burns nothing in (no mask, or `in_camera`). */
  inForce(cameraId: string): Promise<ServerMask | null>;
  /** The PNG of that mask, written when its version changed; returns its path. */
  imagePath(cameraId: string, mask: ServerMask): Promise<string>;
}

/**
 * Masks only ever get stricter for a stored segment: a segment recorded after every mask now in
 * force was created or last edited, and after the mode was last set, carries the camera-wide
 * polygons and those of the preset the recorder knew the camera was at. A deleted mask removes
 * nothing from the picture already burnt in, so only the latest `updated_at` of the masks and
 * of the mode matter. An older segment does not say where a PTZ camera pointed: it is
 * re-encoded with the polygons of every position (over-masking is lawful, under-masking not).
 */
export function databaseMasks(repository: Pick<MasksRepository, 'masksOfCamera' | 'modeOf'>, images: Pick<MaskImageStore, 'write' | 'pathOf'>): PlaybackMasks {
  const written = new Map<string, string>();
  return {
    async inForce(cameraId) {
      const [masks, mode] = await Promise.all([repository.masksOfCamera(cameraId), repository.modeOf(cameraId)]);
      const polygons = polygonsOfEveryPosition(masks);
      const version = maskVersion(mode?.mode ?? DEFAULT_MASK_MODE, polygons);
      if (version === null) return null;
      const changes = masks.map((mask) => Date.parse(mask.updatedAt));
      if (mode?.updatedAt) changes.push(Date.parse(mode.updatedAt));
      return { version, polygons, changedAtMs: Math.max(...changes) };
    },
    async imagePath(cameraId, mask) {
      const path = images.pathOf(cameraId);
      if (written.get(cameraId) === mask.version && existsSync(path)) return path;
      await images.write(cameraId, mask);
      written.set(cameraId, mask.version);
      return path;
    },
  };
}
