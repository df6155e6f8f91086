// What the ONVIF services need to know of a camera (kept narrow so they are testable alone).
import type { ProfileName, VideoProfile } from '../config.ts';
import type { Credentials } from '../digest.ts';
import type { VideoCodec } from '../h26x.ts';
import type { PtzHead } from '../ptz.ts';
import type { CameraEvents } from './events-service.ts';
import type { OnvifModes } from './modes.ts';

export type OnvifService = 'device' | 'media' | 'media2' | 'ptz' | 'events';

export interface OnvifCameraView {
  id: string;
  name: string;
  host: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  firmwareVersion: string;
  macAddress: string;
  codec: VideoCodec;
  credentials: Credentials;
  hasPtz: boolean;
  ptz: PtzHead | undefined;
  profiles: Record<ProfileName, VideoProfile>;
  /** How this camera speaks ONVIF (auth mode, PTZ quirks, broken answers); tests change it live. */
  modes: OnvifModes;
  /** Its events (PullPoint subscriptions and the state of each property). */
  events: CameraEvents;
  /** The camera's own clock (the wall clock, plus a skew while that fault is on). */
  cameraTimeMs(): number;
  serviceUrl(service: OnvifService): string;
  streamUrl(profile: ProfileName): string;
  snapshotUrl(profile: ProfileName): string;
  snapshot(profile: ProfileName): Promise<Buffer>;
}
