// Reusable buffers for the archive's writes. A part arrives as many small pieces (the RTP
// payloads of its pictures, never copied on the way); a writev of them as they are costs the
// event loop time per piece (a 1-s part at 2 Mbit/s has about 250), and joining them into a
// fresh buffer faults in new pages every time. So a part is copied once into a buffer taken
// from this pool, hashed and written in one piece, and the buffer comes back when the write has
// completed.
//
// Sizes are powers of two from 64 KiB to 4 MiB; larger parts (a camera far above 30 Mbit/s) get
// a buffer of their own. At most MAX_IDLE_BYTES wait in the pool: what a burst of writes needed
// beyond that is left to the garbage collector.

const MIN_CLASS_BYTES = 64 * 1024;
const MAX_CLASS_BYTES = 4 * 1024 * 1024;
/** Idle buffers kept for reuse, all sizes together. */
export const MAX_IDLE_BYTES = 32 * 1024 * 1024;

export class WriteBufferPool {
  private readonly idle = new Map<number, Buffer[]>();
  private idleBytes = 0;
  /** Counters, for the benchmark and tests. */
  readonly stats = { taken: 0, reused: 0, oversized: 0 };

  /** A buffer of at least `bytes` (its exact length is the size class). */
  take(bytes: number): Buffer {
    this.stats.taken++;
    if (bytes > MAX_CLASS_BYTES) {
      this.stats.oversized++;
      return Buffer.allocUnsafeSlow(bytes);
    }
    const size = classOf(bytes);
    const free = this.idle.get(size);
    const reused = free?.pop();
    if (reused) {
      this.idleBytes -= size;
      this.stats.reused++;
      return reused;
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /** Gives back a buffer from `take` once nothing reads it any more. */
  give(buffer: Buffer): void {
    const size = buffer.length;
    if (size > MAX_CLASS_BYTES || size !== classOf(size) || this.idleBytes + size > MAX_IDLE_BYTES) return;
    const free = this.idle.get(size);
    if (free) free.push(buffer);
    else this.idle.set(size, [buffer]);
    this.idleBytes += size;
  }

  get idleByteCount(): number {
    return this.idleBytes;
  }
}

function classOf(bytes: number): number {
  let size = MIN_CLASS_BYTES;
  while (size < bytes) size *= 2;
  return size;
}

/** The one pool of this process's recorders. */
export const writeBuffers = new WriteBufferPool();

/** Copies `chunks` into `target` from offset 0; returns the bytes copied. */
export function gather(chunks: readonly Buffer[], target: Buffer): number {
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(target, at);
  return at;
}
