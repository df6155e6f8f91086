// What each request carries once authenticated, and what each route declares it needs.
import type { FastifyRequest } from 'fastify';
import type { Action, Principal } from '../../modules/access/policy.ts';
import type { Actor } from '../../modules/audit/audit.types.ts';

/**
 * Route access, declared on every route (`config: { access: ... }`); a route without one makes
 * start-up fail. 'public': no authentication; 'pending': a signed-in session that may still
 * owe its second factor (TOTP steps); 'signed-in': any fully authenticated principal;
 * otherwise the policy action the route performs.
 */
export type RouteAccess = 'public' | 'pending' | 'signed-in' | Action;

export interface SessionInfo {
  readonly idHash: string;
  readonly stage: 'password' | 'enrol' | 'full';
  readonly csrfToken: string;
}

import type { DomainError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /**
     * WebSocket routes: a refused request is still upgraded and told why in-band (then closed),
     * because a browser only logs "handshake failed" for an HTTP refusal and the page learns nothing.
     */
    refuseInBand?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    session: SessionInfo | null;
    /** Why the security hook refused a `refuseInBand` route (null when allowed). */
    refusal: DomainError | null;
  }
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route declared as authenticated but no principal was resolved');
  return request.principal;
}

export function actorOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  return {
    type: principal?.kind ?? 'user',
    id: principal?.id ?? null,
    login: principal?.login ?? null,
    ip: request.ip,
  };
}

export function preferredLanguage(request: FastifyRequest): 'fr' | 'en' {
  const header = String(request.headers['accept-language'] ?? '').trim().toLowerCase();
  return header.startsWith('en') ? 'en' : 'fr';
}

/** The acting principal and its audit identity, as services take them. */
export function actingOf(request: FastifyRequest): { actor: Actor; principal: Principal } {
  return { actor: actorOf(request), principal: requirePrincipal(request) };
}
