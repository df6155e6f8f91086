// Technical events over HTTP: the listing, scoped by commune (served under the recording tag,
// as before the module had routes of its own). Thin: validate, authorise (declared action), one
// service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../platform/http/context.ts';
import type { TechnicalEventsService } from './technical-events.ts';

const isoInstant = z.iso.datetime({ offset: true });
const technicalEventQuerySchema = z.object({
  communeInsee: z.string().max(5).optional(),
  cameraId: z.string().max(100).optional(),
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  code: z.string().max(60).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const technicalEventSchema = z.object({
  id: z.number(),
  at: z.string(),
  severity: z.string(),
  code: z.string(),
  communeInsee: z.string().nullable(),
  cameraId: z.string().nullable(),
  volume: z.string().nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const technicalEventsRoutes: FastifyPluginAsync<{ service: Pick<TechnicalEventsService, 'list'> }> = async (app, { service }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/api/technical-events',
    {
      config: { access: 'recording.read' },
      schema: {
        tags: ['recording'],
        summary: 'Événements techniques (purge, espace, qualité, masques) / technical events',
        querystring: technicalEventQuerySchema,
        response: { 200: z.array(technicalEventSchema) },
      },
    },
    (request) => service.list(request.query, requirePrincipal(request)),
  );
};
