// Server-Sent Events over a raw Node response (the reply is hijacked: Fastify no longer owns
// it): named events with JSON data, a comment every `heartbeatMs` so that proxies and the
// browser keep the connection, and a bounded life (`maxDurationMs`), after which the browser's
// EventSource reconnects by itself through the security hook: a stream never outlives the
// session that opened it by more than that. Everything is released once, however it ends.
import type { ServerResponse } from 'node:http';

export interface EventStreamOptions {
  heartbeatMs: number;
  maxDurationMs: number;
  /** Delay the browser waits before reconnecting. */
  retryMs?: number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  // nginx and similar proxies buffer responses by default: an event must leave at once.
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
});

/** One event in the text/event-stream format; data lines split so that a newline cannot forge a field. */
export function formatEvent(event: string, data: unknown): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(event)) throw new Error(`invalid event name ${event}`);
  const lines = JSON.stringify(data)
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`);
  return `event: ${event}\n${lines.join('\n')}\n\n`;
}

export class EventStream {
  private closed = false;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly response: Pick<ServerResponse, 'writeHead' | 'write' | 'end' | 'on' | 'writableEnded'>,
    options: EventStreamOptions,
  ) {
    const every = options.setInterval ?? ((callback, ms) => setInterval(callback, ms));
    const stopEvery = options.clearInterval ?? ((handle) => clearInterval(handle as NodeJS.Timeout));
    const after = options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
    const stopAfter = options.clearTimeout ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
    response.writeHead(200, SSE_HEADERS);
    response.write(`retry: ${options.retryMs ?? 3000}\n\n`);
    const heartbeat = every(() => this.write(': heartbeat\n\n'), options.heartbeatMs);
    const lifetime = after(() => this.close(), options.maxDurationMs);
    this.cleanups.push(
      () => stopEvery(heartbeat),
      () => stopAfter(lifetime),
    );
    response.on('close', () => this.close());
    response.on('error', () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(event: string, data: unknown): void {
    this.write(formatEvent(event, data));
  }

  /** Runs `cleanup` when the stream ends (at once if it already has). */
  onClose(cleanup: () => void): void {
    if (this.closed) cleanup();
    else this.cleanups.push(cleanup);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // Releasing one resource must not keep the others.
      }
    }
    if (!this.response.writableEnded) this.response.end();
  }

  private write(text: string): void {
    if (this.closed || this.response.writableEnded) return;
    this.response.write(text);
  }
}
