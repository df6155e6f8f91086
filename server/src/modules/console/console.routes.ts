// The console's own API: saved live layouts, video walls (with their Server-Sent Events
// stream) and the map's configuration. Thin: validate, authorise (declared action), one
// service call, present. Bodies of layouts and pushes are checked by the services, which
// answer `layout_invalid` / `wall_invalid` naming the field, with nothing stored.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { EventStream } from './event-stream.ts';
import type { LayoutsService } from './layouts.service.ts';
import type { WallsService } from './walls.service.ts';

const idParams = z.object({ id: z.string() });
const tilesSchema = z.array(z.string().nullable());
const layoutViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  grid: z.number(),
  tiles: tilesSchema,
  shared: z.boolean(),
  ownerLogin: z.string(),
  mine: z.boolean(),
  updatedAt: z.string(),
});
const tourSchema = z.object({ cameraIds: z.array(z.string()), intervalSeconds: z.number() }).nullable();
const wallViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  grid: z.number(),
  tiles: tilesSchema,
  tour: tourSchema,
  updatedAt: z.string(),
  updatedBy: z.string(),
});
/** Shapes are documented here and checked by the services (their own error codes). */
const layoutBody = z
  .record(z.string(), z.unknown())
  .describe('{name: 1..100 characters, grid: 1|4|9|16|25, tiles: (cameraId|null)[grid], shared?: boolean (false)}');
const layoutReplaceBody = z
  .record(z.string(), z.unknown())
  .describe('{name: 1..100 characters, grid: 1|4|9|16|25, tiles: (cameraId|null)[grid], shared: boolean}, every field required');
const wallBody = z.record(z.string(), z.unknown()).describe('{name: 1..100 characters}');
const pushBody = z
  .record(z.string(), z.unknown())
  .describe('{grid: 1|4|9|16|25, tiles: (cameraId|null)[grid], tour: {cameraIds: string[1..200], intervalSeconds: 5..3600} | null}, every field required');
const mapConfigSchema = z.object({
  tileUrl: z.string().nullable(),
  attribution: z.string().nullable(),
  center: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
});

/** A wall's event stream: heartbeats keep it open; its life is bounded (the browser reconnects, re-authenticated). */
export const wallStreamTiming = { heartbeatMs: 15_000, maxDurationMs: 10 * 60_000 };

export interface ConsoleRoutesOptions extends Record<string, unknown> {
  services: { layouts: LayoutsService; walls: WallsService };
  config: Pick<Config, 'map'>;
}

/** Saved layouts, video walls and the map configuration, with the console's services only. */
export const consoleRoutes: FastifyPluginAsync<ConsoleRoutesOptions> = async (app, { services, config }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  // A stream never ends by itself within minutes: shutting down ends them, or the server's close would wait for them.
  const openStreams = new Set<EventStream>();
  app.addHook('preClose', async () => {
    for (const stream of openStreams) stream.close();
  });

  routes.get(
    '/api/layouts',
    {
      config: { access: 'image.live' },
      schema: {
        tags: ['layouts'],
        summary: 'Dispositions enregistrées (miennes et partagées) / saved layouts (own and shared)',
        response: { 200: z.array(layoutViewSchema) },
      },
    },
    (request) => services.layouts.list(requirePrincipal(request)),
  );

  routes.post(
    '/api/layouts',
    {
      config: { access: 'layout.write' },
      schema: { tags: ['layouts'], summary: 'Enregistrer une disposition / save a layout', body: layoutBody, response: { 201: layoutViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await services.layouts.create(request.body, actingOf(request))),
  );

  routes.put(
    '/api/layouts/:id',
    {
      config: { access: 'layout.write' },
      schema: {
        tags: ['layouts'],
        summary: 'Remplacer une disposition (tous les champs) / replace a layout (every field)',
        params: idParams,
        body: layoutReplaceBody,
        response: { 200: layoutViewSchema },
      },
    },
    (request) => services.layouts.update(request.params.id, request.body, actingOf(request)),
  );

  routes.delete(
    '/api/layouts/:id',
    {
      config: { access: 'layout.write' },
      schema: { tags: ['layouts'], summary: 'Supprimer une disposition / delete a layout', params: idParams },
    },
    async (request, reply) => {
      await services.layouts.remove(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );

  routes.get(
    '/api/walls',
    {
      config: { access: 'image.live' },
      schema: { tags: ['walls'], summary: 'Murs d’images / video walls', response: { 200: z.array(wallViewSchema) } },
    },
    (request) => services.walls.list(requirePrincipal(request)),
  );

  routes.post(
    '/api/walls',
    {
      config: { access: 'wall.write' },
      schema: { tags: ['walls'], summary: 'Créer un mur d’images / create a video wall', body: wallBody, response: { 201: wallViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await services.walls.create(request.body, actingOf(request))),
  );

  routes.delete(
    '/api/walls/:id',
    {
      config: { access: 'wall.write' },
      schema: { tags: ['walls'], summary: 'Supprimer un mur d’images / delete a video wall', params: idParams },
    },
    async (request, reply) => {
      await services.walls.remove(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );

  routes.put(
    '/api/walls/:id/layout',
    {
      config: { access: 'wall.push' },
      schema: {
        tags: ['walls'],
        summary: 'Pousser une disposition sur le mur (journalisé) / push a layout to the wall (audited)',
        params: idParams,
        body: pushBody,
        response: { 200: wallViewSchema },
      },
    },
    (request) => services.walls.push(request.params.id, request.body, actingOf(request)),
  );

  routes.get(
    '/api/walls/:id/events',
    {
      config: { access: 'image.live' },
      schema: {
        tags: ['walls'],
        summary: 'Flux SSE du mur : événement « wall » à l’ouverture et à chaque poussée / Server-Sent Events of the wall',
        params: idParams,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const initial = await services.walls.get(request.params.id, principal); // unknown wall: a coded 404, before any streaming
      reply.hijack();
      const stream = new EventStream(reply.raw, wallStreamTiming);
      openStreams.add(stream);
      stream.onClose(() => openStreams.delete(stream));
      stream.send('wall', initial);
      stream.onClose(
        services.walls.follow(request.params.id, principal, {
          onWall: (view) => stream.send('wall', view),
          onDeleted: () => {
            stream.send('deleted', { id: request.params.id });
            stream.close();
          },
          onError: (error) => {
            request.log.warn({ err: error, wall: request.params.id }, 'wall stream ended');
            stream.close();
          },
        }),
      );
    },
  );

  routes.get(
    '/api/map/config',
    {
      config: { access: 'camera.read' },
      schema: { tags: ['map'], summary: 'Fond de carte configuré / map tiles configuration', response: { 200: mapConfigSchema } },
    },
    () => ({ tileUrl: config.map.tileUrl, attribution: config.map.attribution, center: config.map.center }),
  );
};
