// Camera picture health over HTTP (docs/health.md): each camera's state and history, the
// reference capture (administrator, per PTZ preset), thresholds per camera (PATCH), and the
// pictures (reference, still of a fault: image accesses, audited).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import {
  healthEventSchema,
  healthStateSchema,
  historyQuerySchema,
  referenceCaptureSchema,
  referenceQuerySchema,
  referenceViewSchema,
  thresholdsPatchSchema,
  thresholdsViewSchema,
} from './camera-health.schemas.ts';
import type { CameraHealthService } from './camera-health.service.ts';

const idParams = z.object({ id: z.string().max(100) });

export const cameraHealthRoutes: FastifyPluginAsync<{ health: CameraHealthService }> = async (app, { health }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['camera health'];

  routes.get(
    '/api/cameras/:id/health',
    {
      config: { access: 'camera_health.read' },
      schema: { tags, summary: 'État de l’image d’une caméra / a camera’s picture health', params: idParams, response: { 200: healthStateSchema } },
    },
    (request) => health.state(request.params.id, requirePrincipal(request)),
  );

  routes.get(
    '/api/cameras/:id/health/history',
    {
      config: { access: 'camera_health.read' },
      schema: {
        tags,
        summary: 'Défauts d’image levés et levés-fin / picture faults raised and cleared',
        params: idParams,
        querystring: historyQuerySchema,
        response: { 200: z.array(healthEventSchema) },
      },
    },
    (request) => health.history(request.params.id, request.query, requirePrincipal(request)),
  );

  routes.post(
    '/api/cameras/:id/health/reference',
    {
      config: { access: 'camera_health.write' },
      schema: {
        tags,
        summary: 'Prendre l’image de référence (par préréglage) / capture the reference picture',
        params: idParams,
        body: referenceCaptureSchema,
        response: { 201: referenceViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await health.captureReference(request.params.id, request.body, actingOf(request))),
  );

  routes.get(
    '/api/cameras/:id/health/reference.jpg',
    {
      config: { access: 'image.live' },
      schema: { tags, summary: 'Image de référence (JPEG, journalisée) / reference picture', params: idParams, querystring: referenceQuerySchema },
    },
    async (request, reply) => {
      const jpeg = await health.referencePicture(request.params.id, request.query.presetToken, actingOf(request));
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
    },
  );

  routes.get(
    '/api/camera-health/events/:id/still.jpg',
    {
      config: { access: 'image.live' },
      schema: { tags, summary: 'Image au moment du défaut (JPEG, journalisée) / still of a fault', params: idParams },
    },
    async (request, reply) => {
      const jpeg = await health.eventStill(request.params.id, actingOf(request));
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
    },
  );

  routes.get(
    '/api/cameras/:id/health/thresholds',
    {
      config: { access: 'camera_health.read' },
      schema: { tags, summary: 'Seuils des contrôles d’image / picture check thresholds', params: idParams, response: { 200: thresholdsViewSchema } },
    },
    (request) => health.thresholds(request.params.id, requirePrincipal(request)),
  );

  routes.patch(
    '/api/cameras/:id/health/thresholds',
    {
      config: { access: 'camera_health.write' },
      schema: {
        tags,
        summary: 'Modifier des seuils (null : valeur par défaut) / change thresholds',
        params: idParams,
        body: thresholdsPatchSchema,
        response: { 200: thresholdsViewSchema },
      },
    },
    (request) => health.updateThresholds(request.params.id, request.body, actingOf(request)),
  );
};
