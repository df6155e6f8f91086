// The running live sources, one per (camera, stream, transcode), reference-counted: the first
// viewer starts its ffmpeg, the others share it, and it stops `idleStopMs` after its last
// viewer left (a viewer coming back within that time, switching layouts, finds it warm).
import type { LiveSource } from './live-source.ts';

export interface SourceHandle {
  readonly source: LiveSource;
  /** Idempotent. */
  release(): void;
}

interface Entry {
  source: LiveSource;
  holders: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** What the source was built with that may change under it (the sub-stream's mask version). */
  maskVersion: string | null;
}

export class LiveSources {
  private readonly entries = new Map<string, Entry>();
  private readonly creating = new Map<string, Promise<Entry>>();
  private closed = false;

  constructor(private readonly idleStopMs: number) {}

  /** The source of `key`, created (and started) by `create` when none runs; one creation at a time per key. */
  async acquire(key: string, create: () => Promise<{ source: LiveSource; maskVersion: string | null }>): Promise<SourceHandle> {
    if (this.closed) throw new Error('live sources are stopped');
    let entry = this.entries.get(key);
    if (!entry) {
      let pending = this.creating.get(key);
      if (!pending) {
        pending = create()
          .then(({ source, maskVersion }) => {
            if (this.closed) throw new Error('live sources are stopped');
            const created: Entry = { source, holders: 0, idleTimer: undefined, maskVersion };
            this.entries.set(key, created);
            source.start();
            return created;
          })
          .finally(() => this.creating.delete(key));
        this.creating.set(key, pending);
      }
      entry = await pending;
    }
    return this.hold(key, entry);
  }

  private hold(key: string, entry: Entry): SourceHandle {
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    entry.holders += 1;
    let released = false;
    return {
      source: entry.source,
      release: () => {
        if (released) return;
        released = true;
        entry.holders -= 1;
        if (entry.holders > 0 || this.entries.get(key) !== entry) return;
        entry.idleTimer = setTimeout(() => {
          if (entry.holders > 0 || this.entries.get(key) !== entry) return;
          this.entries.delete(key);
          void entry.source.stop();
        }, this.idleStopMs);
        entry.idleTimer.unref();
      },
    };
  }

  all(): LiveSource[] {
    return [...this.entries.values()].map((entry) => entry.source);
  }

  ofCamera(cameraId: string): LiveSource[] {
    return this.all().filter((source) => source.cameraId === cameraId);
  }

  maskVersionOf(source: LiveSource): string | null {
    return this.entries.get(source.key)?.maskVersion ?? null;
  }

  setMaskVersion(source: LiveSource, version: string | null): void {
    const entry = this.entries.get(source.key);
    if (entry) entry.maskVersion = version;
  }

  /** Stops a camera's sources at once (it may no longer be shown); their holders keep dead handles. */
  async stopCamera(cameraId: string): Promise<void> {
    const stopping: Array<Promise<void>> = [];
    for (const [key, entry] of this.entries) {
      if (entry.source.cameraId !== cameraId) continue;
      clearTimeout(entry.idleTimer);
      this.entries.delete(key);
      stopping.push(entry.source.stop());
    }
    await Promise.all(stopping);
  }

  async stopSource(source: LiveSource): Promise<void> {
    const entry = this.entries.get(source.key);
    if (entry?.source !== source) return;
    clearTimeout(entry.idleTimer);
    this.entries.delete(source.key);
    await source.stop();
  }

  async stopAll(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.creating.values()]);
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) clearTimeout(entry.idleTimer);
    await Promise.all(entries.map((entry) => entry.source.stop()));
  }
}
