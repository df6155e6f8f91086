// The yearly statistics over HTTP. Thin: validate, one service call, present; the service checks
// communes and audits.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { importLimits } from './statistics.import.ts';
import {
  importResultSchema,
  offenceInputSchema,
  offenceListQuerySchema,
  offenceViewSchema,
  statisticsQuerySchema,
  statisticsViewSchema,
} from './statistics.schemas.ts';
import type { StatisticsService } from './statistics.service.ts';

export const statisticsRoutes: FastifyPluginAsync<{ statistics: StatisticsService }> = async (app, { statistics }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Statistics'];

  routes.post(
    '/api/offences',
    {
      config: { access: 'offence.record' },
      schema: {
        tags,
        summary: 'Consigner un fait constaté / record an offence seen on camera',
        body: offenceInputSchema,
        response: { 201: offenceViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await statistics.recordOffence(request.body, actingOf(request))),
  );

  routes.get(
    '/api/offences',
    {
      config: { access: 'offence.read' },
      schema: {
        tags,
        summary: 'Faits constatés de vos communes / offences in scope',
        querystring: offenceListQuerySchema,
        response: { 200: z.array(offenceViewSchema) },
      },
    },
    (request) => statistics.listOffences(request.query, requirePrincipal(request)),
  );

  routes.get(
    '/api/statistics',
    {
      config: { access: 'statistics.read' },
      schema: {
        tags,
        summary: 'Statistiques annuelles par commune, service et indicateur / yearly statistics',
        querystring: statisticsQuerySchema,
        response: { 200: statisticsViewSchema },
      },
    },
    (request) => statistics.statistics(request.query, requirePrincipal(request)),
  );

  routes.get(
    '/api/statistics/export.csv',
    {
      config: { access: 'statistics.read' },
      schema: { tags, summary: 'Statistiques en CSV (tableur français) / statistics as CSV', querystring: statisticsQuerySchema },
    },
    async (request, reply) => {
      const csv = await statistics.exportCsv(request.query, actingOf(request));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="statistiques-csu.csv"').send(csv);
    },
  );

  routes.get(
    '/api/statistics/export.pdf',
    {
      config: { access: 'statistics.read' },
      schema: { tags, summary: 'Statistiques en PDF (graphiques et tableaux) / statistics as PDF', querystring: statisticsQuerySchema },
    },
    async (request, reply) => {
      const pdf = await statistics.exportPdf(request.query, actingOf(request));
      return reply.type('application/pdf').header('content-disposition', 'attachment; filename="statistiques-csu.pdf"').send(pdf);
    },
  );

  routes.post(
    '/api/statistics/import',
    {
      config: { access: 'statistics.import' },
      bodyLimit: importLimits.bytes + 1024,
      schema: {
        tags,
        summary: 'Importer des années passées (CSV année;commune;service;indicateur;valeur, tout ou rien) / import past years',
        consumes: ['text/csv'],
        body: z.string(),
        response: { 200: importResultSchema },
      },
    },
    (request) => statistics.importCsv(request.body, actingOf(request)),
  );
};
