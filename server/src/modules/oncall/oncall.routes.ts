// The on-call chain over HTTP (docs/oncall.md). Thin: validate, authorise (declared action;
// the commune of a service is checked by the service), one service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { OncallNotifier } from './oncall.notify.ts';
import {
  dutyNowSchema,
  notificationQuerySchema,
  notificationViewSchema,
  overrideInputSchema,
  overridePatchSchema,
  overrideViewSchema,
  personInputSchema,
  personPatchSchema,
  personViewSchema,
  rotaInputSchema,
  rotaPatchSchema,
  rotaViewSchema,
  serviceInputSchema,
  servicePatchSchema,
  serviceViewSchema,
  serviceWithSecretSchema,
  shiftViewSchema,
  weekQuerySchema,
} from './oncall.schemas.ts';
import type { OncallService } from './oncall.service.ts';

const tags = ['oncall'];
const idParams = z.object({ id: z.string().max(100) });
const serviceQuery = z.object({ serviceId: z.string().max(100).optional() }).strict();

export const oncallRoutes: FastifyPluginAsync<{ service: OncallService; notifier: OncallNotifier }> = async (app, { service, notifier }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const read = { config: { access: 'oncall.read' as const } };
  const write = { config: { access: 'oncall.write' as const } };

  routes.get(
    '/api/oncall/now',
    { ...read, schema: { tags, summary: 'Astreinte en cours et suivante par service / who is on duty now and next', response: { 200: dutyNowSchema } } },
    (request) => service.now(requirePrincipal(request)),
  );
  routes.get(
    '/api/oncall/shifts',
    {
      ...read,
      schema: {
        tags,
        summary: 'Tours d’astreinte sur une période (vue semaine) / shifts over a period (week view)',
        querystring: weekQuerySchema,
        response: { 200: z.array(z.object({ service: serviceViewSchema, shifts: z.array(shiftViewSchema) })) },
      },
    },
    (request) => {
      const fromMs = request.query.from ? Date.parse(request.query.from) : Date.now();
      return service.shifts(requirePrincipal(request), fromMs, fromMs + request.query.days * 86_400_000);
    },
  );
  routes.get(
    '/api/oncall/notifications',
    {
      ...read,
      schema: {
        tags,
        summary: 'Notifications d’astreinte d’une alarme / on-call notifications of an alarm',
        querystring: notificationQuerySchema,
        response: { 200: z.array(notificationViewSchema) },
      },
    },
    (request) => notifier.notificationsOfAlarm(requirePrincipal(request), request.query.alarmId),
  );

  // Services.
  routes.get(
    '/api/oncall/services',
    { ...read, schema: { tags, summary: 'Services d’astreinte / on-call services', response: { 200: z.array(serviceViewSchema) } } },
    (request) => service.listServices(requirePrincipal(request)),
  );
  routes.post(
    '/api/oncall/services',
    {
      ...write,
      schema: {
        tags,
        summary: 'Créer un service d’astreinte / create an on-call service',
        body: serviceInputSchema,
        response: { 201: serviceWithSecretSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createService(request.body, actingOf(request))),
  );
  routes.patch(
    '/api/oncall/services/:id',
    {
      ...write,
      schema: {
        tags,
        summary: 'Modifier un service d’astreinte / update an on-call service',
        params: idParams,
        body: servicePatchSchema,
        response: { 200: serviceViewSchema },
      },
    },
    (request) => service.updateService(request.params.id, request.body, actingOf(request)),
  );
  routes.post(
    '/api/oncall/services/:id/webhook-secret',
    {
      ...write,
      schema: {
        tags,
        summary: 'Nouveau secret HMAC du webhook, montré une fois / new webhook HMAC secret, shown once',
        params: idParams,
        response: { 200: z.object({ webhookSecret: z.string() }) },
      },
    },
    (request) => service.renewWebhookSecret(request.params.id, actingOf(request)),
  );
  routes.delete(
    '/api/oncall/services/:id',
    { ...write, schema: { tags, summary: 'Supprimer un service / delete a service', params: idParams } },
    async (request, reply) => {
      await service.deleteService(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );

  // People (their contacts: oncall.write only, each reading audited).
  routes.get(
    '/api/oncall/people',
    { ...write, schema: { tags, summary: 'Personnes d’astreinte / on-call people', response: { 200: z.array(personViewSchema) } } },
    (request) => service.listPeople(actingOf(request)),
  );
  routes.post(
    '/api/oncall/people',
    { ...write, schema: { tags, summary: 'Ajouter une personne / add a person', body: personInputSchema, response: { 201: personViewSchema } } },
    async (request, reply) => reply.status(201).send(await service.createPerson(request.body, actingOf(request))),
  );
  routes.patch(
    '/api/oncall/people/:id',
    {
      ...write,
      schema: { tags, summary: 'Modifier une personne / update a person', params: idParams, body: personPatchSchema, response: { 200: personViewSchema } },
    },
    (request) => service.updatePerson(request.params.id, request.body, actingOf(request)),
  );
  routes.delete(
    '/api/oncall/people/:id',
    { ...write, schema: { tags, summary: 'Retirer une personne / remove a person', params: idParams } },
    async (request, reply) => {
      await service.deletePerson(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );

  // Rotas.
  routes.get(
    '/api/oncall/rotas',
    {
      ...read,
      schema: { tags, summary: 'Tableaux d’astreinte (RRULE) / rotas (RRULE)', querystring: serviceQuery, response: { 200: z.array(rotaViewSchema) } },
    },
    (request) => service.listRotas(requirePrincipal(request), request.query.serviceId),
  );
  routes.post(
    '/api/oncall/rotas',
    { ...write, schema: { tags, summary: 'Créer un tableau d’astreinte / create a rota', body: rotaInputSchema, response: { 201: rotaViewSchema } } },
    async (request, reply) => reply.status(201).send(await service.createRota(request.body, actingOf(request))),
  );
  routes.patch(
    '/api/oncall/rotas/:id',
    { ...write, schema: { tags, summary: 'Modifier un tableau / update a rota', params: idParams, body: rotaPatchSchema, response: { 200: rotaViewSchema } } },
    (request) => service.updateRota(request.params.id, request.body, actingOf(request)),
  );
  routes.delete(
    '/api/oncall/rotas/:id',
    { ...write, schema: { tags, summary: 'Supprimer un tableau / delete a rota', params: idParams } },
    async (request, reply) => {
      await service.deleteRota(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );

  // Overrides.
  routes.get(
    '/api/oncall/overrides',
    { ...read, schema: { tags, summary: 'Remplacements en cours et à venir / current and coming overrides', response: { 200: z.array(overrideViewSchema) } } },
    (request) => service.listOverrides(requirePrincipal(request)),
  );
  routes.post(
    '/api/oncall/overrides',
    { ...write, schema: { tags, summary: 'Créer un remplacement / create an override', body: overrideInputSchema, response: { 201: overrideViewSchema } } },
    async (request, reply) => reply.status(201).send(await service.createOverride(request.body, actingOf(request))),
  );
  routes.patch(
    '/api/oncall/overrides/:id',
    {
      ...write,
      schema: {
        tags,
        summary: 'Modifier un remplacement / update an override',
        params: idParams,
        body: overridePatchSchema,
        response: { 200: overrideViewSchema },
      },
    },
    (request) => service.updateOverride(request.params.id, request.body, actingOf(request)),
  );
  routes.delete(
    '/api/oncall/overrides/:id',
    { ...write, schema: { tags, summary: 'Supprimer un remplacement / delete an override', params: idParams } },
    async (request, reply) => {
      await service.deleteOverride(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );

  // The acknowledgement link of an e-mail or SMS: public, the signed single-use token is the authority.
  routes.get(
    '/api/oncall/ack/:token',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Prise en compte d’une notification (lien signé) / acknowledge a notification (signed link)',
        params: z.object({ token: z.string().max(200) }),
      },
    },
    async (request, reply) => {
      const outcome = await notifier.acknowledge(request.params.token, request.ip);
      // A person opening the link in a browser reads a small French page; any other client gets the API's shapes.
      const wantsPage = /text\/html/.test(String(request.headers.accept ?? ''));
      if (outcome !== 'acknowledged' && !wantsPage) throw new DomainError(ackErrors[outcome]);
      const page = ackPages[outcome];
      if (!wantsPage) return reply.status(200).send({ outcome });
      return reply
        .status(page.status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(`<!doctype html><html lang="fr"><meta charset="utf-8"><title>Vigie</title><h1>${page.fr}</h1><p lang="en">${page.en}</p></html>`);
    },
  );
};

const ackErrors = { already: 'oncall_ack_used', expired: 'oncall_ack_expired', invalid: 'oncall_ack_invalid' } as const;

const ackPages = {
  acknowledged: { status: 200, fr: 'Prise en compte enregistrée', en: 'Acknowledgement recorded.' },
  already: { status: 409, fr: 'Prise en compte déjà enregistrée (lien à usage unique)', en: 'Already acknowledged (single-use link).' },
  expired: { status: 410, fr: 'Lien expiré : appelez le centre de supervision', en: 'Link expired: call the supervision centre.' },
  invalid: { status: 404, fr: 'Lien invalide', en: 'Invalid link.' },
} as const;
