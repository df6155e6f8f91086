// Review hours (issue 13 item 3): the time a playback tile is actually watched, for the
// heartbeats sent to the server every BEAT_MS. A tick counts when the tab is visible and the
// video plays, or the playhead moved (scrubbing, frame stepping); a paused video or a hidden
// tab counts nothing. Pure (the tile feeds it Date.now() and its state).
export const BEAT_MS = 15_000;
/** A tick longer than this (a frozen tab) counts only this much. */
const MAX_TICK_MS = 2000;

export class ActiveTime {
  private activeMs = 0;
  private lastTickMs: number | null = null;
  private lastWallMs: number | null = null;

  tick(nowMs: number, state: { visible: boolean; playing: boolean; wallMs: number }): void {
    const elapsed = this.lastTickMs === null ? 0 : Math.max(0, Math.min(nowMs - this.lastTickMs, MAX_TICK_MS));
    const moved = this.lastWallMs !== null && state.wallMs !== this.lastWallMs;
    if (state.visible && (state.playing || moved)) this.activeMs += elapsed;
    this.lastTickMs = nowMs;
    this.lastWallMs = state.wallMs;
  }

  /** Whole seconds counted since the last call (the rest carries over). */
  take(): number {
    const seconds = Math.floor(this.activeMs / 1000);
    this.activeMs -= seconds * 1000;
    return seconds;
  }
}
