// The operators' queue and the intake sources over HTTP. Thin: validate, authorise (declared
// action; the commune is checked by the service), one service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { alarmTypeCodes, alarmTypes, outcomeCodes, outcomes, priorities, stateLabels, transitions, type AlarmAction } from './alarms.catalogue.ts';
import type { MqttIntakeStatus } from './alarms.mqtt.ts';
import {
  alarmCloseSchema,
  alarmCommentSchema,
  alarmListQuerySchema,
  alarmViewSchema,
  receiptViewSchema,
  sourceCreateSchema,
  sourceViewSchema,
  sourceWithTokenSchema,
} from './alarms.schemas.ts';
import type { AlarmsService } from './alarms.service.ts';

const tags = ['alarms'];
const idParams = z.object({ id: z.string().max(100) });
const labelled = z.object({ code: z.string(), fr: z.string(), en: z.string() });
const catalogueSchema = z.object({
  types: z.array(labelled.extend({ priority: z.number().int(), technical: z.boolean() })),
  states: z.array(labelled),
  outcomes: z.array(labelled),
});
const countersSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.record(z.string(), z.number().int()),
  mqtt: z.object({ configured: z.boolean(), connected: z.boolean(), lastError: z.string().nullable() }),
});

export const alarmsRoutes: FastifyPluginAsync<{ service: AlarmsService; mqttStatus: () => MqttIntakeStatus }> = async (app, { service, mqttStatus }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/alarms',
    {
      config: { access: 'alarm.read' },
      schema: {
        tags,
        summary: 'File des alarmes (priorité puis ancienneté) / alarm queue (priority then age)',
        querystring: alarmListQuerySchema,
        response: { 200: z.array(alarmViewSchema) },
      },
    },
    (request) => service.list(requirePrincipal(request), request.query),
  );

  routes.get(
    '/api/alarms/catalogue',
    {
      config: { access: 'alarm.read' },
      schema: { tags, summary: 'Types, états et issues des alarmes / alarm types, states, outcomes', response: { 200: catalogueSchema } },
    },
    () => ({
      types: alarmTypeCodes.map((code) => ({
        code,
        fr: alarmTypes[code].fr,
        en: alarmTypes[code].en,
        priority: priorities[alarmTypes[code].priority],
        technical: alarmTypes[code].technical,
      })),
      states: Object.entries(stateLabels).map(([code, label]) => ({ code, ...label })),
      outcomes: outcomeCodes.map((code) => ({ code, ...outcomes[code] })),
    }),
  );

  routes.get(
    '/api/alarms/:id',
    {
      config: { access: 'alarm.read' },
      schema: {
        tags,
        summary: 'Une alarme et ses réceptions / one alarm and its receipts',
        params: idParams,
        response: { 200: alarmViewSchema.extend({ receipts: z.array(receiptViewSchema) }) },
      },
    },
    (request) => service.get(request.params.id, requirePrincipal(request)),
  );

  for (const action of Object.keys(transitions) as AlarmAction[]) {
    const body = action === 'close' ? alarmCloseSchema : alarmCommentSchema;
    routes.post(
      `/api/alarms/:id/${action}`,
      {
        config: { access: 'alarm.handle' },
        schema: { tags, summary: `Alarme : ${action} / alarm: ${action}`, params: idParams, body, response: { 200: alarmViewSchema } },
      },
      (request) => service.act(request.params.id, action, request.body as z.infer<typeof alarmCloseSchema>, actingOf(request)),
    );
  }

  routes.get(
    '/api/alarm-sources',
    {
      config: { access: 'alarm.source.read' },
      schema: { tags, summary: 'Sources d’alarmes / alarm sources', response: { 200: z.array(sourceViewSchema) } },
    },
    (request) => service.sources(requirePrincipal(request)),
  );

  routes.get(
    '/api/alarm-sources/counters',
    {
      config: { access: 'alarm.source.read' },
      schema: { tags, summary: 'Réceptions acceptées, en double, refusées / intake counters', response: { 200: countersSchema } },
    },
    () => ({ ...service.intakeCounters(), mqtt: mqttStatus() }),
  );

  routes.post(
    '/api/alarm-sources',
    {
      config: { access: 'alarm.source.write' },
      schema: {
        tags,
        summary: 'Déclarer une source (jeton montré une fois) / declare a source (token shown once)',
        body: sourceCreateSchema,
        response: { 201: sourceWithTokenSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createSource(request.body, actingOf(request))),
  );

  for (const change of ['token', 'enable', 'disable'] as const) {
    routes.post(
      `/api/alarm-sources/:id/${change}`,
      {
        config: { access: 'alarm.source.write' },
        schema: { tags, summary: `Source d’alarmes : ${change} / alarm source: ${change}`, params: idParams, response: { 200: sourceWithTokenSchema } },
      },
      (request) => service.changeSource(request.params.id, change, actingOf(request)),
    );
  }
};
