import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { ApiError } from '../lib/errors.ts';

// The client takes the page's origin; outside a page, a stand-in one.
(globalThis as { location?: { origin: string } }).location = { origin: 'http://vigie.test' };
const { api, onSessionLost, setCsrfToken } = await import('./client.ts');

interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  credentials: RequestCredentials;
  cache: RequestCache;
  keepalive: boolean;
}

const realFetch = globalThis.fetch;
let sent: Sent[] = [];
let answer: () => Response = () => new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  sent = [];
  setCsrfToken(null);
  globalThis.fetch = (async (input: Request) => {
    sent.push({
      method: input.method,
      url: input.url,
      headers: input.headers,
      body: await input.text(),
      credentials: input.credentials,
      cache: input.cache,
      keepalive: input.keepalive,
    });
    return answer();
  }) as typeof fetch;
});
after(() => {
  globalThis.fetch = realFetch;
});

describe('API client', () => {
  it('reads a JSON answer, same origin, never cached, without CSRF token on a GET', async () => {
    setCsrfToken('token-1');
    answer = () => new Response(JSON.stringify([{ insee: '38999' }]), { status: 200 });
    const communes = await api('GET', '/api/communes');
    assert.deepEqual(communes, [{ insee: '38999' }]);
    const [request] = sent;
    assert.equal(request?.method, 'GET');
    assert.equal(request?.url, 'http://vigie.test/api/communes');
    assert.equal(request?.headers.get('accept'), 'application/json');
    assert.equal(request?.headers.get('x-csrf-token'), null);
    assert.equal(request?.credentials, 'same-origin');
    assert.equal(request?.cache, 'no-store');
  });

  it('sends the CSRF token and a JSON body on a change, path parameters encoded', async () => {
    setCsrfToken('token-2');
    answer = () => new Response('', { status: 200 });
    const result = await api('PATCH', '/api/users/{id}', { path: { id: 'a b/c' }, json: { disabled: true } });
    assert.equal(result, undefined, 'an empty answer is undefined');
    const [request] = sent;
    assert.equal(request?.url, 'http://vigie.test/api/users/a%20b%2Fc');
    assert.equal(request?.headers.get('x-csrf-token'), 'token-2');
    assert.equal(request?.headers.get('content-type'), 'application/json');
    assert.equal(request?.body, '{"disabled":true}');
  });

  it('leaves out empty query values, sends raw text with its type, marks background calls', async () => {
    answer = () => new Response('{"dryRun":true,"created":0,"updated":0,"unchanged":0,"sitesCreated":0}', { status: 200 });
    await api('POST', '/api/cameras/import', {
      query: { dryRun: 'true', createSites: undefined },
      text: 'a;b\n',
      contentType: 'text/csv; charset=utf-8',
      background: true,
      keepalive: true,
    });
    const [request] = sent;
    assert.equal(request?.url, 'http://vigie.test/api/cameras/import?dryRun=true');
    assert.equal(request?.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(request?.body, 'a;b\n');
    assert.equal(request?.headers.get('x-vigie-background'), '1');
    assert.equal(request?.keepalive, true);
  });

  it('turns an error answer into ApiError and announces a lost session, unless quiet', async () => {
    const lost: ApiError[] = [];
    const stop = onSessionLost((error) => lost.push(error));
    answer = () => new Response(JSON.stringify({ code: 'session_expired', message_fr: 'Session expirée', message_en: 'Session expired' }), { status: 401 });
    await assert.rejects(
      api('GET', '/api/cameras'),
      (error: unknown) => error instanceof ApiError && error.status === 401 && error.code === 'session_expired' && error.body?.message_fr === 'Session expirée',
    );
    assert.equal(lost.length, 1);
    await assert.rejects(api('GET', '/api/auth/me', { quietAuth: true }), ApiError);
    assert.equal(lost.length, 1, 'quietAuth: not announced');
    stop();
  });

  it('keeps only the status of an answer that is not our error shape, and reports a failed fetch as a network error', async () => {
    answer = () => new Response('<html>Bad gateway</html>', { status: 502 });
    await assert.rejects(
      api('GET', '/api/cameras'),
      (error: unknown) => error instanceof ApiError && error.status === 502 && error.body === null && error.code === 'http_error',
    );
    globalThis.fetch = (async () => {
      throw new TypeError('failed to fetch');
    }) as typeof fetch;
    await assert.rejects(api('GET', '/api/cameras'), (error: unknown) => error instanceof ApiError && error.status === 0 && error.code === 'network_error');
  });
});
