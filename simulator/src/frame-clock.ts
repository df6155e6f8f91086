// One timer per frame rate, shared by every stream at that rate. Ticks sit on a grid aligned
// to the Unix epoch (tick n happens at n * 1000 / fps ms), which is what lets a pre-encoded
// loop be served aligned to the wall clock, and RTP timestamps follow the wall clock too.

export type TickListener = (tick: number) => void;

/** What a stream needs of a clock (tests drive a fake one). */
export interface TickSource {
  readonly fps: number;
  currentTick(): number;
  subscribe(listener: TickListener): void;
  unsubscribe(listener: TickListener): void;
}

export interface TickSources {
  forRate(fps: number): TickSource;
}

/** How far behind a clock may fall before it skips ahead instead of catching up (1 s). */
const MAX_CATCH_UP_SECONDS = 1;

export class FrameClock implements TickSource {
  readonly periodMs: number;
  private readonly listeners = new Set<TickListener>();
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;

  constructor(
    readonly fps: number,
    private readonly now: () => number = Date.now,
  ) {
    this.periodMs = 1000 / fps;
  }

  currentTick(): number {
    return Math.floor(this.now() / this.periodMs);
  }

  /** Wall-clock time (ms) at which `tick` is due. */
  tickTime(tick: number): number {
    return tick * this.periodMs;
  }

  subscribe(listener: TickListener): void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.lastTick = this.currentTick();
      this.arm();
    }
  }

  unsubscribe(listener: TickListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private arm(): void {
    const delay = Math.max(0, this.tickTime(this.lastTick + 1) - this.now());
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    const due = this.currentTick();
    if (due - this.lastTick > this.fps * MAX_CATCH_UP_SECONDS) this.lastTick = due - 1;
    while (this.lastTick < due && this.listeners.size > 0) {
      this.lastTick += 1;
      for (const listener of [...this.listeners]) {
        try {
          listener(this.lastTick);
        } catch (error) {
          // One broken stream must not stop the others; it is dropped from the clock.
          this.listeners.delete(listener);
          process.emitWarning(`frame clock listener failed: ${String(error)}`);
        }
      }
    }
    if (this.listeners.size > 0) this.arm();
    else this.timer = undefined;
  }
}

export class FrameClocks implements TickSources {
  private readonly clocks = new Map<number, FrameClock>();

  constructor(private readonly now: () => number = Date.now) {}

  forRate(fps: number): FrameClock {
    let clock = this.clocks.get(fps);
    if (!clock) {
      clock = new FrameClock(fps, this.now);
      this.clocks.set(fps, clock);
    }
    return clock;
  }
}
