// The operator console: serves the built web app (web/dist, see scripts/build-web.ts) at `/`.
// Static files are public; the API under /api does the access control. Unknown non-API GET
// paths answer index.html (the console routes in the browser); unknown /api paths keep the
// API's coded 404. HTML carries the security headers; hashed assets are cached for a year.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist of this checkout. */
export const defaultWebRoot = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

/** An origin a CSP source list may name: scheme, host (a leading `*.` allowed), port; nothing that could end the directive. */
const cspOrigin = /^https?:\/\/(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-f:]+\](:\d{1,5})?$/;

/**
 * What Vite's build needs: module scripts and stylesheets from our origin, nothing inline.
 * Images and media may come from blob: (live video and snapshots); images also from the map's
 * tile server when one is configured (`imageOrigins`, VIGIE_MAP_TILE_URL); no other origin.
 */
export function contentSecurityPolicy(options: { imageOrigins?: readonly string[] } = {}): string {
  const imageOrigins = options.imageOrigins ?? [];
  for (const origin of imageOrigins) if (!cspOrigin.test(origin)) throw new Error(`not an origin a CSP may name: ${origin}`);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data: blob:", ...imageOrigins].join(' '),
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of every console HTML page. `frameable` is for the video wall, later. */
export function htmlSecurityHeaders(options: { frameable?: boolean; imageOrigins?: readonly string[] } = {}): Record<string, string> {
  const policy = contentSecurityPolicy({ imageOrigins: options.imageOrigins });
  return {
    'content-security-policy': options.frameable ? policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'") : policy,
    ...(options.frameable ? {} : { 'x-frame-options': 'DENY' }),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}

const notBuiltPage = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigie : console non construite / console not built</title>
<style>body{background:#10151c;color:#e3e8ef;font:18px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1.5rem}code{background:#1d2631;padding:.1rem .4rem;border-radius:4px}h1{font-size:1.6rem}</style>
</head><body>
<h1>Vigie</h1>
<p lang="fr">La console de supervision n’est pas encore construite. Lancez <code>./vigie demo</code> ou <code>./vigie serve</code> (la console est construite au démarrage), ou <code>node --import tsx scripts/build-web.ts</code>. L’API répond sous <code>/api</code>.</p>
<p lang="en">The supervision console is not built yet. Run <code>./vigie demo</code> or <code>./vigie serve</code> (the console is built at start-up), or <code>node --import tsx scripts/build-web.ts</code>. The API answers under <code>/api</code>.</p>
</body></html>
`;

function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export async function registerWebConsole(app: FastifyInstance, options: { root?: string; imageOrigins?: readonly string[] } = {}): Promise<void> {
  const root = options.root ?? defaultWebRoot;
  const headers = htmlSecurityHeaders({ imageOrigins: options.imageOrigins });
  const indexFile = join(root, 'index.html');

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(indexFile)) {
      return reply
        .status(503)
        .headers({
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        })
        .type('text/html; charset=utf-8')
        .send(notBuiltPage);
    }
    return reply.headers(headers).sendFile('index.html', root, { maxAge: 0, immutable: false, dotfiles: 'deny' });
  };

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    if (isApiPath(request.url)) return reply.callNotFound();
    const path = (request.params as { '*'?: string })['*'] ?? '';
    if (path === '' || path === 'index.html') return sendIndex(reply);
    const segments = path.split('/');
    const unsafe = path.includes('\0') || path.includes('\\') || segments.some((segment) => segment === '..' || segment === '.' || segment.startsWith('.'));
    if (!unsafe && isFile(join(root, path))) {
      const hashed = path.startsWith('assets/');
      reply.headers({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
      return reply.sendFile(path, root, { maxAge: hashed ? '365d' : '1h', immutable: hashed, dotfiles: 'deny' });
    }
    // A missing file (an old asset, a typo) is a 404; any other path is a console route.
    const lastSegment = segments[segments.length - 1] ?? '';
    if (unsafe || path.startsWith('assets/') || lastSegment.includes('.')) return reply.callNotFound();
    return sendIndex(reply);
  };

  await app.register(async (scope) => {
    // Only the reply decorator: the plugin's own routes would not declare their access.
    await scope.register(fastifyStatic, { serve: false });
    const routeOptions = { config: { access: 'public' as const }, schema: { hide: true } };
    scope.get('/', routeOptions, serve);
    scope.get('/*', routeOptions, serve);
  });
}
