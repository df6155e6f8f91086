import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { authorisationInputSchema, authorisationUpdateSchema, authorisationViewSchema } from './authorisations.schemas.ts';
import type { AuthorisationsService } from './authorisations.service.ts';
import { purposeLabels, purposes, recipientLabels, recipients } from './legal-lists.ts';

const tags = ['authorisations'];
const idParams = z.object({ id: z.string() });
const labelled = z.array(z.object({ code: z.string(), fr: z.string(), en: z.string() }));

export const authorisationsRoutes: FastifyPluginAsync<{ authorisations: AuthorisationsService }> = async (app, services) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/authorisations',
    {
      config: { access: 'authorisation.read' },
      schema: { tags, summary: 'Autorisations préfectorales / prefectoral authorisations', response: { 200: z.array(authorisationViewSchema) } },
    },
    (request) => services.authorisations.list(requirePrincipal(request)),
  );

  routes.get(
    '/api/authorisations/expiring',
    {
      config: { access: 'authorisation.read' },
      schema: {
        tags,
        summary: 'Autorisations expirant sous N jours (120 par défaut) / expiring within N days',
        querystring: z.object({ withinDays: z.coerce.number().int().min(0).max(3650).default(120) }),
        response: { 200: z.array(authorisationViewSchema) },
      },
    },
    (request) => services.authorisations.expiring(requirePrincipal(request), request.query.withinDays),
  );

  routes.get(
    '/api/authorisations/legal-lists',
    {
      config: { access: 'authorisation.read' },
      schema: {
        tags,
        summary: 'Finalités (L251-2) et destinataires / purposes and recipients',
        response: { 200: z.object({ purposes: labelled, recipients: labelled }) },
      },
    },
    () => ({
      purposes: purposes.map((code) => ({ code, ...purposeLabels[code] })),
      recipients: recipients.map((code) => ({ code, ...recipientLabels[code] })),
    }),
  );

  routes.get(
    '/api/authorisations/:id',
    {
      config: { access: 'authorisation.read' },
      schema: { tags, params: idParams, response: { 200: authorisationViewSchema } },
    },
    (request) => services.authorisations.get(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/authorisations',
    {
      config: { access: 'authorisation.write' },
      schema: {
        tags,
        summary: 'Enregistrer un arrêté préfectoral / record an authorisation',
        body: authorisationInputSchema,
        response: { 201: authorisationViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await services.authorisations.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/authorisations/:id',
    {
      config: { access: 'authorisation.write' },
      schema: { tags, params: idParams, body: authorisationUpdateSchema, response: { 200: authorisationViewSchema } },
    },
    (request) => services.authorisations.update(request.params.id, request.body, actingOf(request)),
  );

  routes.post(
    '/api/authorisations/:id/revoke',
    {
      config: { access: 'authorisation.write' },
      schema: {
        tags,
        summary: 'Retrait de l’autorisation / revoke',
        params: idParams,
        body: z.object({ reason: z.string().trim().min(3).max(1000) }),
        response: { 200: authorisationViewSchema },
      },
    },
    (request) => services.authorisations.revoke(request.params.id, request.body.reason, actingOf(request)),
  );
};
