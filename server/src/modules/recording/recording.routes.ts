// Recording API: status per camera, timeline (ranges, gaps, holds), segment listing for
// playback and exports (an audited image access). Storage volumes and per-camera settings are
// the storage module's routes, technical events that module's. Thin: validate, authorise
// (declared action), one service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { recordingStatusSchema, segmentListSchema, segmentsQuerySchema, statusQuerySchema, timelineSchema, windowQuerySchema } from './recording.schemas.ts';
import type { RecordingService } from './recording.service.ts';

const idParams = z.object({ id: z.string() });

export const recordingRoutes: FastifyPluginAsync<{ recording: RecordingService }> = async (app, { recording }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['recording'];

  routes.get(
    '/api/recording/status',
    {
      config: { access: 'recording.read' },
      schema: {
        tags,
        summary: 'État d’enregistrement des caméras / recording status per camera',
        querystring: statusQuerySchema,
        response: { 200: z.array(recordingStatusSchema) },
      },
    },
    (request) => recording.status(requirePrincipal(request), request.query),
  );

  routes.get(
    '/api/cameras/:id/recording/timeline',
    {
      config: { access: 'recording.read' },
      schema: {
        tags,
        summary: 'Plages enregistrées, trous et gels (31 j au plus) / recorded ranges, gaps, holds',
        params: idParams,
        querystring: windowQuerySchema,
        response: { 200: timelineSchema },
      },
    },
    (request) => recording.timeline(request.params.id, request.query.from, request.query.to, requirePrincipal(request)),
  );

  routes.get(
    '/api/cameras/:id/recording/segments',
    {
      config: { access: 'image.playback' },
      schema: {
        tags,
        summary: 'Segments pour relecture ou export (24 h au plus, journalisé) / segments for playback (audited)',
        params: idParams,
        querystring: segmentsQuerySchema,
        response: { 200: segmentListSchema },
      },
    },
    (request) => recording.segments(request.params.id, request.query.from, request.query.to, request.query.reason ?? null, actingOf(request)),
  );
};
