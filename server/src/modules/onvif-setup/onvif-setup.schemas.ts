// Zod schemas of adding a camera from ONVIF and of WS-Discovery, shared by routes and the console.
import { z } from 'zod';
import { cameraCreateSchema, cameraFieldSchemas, credentialsSchema } from '../cameras/index.ts';

const onvifUrl = cameraFieldSchemas.onvifUrl;
const profileToken = z.string().min(1).max(64);

export const probeBodySchema = z.object({
  onvifUrl,
  credentials: credentialsSchema.nullable().default(null),
  /** The floors depend on the field class, and for narrow-field cameras on the site (busy pedestrian places). */
  fieldClass: cameraFieldSchemas.fieldClass.default('narrow'),
  siteId: z.string().min(1).max(100).optional(),
});
export type ProbeBody = z.input<typeof probeBodySchema>;

const floorProblems = z.array(z.enum(['resolution_below_floor', 'fps_below_floor'])).max(2);
export const floorSchema = z.object({ minWidth: z.number(), minHeight: z.number(), minFps: z.number() });

export const probedProfileSchema = z.object({
  token: z.string(),
  name: z.string(),
  codec: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  bitrateKbps: z.number().nullable(),
  streamUrl: z.string().nullable(),
  /** The camera reported another host (NAT): the URL was moved onto the host of the ONVIF address. */
  streamUrlRewritten: z.boolean(),
  snapshotUrl: z.string().nullable(),
  /** Empty when the profile meets the floors for recording. */
  belowFloor: floorProblems,
});
export type ProbedProfile = z.infer<typeof probedProfileSchema>;

export const probeAnswerSchema = z.object({
  onvifUrl: z.string(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  serialNumber: z.string().nullable(),
  macAddress: z.string().nullable(),
  media: z.enum(['media', 'media2']),
  profiles: z.array(probedProfileSchema),
  proposal: z.object({ mainProfileToken: z.string().nullable(), subProfileToken: z.string().nullable() }),
  floor: floorSchema,
});
export type ProbeAnswer = z.infer<typeof probeAnswerSchema>;

/** The inventory fields of a new camera, with its streams chosen among the ONVIF profiles instead of typed. */
export const onvifCameraCreateSchema = cameraCreateSchema.omit({ mainStreamUrl: true, subStreamUrl: true, onvifUrl: true, credentials: true }).extend({
  onvifUrl,
  credentials: credentialsSchema.nullable().default(null),
  mainProfileToken: profileToken,
  subProfileToken: profileToken.nullable().default(null),
});
export type OnvifCameraCreate = z.input<typeof onvifCameraCreateSchema>;

export const networkInterfaceSchema = z.object({ name: z.string(), address: z.string() });

export const discoveryBodySchema = z.object({
  /** The name of one of this server's interfaces (GET /api/onvif/interfaces): the probe leaves through it only. */
  interface: z.string().min(1).max(64),
  /** How long answers are awaited (default 3 s). */
  timeoutMs: z.number().int().min(500).max(10_000).default(3000),
});

export const discoveredDeviceSchema = z.object({
  endpoint: z.string(),
  xaddrs: z.array(z.string()),
  types: z.array(z.string()),
  name: z.string().nullable(),
  hardware: z.string().nullable(),
  location: z.string().nullable(),
  profiles: z.array(z.string()),
  from: z.string(),
});
