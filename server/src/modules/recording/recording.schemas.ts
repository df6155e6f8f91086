// Zod schemas of the recording API (status, timeline, segments, storage, holds, register).
import { z } from 'zod';
import { registerKinds } from './retention.repository.ts';

const isoInstant = z.iso.datetime({ offset: true });
export const windowQuerySchema = z.object({ from: isoInstant, to: isoInstant });
export const segmentsQuerySchema = windowQuerySchema.extend({ reason: z.string().trim().max(500).optional() });
export const statusQuerySchema = z.object({ commune: z.string().max(5).optional() });

const qualitySchema = z.object({
  cameraId: z.string(),
  floor: z.object({ minWidth: z.number(), minHeight: z.number(), minFps: z.number() }),
  measured: z.object({ width: z.number(), height: z.number(), fps: z.number(), atMs: z.number() }),
  problems: z.array(z.string()),
});

export const recordingStatusSchema = z.object({
  cameraId: z.string(), name: z.string(), communeInsee: z.string(), state: z.string(), recorder: z.string().nullable(),
  lastSegmentEnd: z.string().nullable(), volume: z.string().nullable(), quality: qualitySchema.nullable(), liveViewers: z.number(),
});

const range = z.object({ from: z.string(), to: z.string() });
export const timelineSchema = z.object({
  cameraId: z.string(), from: z.string(), to: z.string(), recordedSeconds: z.number(),
  recorded: z.array(range),
  gaps: z.array(range.extend({ reason: z.string().nullable() })),
  holds: z.array(range.extend({ id: z.string(), procedureReference: z.string().nullable() })),
});

export const segmentListSchema = z.object({
  cameraId: z.string(),
  segments: z.array(z.object({ id: z.number(), volume: z.string(), path: z.string(), startMs: z.number(), endMs: z.number(), status: z.string() })),
});

const usageSchema = z.object({
  available: z.boolean(), error: z.string().nullable(), totalBytes: z.number(), freeBytes: z.number(), freePercent: z.number(), recordingsBytes: z.number(), low: z.boolean(),
});
export const volumeViewSchema = z.object({
  name: z.string(), root: z.string(), capacityBytes: z.number().nullable(), lowSpacePercent: z.number(), enabled: z.boolean(),
  createdAt: z.string(), updatedAt: z.string(), updatedBy: z.string(), usage: usageSchema,
});
export const cameraSettingsViewSchema = z.object({ cameraId: z.string(), volumeName: z.string().nullable(), busyPedestrianPlace: z.boolean().nullable() });

export const holdViewSchema = z.object({
  id: z.string(), communeInsee: z.string(), cameraIds: z.array(z.string()), from: z.string(), to: z.string(), reason: z.string(),
  procedureReference: z.string().nullable(), createdBy: z.string(), createdAt: z.string(), releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(), releaseReason: z.string().nullable(),
  /** provisional (an operator's, until `lapsesAt`), confirmed (by a chief, with a procedure reference), lapsed, released. */
  status: z.enum(['provisional', 'confirmed', 'lapsed', 'released']),
  confirmedAt: z.string().nullable(), confirmedBy: z.string().nullable(), lapsesAt: z.string().nullable(), reviewedAt: z.string().nullable(),
});
export const holdListQuerySchema = z.object({
  communeInsee: z.string().max(5).optional(), cameraId: z.string().max(100).optional(),
  activeOnly: z.enum(['true', 'false']).optional().transform((value) => value === 'true'),
});

export const registerQuerySchema = z.object({
  communeInsee: z.string().max(5).optional(), cameraId: z.string().max(100).optional(), kind: z.enum(registerKinds as [string, ...string[]]).optional(),
  from: isoInstant.optional(), to: isoInstant.optional(), limit: z.coerce.number().int().min(1).max(100_000).optional(),
});
export const registerEntrySchema = z.object({
  id: z.number(), at: z.string(), communeInsee: z.string(), cameraId: z.string(), kind: z.string(), from: z.string(), to: z.string(),
  segments: z.number(), bytes: z.number(), reference: z.string().nullable(), details: z.record(z.string(), z.unknown()),
});

export const technicalEventQuerySchema = z.object({
  communeInsee: z.string().max(5).optional(), cameraId: z.string().max(100).optional(), severity: z.enum(['critical', 'warning', 'info']).optional(),
  code: z.string().max(60).optional(), from: isoInstant.optional(), to: isoInstant.optional(), limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export const technicalEventSchema = z.object({
  id: z.number(), at: z.string(), severity: z.string(), code: z.string(), communeInsee: z.string().nullable(), cameraId: z.string().nullable(),
  volume: z.string().nullable(), message: z.string(), details: z.record(z.string(), z.unknown()),
});
