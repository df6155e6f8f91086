// The ONVIF client side: pure SOAP builders and readers, and the HTTP client over them (a
// generic authenticated call, PTZ, device facts), with the per-camera quirk record.
export { OnvifClient, type OnvifCamera, type OnvifQuirkStore } from './client.ts';
export { OnvifPtzClient } from './ptz-client.ts';
export { OnvifError } from './transport.ts';
export { readDeviceFacts, type DeviceFacts } from './device-facts.ts';
export { normaliseMac } from './device-messages.ts';
export { compactQuirks, effectiveQuirks, QUIRK_FIELDS, type OnvifQuirks } from './quirks.ts';
export type { PtzPresetPosition, PtzVector } from './ptz-messages.ts';
// Media profiles, events (PullPoint) and WS-Discovery (issue 18, items 5-7).
export { mediaRequests, onConfiguredHost, proposeStreams, readMediaProfiles, readMediaUri, type MediaProfile, type MediaVersion } from './media.ts';
export type { CameraEvent } from './events.ts';
export { PullPoint, type OnvifCaller, type PullPointOptions } from './pullpoint.ts';
export { probe, probeInterfaces, type DiscoveredDevice, type ProbeInterface } from './discovery.ts';
