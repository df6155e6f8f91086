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

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    session: SessionInfo | null;
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
