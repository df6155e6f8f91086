// Public API of the live module: other modules import only from here.
export { LiveService, type LiveRecorder, type LiveServiceDeps, type LiveStatus, type LiveTuning, type ViewingRequest } from './live.service.ts';
export { chooseStream, recipientsForRole, reasonRequiredRoles, MAX_REASON_LENGTH, normaliseReason } from './live.rules.ts';
export { registerLiveRoutes, sameOrigin } from './live.routes.ts';
export { HlsWindow, LiveHls, HLS_WINDOW_SEGMENTS } from './hls.ts';
export { LiveSource, type LiveSink, type LiveStream } from './live-source.ts';
export { GopCache } from './gop-cache.ts';
export { BACKPRESSURE_HIGH_BYTES, BACKPRESSURE_LOW_BYTES, WebSocketViewer, closeCodeOf } from './ws-viewer.ts';
export type { Viewing, ViewerSink, LiveTransport } from './viewing.ts';
