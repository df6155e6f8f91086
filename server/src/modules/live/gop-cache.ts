// The fragments since the last keyframe of a live source: a viewer joining gets the init
// segment and these at once, so that its first picture is the latest keyframe instead of
// the next one (up to a GOP later). Pure, bounded in bytes.
import type { MediaFragment } from '../../platform/media/fmp4.ts';

/** A GOP larger than this is not cached (a joining viewer then waits for the next keyframe). */
export const MAX_GOP_CACHE_BYTES = 16 * 1024 * 1024;

export class GopCache {
  private cached: MediaFragment[] = [];
  private bytes = 0;
  /** False from an overflow until the next keyframe: a cache must start on a keyframe. */
  private caching = false;

  constructor(private readonly maxBytes = MAX_GOP_CACHE_BYTES) {}

  add(fragment: MediaFragment): void {
    if (fragment.keyframe) {
      this.cached = [];
      this.bytes = 0;
      this.caching = true;
    }
    if (!this.caching) return;
    if (this.bytes + fragment.data.length > this.maxBytes) {
      this.clear();
      return;
    }
    this.cached.push(fragment);
    this.bytes += fragment.data.length;
  }

  /** From a keyframe to the newest fragment; empty before the first keyframe or after an overflow. */
  get fragments(): readonly MediaFragment[] {
    return this.cached;
  }

  get byteLength(): number {
    return this.bytes;
  }

  clear(): void {
    this.cached = [];
    this.bytes = 0;
    this.caching = false;
  }
}
