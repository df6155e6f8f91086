// Evidence packages over HTTP. Thin: validate, one service call, present; the service checks the
// requisition's commune and recipients, and audits.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { packageInputSchema, packageViewSchema } from './exports.schemas.ts';
import type { ExportsService } from './exports.service.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });

export const exportsRoutes: FastifyPluginAsync<{ exports: ExportsService }> = async (app, { exports }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Exports'];

  routes.post(
    '/api/requisitions/:id/exports',
    {
      config: { access: 'image.export' },
      schema: {
        tags,
        summary: 'Demander un paquet de preuve (construit en arrière-plan) / ask for an evidence package (built in the background)',
        params: idParams,
        body: packageInputSchema,
        response: { 202: packageViewSchema },
      },
    },
    async (request, reply) => reply.status(202).send(await exports.create(request.params.id, request.body, actingOf(request))),
  );

  routes.get(
    '/api/requisitions/:id/exports',
    {
      config: { access: 'requisition.read' },
      schema: {
        tags,
        summary: 'Paquets de preuve d’une réquisition / evidence packages of a requisition',
        params: idParams,
        response: { 200: z.array(packageViewSchema) },
      },
    },
    (request) => exports.listOf(request.params.id, requirePrincipal(request)),
  );

  routes.get(
    '/api/exports/:id',
    {
      config: { access: 'requisition.read' },
      schema: {
        tags,
        summary: 'État, progression et résumé du journal / state, progress and journal summary',
        params: idParams,
        response: { 200: packageViewSchema },
      },
    },
    (request) => exports.get(request.params.id, requirePrincipal(request)),
  );

  routes.get(
    '/api/exports/:id/download',
    {
      config: { access: 'requisition.read' },
      schema: {
        tags,
        summary: 'Télécharger le ZIP (destinataires de la réquisition ; journalisé) / download the ZIP (recipients only; audited)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const download = await exports.download(request.params.id, actingOf(request));
      return reply
        .type('application/zip')
        .header('content-length', download.bytes)
        .header('content-disposition', `attachment; filename="${download.name}"`)
        .header('x-vigie-sha256', download.sha256)
        .header('cache-control', 'no-store')
        .send(download.open());
    },
  );
};
