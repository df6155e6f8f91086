// One segment file being written by the native engine: the init segment, then parts (moof +
// mdat) appended in order. Writes are queued and never awaited by the ingest (a slow disk must
// not stall the camera's socket, nor any other camera): the bytes waiting for the disk are
// counted, and above a bound the caller drops media up to the next keyframe and records the
// hole. The SHA-256 and the size are computed as the bytes go out, so indexing the closed file
// reads nothing back.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes queued for one camera's disk beyond which its media is dropped to the next keyframe. */
export const MAX_PENDING_DISK_BYTES = 4 * 1024 * 1024;

export class SegmentFile {
  private handle: Promise<FileHandle>;
  private chain: Promise<void> = Promise.resolve();
  private readonly hash: Hash = createHash('sha256');
  private failure: Error | undefined;
  bytes = 0;
  pendingBytes = 0;

  private constructor(readonly path: string) {
    // Created for Vigie's account only (issue 11); the indexer makes the closed file read-only.
    this.handle = open(path, 'wx', 0o600);
    this.handle.catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
    });
  }

  static create(path: string): SegmentFile {
    return new SegmentFile(path);
  }

  /** The first write error, if any: the file is then abandoned by the caller. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Appends buffers in order, with one writev (a part's moof and its samples, never joined in memory). */
  append(chunks: readonly Buffer[]): void {
    if (this.failure) return;
    let length = 0;
    for (const chunk of chunks) {
      this.hash.update(chunk);
      length += chunk.length;
    }
    this.bytes += length;
    this.pendingBytes += length;
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        const handle = await this.handle;
        const written = (await handle.writev(chunks as Buffer[])).bytesWritten;
        // A short write (rare: a full disk's last bytes): the rest, one buffer at a time.
        if (written < length) {
          const rest = Buffer.concat(chunks).subarray(written);
          for (let at = 0; at < rest.length; ) at += (await handle.write(rest, at, rest.length - at)).bytesWritten;
        }
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        this.pendingBytes -= length;
      }
    });
  }

  /** Waits for every queued byte, flushes to the disk and closes; returns the SHA-256 of what was written. */
  async close(): Promise<{ sha256: string; bytes: number }> {
    await this.chain;
    const handle = await this.handle.catch(() => undefined);
    if (handle) {
      if (!this.failure) await handle.datasync().catch((error: unknown) => (this.failure = error as Error));
      await handle.close().catch(() => undefined);
    }
    if (this.failure) throw this.failure;
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}
