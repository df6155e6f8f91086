// The one clock that every player of the playback screen follows (one camera or a 2x2
// layout): a wall-clock instant that advances at the chosen speed while playing, stands still
// while paused or while a player waits for data ("held"), and goes back in reverse play.
// Pure apart from the injected `now` (milliseconds of a monotonic clock); tested by clock.test.ts.

export interface ClockState {
  playing: boolean;
  /** Negative in reverse. */
  rate: number;
  held: boolean;
}

export class PlaybackClock {
  private anchorWallMs: number;
  private anchorAtMs: number;
  private playing = false;
  private rate = 1;
  private held = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    startWallMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.anchorWallMs = startWallMs;
    this.anchorAtMs = now();
  }

  /** The shared instant (epoch ms) now. */
  time(): number {
    if (!this.playing || this.held) return this.anchorWallMs;
    return this.anchorWallMs + (this.now() - this.anchorAtMs) * this.rate;
  }

  state(): ClockState {
    return { playing: this.playing, rate: this.rate, held: this.held };
  }

  /** Called on play, pause, seek, speed and hold changes (not on every tick). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  seek(wallMs: number): void {
    this.anchorWallMs = wallMs;
    this.anchorAtMs = this.now();
    this.changed();
  }

  play(): void {
    if (this.playing) return;
    this.reanchor();
    this.playing = true;
    this.changed();
  }

  pause(): void {
    if (!this.playing) return;
    this.reanchor();
    this.playing = false;
    this.changed();
  }

  setRate(rate: number): void {
    if (rate === 0 || !Number.isFinite(rate) || rate === this.rate) return;
    this.reanchor();
    this.rate = rate;
    this.changed();
  }

  /** Stops the clock while a player buffers, without changing play/pause. */
  setHeld(held: boolean): void {
    if (held === this.held) return;
    this.reanchor();
    this.held = held;
    this.changed();
  }

  private reanchor(): void {
    this.anchorWallMs = this.time();
    this.anchorAtMs = this.now();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
