// The live module (WebSocket fragmented MP4, HLS fallback, stills, live status): its
// constructor is its only public API.
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import { type LiveSessions, liveRoutes } from './live.routes.ts';
import { LiveService, type LiveServiceDeps } from './live.service.ts';

export type { LiveSessions } from './live.routes.ts';

export type LiveApi = LiveService;

export function createLiveModule(deps: LiveServiceDeps & { sessions: LiveSessions }): VigieModule<LiveApi> {
  const { sessions, ...serviceDeps } = deps;
  const live = new LiveService(serviceDeps);
  return { name: 'live', api: live, routes: routesOf(liveRoutes, { services: { live, sessions } }), jobs: [] };
}
