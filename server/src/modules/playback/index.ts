// Public API of the playback module: other modules import only from here.
export { PlaybackService, type PlaybackServiceDeps, type PlaybackView, type PlaybackSegmentView, type SegmentDelivery } from './playback.service.ts';
export { PlaybackRepository, type PlaybackSession, type PlaybackEndedBy } from './playback.repository.ts';
export { databaseMasks, type PlaybackMasks, type ServerMask } from './playback.masks.ts';
export { ffmpegReencoder, maskedSegmentArgs, type Reencoder } from './playback.reencode.ts';
export { PLAYBACK_IDLE_MS, PLAYBACK_MAX_WINDOW_MS, type SegmentMasking } from './playback.rules.ts';
export { registerPlaybackRoutes } from './playback.routes.ts';
