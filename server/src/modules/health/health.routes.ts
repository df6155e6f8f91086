// GET /api/health: is the database reachable, which version runs. Public, for monitoring.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import { version } from '../../version.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ dialect: z.enum(['sqlite', 'postgres']), reachable: z.boolean() }),
});

export function registerHealthRoutes(app: FastifyInstance, deps: { database: DatabaseHandle }): void {
  app.get('/api/health', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Health / état du service', response: { 200: healthSchema, 503: healthSchema } },
  }, async (_request, reply) => {
    let reachable = true;
    try {
      await sql`select 1`.execute(deps.database.db);
    } catch {
      reachable = false;
    }
    return reply.status(reachable ? 200 : 503).send({ status: reachable ? 'ok' : 'degraded', version, database: { dialect: deps.database.dialect, reachable } });
  });
}
