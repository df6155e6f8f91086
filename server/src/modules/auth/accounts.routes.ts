// Account administration: users, their role, communes, approval and training (LEGAL 9).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf } from '../../platform/http/context.ts';
import { userCreateSchema, userUpdateSchema, userViewSchema } from './auth.schemas.ts';
import type { AccountsService } from './accounts.service.ts';

const tags = ['users'];
const idParams = z.object({ id: z.string() });

export const accountRoutes: FastifyPluginAsync<{ accounts: AccountsService }> = async (app, { accounts }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/users',
    {
      config: { access: 'user.read' },
      schema: { tags, summary: 'Comptes / accounts', response: { 200: z.array(userViewSchema) } },
    },
    (request) => accounts.list(actingOf(request)),
  );

  routes.get(
    '/api/users/:id',
    {
      config: { access: 'user.read' },
      schema: { tags, params: idParams, response: { 200: userViewSchema } },
    },
    (request) => accounts.get(request.params.id, actingOf(request)),
  );

  routes.post(
    '/api/users',
    {
      config: { access: 'user.write' },
      schema: { tags, summary: 'Créer un compte nominatif / create an account', body: userCreateSchema, response: { 201: userViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await accounts.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/users/:id',
    {
      config: { access: 'user.write' },
      schema: {
        tags,
        summary: 'Rôle, communes, agrément, formation, désactivation / update',
        params: idParams,
        body: userUpdateSchema,
        response: { 200: userViewSchema },
      },
    },
    (request) => accounts.update(request.params.id, request.body, actingOf(request)),
  );

  routes.post(
    '/api/users/:id/reset-password',
    {
      config: { access: 'user.write' },
      schema: { tags, params: idParams, body: z.object({ password: z.string().min(1).max(256) }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      await accounts.resetPassword(request.params.id, request.body.password, actingOf(request));
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/users/:id/confirm-image-access',
    {
      config: { access: 'user.confirm' },
      schema: {
        tags,
        summary: 'Confirmer l’accès aux images donné par un autre administrateur (quatre yeux) / confirm image access (four eyes)',
        params: idParams,
        response: { 200: userViewSchema },
      },
    },
    (request) => accounts.confirmImageAccess(request.params.id, actingOf(request)),
  );

  routes.post(
    '/api/users/:id/unlock',
    {
      config: { access: 'user.write' },
      schema: { tags, params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await accounts.unlock(request.params.id, actingOf(request));
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/users/:id/reset-totp',
    {
      config: { access: 'user.write' },
      schema: { tags, summary: 'Réinitialiser le second facteur / reset second factor', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await accounts.resetTotp(request.params.id, actingOf(request));
      return reply.status(204).send(null);
    },
  );
};
