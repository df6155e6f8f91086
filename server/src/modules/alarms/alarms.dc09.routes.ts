// DC-09 accounts and the receiver's state over HTTP. Thin: validate, authorise (declared action;
// the commune is checked by the service), one service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { Dc09Accounts } from './alarms.dc09.accounts.ts';
import { dc09AccountParamsSchema, dc09AccountPutSchema, dc09AccountViewSchema, dc09StatusSchema, type Dc09Status } from './alarms.dc09.schemas.ts';

const tags = ['alarms'];

export const dc09Routes: FastifyPluginAsync<{ accounts: Dc09Accounts; status: () => Dc09Status }> = async (app, { accounts, status }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/alarm-sources/dc09/status',
    {
      config: { access: 'alarm.source.read' },
      schema: { tags, summary: 'Récepteur DC-09 : écoute et compteurs / DC-09 receiver: sockets and counters', response: { 200: dc09StatusSchema } },
    },
    () => status(),
  );

  routes.get(
    '/api/alarm-sources/:id/dc09-accounts',
    {
      config: { access: 'alarm.source.read' },
      schema: {
        tags,
        summary: 'Comptes DC-09 d’une source / DC-09 accounts of a source',
        params: dc09AccountParamsSchema.pick({ id: true }),
        response: { 200: z.array(dc09AccountViewSchema) },
      },
    },
    (request) => accounts.list(request.params.id, requirePrincipal(request)),
  );

  routes.put(
    '/api/alarm-sources/:id/dc09-accounts/:line/:account',
    {
      config: { access: 'alarm.source.write' },
      schema: {
        tags,
        summary: 'Déclarer ou remplacer un compte DC-09 (clé jamais renvoyée) / set a DC-09 account (key never returned)',
        params: dc09AccountParamsSchema,
        body: dc09AccountPutSchema,
        response: { 200: dc09AccountViewSchema },
      },
    },
    (request) => accounts.put(request.params.id, request.params.line, request.params.account, request.body, actingOf(request)),
  );
};
