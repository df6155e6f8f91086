// The operators' live queue over WebSocket (issue 14, item 3; docs/alarms.md "Live channel"):
// at connect, the reader's open queue (`snapshot`, seq 0), then one `change` per `alarm.changed`
// of an alarm the reader may see (its communes: filtered per connection), each with the next
// `seq` of that connection, so that a console that sees a gap re-fetches; a `heartbeat` (with a
// WebSocket ping) every interval, when the session is also checked again (signed out, expired or
// no longer allowed: closed with 4401 / 4403). A client that does not read (its send buffer
// above the bound) is cut at once instead of making the server hold its backlog; a peer that
// answers two pings in a row is cut too. Events are handled one at a time in the order
// emitted, the snapshot in the same line, so a change is never sent before the snapshot.
import { parisDate, type Clock } from '../../platform/clock.ts';
import { DomainError, errorCatalogue } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import type { AlarmChanged } from './alarms.events.ts';
import type { AlarmsRepository } from './alarms.repository.ts';
import type { AlarmView } from './alarms.schemas.ts';
import { alarmView, type AlarmsService, visibleTo } from './alarms.service.ts';

/** What the live queue needs of a `ws` WebSocket (unit tests use a fake). */
export interface AlarmSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'close' | 'pong', listener: () => void): unknown;
}

export type LiveMessage =
  | { type: 'snapshot'; seq: 0; at: string; alarms: AlarmView[] }
  | { type: 'change'; seq: number; at: string; change: AlarmChanged['change']; alarm: AlarmView }
  | { type: 'heartbeat'; seq: number; at: string }
  | { type: 'error'; code: string; message_fr: string; message_en: string };

export interface AlarmsLiveOptions {
  /** Heartbeat (JSON message and ping) and session check interval. */
  heartbeatMs: number;
  /** Above this many bytes waiting to be sent to one client, it is cut. */
  maxBufferedBytes: number;
}

/** Alarms in the snapshot at most (the queue's own limit). */
const snapshotLimit = 500;
const OPEN = 1;

interface Connection {
  socket: AlarmSocket;
  principal: Principal;
  currentPrincipal: () => Promise<Principal | null>;
  seq: number;
  ready: boolean;
  /** Pings sent since the last pong: two unanswered in a row cut the client. */
  unanswered: number;
}

export interface AlarmsLiveStats {
  connections: number;
  messagesSent: number;
  /** Clients cut because they did not read (send buffer above the bound). */
  cutSlow: number;
  /** Clients cut because they answered two pings in a row. */
  cutUnresponsive: number;
}

export class AlarmsLive {
  private readonly connections = new Set<Connection>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly counters = { messagesSent: 0, cutSlow: 0, cutUnresponsive: 0 };

  constructor(
    private readonly deps: { service: AlarmsService; repository: AlarmsRepository; events: EventBus; clock: Clock; log?: ProcessLog },
    private readonly options: AlarmsLiveOptions,
  ) {
    deps.events.on('alarm.changed', (event) => this.inLine(() => this.dispatch(event)));
  }

  /** Resolves once every event emitted so far has been delivered (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  stats(): AlarmsLiveStats {
    return { connections: this.connections.size, ...this.counters };
  }

  /** Serves one socket from its opening to its close: the snapshot, then the changes it may see. */
  serve(socket: AlarmSocket, principal: Principal, currentPrincipal: () => Promise<Principal | null>): void {
    const connection: Connection = { socket, principal, currentPrincipal, seq: 0, ready: false, unanswered: 0 };
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
    socket.on('pong', () => {
      connection.unanswered = 0;
    });
    this.startHeartbeat();
    this.inLine(async () => {
      if (!this.connections.has(connection)) return;
      const alarms = await this.deps.service.list(connection.principal, { limit: snapshotLimit });
      connection.ready = true;
      this.send(connection, { type: 'snapshot', seq: 0, at: this.now(), alarms });
    });
  }

  /** Closes every socket and stops the heartbeat (the app is closing). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const connection of this.connections) connection.socket.close(1001, 'server_stopping');
    this.connections.clear();
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private inLine(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.deps.log?.warn({ error: error instanceof Error ? error.message : String(error) }, 'alarm live queue: delivery failed');
    });
  }

  private async dispatch(event: AlarmChanged): Promise<void> {
    const readers = [...this.connections].filter((connection) => connection.ready && visibleTo(connection.principal, event.communeInsee));
    if (readers.length === 0) return;
    const row = await this.deps.repository.alarm(event.alarmId);
    if (!row) return;
    const alarm = alarmView(row);
    const at = this.now();
    for (const connection of readers) {
      if (!visibleTo(connection.principal, alarm.communeInsee)) continue;
      connection.seq += 1;
      this.send(connection, { type: 'change', seq: connection.seq, at, change: event.change, alarm });
    }
  }

  private send(connection: Connection, message: LiveMessage): void {
    const { socket } = connection;
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.counters.cutSlow += 1;
      this.deps.log?.warn({ login: connection.principal.login, buffered: socket.bufferedAmount }, 'alarm live queue: slow client cut');
      this.drop(connection);
      return;
    }
    socket.send(JSON.stringify(message));
    this.counters.messagesSent += 1;
  }

  private drop(connection: Connection): void {
    this.connections.delete(connection);
    connection.socket.terminate();
  }

  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (this.connections.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      return;
    }
    const today = parisDate(this.deps.clock.now());
    await Promise.all(
      [...this.connections].map(async (connection) => {
        if (!connection.ready) return; // its snapshot is still on the way
        if (connection.unanswered >= 2) {
          this.counters.cutUnresponsive += 1;
          this.drop(connection);
          return;
        }
        const principal = await connection.currentPrincipal().catch(() => null);
        if (!this.connections.has(connection)) return;
        if (!principal) return this.refuse(connection, new DomainError('unauthenticated'));
        try {
          assertAllowed(principal, 'alarm.read', null, today);
        } catch (error) {
          return this.refuse(connection, error);
        }
        connection.principal = principal; // its communes may have changed
        connection.unanswered += 1;
        connection.socket.ping();
        this.send(connection, { type: 'heartbeat', seq: connection.seq, at: this.now() });
      }),
    );
  }

  private refuse(connection: Connection, error: unknown): void {
    this.connections.delete(connection);
    closeRefused(connection.socket, error);
  }
}

/** Tells a refused client why (an `error` message), then closes: 4401 not signed in, 4403 not allowed, 4500 other. */
export function closeRefused(socket: Pick<AlarmSocket, 'readyState' | 'send' | 'close'>, error: unknown): void {
  if (socket.readyState !== OPEN) return;
  const known = error instanceof DomainError;
  const entry = known ? { code: error.code, fr: error.messageFr, en: error.messageEn } : { code: 'internal_error', ...errorCatalogue.internal_error };
  socket.send(JSON.stringify({ type: 'error', code: entry.code, message_fr: entry.fr, message_en: entry.en } satisfies LiveMessage));
  const status = known ? error.status : 500;
  socket.close(status === 401 ? 4401 : status >= 400 && status < 500 ? 4403 : 4500, entry.code);
}
