// CAP 1.2 over HTTP (docs/alarms.md "CAP 1.2"): the push intake
// `POST /api/alarms/cap/:sourceId` (the CAP source's bearer token, application/cap+xml or
// application/xml, 256 KiB at most; 201 once stored, 200 for a message already stored, each only
// after the commit; 400 `cap_invalid` with the rule broken, counted, nothing stored), and the
// Atom feed a CAP source polls. Thin: validate, authorise, one call.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import type { CapFeeds } from './alarms.cap.feed.ts';
import type { CapIntake } from './alarms.cap.intake.ts';
import { capFeedSetSchema, capFeedViewSchema, capResultSchema } from './alarms.cap.schemas.ts';
import { maxCapBytes } from './alarms.cap.ts';
import type { AlarmIntake } from './alarms.intake.ts';
import type { SourceRow } from './alarms.repository.ts';

const tags = ['alarms'];
const idParams = z.object({ id: z.string().max(100) });

export const capRoutes: FastifyPluginAsync<{ intake: AlarmIntake; cap: CapIntake; feeds: CapFeeds; perSourcePerMinute: number }> = async (
  app,
  { intake, cap, feeds, perSourcePerMinute },
) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const sources = new WeakMap<FastifyRequest, SourceRow>();
  const sourceIdOf = (request: FastifyRequest) => String((request.params as { sourceId?: unknown }).sourceId ?? '');
  // The document is read as text; the parser (alarms.cap.ts) checks it.
  app.addContentTypeParser(['application/cap+xml', 'application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: maxCapBytes }, (_request, body, done) =>
    done(null, body),
  );

  routes.post(
    '/api/alarms/cap/:sourceId',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: perSourcePerMinute,
          timeWindow: '1 minute',
          keyGenerator: (request: FastifyRequest) => `alarm-cap:${sourceIdOf(request)}`,
        },
      },
      bodyLimit: maxCapBytes,
      onRequest: async (request) => {
        try {
          sources.set(request, await intake.authenticate(sourceIdOf(request), request.headers.authorization, 'cap'));
        } catch (error) {
          intake.rejected('cap', sourceIdOf(request), error);
          throw error;
        }
      },
      schema: {
        tags,
        summary: 'Réception d’un message CAP 1.2 (jeton de la source) / CAP 1.2 push intake (source token)',
        params: z.object({ sourceId: z.string().max(40) }),
        response: { 200: capResultSchema, 201: capResultSchema },
      },
    },
    async (request, reply) => {
      const source = sources.get(request);
      if (!source) throw new DomainError('alarm_source_unauthenticated');
      if (typeof request.body !== 'string')
        throw new DomainError('unsupported_media_type', { details: { accepted: ['application/cap+xml', 'application/xml'] } });
      const result = await cap.receive(source, request.body, 'push');
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );

  routes.get(
    '/api/alarm-sources/:id/cap-feed',
    {
      config: { access: 'alarm.source.read' },
      schema: { tags, summary: 'Flux Atom d’une source CAP / a CAP source’s Atom feed', params: idParams, response: { 200: capFeedViewSchema } },
    },
    (request) => feeds.get(request.params.id, requirePrincipal(request)),
  );

  routes.put(
    '/api/alarm-sources/:id/cap-feed',
    {
      config: { access: 'alarm.source.write' },
      schema: {
        tags,
        summary: 'Définir le flux Atom d’une source CAP / set a CAP source’s Atom feed',
        params: idParams,
        body: capFeedSetSchema,
        response: { 200: capFeedViewSchema },
      },
    },
    (request) => feeds.set(request.params.id, request.body.url, actingOf(request)),
  );

  routes.delete(
    '/api/alarm-sources/:id/cap-feed',
    {
      config: { access: 'alarm.source.write' },
      schema: { tags, summary: 'Retirer le flux Atom d’une source CAP / remove a CAP source’s feed', params: idParams },
    },
    async (request, reply) => {
      await feeds.remove(request.params.id, actingOf(request));
      return reply.status(204).send();
    },
  );
};
