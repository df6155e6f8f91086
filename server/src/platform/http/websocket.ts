// WebSockets for every module (the live video, the alarm queue): @fastify/websocket registered
// once at the root (it listens to the server's `upgrade` event: a second registration would
// route each upgrade twice), and the same-origin check every WebSocket route makes, because a
// browser sends the session cookie along with a page of any origin (cross-site WebSocket hijacking).
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Clients send nothing but control frames and tiny messages: a small payload limit keeps sockets cheap to hold. */
export async function registerWebSockets(app: FastifyInstance): Promise<void> {
  await app.register(websocket, { options: { maxPayload: 4096 } });
}

/** Browsers always send Origin on a WebSocket: it must be this server (Host, or the proxy's X-Forwarded-Host). */
export function sameOrigin(request: Pick<FastifyRequest, 'headers' | 'host'>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser (bench, tools): the session cookie is still required
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const hosts = [request.headers.host, request.host].filter((host): host is string => typeof host === 'string').map((host) => host.toLowerCase());
  return hosts.includes(originHost);
}
