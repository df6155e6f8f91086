// Recording API: status per camera, timeline (ranges, gaps, holds), segment listing for
// playback and exports (an audited image access), storage volumes and per-camera settings,
// technical events. Thin: validate, authorise (declared action), one service call, present.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { Services } from '../../services.ts';
import {
  cameraSettingsViewSchema, recordingStatusSchema, segmentListSchema, segmentsQuerySchema, statusQuerySchema, technicalEventQuerySchema,
  technicalEventSchema, timelineSchema, volumeViewSchema, windowQuerySchema,
} from './recording.schemas.ts';
import { cameraSettingsSchema, volumeCreateSchema, volumeUpdateSchema } from './storage.service.ts';

const idParams = z.object({ id: z.string() });

export function registerRecordingRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['recording'];

  routes.get('/api/recording/status', {
    config: { access: 'recording.read' },
    schema: { tags, summary: 'État d’enregistrement des caméras / recording status per camera', querystring: statusQuerySchema, response: { 200: z.array(recordingStatusSchema) } },
  }, (request) => services.recording.status(requirePrincipal(request), request.query));

  routes.get('/api/cameras/:id/recording/timeline', {
    config: { access: 'recording.read' },
    schema: { tags, summary: 'Plages enregistrées, trous et gels (31 j au plus) / recorded ranges, gaps, holds', params: idParams, querystring: windowQuerySchema, response: { 200: timelineSchema } },
  }, (request) => services.recording.timeline(request.params.id, request.query.from, request.query.to, requirePrincipal(request)));

  routes.get('/api/cameras/:id/recording/segments', {
    config: { access: 'image.playback' },
    schema: { tags, summary: 'Segments pour relecture ou export (24 h au plus, journalisé) / segments for playback (audited)', params: idParams, querystring: segmentsQuerySchema, response: { 200: segmentListSchema } },
  }, (request) => services.recording.segments(request.params.id, request.query.from, request.query.to, request.query.reason ?? null, actingOf(request)));

  routes.get('/api/cameras/:id/recording/settings', {
    config: { access: 'storage.read' },
    schema: { tags, summary: 'Volume et lieu très fréquenté d’une caméra / a camera’s volume and busy-place flag', params: idParams, response: { 200: cameraSettingsViewSchema } },
  }, (request) => services.storage.cameraSettingsFor(request.params.id, requirePrincipal(request)));

  routes.patch('/api/cameras/:id/recording/settings', {
    config: { access: 'storage.write' },
    schema: { tags, summary: 'Volume et lieu très fréquenté (12 im/s) / volume and busy-place flag', params: idParams, body: cameraSettingsSchema, response: { 200: cameraSettingsViewSchema } },
  }, (request) => services.storage.setCameraSettings(request.params.id, request.body, actingOf(request)));

  routes.get('/api/storage/volumes', {
    config: { access: 'storage.read' },
    schema: { tags, summary: 'Volumes de stockage et espace libre / storage volumes and free space', response: { 200: z.array(volumeViewSchema) } },
  }, (request) => services.storage.list(requirePrincipal(request)));

  routes.post('/api/storage/volumes', {
    config: { access: 'storage.write' },
    schema: { tags, summary: 'Déclarer un volume / declare a volume', body: volumeCreateSchema, response: { 201: volumeViewSchema } },
  }, async (request, reply) => reply.status(201).send(await services.storage.create(request.body, actingOf(request))));

  routes.patch('/api/storage/volumes/:id', {
    config: { access: 'storage.write' },
    schema: { tags, summary: 'Capacité, seuil, activation / capacity, threshold, enabled', params: idParams, body: volumeUpdateSchema, response: { 200: volumeViewSchema } },
  }, (request) => services.storage.update(request.params.id, request.body, actingOf(request)));

  routes.get('/api/technical-events', {
    config: { access: 'recording.read' },
    schema: { tags, summary: 'Événements techniques (purge, espace, qualité, masques) / technical events', querystring: technicalEventQuerySchema, response: { 200: z.array(technicalEventSchema) } },
  }, (request) => services.technicalEvents.list(request.query, requirePrincipal(request)));
}
