// The API shapes of a camera's ONVIF device facts and quirk record (zod only).
import { z } from 'zod';

/** One quirk record: each field absent means "not known" (learned) or "not set" (override). */
export const quirksSchema = z
  .object({
    auth: z.enum(['ws-security', 'digest']).optional().describe('WS-Security UsernameToken, or HTTP Digest (RFC 7616)'),
    serviceDiscovery: z.enum(['capabilities', 'services']).optional().describe('GetCapabilities, or GetServices only'),
    moveTimeout: z.enum(['send', 'omit']).optional().describe('whether ContinuousMove carries a Timeout (omit: Vigie stops the head itself)'),
    minMoveTimeoutMs: z.number().int().min(0).max(60_000).optional(),
    maxMoveTimeoutMs: z.number().int().min(100).max(600_000).optional(),
    zoom: z.boolean().optional().describe('whether the head zooms (a pan/tilt-only head refuses a Zoom element)'),
    panTilt: z.boolean().optional(),
    maxPresets: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const quirksUpdateSchema = z
  .object({
    /** Replaces the whole override: a field left out goes back to what the client learns. */
    override: quirksSchema.refine(
      (quirks) => quirks.minMoveTimeoutMs === undefined || quirks.maxMoveTimeoutMs === undefined || quirks.minMoveTimeoutMs <= quirks.maxMoveTimeoutMs,
      { message: 'minMoveTimeoutMs is above maxMoveTimeoutMs', path: ['minMoveTimeoutMs'] },
    ),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

export const deviceViewSchema = z.object({
  cameraId: z.string(),
  onvif: z.boolean().describe('whether the camera has an ONVIF URL (without one, nothing is read)'),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  serialNumber: z.string().nullable(),
  macAddresses: z.array(z.string()).max(8).describe('as the camera reports them'),
  clockOffsetMs: z.number().int().nullable().describe('camera clock minus Vigie’s, in ms'),
  authMode: z.enum(['ws-security', 'digest']).nullable(),
  readAt: z.string().nullable(),
  attemptedAt: z.string().nullable(),
  readError: z.string().nullable(),
  inventory: z.object({ model: z.string().nullable(), macAddress: z.string().nullable() }),
  mismatch: z.object({
    model: z.boolean(),
    mac: z.boolean(),
    possiblySwapped: z.boolean().describe('the model or MAC address differs from the inventory'),
  }),
  quirks: z.object({ learned: quirksSchema, override: quirksSchema, effective: quirksSchema }),
});
export type DeviceView = z.infer<typeof deviceViewSchema>;
