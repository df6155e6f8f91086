// API tokens for machines: created (shown once), listed, revoked.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { tokenCreateSchema, tokenViewSchema } from './auth.schemas.ts';
import type { TokensService } from './tokens.service.ts';

const tags = ['tokens'];

export const tokenRoutes: FastifyPluginAsync<{ tokens: TokensService }> = async (app, { tokens }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/tokens',
    {
      config: { access: 'token.manage' },
      schema: { tags, summary: 'Jetons d’API / API tokens', response: { 200: z.array(tokenViewSchema) } },
    },
    (request) => tokens.list(requirePrincipal(request)),
  );

  routes.post(
    '/api/tokens',
    {
      config: { access: 'token.manage' },
      schema: {
        tags,
        summary: 'Créer un jeton (affiché une seule fois) / create a token (shown once)',
        body: tokenCreateSchema,
        response: { 201: z.object({ token: z.string(), view: tokenViewSchema }) },
      },
    },
    async (request, reply) => reply.status(201).send(await tokens.create(request.body, actingOf(request))),
  );

  routes.delete(
    '/api/tokens/:id',
    {
      config: { access: 'token.manage' },
      schema: { tags, summary: 'Révoquer / revoke', params: z.object({ id: z.string() }), response: { 200: tokenViewSchema } },
    },
    (request) => tokens.revoke(request.params.id, actingOf(request)),
  );
};
