// Zod schemas of the recording API (status, timeline, segments).
import { z } from 'zod';

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
  cameraId: z.string(),
  name: z.string(),
  communeInsee: z.string(),
  state: z.string(),
  recorder: z.string().nullable(),
  lastSegmentEnd: z.string().nullable(),
  volume: z.string().nullable(),
  quality: qualitySchema.nullable(),
  liveViewers: z.number(),
});

const range = z.object({ from: z.string(), to: z.string() });
export const timelineSchema = z.object({
  cameraId: z.string(),
  from: z.string(),
  to: z.string(),
  recordedSeconds: z.number(),
  recorded: z.array(range),
  gaps: z.array(range.extend({ reason: z.string().nullable() })),
  holds: z.array(range.extend({ id: z.string(), procedureReference: z.string().nullable() })),
});

export const segmentListSchema = z.object({
  cameraId: z.string(),
  segments: z.array(z.object({ id: z.number(), volume: z.string(), path: z.string(), startMs: z.number(), endMs: z.number(), status: z.string() })),
});
