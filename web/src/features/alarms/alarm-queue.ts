// The operators' queue in the browser (docs/alarms.md "Live channel"): the messages of the live
// WebSocket applied to the queue (a snapshot replaces it, a change upserts or removes one alarm),
// the gap check on `seq`, the server's order (priority, then age), the age counter, the
// reconnection backoff, and which cameras an alarm opens (a PPMS alert: every camera of the
// school's site). Pure, tested by alarm-queue.test.ts.
import type { Alarm } from '../../api/types.ts';

export type LiveMessage =
  | { type: 'snapshot'; seq: 0; at: string; alarms: Alarm[] }
  | { type: 'change'; seq: number; at: string; change: string; alarm: Alarm }
  | { type: 'heartbeat'; seq: number; at: string }
  | { type: 'error'; code: string; message_fr: string; message_en: string };

export interface QueueState {
  alarms: Alarm[];
  /** The last `seq` applied (0 after a snapshot). */
  seq: number;
  /** Ids of alarms that arrived (created) since the operator last looked at the queue. */
  unseen: string[];
}

export const emptyQueue: QueueState = { alarms: [], seq: 0, unseen: [] };

/** The server's order: priority 1 first, then the oldest first (then the id, for a stable order). */
export function sortQueue(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort((a, b) => a.priority - b.priority || a.firstReceivedAt.localeCompare(b.firstReceivedAt) || a.id.localeCompare(b.id));
}

export type Applied = { state: QueueState; gap: boolean; arrived: Alarm | null };

/**
 * One message applied. `gap`: a change whose seq is not the next one (a message was lost): the
 * caller re-fetches (reconnects for a new snapshot). `arrived`: a new alarm, for the cues.
 */
export function applyMessage(state: QueueState, message: LiveMessage): Applied {
  if (message.type === 'snapshot') {
    const ids = new Set(message.alarms.map((alarm) => alarm.id));
    return { state: { alarms: sortQueue(message.alarms), seq: 0, unseen: state.unseen.filter((id) => ids.has(id)) }, gap: false, arrived: null };
  }
  if (message.type === 'heartbeat') return { state, gap: message.seq !== state.seq, arrived: null };
  if (message.type !== 'change') return { state, gap: false, arrived: null };
  if (message.seq !== state.seq + 1) return { state, gap: true, arrived: null };
  const others = state.alarms.filter((alarm) => alarm.id !== message.alarm.id);
  const open = message.alarm.state !== 'closed';
  const alarms = sortQueue(open ? [...others, message.alarm] : others);
  const arrived = message.change === 'created' && open ? message.alarm : null;
  const unseen = arrived ? [...state.unseen, arrived.id] : state.unseen.filter((id) => id !== message.alarm.id || message.alarm.state === 'new');
  return { state: { alarms, seq: message.seq, unseen }, gap: false, arrived };
}

/** Delay before the next reconnection: 0.5 s doubled at each failure, at most 15 s, with up to 20 % jitter. */
export function reconnectDelay(failures: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, failures));
  return Math.round(base * (1 + 0.2 * random()));
}

/** Age as the queue shows it: 42 s, 3 min 05 s, 2 h 07 min. */
export function formatAge(fromIso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const ppmsTypes = new Set(['ppms_intrusion_attack', 'ppms_confinement', 'ppms_evacuation']);

/** The cameras an alarm opens: its own, and for a PPMS alert every camera of the school's site too (at most 25, one grid). */
export function camerasOf(alarm: Pick<Alarm, 'type' | 'siteId' | 'cameraIds'>, cameras: readonly { id: string; siteId: string | null }[]): string[] {
  const known = new Set(cameras.map((camera) => camera.id));
  const ids = alarm.cameraIds.filter((id) => known.has(id));
  if (ppmsTypes.has(alarm.type) && alarm.siteId) for (const camera of cameras) if (camera.siteId === alarm.siteId) ids.push(camera.id);
  return [...new Set(ids)].slice(0, 25);
}

/** The smallest grid that shows them all. */
export function gridFor(count: number): 1 | 4 | 9 | 16 | 25 {
  for (const grid of [1, 4, 9, 16, 25] as const) if (count <= grid) return grid;
  return 25;
}

/** The next action of the workflow from a state (null once in progress: closing needs an outcome). */
export function nextAction(state: Alarm['state']): 'take' | 'acknowledge' | 'start' | null {
  if (state === 'new') return 'take';
  if (state === 'taken') return 'acknowledge';
  if (state === 'acknowledged') return 'start';
  return null;
}
