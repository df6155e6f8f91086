// The console's static serving: index.html with its security headers at `/` and on any console
// route (SPA fallback), hashed assets cached, unknown /api paths still the API's coded 404,
// no path escaping the root, a bilingual page when the console is not built; every route
// declares its access (the security hook refuses one that does not).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ManualClock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { registerErrorHandling } from './error-handler.ts';
import { registerSecurity } from './security.ts';
import { registerWebConsole } from './web.ts';

async function appServing(root: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerErrorHandling(app);
  registerSecurity(app, {
    resolveSession: async () => null,
    resolveToken: async () => {
      throw new DomainError('token_invalid');
    },
    decide: () => ({ allowed: false, error: new DomainError('forbidden') }),
    clock: new ManualClock(),
  });
  app.get('/api/health', { config: { access: 'public' } }, () => ({ status: 'ok' }));
  app.get('/metrics', { config: { access: 'public' } }, () => 'metrics');
  await registerWebConsole(app, { root });
  await app.ready();
  return app;
}

describe('web console serving', () => {
  let directory: string;
  let app: FastifyInstance;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vigie-web-'));
    mkdirSync(join(directory, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(directory, 'dist', 'index.html'), '<!doctype html><title>Vigie</title><div id="root"></div>');
    writeFileSync(join(directory, 'dist', 'assets', 'index-abc123.js'), 'console.log("vigie")');
    writeFileSync(join(directory, 'dist', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(directory, 'dist', '.env'), 'SECRET=1');
    writeFileSync(join(directory, 'secret.txt'), 'outside the root');
    app = await appServing(join(directory, 'dist'));
  });
  after(async () => {
    await app?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves index.html at / with the security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /text\/html/);
    assert.match(response.body, /<div id="root">/);
    const csp = response.headers['content-security-policy'] as string;
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.match(response.headers['cache-control'] as string, /no-cache|max-age=0/);
  });

  it('answers index.html for console routes (SPA fallback)', async () => {
    for (const url of ['/cameras', '/audit?from=2026-01-01', '/users/123/edit']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(response.body, /<div id="root">/, url);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
    }
  });

  it('serves hashed assets with a long cache, other files with a short one', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['content-type'] as string, /javascript/);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    assert.equal(asset.body, 'console.log("vigie")');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.doesNotMatch(icon.headers['cache-control'] as string, /immutable/);
  });

  it('answers 404 for missing files, not the page', async () => {
    for (const url of ['/assets/index-old.js', '/robots.txt']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().code, 'not_found', url);
    }
  });

  it('keeps the API coded 404 for unknown /api paths and leaves other routes alone', async () => {
    for (const url of ['/api/nowhere', '/api', '/api/']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().code, 'not_found', url);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/api/health' })).json().status, 'ok');
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).body, 'metrics');
    assert.equal((await app.inject({ method: 'POST', url: '/cameras' })).statusCode, 404);
  });

  it('never serves a file outside the root, nor a dotfile', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/.env']) {
      const response = await app.inject({ method: 'GET', url });
      assert.doesNotMatch(response.body, /outside the root|SECRET=1/, url);
    }
  });

  it('says in French and English how to build the console when it is not built', async () => {
    const bare = await appServing(join(directory, 'missing'));
    try {
      const response = await bare.inject({ method: 'GET', url: '/' });
      assert.equal(response.statusCode, 503);
      assert.match(response.body, /\.\/vigie demo/);
      assert.match(response.body, /pas encore construite/);
      assert.match(response.body, /not built yet/);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal((await bare.inject({ method: 'GET', url: '/cameras' })).statusCode, 503);
    } finally {
      await bare.close();
    }
  });
});
