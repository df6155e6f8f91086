import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../platform/http/context.ts';
import type { SettingsService } from './settings.service.ts';

const tags = ['settings'];

export const settingsRoutes: FastifyPluginAsync<{ settings: SettingsService }> = async (app, services) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/settings',
    {
      config: { access: 'settings.read' },
      schema: { tags, summary: 'Paramètres du centre / centre settings', response: { 200: z.record(z.string(), z.unknown()) } },
    },
    () => services.settings.all(),
  );

  routes.put(
    '/api/settings/:key',
    {
      config: { access: 'settings.write' },
      schema: { tags, params: z.object({ key: z.string() }), body: z.object({ value: z.unknown() }).strict(), response: { 204: z.null() } },
    },
    async (request, reply) => {
      await services.settings.set(request.params.key, request.body.value, actorOf(request), requirePrincipal(request));
      return reply.status(204).send(null);
    },
  );
};
