// GET /api/health: is the database reachable, which version runs (public, for monitoring).
// GET /api/health/jobs: the periodic jobs of this process (last run, duration, last error), for
// an administrator.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { JobRegistry } from '../../platform/jobs.ts';
import { version } from '../../version.ts';
import type { HealthRepository } from './health.repository.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ dialect: z.enum(['sqlite', 'postgres']), reachable: z.boolean() }),
});

const jobSchema = z.object({
  name: z.string(),
  role: z.enum(['api', 'recorder', 'worker']),
  intervalMs: z.number(),
  running: z.boolean(),
  runs: z.number(),
  failures: z.number(),
  skipped: z.number().describe('ticks skipped because the previous run had not ended / tours sautés, exécution précédente en cours'),
  lastStartedAt: z.string().nullable(),
  lastDurationMs: z.number().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
});

export interface HealthRoutesOptions extends Record<string, unknown> {
  repository: HealthRepository;
  jobs: Pick<JobRegistry, 'status'>;
}

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { repository, jobs }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], summary: 'Health / état du service', response: { 200: healthSchema, 503: healthSchema } },
    },
    async (_request, reply) => {
      const reachable = await repository.reachable();
      return reply.status(reachable ? 200 : 503).send({ status: reachable ? 'ok' : 'degraded', version, database: { dialect: repository.dialect, reachable } });
    },
  );

  routes.get(
    '/api/health/jobs',
    {
      config: { access: 'health.read' },
      schema: {
        tags: ['health'],
        summary:
          'Tâches périodiques de ce processus (dernière exécution, durée, dernière erreur) / periodic jobs of this process (last run, duration, last error)',
        response: { 200: z.object({ jobs: z.array(jobSchema) }) },
      },
    },
    () => ({ jobs: jobs.status() }),
  );
};
