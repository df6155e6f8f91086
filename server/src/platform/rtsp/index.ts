// RTSP/1.0 client (RFC 2326) of the recorder's ingest. The only file other code imports.
export { RtspClient } from './client.ts';
export type { RtspClientOptions, RtspClosedEvent } from './client.ts';
export { RtspError } from './rtsp-message.ts';
// HTTP Digest (RFC 7616) is the same over HTTP: the ONVIF client answers cameras' challenges with it.
export { Authenticator, chooseChallenge, parseChallenges } from './auth.ts';
export type { RtpPacket } from './rtp.ts';
