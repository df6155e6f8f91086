// The HTTP contract every client relies on: errors as {code, message, message_fr, message_en},
// French by default and English on request, 5xx details hidden, health, OpenAPI, metrics.
import { startMetricsListener } from './metrics.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn } from '../../testing/http.ts';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`HTTP contract [${dialect}]`, { skip }, () => {
    let context: TestContext;

    before(async () => {
      context = await createTestContext(dialect);
    });
    after(async () => context?.close());

    it('answers unknown addresses with a coded 404 in French, or English when asked', async () => {
      const french = await context.app.inject({ method: 'GET', url: '/api/nowhere' });
      assert.equal(french.statusCode, 404);
      assert.deepEqual(Object.keys(french.json()).sort(), ['code', 'message', 'message_en', 'message_fr']);
      assert.equal(french.json().message, 'Adresse inconnue.');
      const english = await context.app.inject({ method: 'GET', url: '/api/nowhere', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
      assert.equal(english.json().message, 'Unknown address.');
    });

    it('names the faulty fields of an invalid body', async () => {
      const response = await context.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: '' } });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().code, 'validation_failed');
      assert.match(response.json().message_en, /login/);
      assert.match(response.json().message_en, /password/);
      const malformed = await context.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"login":',
      });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json().code, 'malformed_request');
      assert.ok(malformed.json().message_fr && malformed.json().message_en);
    });

    it('serves health, the OpenAPI document with every route, its browser, and metrics', async () => {
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/health' })).json().status, 'ok');
      const openapi = (await context.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
      assert.match(openapi.openapi, /^3\./);
      // WebSocket routes have no OpenAPI form (@fastify/websocket hides them): docs/live.md and docs/alarms.md describe them.
      const webSockets = new Set(['/api/cameras/:id/live/ws', '/api/alarms/live']);
      for (const route of context.app.vigieRoutes.filter(
        (candidate) => candidate.url.startsWith('/api/') && candidate.url !== '/api/openapi.json' && !webSockets.has(candidate.url),
      )) {
        const path = route.url.replace(/:([a-zA-Z]+)/g, '{$1}');
        assert.ok(openapi.paths[path], `OpenAPI lacks ${path}`);
      }
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/docs/' })).statusCode, 200);
      // Metrics are not on the API's listener (issue 11): their own, on loopback.
      assert.doesNotMatch((await context.app.inject({ method: 'GET', url: '/metrics' })).body, /vigie_http_request/);
      const listener = await startMetricsListener(context.app.metrics, { host: '127.0.0.1', port: 0 });
      try {
        assert.match(await (await fetch(listener.url)).text(), /vigie_http_request_duration_seconds_bucket/);
        assert.equal((await fetch(listener.url.replace('/metrics', '/api/health'))).status, 404);
      } finally {
        await listener.close();
      }
    });

    it('hides the details of internal errors, and health reports an unreachable database', async () => {
      const admin = await signIn(context, 'administrator', 'all');
      await context.database.handle.close();
      const failed = await admin.request({ method: 'GET', url: '/api/communes' });
      assert.equal(failed.statusCode, 500);
      assert.deepEqual(failed.json(), {
        code: 'internal_error',
        message: 'Erreur interne ; l’incident est journalisé.',
        message_fr: 'Erreur interne ; l’incident est journalisé.',
        message_en: 'Internal error; the incident is logged.',
      });
      const health = await context.app.inject({ method: 'GET', url: '/api/health' });
      assert.equal(health.statusCode, 503);
      assert.equal(health.json().database.reachable, false);
    });
  });
}
