import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { siteCreateSchema, siteKindLabels, siteKinds, siteListQuerySchema, siteUpdateSchema, siteViewSchema } from './sites.schemas.ts';
import type { SitesService } from './sites.service.ts';

const tags = ['sites'];
const idParams = z.object({ id: z.string() });
const labelled = z.array(z.object({ code: z.string(), fr: z.string(), en: z.string() }));

export const sitesRoutes: FastifyPluginAsync<{ sites: SitesService }> = async (app, services) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/sites',
    {
      config: { access: 'site.read' },
      schema: { tags, summary: 'Sites du périmètre / sites in scope', querystring: siteListQuerySchema, response: { 200: z.array(siteViewSchema) } },
    },
    (request) => services.sites.list(requirePrincipal(request), request.query),
  );

  routes.get(
    '/api/sites/kinds',
    {
      config: { access: 'site.read' },
      schema: { tags, summary: 'Types de site / site kinds', response: { 200: labelled } },
    },
    () => siteKinds.map((code) => ({ code, ...siteKindLabels[code] })),
  );

  routes.get(
    '/api/sites/:id',
    {
      config: { access: 'site.read' },
      schema: { tags, params: idParams, response: { 200: siteViewSchema } },
    },
    (request) => services.sites.get(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/sites',
    {
      config: { access: 'site.write' },
      schema: { tags, summary: 'Créer un site / create a site', body: siteCreateSchema, response: { 201: siteViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await services.sites.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/sites/:id',
    {
      config: { access: 'site.write' },
      schema: { tags, summary: 'Modifier un site / update a site', params: idParams, body: siteUpdateSchema, response: { 200: siteViewSchema } },
    },
    (request) => services.sites.update(request.params.id, request.body, actingOf(request)),
  );

  routes.delete(
    '/api/sites/:id',
    {
      config: { access: 'site.write' },
      schema: { tags, summary: 'Supprimer un site vide / delete an empty site', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await services.sites.remove(request.params.id, actingOf(request));
      return reply.status(204).send(null);
    },
  );
};
