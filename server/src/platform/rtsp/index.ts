// RTSP/1.0 client (RFC 2326) of the recorder's ingest. The only file other code imports.
export { RtspClient } from './client.ts';
export type { RtspClientOptions, RtspClosedEvent } from './client.ts';
export { RtspError } from './rtsp-message.ts';
export type { RtpPacket } from './rtp.ts';
