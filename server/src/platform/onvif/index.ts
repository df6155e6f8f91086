// The ONVIF client side (PTZ): pure SOAP builders and readers, and the HTTP client over them.
export { OnvifPtzClient, OnvifError, fetchTransport, sameOrigin, cameraOrigin, type OnvifCamera, type OnvifClientOptions, type OnvifErrorKind, type OnvifTransport, type TransportRequest } from './client.ts';
export type { PtzPresetInfo, PtzPresetPosition, PtzVector } from './ptz-messages.ts';
export type { OnvifCredentials } from './soap.ts';
