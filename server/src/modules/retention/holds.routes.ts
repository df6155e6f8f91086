// Legal holds and the statutory register over HTTP.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AuditApi } from '../audit/index.ts';
import { holdReasonSchema, holdStatus, legalHoldInputSchema, procedureReferenceSchema, type LegalHoldsService } from './holds.ts';
import type { StatutoryRegister } from './register.ts';
import type { LegalHold, RegisterEntry, RegisterKind } from './retention.repository.ts';
import { holdListQuerySchema, holdViewSchema, registerEntrySchema, registerQuerySchema, registerVerifySchema } from './retention.schemas.ts';

const idParams = z.object({ id: z.string() });
const iso = (ms: number) => new Date(ms).toISOString();
const holdViewAt = (now: Date) => (hold: LegalHold) => {
  const { fromMs, toMs, ...rest } = hold;
  return { ...rest, from: iso(fromMs), to: iso(toMs), status: holdStatus(hold, now) };
};
const entryView = ({ fromMs, toMs, ...entry }: RegisterEntry) => ({ ...entry, from: iso(fromMs), to: iso(toMs) });

export const holdsRoutes: FastifyPluginAsync<{
  holds: LegalHoldsService;
  register: StatutoryRegister;
  audit: Pick<AuditApi, 'recordAlone'>;
  clock: Clock;
}> = async (app, { holds, register, audit, clock }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const holdView = (hold: LegalHold) => holdViewAt(clock.now())(hold);
  const tags = ['legal holds'];

  routes.get(
    '/api/holds',
    {
      config: { access: 'hold.read' },
      schema: { tags, summary: 'Gels d’images / legal holds', querystring: holdListQuerySchema, response: { 200: z.array(holdViewSchema) } },
    },
    async (request) => (await holds.list(request.query, requirePrincipal(request))).map(holdViewAt(clock.now())),
  );

  routes.get(
    '/api/holds/:id',
    {
      config: { access: 'hold.read' },
      schema: { tags, params: idParams, response: { 200: holdViewSchema } },
    },
    async (request) => holdView(await holds.get(request.params.id, requirePrincipal(request))),
  );

  routes.post(
    '/api/holds',
    {
      config: { access: 'image.export' },
      schema: { tags, summary: 'Geler des images (réquisition) / hold footage', body: legalHoldInputSchema, response: { 201: holdViewSchema } },
    },
    async (request, reply) => reply.status(201).send(holdView(await holds.create(request.body, actingOf(request)))),
  );

  routes.post(
    '/api/holds/:id/procedure-reference',
    {
      config: { access: 'image.export' },
      schema: {
        tags,
        summary: 'Numéro de procédure (le gel survit alors à la conservation) / procedure reference',
        params: idParams,
        body: z.object({ procedureReference: procedureReferenceSchema }).strict(),
        response: { 200: holdViewSchema },
      },
    },
    async (request) => holdView(await holds.setProcedureReference(request.params.id, request.body.procedureReference, actingOf(request))),
  );

  routes.post(
    '/api/holds/:id/confirm',
    {
      config: { access: 'hold.confirm' },
      schema: {
        tags,
        summary: 'Confirmer un gel avec son numéro de procédure (chef de CSU) / confirm a hold (supervisor)',
        params: idParams,
        body: z.object({ procedureReference: procedureReferenceSchema }).strict(),
        response: { 200: holdViewSchema },
      },
    },
    async (request) => holdView(await holds.confirm(request.params.id, request.body.procedureReference, actingOf(request))),
  );

  routes.post(
    '/api/holds/:id/review',
    {
      config: { access: 'hold.confirm' },
      schema: {
        tags,
        summary: 'Revue périodique d’un gel confirmé / periodic review of a confirmed hold',
        params: idParams,
        body: z.object({ note: holdReasonSchema }).strict(),
        response: { 200: holdViewSchema },
      },
    },
    async (request) => holdView(await holds.review(request.params.id, request.body.note, actingOf(request))),
  );

  routes.post(
    '/api/holds/:id/release',
    {
      config: { access: 'image.export' },
      schema: {
        tags,
        summary: 'Lever un gel / release a hold',
        params: idParams,
        body: z.object({ reason: holdReasonSchema }).strict(),
        response: { 200: holdViewSchema },
      },
    },
    async (request) => holdView(await holds.release(request.params.id, request.body.reason, actingOf(request))),
  );

  const registerTags = ['statutory register'];
  const filterOf = (query: z.infer<typeof registerQuerySchema>) => ({ ...query, kind: query.kind as RegisterKind | undefined });

  routes.get(
    '/api/register',
    {
      config: { access: 'register.read' },
      schema: {
        tags: registerTags,
        summary: 'Registre des enregistrements (R252-11) / statutory register',
        querystring: registerQuerySchema,
        response: { 200: z.array(registerEntrySchema) },
      },
    },
    async (request) => (await register.list(filterOf(request.query), requirePrincipal(request))).map(entryView),
  );

  routes.get(
    '/api/register/export.csv',
    {
      config: { access: 'register.read' },
      schema: { tags: registerTags, summary: 'Registre en CSV (tableur français) / register as CSV', querystring: registerQuerySchema },
    },
    async (request, reply) => {
      const csv = await register.exportCsv(filterOf(request.query), requirePrincipal(request));
      await audit.recordAlone(actingOf(request).actor, {
        action: 'register.exported',
        communeInsee: request.query.communeInsee ?? null,
        details: { filter: request.query },
      });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="registre-videoprotection.csv"').send(csv);
    },
  );

  routes.get(
    '/api/register/export.pdf',
    {
      config: { access: 'register.read' },
      schema: { tags: registerTags, summary: 'Registre en PDF (en-têtes français, heure de Paris) / register as PDF', querystring: registerQuerySchema },
    },
    async (request, reply) => {
      const pdf = await register.exportPdf(filterOf(request.query), requirePrincipal(request));
      await audit.recordAlone(actingOf(request).actor, {
        action: 'register.exported',
        communeInsee: request.query.communeInsee ?? null,
        details: { filter: request.query, format: 'pdf' },
      });
      return reply.type('application/pdf').header('content-disposition', 'attachment; filename="registre-videoprotection.pdf"').send(pdf);
    },
  );

  routes.get(
    '/api/register/verify',
    {
      config: { access: 'audit.verify' },
      schema: {
        tags: registerTags,
        summary: 'Vérifier la chaîne du registre (ligne modifiée ou supprimée) / verify the register chain',
        response: { 200: registerVerifySchema },
      },
    },
    async (request) => {
      const report = await register.verify(requirePrincipal(request));
      await audit.recordAlone(actingOf(request).actor, {
        action: 'register.verified',
        details: { ok: report.ok, rowsChecked: report.rowsChecked, problemCount: report.problemCount },
      });
      return report;
    },
  );
};
