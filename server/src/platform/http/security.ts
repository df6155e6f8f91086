// One hook authenticates every request (session cookie or bearer token), checks CSRF on
// cookie-authenticated changes, and applies the route's declared access through the central
// policy. A route that declares no access makes start-up fail. The hook knows no module: it
// is given the resolvers of sessions and tokens and the policy's decision (app.ts passes the
// auth module's resolvers and the access module's `decide`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { parisDate } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { RequestPrincipal, RouteAccess, RouteAction, SessionInfo } from './context.ts';

/** The policy's answer for one principal and one action. */
export type AccessDecision = { allowed: true } | { allowed: false; error: DomainError };

export interface SecurityOptions<Principal extends RequestPrincipal = RequestPrincipal> {
  /** `touch: false` for automatic refreshes, which must not keep an idle session alive. */
  resolveSession(token: string, options: { touch: boolean }): Promise<{ principal: Principal; session: SessionInfo } | null>;
  resolveToken(token: string): Promise<Principal>;
  /** May this principal perform this action (centre-wide), today (YYYY-MM-DD, Paris)? */
  decide(principal: Principal, action: RouteAction, today: string): AccessDecision;
  clock: Clock;
  /** Called before a refusal by the policy is thrown (e.g. to audit refused image access). */
  onDenied?: (request: FastifyRequest, error: DomainError) => Promise<void>;
}

export const sessionCookie = 'vigie_session';
export const csrfHeader = 'x-csrf-token';
/** Marks a request the console makes by itself (polling): it does not reset the idle timer. */
export const backgroundHeader = 'x-vigie-background';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every route registered, with its declared access: read by the permission-matrix test. */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

export function registerSecurity<Principal extends RequestPrincipal>(app: FastifyInstance, options: SecurityOptions<Principal>): RegisteredRoute[] {
  const { clock, onDenied } = options;
  const registered: RegisteredRoute[] = [];
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);
  app.decorateRequest('refusal', null);

  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url.startsWith('/api/docs')) return; // the OpenAPI browser's own assets
    if (!access) throw new Error(`route ${methods.join(',')} ${route.url} declares no access (config.access)`);
    for (const method of methods) if (method !== 'HEAD') registered.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || access === 'public') return;
    const upgrading = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (!request.routeOptions.config.refuseInBand || !upgrading) return checkAccess(request, access);
    try {
      await checkAccess(request, access);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      request.refusal = error;
    }
  });

  async function checkAccess(request: FastifyRequest, access: Exclude<RouteAccess, 'public'>): Promise<void> {
    const authorization = request.headers.authorization;
    let principal: Principal;
    if (authorization?.startsWith('Bearer ')) {
      principal = await options.resolveToken(authorization.slice('Bearer '.length).trim());
      request.principal = principal;
    } else {
      const token = request.cookies?.[sessionCookie];
      const resolved = token ? await options.resolveSession(token, { touch: request.headers[backgroundHeader] !== '1' }) : null;
      if (!resolved) throw new DomainError('unauthenticated');
      if (unsafeMethods.has(request.method) && request.headers[csrfHeader] !== resolved.session.csrfToken) {
        throw new DomainError('csrf_failed');
      }
      principal = resolved.principal;
      request.principal = principal;
      request.session = resolved.session;
      if (resolved.session.stage !== 'full' && access !== 'pending') {
        throw new DomainError(resolved.session.stage === 'password' ? 'totp_required' : 'totp_enrolment_required');
      }
    }
    if (access === 'pending' || access === 'signed-in') return;
    const decision = options.decide(principal, access, parisDate(clock.now()));
    if (!decision.allowed) {
      await onDenied?.(request, decision.error);
      throw decision.error;
    }
  }
  return registered;
}
