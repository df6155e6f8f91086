// What each request carries once authenticated, and what each route declares it needs. The
// platform knows only the shapes it uses; the access module completes them by declaration
// merging (its policy's actions and its Principal), as modules fill `VigieEvents`:
//
//   declare module '../../platform/http/context.ts' {
//     interface RouteActions extends Record<Action, true> {}
//     interface RequestPrincipal extends Principal {}
//   }
import type { FastifyRequest } from 'fastify';
import type { DomainError } from '../errors.ts';

/** The policy's actions, as keys: filled by the access module's declaration merging. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the access module's declaration merging.
export interface RouteActions {}

/** An action of the policy that a route may declare. */
export type RouteAction = keyof RouteActions & string;

/**
 * Route access, declared on every route (`config: { access: ... }`); a route without one makes
 * start-up fail. 'public': no authentication; 'pending': a signed-in session that may still
 * owe its second factor (TOTP steps); 'signed-in': any fully authenticated principal;
 * otherwise the policy action the route performs.
 */
export type RouteAccess = 'public' | 'pending' | 'signed-in' | RouteAction;

/** Who a request acts as: the fields the platform reads; the access module merges in the rest of its Principal. */
export interface RequestPrincipal {
  readonly kind: 'user' | 'token';
  readonly id: string;
  readonly login: string;
}

/** The audit identity of a request (the audit module's Actor accepts it). */
export interface RequestActor {
  readonly type: 'user' | 'token';
  readonly id: string | null;
  readonly login: string | null;
  readonly ip: string | null;
}

export interface SessionInfo {
  readonly idHash: string;
  readonly stage: 'password' | 'enrol' | 'full';
  readonly csrfToken: string;
}

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
    principal: RequestPrincipal | null;
    session: SessionInfo | null;
    /** Why the security hook refused a `refuseInBand` route (null when allowed). */
    refusal: DomainError | null;
  }
}

export function requirePrincipal(request: FastifyRequest): RequestPrincipal {
  if (!request.principal) throw new Error('route declared as authenticated but no principal was resolved');
  return request.principal;
}

export function actorOf(request: FastifyRequest): RequestActor {
  const principal = request.principal;
  return {
    type: principal?.kind ?? 'user',
    id: principal?.id ?? null,
    login: principal?.login ?? null,
    ip: request.ip,
  };
}

export function preferredLanguage(request: FastifyRequest): 'fr' | 'en' {
  const header = String(request.headers['accept-language'] ?? '')
    .trim()
    .toLowerCase();
  return header.startsWith('en') ? 'en' : 'fr';
}

/** The acting principal and its audit identity, as services take them. */
export function actingOf(request: FastifyRequest): { actor: RequestActor; principal: RequestPrincipal } {
  return { actor: actorOf(request), principal: requirePrincipal(request) };
}
