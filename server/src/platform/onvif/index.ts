// The ONVIF client side (PTZ): pure SOAP builders and readers, and the HTTP client over them.
export { OnvifPtzClient, OnvifError, type OnvifCamera } from './client.ts';
export type { PtzPresetPosition, PtzVector } from './ptz-messages.ts';
