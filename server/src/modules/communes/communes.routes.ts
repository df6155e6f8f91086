import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { communeCreateSchema, communeUpdateSchema, communeViewSchema } from './communes.schemas.ts';
import type { CommunesService } from './communes.service.ts';

const tags = ['communes'];
const inseeParams = z.object({ insee: z.string() });

export const communesRoutes: FastifyPluginAsync<{ communes: CommunesService }> = async (app, services) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/communes',
    {
      config: { access: 'commune.read' },
      schema: { tags, summary: 'Communes du périmètre / communes in scope', response: { 200: z.array(communeViewSchema) } },
    },
    (request) => services.communes.list(requirePrincipal(request)),
  );

  routes.get(
    '/api/communes/:insee',
    {
      config: { access: 'commune.read' },
      schema: { tags, params: inseeParams, response: { 200: communeViewSchema } },
    },
    (request) => services.communes.get(request.params.insee, requirePrincipal(request)),
  );

  routes.post(
    '/api/communes',
    {
      config: { access: 'commune.write' },
      schema: { tags, summary: 'Créer une commune / create a commune', body: communeCreateSchema, response: { 201: communeViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await services.communes.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/communes/:insee',
    {
      config: { access: 'commune.write' },
      schema: {
        tags,
        summary: 'Modifier une commune (conservation 1 à 30 j) / update a commune',
        params: inseeParams,
        body: communeUpdateSchema,
        response: { 200: communeViewSchema },
      },
    },
    (request) => services.communes.update(request.params.insee, request.body, actingOf(request)),
  );
};
