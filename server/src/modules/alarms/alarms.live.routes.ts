// The live queue's WebSocket (docs/alarms.md "Live channel"): `GET /api/alarms/live`, upgraded.
// The security hook has checked the session cookie and `alarm.read` before the upgrade (a refusal
// is told in-band, then closed); a page of another origin is refused (cross-site WebSocket
// hijacking). The session is checked again at each heartbeat (alarms.live.ts).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors.ts';
import { requirePrincipal } from '../../platform/http/context.ts';
import { sessionCookie } from '../../platform/http/security.ts';
import { sameOrigin } from '../../platform/http/websocket.ts';
import type { Principal } from '../access/index.ts';
import { type AlarmsLive, closeRefused } from './alarms.live.ts';

/** What the live queue needs to re-check its reader's session (the auth module's session resolver). */
export interface AlarmSessions {
  resolve(token: string, options: { touch: boolean }): Promise<{ principal: Principal } | null>;
}

/**
 * The principal of the request's session as it stands now (null once signed out or expired).
 * Watching the queue is using the console: each check keeps the session's idle timer alive (as
 * the live video does), the absolute limit still ends it. A bearer token is checked at connect only.
 */
function currentPrincipalOf(sessions: AlarmSessions, request: FastifyRequest): () => Promise<Principal | null> {
  const token = request.cookies?.[sessionCookie];
  const principal = requirePrincipal(request);
  if (request.headers.authorization?.startsWith('Bearer ') || !token) return async () => principal;
  return async () => (await sessions.resolve(token, { touch: true }).catch(() => null))?.principal ?? null;
}

export const alarmsLiveRoutes: FastifyPluginAsync<{ live: AlarmsLive; sessions: AlarmSessions }> = async (app, { live, sessions }) => {
  app.addHook('onClose', async () => live.stop());
  app.get(
    '/api/alarms/live',
    {
      websocket: true,
      config: { access: 'alarm.read', refuseInBand: true },
      schema: { tags: ['alarms'], summary: 'File des alarmes en direct (WebSocket) / live alarm queue (WebSocket)' },
      onRequest: async (request) => {
        if (!sameOrigin(request))
          throw new DomainError('forbidden', { fr: 'Origine de la page refusée pour la file des alarmes.', en: 'Page origin refused for the alarm queue.' });
      },
    },
    (socket, request) =>
      request.refusal ? closeRefused(socket, request.refusal) : live.serve(socket, requirePrincipal(request), currentPrincipalOf(sessions, request)),
  );
};
