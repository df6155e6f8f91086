// Review hours and handovers of requisitions over HTTP. Thin: validate, one service call,
// present; the services check the commune, the role and the state, and audit.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { acknowledgementInputSchema, handoverInputSchema, handoverViewSchema, type Handovers } from './requisitions.handovers.ts';
import { manualReviewInputSchema, reviewableQuerySchema, reviewableViewSchema, reviewTimeViewSchema, type ReviewTime } from './requisitions.review.ts';
import { MAX_DOCUMENT_BYTES } from './requisitions.schemas.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });
const handoverParams = idParams.extend({ handoverId: z.string().min(1).max(64) });

export const followupRoutes: FastifyPluginAsync<{ review: ReviewTime; handovers: Handovers }> = async (app, { review, handovers }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Requisitions'];

  routes.get(
    '/api/requisitions/reviewable',
    {
      config: { access: 'requisition.read' },
      schema: {
        tags,
        summary: 'Réquisitions ouvertes à la relecture de cette caméra (choix du motif) / open requisitions asking for a camera',
        querystring: reviewableQuerySchema,
        response: { 200: z.array(reviewableViewSchema) },
      },
    },
    (request) => review.reviewableFor(request.query.cameraId, requirePrincipal(request)),
  );

  routes.get(
    '/api/requisitions/:id/review-time',
    {
      config: { access: 'requisition.read' },
      schema: { tags, summary: 'Heures de relecture (automatiques et manuelles) / review time', params: idParams, response: { 200: reviewTimeViewSchema } },
    },
    (request) => review.get(request.params.id, requirePrincipal(request)),
  );

  routes.post(
    '/api/requisitions/:id/review-time',
    {
      config: { access: 'requisition.review_time' },
      schema: {
        tags,
        summary: 'Ajouter du temps de relecture (journalisé, jamais modifié : une correction est une nouvelle entrée) / add review time',
        params: idParams,
        body: manualReviewInputSchema,
        response: { 201: reviewTimeViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await review.addManual(request.params.id, request.body, actingOf(request))),
  );

  routes.get(
    '/api/requisitions/:id/handovers',
    {
      config: { access: 'requisition.read' },
      schema: { tags, summary: 'Remises de la réquisition / handovers', params: idParams, response: { 200: z.array(handoverViewSchema) } },
    },
    (request) => handovers.list(request.params.id, actingOf(request)),
  );

  routes.post(
    '/api/requisitions/:id/handovers',
    {
      config: { access: 'requisition.handover' },
      schema: {
        tags,
        summary: 'Enregistrer une remise (support, destinataire, date) / record a handover',
        params: idParams,
        body: handoverInputSchema,
        response: { 201: handoverViewSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await handovers.create(request.params.id, request.body, actingOf(request))),
  );

  routes.get(
    '/api/requisitions/:id/handovers/:handoverId/receipt.pdf',
    {
      config: { access: 'requisition.read' },
      schema: { tags, summary: 'Récépissé de remise à signer (PDF, journalisé) / handover receipt', params: handoverParams },
    },
    async (request, reply) => {
      const pdf = await handovers.receipt(request.params.id, request.params.handoverId, actingOf(request));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="recepisse-remise-${request.params.handoverId}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );

  routes.post(
    '/api/requisitions/:id/handovers/:handoverId/acknowledgement',
    {
      config: { access: 'requisition.read' },
      bodyLimit: Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4 + 64 * 1024,
      schema: {
        tags,
        summary: 'Accuser réception (policier destinataire) ou joindre le récépissé signé / acknowledge a handover',
        params: handoverParams,
        body: acknowledgementInputSchema,
        response: { 200: handoverViewSchema },
      },
    },
    (request) => handovers.acknowledge(request.params.id, request.params.handoverId, request.body, actingOf(request)),
  );
};
