// The day's timeline of each chosen camera (recorded ranges, gaps, holds: no image, access
// recording.read) and its technical events, refreshed every 30 s while the day is today.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import type { RecordedTimeline, TechnicalEvent } from '../../api/types.ts';
import type { TimeWindow } from './timeline.ts';

export interface DayTimeline {
  /** The day window asked (epoch ms of its start): entries of the previous day linger until replaced. */
  dayFrom: number;
  timeline?: RecordedTimeline;
  events: TechnicalEvent[];
  error: unknown;
}

const refreshMs = 30_000;

export function useDayTimelines(cameraIds: readonly string[], day: TimeWindow): Record<string, DayTimeline> {
  const [data, setData] = useState<Record<string, DayTimeline>>({});
  const key = cameraIds.join(',');

  // biome-ignore lint/correctness/useExhaustiveDependencies: cameraIds is a new array on every render: the timelines are loaded again only when the cameras listed (key) or the day change
  useEffect(() => {
    let current = true;
    const from = new Date(day.from).toISOString();
    const to = new Date(day.to).toISOString();
    const load = async (background: boolean) => {
      const entries = await Promise.all(
        cameraIds.map(async (cameraId) => {
          const [timeline, events] = await Promise.allSettled([
            api('GET', '/api/cameras/{id}/recording/timeline', { path: { id: cameraId }, query: { from, to }, background }),
            api('GET', '/api/technical-events', { query: { cameraId, from, to, limit: 500 }, background }),
          ]);
          const entry: DayTimeline = {
            dayFrom: day.from,
            timeline: timeline.status === 'fulfilled' ? timeline.value : undefined,
            events: events.status === 'fulfilled' ? events.value : [],
            error: timeline.status === 'rejected' ? timeline.reason : null,
          };
          return [cameraId, entry] as const;
        }),
      );
      if (current) setData(Object.fromEntries(entries));
    };
    void load(false);
    const today = Date.now() >= day.from && Date.now() < day.to;
    const timer = today
      ? window.setInterval(() => {
          if (document.visibilityState === 'visible') void load(true);
        }, refreshMs)
      : 0;
    return () => {
      current = false;
      if (timer) window.clearInterval(timer);
    };
  }, [key, day.from, day.to]);

  return data;
}
