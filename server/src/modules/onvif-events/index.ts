// The ONVIF events module (issue 18, item 6): one PullPoint subscription per ONVIF camera in
// service, kept by the `onvif-events.pull` job (worker role), the cameras' motion, tamper,
// input and video-loss events raised as technical events (alarms, once they exist, listen to
// those), "events lost" and "events restored" for each camera whose subscription dies and
// comes back. It owns no table: subscriptions live in the process that holds them.
import type { Clock } from '../../platform/clock.ts';
import type { Job } from '../../platform/jobs.ts';
import type { VigieModule } from '../../platform/modules.ts';
import type { OnvifCaller } from '../../platform/onvif/index.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { OnvifEventsWatcher, type EventCameras, type OnvifEventsOptions } from './onvif-events.watcher.ts';

export interface OnvifEventsModuleDeps {
  cameras: EventCameras;
  /** The process's ONVIF client (shared with PTZ: one session per camera). */
  onvif: OnvifCaller;
  raise: (event: TechnicalEvent) => unknown;
  clock: Clock;
  log?: ProcessLog;
  /** Tests shorten them. */
  options?: OnvifEventsOptions & { tickMs?: number };
}

export function createOnvifEventsModule(deps: OnvifEventsModuleDeps): VigieModule<OnvifEventsWatcher> {
  const watcher = new OnvifEventsWatcher(deps, deps.options);
  const jobs: Job[] = [
    // Each tick pulls every subscription (the cameras hold each pull up to 1 s), so the tick is about as long.
    { name: 'onvif-events.pull', role: 'worker', intervalMs: deps.options?.tickMs ?? 1000, run: () => watcher.tick(), stop: () => watcher.stop() },
  ];
  return { name: 'onvif-events', api: watcher, jobs };
}
