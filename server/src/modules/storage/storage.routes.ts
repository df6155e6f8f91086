// Storage API: volumes and their free space, a camera's volume and busy-place flag (served
// under the recording tag, as before the module had routes of its own). Thin: validate,
// authorise (declared action), one service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { cameraSettingsViewSchema, volumeViewSchema } from './storage.schemas.ts';
import { cameraSettingsSchema, volumeCreateSchema, volumeUpdateSchema, type StorageService } from './storage.service.ts';

const idParams = z.object({ id: z.string() });

export const storageRoutes: FastifyPluginAsync<{ storage: StorageService }> = async (app, { storage }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['recording'];

  routes.get(
    '/api/cameras/:id/recording/settings',
    {
      config: { access: 'storage.read' },
      schema: {
        tags,
        summary: 'Volume et lieu très fréquenté d’une caméra / a camera’s volume and busy-place flag',
        params: idParams,
        response: { 200: cameraSettingsViewSchema },
      },
    },
    (request) => storage.cameraSettingsFor(request.params.id, requirePrincipal(request)),
  );

  routes.patch(
    '/api/cameras/:id/recording/settings',
    {
      config: { access: 'storage.write' },
      schema: {
        tags,
        summary: 'Volume et lieu très fréquenté (12 im/s) / volume and busy-place flag',
        params: idParams,
        body: cameraSettingsSchema,
        response: { 200: cameraSettingsViewSchema },
      },
    },
    (request) => storage.setCameraSettings(request.params.id, request.body, actingOf(request)),
  );

  routes.get(
    '/api/storage/volumes',
    {
      config: { access: 'storage.read' },
      schema: { tags, summary: 'Volumes de stockage et espace libre / storage volumes and free space', response: { 200: z.array(volumeViewSchema) } },
    },
    (request) => storage.list(requirePrincipal(request)),
  );

  routes.post(
    '/api/storage/volumes',
    {
      config: { access: 'storage.write' },
      schema: { tags, summary: 'Déclarer un volume / declare a volume', body: volumeCreateSchema, response: { 201: volumeViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await storage.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/storage/volumes/:id',
    {
      config: { access: 'storage.write' },
      schema: {
        tags,
        summary: 'Capacité, seuil, activation / capacity, threshold, enabled',
        params: idParams,
        body: volumeUpdateSchema,
        response: { 200: volumeViewSchema },
      },
    },
    (request) => storage.update(request.params.id, request.body, actingOf(request)),
  );
};
