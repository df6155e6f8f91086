// The logbook, the incident report and the chief's figures over HTTP. Thin: validate, authorise
// (declared action; the commune is checked by the service), one service call, present.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { IncidentReports } from './logbook.incidents.ts';
import {
  figuresQuerySchema,
  figuresSchema,
  logbookEntryInputSchema,
  logbookEntryViewSchema,
  logbookQuerySchema,
  logbookTypeLabels,
  logbookTypes,
  logbookVerifySchema,
} from './logbook.schemas.ts';
import type { LogbookService } from './logbook.service.ts';

const tags = ['logbook'];

export const logbookRoutes: FastifyPluginAsync<{ logbook: LogbookService; incidents: IncidentReports }> = async (app, { logbook, incidents }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/logbook',
    {
      config: { access: 'logbook.read' },
      schema: {
        tags,
        summary: 'Main courante : recherche (commune, type, période, texte, alarme) / logbook search',
        querystring: logbookQuerySchema,
        response: { 200: z.array(logbookEntryViewSchema) },
      },
    },
    (request) => logbook.search(request.query, requirePrincipal(request)),
  );

  routes.get(
    '/api/logbook/types',
    {
      config: { access: 'logbook.read' },
      schema: {
        tags,
        summary: 'Types d’entrées / entry types',
        response: { 200: z.array(z.object({ code: z.enum(logbookTypes), fr: z.string(), en: z.string() })) },
      },
    },
    () => logbookTypes.map((code) => ({ code, ...logbookTypeLabels[code] })),
  );

  routes.post(
    '/api/logbook',
    {
      config: { access: 'logbook.write' },
      schema: {
        tags,
        summary: 'Écrire une entrée (ou la correction d’une entrée) / write an entry (or a correction)',
        body: logbookEntryInputSchema,
        response: { 201: logbookEntryViewSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await logbook.write(request.body, actingOf(request))),
  );

  routes.get(
    '/api/logbook/export.csv',
    {
      config: { access: 'logbook.read' },
      schema: { tags, summary: 'Main courante en CSV (tableur français) / logbook as CSV', querystring: logbookQuerySchema },
    },
    async (request, reply) => {
      const csv = await logbook.export('csv', request.query, actingOf(request));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="main-courante.csv"').send(csv);
    },
  );

  routes.get(
    '/api/logbook/export.pdf',
    {
      config: { access: 'logbook.read' },
      schema: { tags, summary: 'Main courante en PDF (heure de Paris) / logbook as PDF', querystring: logbookQuerySchema },
    },
    async (request, reply) => {
      const pdf = await logbook.export('pdf', request.query, actingOf(request));
      return reply.type('application/pdf').header('content-disposition', 'attachment; filename="main-courante.pdf"').send(pdf);
    },
  );

  routes.get(
    '/api/logbook/verify',
    {
      config: { access: 'audit.verify' },
      schema: { tags, summary: 'Vérifier la chaîne de la main courante / verify the logbook chain', response: { 200: logbookVerifySchema } },
    },
    (request) => logbook.verifyAudited(actingOf(request)),
  );

  routes.get(
    '/api/alarms/figures',
    {
      config: { access: 'alarm.figures' },
      schema: {
        tags,
        summary: 'Indicateurs du chef de CSU (délai d’acquittement p80 / p98,5, fausses alarmes, alarmes ouvertes) / figures',
        querystring: figuresQuerySchema,
        response: { 200: figuresSchema },
      },
    },
    (request) => incidents.figures(request.query, requirePrincipal(request)),
  );

  routes.get(
    '/api/alarms/:id/report.pdf',
    {
      config: { access: 'logbook.read' },
      schema: { tags, summary: 'Rapport d’incident d’une alarme (PDF) / incident report', params: z.object({ id: z.string().min(1).max(100) }) },
    },
    async (request, reply) => {
      const pdf = await incidents.reportPdf(request.params.id, actingOf(request));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="rapport-incident-${encodeURIComponent(request.params.id)}.pdf"`)
        .send(pdf);
    },
  );
};
