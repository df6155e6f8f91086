// The PNG files ffmpeg overlays on masked cameras (`server` mode, LEGAL 4): one per camera,
// `<directory>/<camera id>.mask.png` (by default `<VIGIE_DATA_DIR>/masks/`), written whole
// under a temporary name then renamed, so that ffmpeg, which re-reads it once a second, never
// sees half a file. Rendered at 1920x1080 whatever the camera: ffmpeg scales it to the
// picture with nearest-neighbour sampling, so an edge is placed within half a mask pixel.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maskPng } from '../../platform/media/mask-image.ts';
import type { FleetMask } from './masks.coverage.ts';

export const MASK_IMAGE_SIZE = { width: 1920, height: 1080 } as const;

export class MaskImageStore {
  constructor(
    private readonly directory: string,
    private readonly size: { width: number; height: number } = MASK_IMAGE_SIZE,
  ) {}

  /** A camera id becomes a file name only if it is a plain one; otherwise its hash does. */
  pathOf(cameraId: string): string {
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(cameraId) ? cameraId : createHash('sha256').update(cameraId).digest('hex').slice(0, 32);
    return join(this.directory, `${name}.mask.png`);
  }

  async write(cameraId: string, mask: Pick<FleetMask, 'polygons'>): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const path = this.pathOf(cameraId);
    // Unique per write: the recorder and live sub-streams may write the same camera's image at the same moment (a PTZ preset reached).
    const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, maskPng(mask.polygons, this.size.width, this.size.height), { mode: 0o640 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return path;
  }

  async remove(cameraId: string): Promise<void> {
    await rm(this.pathOf(cameraId), { force: true });
  }

  /** The fleet's `writeMaskImage` dependency. */
  readonly writeForFleet = (camera: { id: string }, mask: FleetMask): Promise<string> => this.write(camera.id, mask);
}
