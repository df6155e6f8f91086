// Who did something, and what is recorded about it.

export type ActorType = 'user' | 'token' | 'system' | 'cli';

export interface Actor {
  readonly type: ActorType;
  readonly id: string | null;
  readonly login: string | null;
  readonly ip?: string | null;
}

export const systemActor: Actor = Object.freeze({ type: 'system', id: null, login: 'system' });

/** An action of the command line, in the name of the operating-system user (config.ts's `operatingSystemUser`). */
export function cliActor(osUser = 'unknown'): Actor {
  return { type: 'cli', id: null, login: `cli:${osUser}` };
}

export interface AuditEntry {
  /** Dotted verb, e.g. `auth.login.failed`, `camera.updated`, `image.live.start`. */
  readonly action: string;
  readonly communeInsee?: string | null;
  readonly targetType?: string | null;
  readonly targetId?: string | null;
  readonly reason?: string | null;
  /** Free details (before/after for changes); never secrets. */
  readonly details?: Record<string, unknown>;
}

/** Image accesses later modules record (LEGAL 10): live, playback, export, PTZ. */
export type ImageAccessKind = 'live.start' | 'live.stop' | 'playback' | 'playback.stop' | 'export' | 'ptz.take' | 'ptz.release' | 'snapshot';

export interface AuditSearch {
  from?: string;
  to?: string;
  action?: string;
  actorLogin?: string;
  communeInsee?: string;
  targetId?: string;
  limit?: number;
  offset?: number;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorLogin: string | null;
  communeInsee: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  hash: string;
}

export interface VerifyReport {
  ok: boolean;
  rowsChecked: number;
  firstSeq: number;
  lastSeq: number;
  /** The first problem, or null. */
  problem: { kind: string; seq: number; message: string } | null;
  /** Every problem, in row order (the first 1,000). */
  problems: { kind: string; seq: number; message: string }[];
  problemCount: number;
  /** Genuine signed checkpoints compared with the chain, and the newest one's time. */
  checkpointsChecked: number;
  newestCheckpointAt: string | null;
  /** What weakens the check without being a tampering (no checkpoint yet, none for long). */
  warnings: string[];
}
