// Requisitions over HTTP. Thin: validate, one service call, present; the service checks the
// commune, the filer and the state, and audits.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { RequisitionDocuments } from './requisitions.documents.ts';
import {
  documentInputSchema,
  documentViewSchema,
  MAX_DOCUMENT_BYTES,
  requisitionDetailSchema,
  requisitionInputSchema,
  requisitionListQuerySchema,
  requisitionPatchSchema,
  requisitionViewSchema,
  transitionInputSchema,
} from './requisitions.schemas.ts';
import type { RequisitionsService } from './requisitions.service.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });
const versionParams = idParams.extend({ version: z.coerce.number().int().min(1).max(10_000) });

export const requisitionsRoutes: FastifyPluginAsync<{ requisitions: RequisitionsService; documents: RequisitionDocuments }> = async (
  app,
  { requisitions, documents },
) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Requisitions'];

  routes.get(
    '/api/requisitions',
    {
      config: { access: 'requisition.read' },
      schema: {
        tags,
        summary: 'Réquisitions de vos communes (état, échéance, alertes) / requisitions in scope',
        querystring: requisitionListQuerySchema,
        response: { 200: z.array(requisitionViewSchema) },
      },
    },
    (request) => requisitions.list(request.query, requirePrincipal(request)),
  );

  routes.post(
    '/api/requisitions',
    {
      config: { access: 'requisition.file' },
      schema: {
        tags,
        summary: 'Déposer une réquisition (gèle les plages demandées) / file a requisition (holds its ranges)',
        body: requisitionInputSchema,
        response: { 201: requisitionDetailSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await requisitions.create(request.body, actingOf(request))),
  );

  routes.get(
    '/api/requisitions/:id',
    {
      config: { access: 'requisition.read' },
      schema: { tags, summary: 'Réquisition : historique, gels, plages / requisition detail', params: idParams, response: { 200: requisitionDetailSchema } },
    },
    (request) => requisitions.get(request.params.id, requirePrincipal(request)),
  );

  routes.patch(
    '/api/requisitions/:id',
    {
      config: { access: 'requisition.file' },
      schema: {
        tags,
        summary: 'Corriger une réquisition avant son résultat (champs envoyés seulement) / correct a requisition',
        params: idParams,
        body: requisitionPatchSchema,
        response: { 200: requisitionDetailSchema },
      },
    },
    (request) => requisitions.update(request.params.id, request.body, actingOf(request)),
  );

  routes.post(
    '/api/requisitions/:id/transitions',
    {
      config: { access: 'requisition.review' },
      schema: {
        tags,
        summary: 'Changer l’état (chef de CSU ; la clôture lève les gels sauf keepHolds) / change the state',
        params: idParams,
        body: transitionInputSchema,
        response: { 200: requisitionDetailSchema },
      },
    },
    (request) => requisitions.transition(request.params.id, request.body, actingOf(request)),
  );

  routes.post(
    '/api/requisitions/:id/documents',
    {
      config: { access: 'requisition.file' },
      // The document in base64: 10 MB become 13.4 MB of text.
      bodyLimit: Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4 + 64 * 1024,
      schema: {
        tags,
        summary: 'Joindre la réquisition scannée (PDF, PNG, JPEG ; scellée, une nouvelle version remplace) / attach the scan',
        params: idParams,
        body: documentInputSchema,
        response: { 201: documentViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await documents.add(request.params.id, request.body, actingOf(request))),
  );

  routes.get(
    '/api/requisitions/:id/documents/:version',
    {
      config: { access: 'requisition.read' },
      schema: { tags, summary: 'Télécharger une version du document (journalisé) / download a document version', params: versionParams },
    },
    async (request, reply) => {
      const document = await documents.read(request.params.id, request.params.version, actingOf(request));
      return reply
        .type(document.mediaType)
        .header('content-disposition', `attachment; filename="requisition-${request.params.id}-v${request.params.version}"`)
        .header('cache-control', 'no-store')
        .send(document.bytes);
    },
  );
};
