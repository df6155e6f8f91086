// Socket reads without an allocation each (issue 12, CPU at hundreds of cameras): the kernel
// writes each read into the free tail of a larger buffer, and what was read there is never
// written again, so the framer, the depacketizer and the early-packet queue may keep slices of
// it as they keep a socket's own chunks. A new arena is taken when too little is left; an old
// one is freed once nothing refers to it (a picture later). Node's default read allocates a
// buffer per read: some 10,000 a second at 400 cameras, and their garbage.

/** An arena of this size per connection: at 2 Mbit/s about a quarter of a second of media. */
export const READ_ARENA_BYTES = 64 * 1024;
/** A read is given at least this much room; below it, a new arena. */
const MIN_READ_BYTES = 8 * 1024;

export class ReadArena {
  private arena: Buffer;
  private used = 0;

  constructor(private readonly size = READ_ARENA_BYTES) {
    if (size < MIN_READ_BYTES) throw new Error(`read arena of ${size} bytes below ${MIN_READ_BYTES}`);
    this.arena = Buffer.allocUnsafeSlow(size);
  }

  /** Where the next read goes (Node's `onread.buffer`). */
  next(): Buffer {
    if (this.size - this.used < MIN_READ_BYTES) {
      this.arena = Buffer.allocUnsafeSlow(this.size);
      this.used = 0;
    }
    return this.arena.subarray(this.used);
  }

  /** A read filled the first `bytes` of the buffer `next` gave: they are the caller's for good. */
  take(buffer: Buffer, bytes: number): Buffer {
    this.used += bytes;
    return buffer.subarray(0, bytes);
  }
}
