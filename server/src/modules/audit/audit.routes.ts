// Audit search, CSV export and chain verification, for auditors and supervisors (in scope).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../platform/http/context.ts';
import type { AuditService } from './audit.service.ts';

const tags = ['audit'];
const searchSchema = z.object({
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  action: z.string().max(100).optional(),
  actorLogin: z.string().max(100).optional(),
  communeInsee: z.string().max(5).optional(),
  targetId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const recordSchema = z.object({
  seq: z.number(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLogin: z.string().nullable(),
  communeInsee: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  hash: z.string(),
});

const chainProblemSchema = z.object({ kind: z.string(), seq: z.number(), message: z.string() });

export const auditRoutes: FastifyPluginAsync<{ audit: AuditService }> = async (app, { audit }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const scopeOf = (request: Parameters<typeof requirePrincipal>[0]) => {
    const principal = requirePrincipal(request);
    return { allCommunes: principal.allCommunes, communes: principal.communes };
  };

  routes.get(
    '/api/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags,
        summary: 'Journal d’audit / audit log search',
        querystring: searchSchema,
        response: { 200: z.object({ records: z.array(recordSchema), total: z.number() }) },
      },
    },
    (request) => audit.search(request.query, scopeOf(request)),
  );

  routes.get(
    '/api/audit/export.csv',
    {
      config: { access: 'audit.export' },
      schema: { tags, summary: 'Export CSV du journal / CSV export', querystring: searchSchema.omit({ limit: true, offset: true }) },
    },
    async (request, reply) => {
      const csv = await audit.exportCsv(request.query, scopeOf(request));
      await audit.recordAlone(actorOf(request), { action: 'audit.exported', details: { filter: request.query } });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="vigie-audit.csv"').send(csv);
    },
  );

  routes.post(
    '/api/audit/verify',
    {
      config: { access: 'audit.verify' },
      schema: {
        tags,
        summary: 'Vérifier la chaîne de hachage / verify the hash chain',
        response: {
          200: z.object({
            ok: z.boolean(),
            rowsChecked: z.number(),
            firstSeq: z.number(),
            lastSeq: z.number(),
            problem: chainProblemSchema.nullable(),
            problems: z.array(chainProblemSchema),
            problemCount: z.number(),
            checkpointsChecked: z.number(),
            newestCheckpointAt: z.string().nullable(),
            warnings: z.array(z.string()),
          }),
        },
      },
    },
    (request) =>
      audit.verify().then(async (report) => {
        await audit.recordAlone(actorOf(request), {
          action: 'audit.verified',
          details: { ok: report.ok, rowsChecked: report.rowsChecked, checkpointsChecked: report.checkpointsChecked },
        });
        return report;
      }),
  );
};
