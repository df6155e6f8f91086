// Public API of the console module (saved layouts, video walls, map configuration): other modules import only from here.
export { ConsoleRepository, type LiveLayout, type VideoWall } from './console.repository.ts';
export { LayoutsService, type ConsoleCameras, type LayoutView } from './layouts.service.ts';
export { WallsService, type WallActing, type WallView } from './walls.service.ts';
export { WallEvents, type WallEvent } from './wall-events.ts';
export { EventStream, formatEvent, SSE_HEADERS, type EventStreamOptions } from './event-stream.ts';
export { GRIDS, TOUR_MAX_SECONDS, TOUR_MIN_SECONDS, layoutInputSchema, wallPushSchema, visibleTiles, visibleTour, type Grid, type Tiles, type WallTour } from './console.rules.ts';
export { registerConsoleRoutes, wallStreamTiming } from './console.routes.ts';
