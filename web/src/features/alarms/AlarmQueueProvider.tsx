// The live queue of the signed-in operator, held once by the shell for every screen: the
// WebSocket `GET /api/alarms/live` (snapshot, then changes), re-opened with backoff when it
// drops, when a `seq` gap shows a lost message, or when no message (heartbeats included) came
// for three heartbeat intervals; the audible cue (a WebAudio beep, muted per user in this
// browser) and the count of new alarms for the top bar's badge.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Alarm, Me } from '../../api/types.ts';
import { applyMessage, emptyQueue, reconnectDelay, type LiveMessage, type QueueState } from './alarm-queue.ts';
import { beep, loadMuted, saveMuted } from './alarm-sound.ts';

export interface AlarmQueue {
  enabled: boolean;
  alarms: Alarm[];
  connected: boolean;
  /** Alarms created since the operator last looked at the queue. */
  unseen: number;
  markSeen(): void;
  muted: boolean;
  setMuted(muted: boolean): void;
  /** Replaces an alarm by the server's answer to an action (the change follows on the socket anyway). */
  update(alarm: Alarm): void;
}

const AlarmQueueContext = createContext<AlarmQueue>({
  enabled: false,
  alarms: [],
  connected: false,
  unseen: 0,
  markSeen: () => undefined,
  muted: false,
  setMuted: () => undefined,
  update: () => undefined,
});

export function useAlarmQueue(): AlarmQueue {
  return useContext(AlarmQueueContext);
}

/** No message for this long (three server heartbeats of 15 s): the socket is taken for dead. */
const silenceMs = 45_000;

export function AlarmQueueProvider({ me, children }: { me: Me; children: ReactNode }) {
  const enabled = me.actions.includes('alarm.read');
  const [queue, setQueue] = useState<QueueState>(emptyQueue);
  const [connected, setConnected] = useState(false);
  const [muted, setMutedState] = useState(() => loadMuted(me.id));
  const mutedRef = useRef(muted);
  mutedRef.current = muted;

  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let stopped = false;
    let failures = 0;
    let retry: number | undefined;
    let watchdog: number | undefined;
    let state: QueueState = emptyQueue;

    const reopen = () => {
      socket?.close();
    };
    const armWatchdog = () => {
      window.clearTimeout(watchdog);
      watchdog = window.setTimeout(reopen, silenceMs);
    };
    const connect = () => {
      if (stopped) return;
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const current = new WebSocket(`${scheme}://${window.location.host}/api/alarms/live`);
      socket = current;
      current.onmessage = (event) => {
        armWatchdog();
        let message: LiveMessage;
        try {
          message = JSON.parse(String(event.data)) as LiveMessage;
        } catch {
          return;
        }
        if (message.type === 'snapshot') {
          failures = 0;
          setConnected(true);
        }
        const applied = applyMessage(state, message);
        if (applied.gap) {
          reopen(); // a lost message: a new snapshot
          return;
        }
        state = applied.state;
        setQueue(state);
        if (applied.arrived && !mutedRef.current) beep(applied.arrived.priority);
      };
      current.onclose = (event) => {
        window.clearTimeout(watchdog);
        setConnected(false);
        if (stopped || socket !== current) return;
        // Signed out or no longer allowed: the shell's session check takes over; no loop.
        if (event.code === 4401 || event.code === 4403) return;
        retry = window.setTimeout(connect, reconnectDelay(failures++));
      };
      armWatchdog();
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearTimeout(watchdog);
      socket?.close();
    };
  }, [enabled]);

  const markSeen = useCallback(() => setQueue((current) => (current.unseen.length ? { ...current, unseen: [] } : current)), []);
  const setMuted = useCallback(
    (value: boolean) => {
      setMutedState(value);
      saveMuted(me.id, value);
    },
    [me.id],
  );
  const update = useCallback(
    (alarm: Alarm) =>
      setQueue((current) => ({
        ...current,
        alarms: current.alarms.map((candidate) => (candidate.id === alarm.id ? alarm : candidate)).filter((candidate) => candidate.state !== 'closed'),
      })),
    [],
  );

  const value = useMemo<AlarmQueue>(
    () => ({ enabled, alarms: queue.alarms, connected, unseen: queue.unseen.length, markSeen, muted, setMuted, update }),
    [enabled, queue, connected, markSeen, muted, setMuted, update],
  );
  return <AlarmQueueContext.Provider value={value}>{children}</AlarmQueueContext.Provider>;
}
