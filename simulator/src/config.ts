// Camera and fleet configuration: types, defaults, the generated demo fleet, and the fleet
// file format (JSON, validated with zod).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { VideoCodec } from './h26x.ts';
import { faultSchema, scheduledFaultSchema, type ScheduledFault } from './faults.ts';
import { onvifModesSchema } from './onvif/modes.ts';

export const CAMERA_KINDS = ['fixed', 'ptz', 'panoramic', 'nomadic', 'armoured'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];
export type FieldClass = 'narrow' | 'wide';
export type ProfileName = 'main' | 'sub';
export const PROFILE_NAMES: readonly ProfileName[] = ['main', 'sub'];

export interface VideoProfile {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  gopSeconds: number;
}

export interface SimCameraConfig {
  id: string;
  name: string;
  kind: CameraKind;
  fieldClass: FieldClass;
  codec: VideoCodec;
  /** Index into the scene catalogue (scenes.ts); cameras with the same scene still differ by name. */
  scene: number;
  /** Text burnt into the picture (default: the name); cameras with the same picture share its loops. */
  pictureLabel?: string;
  /** Whether the scene shows an object crossing the picture at known times in each loop. */
  motion: boolean;
  /** A PTZ camera whose picture is encoded live and follows the head (costs a live encoder per viewed profile). */
  livePtz: boolean;
  profiles: Record<ProfileName, VideoProfile>;
  credentials: { username: string; password: string };
  /** Loopback address the camera listens on, and its ports (0 = any free port). */
  host: string;
  rtspPort: number;
  onvifPort: number;
  manufacturer: string;
  model: string;
  serialNumber: string;
  firmwareVersion: string;
  macAddress: string;
  faults: ScheduledFault[];
  /** How it speaks ONVIF (onvif/modes.ts): auth mode, PTZ quirks, broken answers; defaults when absent. */
  onvif?: z.input<typeof onvifModesSchema>;
}

export const DEFAULT_MAIN_PROFILE: VideoProfile = { width: 1280, height: 720, fps: 12, bitrateKbps: 2000, gopSeconds: 2 };
export const DEFAULT_SUB_PROFILE: VideoProfile = { width: 640, height: 360, fps: 12, bitrateKbps: 500, gopSeconds: 2 };

export type AddressMode = 'per-camera-ip' | 'ephemeral-ports';

const MODELS: Record<CameraKind, string> = {
  fixed: 'VS-F2130 Bullet',
  ptz: 'VS-P4232 Dome PTZ',
  panoramic: 'VS-M3180 Panoramic',
  nomadic: 'VS-N1120 Nomad',
  armoured: 'VS-A2140 Armoured',
};

/** 127.0.1.1, 127.0.1.2, ... 127.0.1.254, 127.0.2.1, ...: all routed to loopback on Linux. */
export function loopbackAddressFor(index: number): string {
  const third = 1 + Math.floor(index / 254);
  if (third > 254) throw new Error('too many cameras for per-camera loopback addresses');
  return `127.0.${third}.${1 + (index % 254)}`;
}

export function macAddressFor(index: number): string {
  const bytes = [0x02, 0x56, 0x49, (index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff]; // locally administered
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

export function cameraIdFor(index: number): string {
  return `cam-${String(index + 1).padStart(3, '0')}`;
}

export interface FleetOptions {
  count: number;
  addressMode?: AddressMode;
  rtspPort?: number;
  onvifPort?: number;
  main?: Partial<VideoProfile>;
  sub?: Partial<VideoProfile>;
  codec?: VideoCodec;
  /** Cameras per site: the first of each site is a PTZ (as a real site has at least one). */
  camerasPerSite?: number;
  /** How many PTZ cameras (the first ones) get a live picture that follows the head (default 0). */
  livePtzCameras?: number;
  /**
   * Distinct pictures in the fleet (0 or absent: one per camera, with its name burnt in). With N,
   * camera i shows picture i mod N, labelled "Image k/N", and cameras showing the same picture
   * share its loops in memory and on disk: N loops per profile to encode and hold, not one per camera.
   */
  distinctPictures?: number;
}

/** Kind of the camera at a position within its site: PTZ first, then fixed, panoramic, ... */
export function kindAtSitePosition(position: number, cameraIndex: number): CameraKind {
  if (position === 0) return 'ptz';
  if (position === 2) return 'panoramic';
  return cameraIndex % 17 === 5 ? 'armoured' : cameraIndex % 13 === 7 ? 'nomadic' : 'fixed';
}

export function siteOf(index: number, camerasPerSite: number): { site: number; position: number } {
  return { site: Math.floor(index / camerasPerSite), position: index % camerasPerSite };
}

export function generateFleet(options: FleetOptions): SimCameraConfig[] {
  const mode = options.addressMode ?? 'ephemeral-ports';
  const perSite = options.camerasPerSite ?? 3;
  let livePtzLeft = options.livePtzCameras ?? 0;
  return Array.from({ length: options.count }, (_, index) => {
    const { site, position } = siteOf(index, perSite);
    const kind = kindAtSitePosition(position, index);
    const id = cameraIdFor(index);
    const livePtz = kind === 'ptz' && livePtzLeft > 0;
    if (livePtz) livePtzLeft -= 1;
    const pictures = options.distinctPictures && options.distinctPictures > 0 ? options.distinctPictures : 0;
    const picture = pictures > 0 ? index % pictures : index;
    return {
      id,
      name: `Site ${String(site + 1).padStart(2, '0')} ${kind.toUpperCase()} ${id}`,
      kind,
      fieldClass: kind === 'ptz' || kind === 'fixed' ? 'narrow' : 'wide',
      codec: options.codec ?? 'h264',
      scene: picture,
      ...(pictures > 0 ? { pictureLabel: `Image ${picture + 1}/${pictures}` } : {}),
      motion: picture % 3 === 1,
      livePtz,
      profiles: {
        main: { ...DEFAULT_MAIN_PROFILE, ...options.main },
        sub: { ...DEFAULT_SUB_PROFILE, ...options.sub },
      },
      credentials: { username: 'admin', password: `pass-${id}` },
      host: mode === 'per-camera-ip' ? loopbackAddressFor(index) : '127.0.0.1',
      rtspPort: mode === 'per-camera-ip' ? (options.rtspPort ?? 8554) : 0,
      onvifPort: mode === 'per-camera-ip' ? (options.onvifPort ?? 8080) : 0,
      manufacturer: 'Vigie Sim',
      model: MODELS[kind],
      serialNumber: `VS${String(100000 + index * 7919).padStart(8, '0')}`,
      firmwareVersion: '5.4.2-sim',
      macAddress: macAddressFor(index),
      faults: [],
    };
  });
}

const profileSchema = z
  .object({
    width: z.number().int().min(16).max(3840),
    height: z.number().int().min(16).max(2160),
    fps: z.number().positive().max(60),
    bitrateKbps: z.number().int().min(16).max(20000),
    gopSeconds: z.number().positive().max(10),
  })
  .partial();

const cameraEntrySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  name: z.string().min(1).max(80).optional(),
  kind: z.enum(CAMERA_KINDS).optional(),
  fieldClass: z.enum(['narrow', 'wide']).optional(),
  codec: z.enum(['h264', 'h265']).optional(),
  scene: z.number().int().min(0).optional(),
  pictureLabel: z.string().min(1).max(80).optional(),
  motion: z.boolean().optional(),
  livePtz: z.boolean().optional(),
  profiles: z.object({ main: profileSchema.optional(), sub: profileSchema.optional() }).optional(),
  credentials: z.object({ username: z.string().min(1), password: z.string().min(1) }).optional(),
  host: z
    .string()
    .regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'loopback addresses only')
    .optional(),
  rtspPort: z.number().int().min(0).max(65535).optional(),
  onvifPort: z.number().int().min(0).max(65535).optional(),
  model: z.string().optional(),
  serialNumber: z.string().optional(),
  macAddress: z.string().optional(),
  onvif: onvifModesSchema.partial().optional(),
  faults: z.array(z.union([scheduledFaultSchema, faultSchema.transform((fault) => ({ fault, atSeconds: 0 }))])).optional(),
});

export const fleetFileSchema = z.object({
  addressMode: z.enum(['per-camera-ip', 'ephemeral-ports']).optional(),
  cameras: z.array(cameraEntrySchema).min(1),
});
export type FleetFile = z.infer<typeof fleetFileSchema>;

/** Fills each entry of a fleet file with the generated defaults of its position. */
export function fleetFromFile(file: FleetFile): SimCameraConfig[] {
  const defaults = generateFleet({ count: file.cameras.length, addressMode: file.addressMode ?? 'per-camera-ip' });
  return file.cameras.map((entry, index) => {
    const base = defaults[index]!;
    const kind = entry.kind ?? base.kind;
    return {
      ...base,
      ...Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)),
      name: entry.name ?? `${entry.id}`,
      kind,
      credentials: entry.credentials ?? { username: 'admin', password: `pass-${entry.id}` },
      model: entry.model ?? MODELS[kind],
      profiles: {
        main: { ...base.profiles.main, ...entry.profiles?.main },
        sub: { ...base.profiles.sub, ...entry.profiles?.sub },
      },
      faults: entry.faults ?? [],
    } as SimCameraConfig;
  });
}

export function readFleetFile(path: string): SimCameraConfig[] {
  return fleetFromFile(fleetFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))));
}
