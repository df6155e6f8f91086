// Zod schemas of cameras, shared by routes, services, the CSV import and the console. Each
// field has its own schema so that the CSV import names the faulty column precisely.
import { z } from 'zod';
import { inseeCode, isoDate } from '../auth/index.ts';
import { purposes } from '../authorisations/index.ts';
import { latitudeSchema, longitudeSchema, plainText } from '../sites/index.ts';

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
/** An IPv4 or IPv6 address (an IPv6 one may carry a zone, `fe80::1%eth0`), as Node's `isIP` reads them, with zod only (schemas stay pure). */
const isIpAddress = (value: string) => ipv4.safeParse(value).success || ipv6.safeParse(value.replace(/%[\w.~-]+$/, '')).success;

export const cameraKinds = ['fixed', 'ptz', 'panoramic', 'nomadic', 'armoured'] as const;
export type CameraKind = (typeof cameraKinds)[number];
export const cameraKindLabels: Record<CameraKind, { fr: string; en: string }> = {
  fixed: { fr: 'Fixe haute définition', en: 'Fixed high-definition' },
  ptz: { fr: 'Dôme motorisé (PTZ)', en: 'PTZ dome' },
  panoramic: { fr: 'Panoramique', en: 'Panoramic' },
  nomadic: { fr: 'Nomade', en: 'Nomadic' },
  armoured: { fr: 'Blindée', en: 'Armoured' },
};

/** A2007 (LEGAL 13): narrow-field cameras watch people and need a higher resolution floor. */
export const fieldClasses = ['narrow', 'wide'] as const;
export type FieldClass = (typeof fieldClasses)[number];
export const fieldClassLabels: Record<FieldClass, { fr: string; en: string }> = {
  narrow: { fr: 'Champ étroit (identification des personnes)', en: 'Narrow field (people identification)' },
  wide: { fr: 'Champ large (vue d’ensemble)', en: 'Wide field (overview)' },
};

/**
 * How the recorder records the camera: `native`, Vigie's own RTSP client and MP4 writer (the
 * default), or `ffmpeg`, one ffmpeg per camera, kept as the fallback for cameras that misbehave.
 */
export const recordingEngines = ['native', 'ffmpeg'] as const;
export type RecordingEngine = (typeof recordingEngines)[number];

/**
 * How the recorder receives the camera's RTSP stream: `tcp`, interleaved on the RTSP connection
 * (the default: crosses firewalls and NAT), `udp` (less delay and head-of-line blocking, needs
 * the UDP path open), or `auto`, UDP first and TCP for the rest of the recorder's life if the
 * camera refuses UDP or no packet comes through.
 */
export const rtspTransports = ['tcp', 'udp', 'auto'] as const;
export type RtspTransport = (typeof rtspTransports)[number];

/** Written by the recorder; `unknown` until it has tried. */
export const operationalStates = ['unknown', 'starting', 'recording', 'reconnecting', 'failed'] as const;
export type OperationalState = (typeof operationalStates)[number];

/** What every view shows: the legal and administrative states take precedence over the recorder's. */
export const cameraStates = ['disabled', 'unauthorised', ...operationalStates] as const;
export type CameraState = (typeof cameraStates)[number];

/** The VMS status-list column the council reads ("579 installed, 6 broken"). */
export const vmsStatuses = ['OK', 'fault', 'disabled', 'unauthorised'] as const;
export type VmsStatus = (typeof vmsStatuses)[number];

function urlWithProtocol(protocols: readonly string[], description: string) {
  return z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .refine((value) => {
      try {
        const url = new URL(value);
        return protocols.includes(url.protocol) && url.hostname.length > 0;
      } catch {
        return false;
      }
    }, description);
}

const macPattern = /^[0-9A-F]{2}([:-]?)[0-9A-F]{2}(?:\1[0-9A-F]{2}){4}$/i;

export const cameraFieldSchemas = {
  name: plainText(100),
  kind: z.enum(cameraKinds),
  fieldClass: z.enum(fieldClasses),
  latitude: latitudeSchema,
  longitude: longitudeSchema,
  headingDeg: z.number().min(0).max(360),
  model: plainText(200),
  ipAddress: z.string().trim().max(45).refine(isIpAddress, 'IPv4 or IPv6 address'),
  macAddress: z
    .string()
    .trim()
    .regex(macPattern, 'MAC address AA:BB:CC:DD:EE:FF')
    .transform((value) => {
      const hex = value.replace(/[:-]/g, '').toUpperCase();
      return hex.match(/../g)!.join(':');
    }),
  streamUrl: urlWithProtocol(['rtsp:', 'rtsps:'], 'rtsp:// or rtsps:// URL'),
  onvifUrl: urlWithProtocol(['http:', 'https:'], 'http:// or https:// URL'),
  purposes: z
    .array(z.enum(purposes))
    .max(purposes.length * 2)
    .transform((list) => [...new Set(list)].sort()),
  commissioningDate: isoDate,
  // Bounds (LEGAL 6 and the authorisations') are checked by the service for a clear error of its own.
  retentionDays: z.number().int(),
  recordingEngine: z.enum(recordingEngines),
  rtspTransport: z.enum(rtspTransports),
} as const;

export const credentialsSchema = z.object({
  username: z.string().min(1).max(200),
  password: z.string().max(200),
});
export type StreamCredentials = z.infer<typeof credentialsSchema>;

const f = cameraFieldSchemas;

export const cameraCreateSchema = z.object({
  siteId: z.string().min(1).max(100),
  /** Optional: the site's commune; when given it must match. */
  communeInsee: inseeCode.optional(),
  name: f.name,
  kind: f.kind,
  fieldClass: f.fieldClass,
  latitude: f.latitude.nullable().default(null),
  longitude: f.longitude.nullable().default(null),
  headingDeg: f.headingDeg.nullable().default(null),
  model: f.model.nullable().default(null),
  ipAddress: f.ipAddress.nullable().default(null),
  macAddress: f.macAddress.nullable().default(null),
  mainStreamUrl: f.streamUrl,
  subStreamUrl: f.streamUrl.nullable().default(null),
  onvifUrl: f.onvifUrl.nullable().default(null),
  /** Stored encrypted, never returned. User-info in a URL is moved here. */
  credentials: credentialsSchema.nullable().default(null),
  purposes: f.purposes.default([]),
  commissioningDate: f.commissioningDate.nullable().default(null),
  enabled: z.boolean().default(true),
  retentionDays: f.retentionDays.nullable().default(null),
  recordingEngine: f.recordingEngine.default('native'),
  rtspTransport: f.rtspTransport.default('tcp'),
});
export type CameraCreate = z.input<typeof cameraCreateSchema>;

/** Partial update: an absent field is kept, `null` clears it (credentials: null removes them). */
export const cameraUpdateSchema = z
  .object({
    siteId: z.string().min(1).max(100).optional(),
    name: f.name.optional(),
    kind: f.kind.optional(),
    fieldClass: f.fieldClass.optional(),
    latitude: f.latitude.nullable().optional(),
    longitude: f.longitude.nullable().optional(),
    headingDeg: f.headingDeg.nullable().optional(),
    model: f.model.nullable().optional(),
    ipAddress: f.ipAddress.nullable().optional(),
    macAddress: f.macAddress.nullable().optional(),
    mainStreamUrl: f.streamUrl.optional(),
    subStreamUrl: f.streamUrl.nullable().optional(),
    onvifUrl: f.onvifUrl.nullable().optional(),
    credentials: credentialsSchema.nullable().optional(),
    purposes: f.purposes.optional(),
    commissioningDate: f.commissioningDate.nullable().optional(),
    enabled: z.boolean().optional(),
    retentionDays: f.retentionDays.nullable().optional(),
    recordingEngine: f.recordingEngine.optional(),
    rtspTransport: f.rtspTransport.optional(),
  })
  .strict();
export type CameraUpdate = z.input<typeof cameraUpdateSchema>;

export const cameraViewSchema = z.object({
  id: z.string(),
  communeInsee: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  name: z.string(),
  kind: z.enum(cameraKinds),
  fieldClass: z.enum(fieldClasses),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  headingDeg: z.number().nullable(),
  model: z.string().nullable(),
  ipAddress: z.string().nullable(),
  macAddress: z.string().nullable(),
  mainStreamUrl: z.string(),
  subStreamUrl: z.string().nullable(),
  onvifUrl: z.string().nullable(),
  hasCredentials: z.boolean(),
  purposes: z.array(z.enum(purposes)),
  authorisedPurposes: z.array(z.enum(purposes)),
  authorisation: z.object({ authorised: z.boolean(), references: z.array(z.string()) }),
  commissioningDate: z.string().nullable(),
  enabled: z.boolean(),
  operationalState: z.enum(operationalStates),
  state: z.enum(cameraStates),
  vmsStatus: z.enum(vmsStatuses),
  retentionDays: z.number().nullable(),
  recordingEngine: z.enum(recordingEngines),
  rtspTransport: z.enum(rtspTransports),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CameraView = z.infer<typeof cameraViewSchema>;

export const cameraListQuerySchema = z.object({
  commune: inseeCode.optional(),
  site: z.string().min(1).max(100).optional(),
  state: z.enum(cameraStates).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});
export type CameraListFilter = z.infer<typeof cameraListQuerySchema>;

export const cameraPositionViewSchema = z.object({
  changedAt: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  headingDeg: z.number().nullable(),
  changedBy: z.string().nullable(),
});
export type CameraPositionView = z.infer<typeof cameraPositionViewSchema>;

export const importQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
  createSites: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
});

export const importResultSchema = z.object({
  dryRun: z.boolean(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  sitesCreated: z.number(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** The import under way in this process, if any: `checking` lines are counted as they go. */
export const importProgressSchema = z.object({
  running: z.boolean(),
  by: z.string().nullable(),
  dryRun: z.boolean().nullable(),
  bytes: z.number().nullable(),
  phase: z.enum(['reading', 'checking', 'writing']).nullable(),
  linesDone: z.number(),
  linesTotal: z.number().nullable(),
  startedAt: z.string().nullable(),
});
export type ImportProgressView = z.infer<typeof importProgressSchema>;
