// Procedures over HTTP (docs/alarms.md "Procedures"): supervisors edit them, operators read an
// alarm's steps and tick them. Thin: validate, authorise (declared action; the commune is checked
// by the service), one service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import {
  alarmStepsViewSchema,
  procedureCreateSchema,
  procedureListQuerySchema,
  procedurePatchSchema,
  procedureViewSchema,
  stepTickSchema,
} from './alarms.procedures.schemas.ts';
import type { ProceduresService } from './alarms.procedures.service.ts';

const tags = ['alarms'];
const idParams = z.object({ id: z.string().max(100) });
const stepParams = z.object({ id: z.string().max(100), stepId: z.string().max(40) });

export const proceduresRoutes: FastifyPluginAsync<{ service: ProceduresService }> = async (app, { service }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/alarm-procedures',
    {
      config: { access: 'alarm.read' },
      schema: {
        tags,
        summary: 'Fiches réflexes par type et site / procedures per type and site',
        querystring: procedureListQuerySchema,
        response: { 200: z.array(procedureViewSchema) },
      },
    },
    (request) => service.list(requirePrincipal(request), request.query),
  );

  routes.get(
    '/api/alarm-procedures/:id',
    {
      config: { access: 'alarm.read' },
      schema: { tags, summary: 'Une fiche réflexe / one procedure', params: idParams, response: { 200: procedureViewSchema } },
    },
    (request) => service.get(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/alarm-procedures',
    {
      config: { access: 'alarm.procedure.write' },
      schema: { tags, summary: 'Créer une fiche réflexe / create a procedure', body: procedureCreateSchema, response: { 201: procedureViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.body, actingOf(request))),
  );

  routes.patch(
    '/api/alarm-procedures/:id',
    {
      config: { access: 'alarm.procedure.write' },
      schema: {
        tags,
        summary: 'Modifier une fiche réflexe (nouvelle version) / edit a procedure (new version)',
        params: idParams,
        body: procedurePatchSchema,
        response: { 200: procedureViewSchema },
      },
    },
    (request) => service.update(request.params.id, request.body, actingOf(request)),
  );

  routes.delete(
    '/api/alarm-procedures/:id',
    {
      config: { access: 'alarm.procedure.write' },
      schema: { tags, summary: 'Supprimer une fiche réflexe / delete a procedure', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await service.remove(request.params.id, actingOf(request));
      return reply.status(204).send(null);
    },
  );

  routes.get(
    '/api/alarms/:id/steps',
    {
      config: { access: 'alarm.read' },
      schema: {
        tags,
        summary: 'Étapes de la fiche réflexe d’une alarme / an alarm’s procedure steps',
        params: idParams,
        response: { 200: alarmStepsViewSchema },
      },
    },
    (request) => service.steps(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/alarms/:id/steps/:stepId',
    {
      config: { access: 'alarm.handle' },
      schema: {
        tags,
        summary: 'Cocher une étape / tick a step',
        params: stepParams,
        body: stepTickSchema,
        response: { 200: alarmStepsViewSchema },
      },
    },
    (request) => service.tick(request.params.id, request.params.stepId, request.body, actingOf(request)),
  );
};
