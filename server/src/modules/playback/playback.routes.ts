// Playback over HTTP: open a session (audited by the service), fetch its segments (the stored
// fragmented MP4, HTTP Range, ETag; or a re-encode with the current mask), close it.
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf } from '../../platform/http/context.ts';
import type { PlaybackService, SegmentDelivery } from './playback.service.ts';
import { etagMatches, ifRangeHolds, MAX_REPORTED_BEAT_SECONDS, parseByteRange, REASON_MAX_LENGTH } from './playback.rules.ts';

const cameraParams = z.object({ id: z.string() });
const sessionParams = z.object({ playbackId: z.string() });
const segmentParams = sessionParams.extend({ segmentId: z.string() });
// Dates and reason are checked by the service, for its own codes (recording_range_invalid, reason_required).
const openBody = z.object({
  from: z.string().max(64),
  to: z.string().max(64),
  reason: z
    .string()
    .max(REASON_MAX_LENGTH * 2)
    .nullish(),
  /** Review for this requisition (its review hours count the active time); it must be open, in scope, and ask for this camera. */
  requisitionId: z.string().min(1).max(64).nullish(),
});
const beatBody = z.object({ activeSeconds: z.number().min(0).max(MAX_REPORTED_BEAT_SECONDS) }).strict();
const playbackViewSchema = z.object({
  playbackId: z.string(),
  cameraId: z.string(),
  requisitionId: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  expiresAt: z.string(),
  segments: z.array(
    z.object({ id: z.number(), start: z.string(), end: z.string(), durationSeconds: z.number(), bytes: z.number(), url: z.string(), reencoded: z.boolean() }),
  ),
  gaps: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string().nullable() })),
});

export const playbackRoutes: FastifyPluginAsync<{ services: { playback: PlaybackService } }> = async (app, { services }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['playback'];

  routes.post(
    '/api/cameras/:id/playback',
    {
      config: { access: 'image.playback' },
      schema: {
        tags,
        summary: 'Ouvrir une relecture (motif, 24 h au plus, journalisée) / open a playback session (reason, 24 h, audited)',
        params: cameraParams,
        body: openBody,
        response: { 201: playbackViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await services.playback.open(request.params.id, request.body, actingOf(request))),
  );

  routes.get(
    '/api/playback/:playbackId/segments/:segmentId',
    {
      config: { access: 'image.playback' },
      schema: { tags, summary: 'Segment MP4 fragmenté d’une relecture (Range) / a playback segment (fragmented MP4, Range)', params: segmentParams },
    },
    async (request, reply) =>
      sendSegment(request, reply, await services.playback.segment(request.params.playbackId, request.params.segmentId, actingOf(request))),
  );

  routes.post(
    '/api/playback/:playbackId/activity',
    {
      config: { access: 'image.playback' },
      schema: {
        tags,
        summary: 'Battement de lecture active (heures de relecture ; plafonné, refusé une fois la relecture close) / active-playback heartbeat',
        params: sessionParams,
        body: beatBody,
        response: { 200: z.object({ acceptedSeconds: z.number().int(), activeSeconds: z.number().int() }) },
      },
    },
    (request) => services.playback.beat(request.params.playbackId, request.body, actingOf(request)),
  );

  routes.delete(
    '/api/playback/:playbackId',
    {
      config: { access: 'image.playback' },
      schema: { tags, summary: 'Terminer une relecture (journalisé) / end a playback session (audited)', params: sessionParams },
    },
    async (request, reply) => {
      await services.playback.close(request.params.playbackId, actingOf(request));
      return reply.status(204).send();
    },
  );
};

/** The HTTP side of a segment: validators, Range (stored files only), the masking header. */
async function sendSegment(request: FastifyRequest, reply: FastifyReply, delivery: SegmentDelivery): Promise<FastifyReply> {
  // Footage must not linger in a browser's disk cache; validators still let a player resume a range.
  reply.headers({ 'content-type': 'video/mp4', 'cache-control': 'no-store', etag: delivery.etag, 'x-vigie-masked': delivery.masking });
  if (etagMatches(request.headers['if-none-match'], delivery.etag)) return reply.status(304).send();
  if (delivery.kind === 'reencoded') {
    // Produced as it is sent: no length, no ranges.
    reply.header('accept-ranges', 'none');
    return request.method === 'HEAD' ? reply.send() : reply.send(await delivery.open());
  }
  reply.headers({ 'accept-ranges': 'bytes', 'last-modified': delivery.lastModified.toUTCString() });
  const honoured = ifRangeHolds(request.headers['if-range'] as string | undefined, delivery.etag);
  const range = honoured ? parseByteRange(request.headers.range, delivery.size) : { kind: 'full' as const };
  if (range.kind === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${delivery.size}`).send();
  const [status, start, end] = range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, delivery.size - 1];
  if (status === 206) reply.header('content-range', `bytes ${start}-${end}/${delivery.size}`);
  reply.status(status).header('content-length', String(Math.max(0, end - start + 1)));
  if (request.method === 'HEAD' || delivery.size === 0) return reply.send();
  return reply.send(createReadStream(delivery.path, { start, end }));
}
