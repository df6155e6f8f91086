// The alarm webhook: POST /api/alarms/intake/:sourceId with the source's bearer token and the
// documented JSON (docs/alarms.md). Public as far as sessions go: the token is the source's own,
// checked here. 201 once stored, 200 for a resend of a stored event id (same alarm), each only
// after the commit; a refusal is counted and logged and changes nothing. Rate-limited per source.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import { parsePayload, type AlarmIntake } from './alarms.intake.ts';
import type { SourceRow } from './alarms.repository.ts';
import { alarmPayloadSchema, intakeResultSchema, maxPayloadBytes } from './alarms.schemas.ts';

export const alarmIntakeRoutes: FastifyPluginAsync<{ intake: AlarmIntake; perSourcePerMinute: number }> = async (app, { intake, perSourcePerMinute }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const sources = new WeakMap<FastifyRequest, SourceRow>();
  const sourceIdOf = (request: FastifyRequest) => String((request.params as { sourceId?: unknown }).sourceId ?? '');

  // Every refusal on this route (token, rate, size, JSON, schema) is counted and logged.
  app.addHook('onError', async (request, _reply, error) => {
    const code =
      error instanceof DomainError ? error : new DomainError((error as { statusCode?: number }).statusCode === 429 ? 'rate_limited' : 'alarm_payload_invalid');
    intake.rejected('webhook', sourceIdOf(request), code);
  });

  routes.post(
    '/api/alarms/intake/:sourceId',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: perSourcePerMinute,
          timeWindow: '1 minute',
          keyGenerator: (request: FastifyRequest) => `alarm-source:${sourceIdOf(request)}`,
          errorResponseBuilder: (_request: FastifyRequest, context: { max: number; ttl: number }) => ({
            statusCode: 429,
            message: `${context.max} alarms per minute for one source; retry in ${Math.ceil(context.ttl / 1000)} s`,
          }),
        },
      },
      bodyLimit: maxPayloadBytes,
      // Refused in the documented shape by the handler (alarm_payload_invalid), after the token.
      attachValidation: true,
      onRequest: async (request) => {
        sources.set(request, await intake.authenticate(sourceIdOf(request), request.headers.authorization));
      },
      schema: {
        tags: ['alarms'],
        summary: 'Réception d’une alarme (webhook, jeton de la source) / alarm intake (webhook, source token)',
        params: z.object({ sourceId: z.string().max(40) }),
        body: alarmPayloadSchema,
        response: { 200: intakeResultSchema, 201: intakeResultSchema },
      },
    },
    async (request, reply) => {
      const source = sources.get(request);
      if (!source) throw new DomainError('alarm_source_unauthenticated');
      const payload = parsePayload(request.body);
      const result = await intake.receive(source, { channel: 'webhook', payload, raw: JSON.stringify(request.body) });
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );
};
