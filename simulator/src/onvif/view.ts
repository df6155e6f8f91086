// What the ONVIF services need to know of a camera (kept narrow so they are testable alone).
import type { ProfileName, VideoProfile } from '../config.ts';
import type { Credentials } from '../digest.ts';
import type { VideoCodec } from '../h26x.ts';
import type { PtzHead } from '../ptz.ts';

export type OnvifService = 'device' | 'media' | 'ptz';

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
  /** The camera's own clock (the wall clock, plus a skew while that fault is on). */
  cameraTimeMs(): number;
  serviceUrl(service: OnvifService): string;
  streamUrl(profile: ProfileName): string;
  snapshotUrl(profile: ProfileName): string;
  snapshot(profile: ProfileName): Promise<Buffer>;
}
