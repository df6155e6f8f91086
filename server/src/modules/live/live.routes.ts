// Live API (the shared HTTP contract): the WebSocket of fragmented MP4, the HLS fallback, the
// current still, the live status. Thin: validate, authorise (declared action; the security hook
// has checked the session cookie, the second factor and the policy before any upgrade), one
// service call. The WebSocket also refuses a browser page of another origin (cross-site
// WebSocket hijacking: cookies would otherwise be sent along).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import { actingOf, requirePrincipal } from '../../platform/http/context.ts';
import { sessionCookie } from '../../platform/http/security.ts';
import { sameOrigin } from '../../platform/http/websocket.ts';
import type { Principal } from '../access/index.ts';
import type { LiveService } from './live.service.ts';
import { MAX_REASON_LENGTH } from './live.rules.ts';
import { closeWithError, serveLiveSocket } from './ws-viewer.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const viewingQuery = z.object({
  stream: z.enum(['auto', 'main', 'sub']).default('auto'),
  reason: z.string().max(MAX_REASON_LENGTH).optional(),
  transcode: z.enum(['h264']).optional(),
});
const hlsFileQuery = z.object({ h: z.string().uuid() });
const segmentParams = idParams.extend({ segment: z.string().regex(/^\d{1,9}\.m4s$/, '<number>.m4s') });
const liveStatusSchema = z.object({
  cameras: z.array(z.object({ cameraId: z.string(), viewers: z.number(), sources: z.number(), cameraConnections: z.number() })),
  totals: z.object({ cameraConnections: z.number(), viewers: z.number(), sources: z.number() }),
});

/**
 * The principal of the request's session cookie as it stands now (null once signed out or
 * expired). Watching live is using the console: each check keeps the session's idle timer
 * alive, so an operator watching a wall for half an hour is not signed out; the absolute
 * limit (12 h by default) still ends it.
 */
function sessionPrincipal(services: LiveRoutesOptions['services'], request: FastifyRequest): () => Promise<Principal | null> {
  const token = request.cookies?.[sessionCookie];
  return async () => (token ? ((await services.sessions.resolve(token, { touch: true }).catch(() => null))?.principal ?? null) : null);
}

function userSessionOf(request: FastifyRequest): string {
  if (!request.session) throw new DomainError('unauthenticated');
  return request.session.idHash;
}

/** What a live socket needs to re-check its viewer's session (the auth module's session resolver). */
export interface LiveSessions {
  resolve(token: string, options: { touch: boolean }): Promise<{ principal: Principal } | null>;
}

export interface LiveRoutesOptions extends Record<string, unknown> {
  services: { live: LiveService; sessions: LiveSessions };
}

export const liveRoutes: FastifyPluginAsync<LiveRoutesOptions> = async (app, { services }) => {
  app.addHook('onClose', async () => services.live.stop());
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['live'];

  routes.get(
    '/api/cameras/:id/live/ws',
    {
      websocket: true,
      config: { access: 'image.live', refuseInBand: true },
      schema: { tags, summary: 'Direct en MP4 fragmenté par WebSocket / live fragmented MP4 over WebSocket', params: idParams, querystring: viewingQuery },
      onRequest: async (request) => {
        if (!sameOrigin(request))
          throw new DomainError('forbidden', { fr: 'Origine de la page refusée pour le direct.', en: 'Page origin refused for live viewing.' });
      },
    },
    (socket, request) =>
      request.refusal
        ? closeWithError(socket, request.refusal)
        : serveLiveSocket(
            socket,
            services.live,
            {
              cameraId: request.params.id,
              ...request.query,
              transport: 'websocket',
              currentPrincipal: sessionPrincipal(services, request),
            },
            actingOf(request),
          ),
  );

  routes.get(
    '/api/cameras/:id/live/hls/index.m3u8',
    {
      config: { access: 'image.live' },
      schema: { tags, summary: 'Direct HLS de secours (liste de lecture) / live HLS fallback playlist', params: idParams, querystring: viewingQuery },
    },
    async (request, reply) => {
      const playlist = await services.live.hls.playlist({ cameraId: request.params.id, ...request.query }, userSessionOf(request), actingOf(request));
      return reply.type('application/vnd.apple.mpegurl').header('cache-control', 'no-store').send(playlist);
    },
  );

  routes.get(
    '/api/cameras/:id/live/hls/init.mp4',
    {
      config: { access: 'image.live' },
      schema: { tags, summary: 'Segment d’initialisation HLS / HLS init segment', params: idParams, querystring: hlsFileQuery },
    },
    (request, reply) =>
      reply
        .type('video/mp4')
        .header('cache-control', 'no-store')
        .send(services.live.hls.init(request.params.id, request.query.h, userSessionOf(request))),
  );

  routes.get(
    '/api/cameras/:id/live/hls/:segment',
    {
      config: { access: 'image.live' },
      schema: { tags, summary: 'Segment HLS du direct / live HLS segment', params: segmentParams, querystring: hlsFileQuery },
    },
    (request, reply) => {
      const sequence = Number.parseInt(request.params.segment, 10);
      return reply
        .type('video/iso.segment')
        .header('cache-control', 'no-store')
        .send(services.live.hls.segment(request.params.id, request.query.h, userSessionOf(request), sequence));
    },
  );

  routes.get(
    '/api/cameras/:id/still.jpg',
    {
      config: { access: 'image.live' },
      schema: {
        tags,
        summary: 'Image actuelle (JPEG, masques appliqués, journalisée) / current picture',
        params: idParams,
        querystring: viewingQuery.pick({ reason: true }),
      },
    },
    async (request, reply) => {
      const jpeg = await services.live.still(request.params.id, request.query.reason, actingOf(request));
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
    },
  );

  routes.get(
    '/api/live/status',
    {
      config: { access: 'image.live' },
      schema: {
        tags,
        summary: 'Spectateurs, sources et connexions caméra du direct / live viewers and camera connections',
        response: { 200: liveStatusSchema },
      },
    },
    (request) => services.live.status(requirePrincipal(request)),
  );
};
