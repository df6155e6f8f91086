// Calls to the Vigie API from the browser: same-origin cookie session, the CSRF token on every
// state-changing call, errors as ApiError. A lost session (401 session_expired or
// unauthenticated) is announced to the app, which goes back to the sign-in screen.
import { ApiError, isSessionLost, networkError, parseErrorBody } from '../lib/errors.ts';

let csrfToken: string | null = null;
const sessionLostListeners = new Set<(error: ApiError) => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function onSessionLost(listener: (error: ApiError) => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

export type QueryValues = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: QueryValues): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export interface CallOptions {
  query?: QueryValues;
  json?: unknown;
  /** A raw body (CSV import) and its type. */
  text?: string;
  contentType?: string;
  /** Do not announce a 401 as a lost session (the sign-in steps themselves). */
  quietAuth?: boolean;
  /** An automatic refresh, not the operator's action: it does not keep an idle session alive. */
  background?: boolean;
  /** Sent even while the page is being closed (ending a playback session on `pagehide`). */
  keepalive?: boolean;
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers['content-type'] = options.contentType ?? 'text/plain; charset=utf-8';
    body = options.text;
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.background) headers['x-vigie-background'] = '1';
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { method, headers, body, credentials: 'same-origin', cache: 'no-store', keepalive: options.keepalive });
  } catch {
    throw networkError();
  }
  const text = await response.text();
  if (!response.ok) {
    const error = new ApiError(response.status, parseErrorBody(text));
    if (!options.quietAuth && isSessionLost(error)) for (const listener of sessionLostListeners) listener(error);
    throw error;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
