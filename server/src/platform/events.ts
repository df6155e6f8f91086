// The in-process event bus (issue 10): reactions across modules (a camera changed, a recorder's
// state changed, a PTZ camera moved, a mask changed) without one module holding another's
// service. Each module declares the events it emits by augmenting `VigieEvents` in its own
// `<module>.events.ts`:
//
//   declare module '../../platform/events.ts' {
//     interface VigieEvents { 'camera.changed': { cameraId: string } }
//   }
//
// Handlers run synchronously, in subscription order, when the event is emitted; a handler
// that throws or rejects is logged and does not stop the others nor the emitter. Later the
// same events cross machines through a message broker; their payloads are therefore plain data.
import type { ProcessLog } from './processes.ts';

// biome-ignore lint/suspicious/noEmptyInterface: filled by each module's declaration merging.
export interface VigieEvents {}

export type EventName = keyof VigieEvents & string;
export type EventHandler<Name extends EventName> = (payload: VigieEvents[Name]) => void | Promise<void>;

export class EventBus {
  private readonly handlers = new Map<string, Set<(payload: unknown) => void | Promise<void>>>();

  constructor(private readonly log?: Pick<ProcessLog, 'warn'>) {}

  /** Subscribes; returns the function that unsubscribes. */
  on<Name extends EventName>(name: Name, handler: EventHandler<Name>): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    const entry = handler as (payload: unknown) => void | Promise<void>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<Name extends EventName>(name: Name, payload: VigieEvents[Name]): void {
    for (const handler of [...(this.handlers.get(name) ?? [])]) {
      try {
        const result = handler(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(name, error));
      } catch (error) {
        this.failed(name, error);
      }
    }
  }

  /** How many handlers listen to an event (tests, health). */
  listenerCount(name: EventName): number {
    return this.handlers.get(name)?.size ?? 0;
  }

  private failed(name: string, error: unknown): void {
    this.log?.warn({ event: name, error: error instanceof Error ? error.message : String(error) }, 'event handler failed');
  }
}
