// Zod schemas of the storage API (volumes and their free space, per-camera recording settings).
import { z } from 'zod';

const usageSchema = z.object({
  available: z.boolean(),
  error: z.string().nullable(),
  totalBytes: z.number(),
  freeBytes: z.number(),
  freePercent: z.number(),
  recordingsBytes: z.number(),
  low: z.boolean(),
});
export const volumeViewSchema = z.object({
  name: z.string(),
  root: z.string(),
  capacityBytes: z.number().nullable(),
  lowSpacePercent: z.number(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  usage: usageSchema,
});
export const cameraSettingsViewSchema = z.object({ cameraId: z.string(), volumeName: z.string().nullable(), busyPedestrianPlace: z.boolean().nullable() });
