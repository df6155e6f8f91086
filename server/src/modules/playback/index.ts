// The playback module (sessions over recorded footage, segments served or re-encoded with the
// masks in force, idle sessions closed): its constructor is its public API.
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { PlaybackSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import { PlaybackRepository } from './playback.repository.ts';
import { playbackRoutes } from './playback.routes.ts';
import { PlaybackService, type PlaybackServiceDeps } from './playback.service.ts';

export { databaseMasks } from './playback.masks.ts';

export type PlaybackApi = PlaybackService;

/** Playback sessions with no fetch for 5 minutes end by themselves, their stop audited. */
const CLOSE_IDLE_EVERY_MS = 60_000;

export function createPlaybackModule(deps: Omit<PlaybackServiceDeps, 'repository'> & { database: DatabaseHandle }): VigieModule<PlaybackApi> {
  const { database, ...serviceDeps } = deps;
  const playback = new PlaybackService({ ...serviceDeps, repository: new PlaybackRepository(tablesOf<PlaybackSchema>(database.db)) });
  return {
    name: 'playback',
    api: playback,
    routes: routesOf(playbackRoutes, { services: { playback } }),
    jobs: [{ name: 'playback.close-idle', role: 'worker', intervalMs: CLOSE_IDLE_EVERY_MS, run: () => playback.closeIdle() }],
  };
}
