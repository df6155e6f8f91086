// Pushes to video walls reach the walls' open event streams through this in-process emitter:
// a push handled by one API process is seen by the streams that same process serves. Several
// API processes behind a load balancer would need a shared bus (PostgreSQL LISTEN/NOTIFY, or
// the message broker of a later wave) feeding `publish` in each process (docs/console-server.md).
import type { VideoWall } from './console.repository.ts';

export type WallEvent = { type: 'wall'; wall: VideoWall } | { type: 'deleted'; wallId: string };

export class WallEvents {
  private readonly listeners = new Map<string, Set<(event: WallEvent) => void>>();

  /** Calls `listener` on every event of the wall until the returned function is called. */
  subscribe(wallId: string, listener: (event: WallEvent) => void): () => void {
    let set = this.listeners.get(wallId);
    if (!set) {
      set = new Set();
      this.listeners.set(wallId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(wallId) === set) this.listeners.delete(wallId);
    };
  }

  publish(event: WallEvent): void {
    const wallId = event.type === 'wall' ? event.wall.id : event.wallId;
    for (const listener of [...(this.listeners.get(wallId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // One broken stream must not keep the others from their update.
      }
    }
  }

  subscribers(wallId: string): number {
    return this.listeners.get(wallId)?.size ?? 0;
  }
}
