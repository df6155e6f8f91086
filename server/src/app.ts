// buildApp(): the Fastify application with every module's routes, no listen, so tests use
// app.inject(). Schemas (zod) drive validation, serialisation and the OpenAPI document.
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Clock } from './platform/clock.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import { actorOf } from './platform/http/context.ts';
import { frameworkRefusalJson, registerErrorHandling } from './platform/http/error-handler.ts';
import { registerBodyParsers, requestLimits, shapedClientError } from './platform/http/limits.ts';
import { registerTextGuard } from './platform/http/text-guard.ts';
import { registerMetrics } from './platform/http/metrics.ts';
import { registerSecurity, type RegisteredRoute } from './platform/http/security.ts';
import { registerWebConsole } from './platform/http/web.ts';
import { registerWebSockets } from './platform/http/websocket.ts';
import { loggerOptions } from './platform/log.ts';
import { imageActions, type Action } from './modules/access/index.ts';
import type { Services } from './services.ts';
import { version } from './version.ts';

export interface AppDependencies {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  services: Services;
}

export type VigieApp = FastifyInstance & { vigieRoutes: RegisteredRoute[]; metrics: Registry };

export async function buildApp(deps: AppDependencies): Promise<VigieApp> {
  const { config, services, clock } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    trustProxy: config.trustProxy,
    // Small by default; the inventory import raises its own (docs/security.md lists every limit).
    bodyLimit: requestLimits.defaultBodyBytes,
    routerOptions: { maxParamLength: requestLimits.pathParameterChars },
    // Per-request lines only when debugging: the audit log is the record of who did what.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    // Refusals made before any route (bad percent-encoding, over-long parameter, oversized
    // headers) get the documented shape and a code too.
    frameworkErrors: (error, _request, reply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const raw = reply as unknown as { code(status: number): { type(type: string): { send(body: string): void } } };
      raw.code(status).type('application/json; charset=utf-8').send(frameworkRefusalJson(status, error.message));
    },
    clientErrorHandler: shapedClientError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await app.register(cookie);
  // Per-route limits only (sign-in, second factor); refusals go through the error handler (429, `rate_limited`).
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `${context.max} attempts per minute from one address; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  registerBodyParsers(app);
  registerTextGuard(app);
  const { decide } = services.accessModule.api;
  const routes = registerSecurity(app, {
    resolveSession: (token, options) => services.sessions.resolve(token, options),
    resolveToken: (token) => services.tokens.resolve(token),
    // Route actions are centre-wide: a route's commune, if any, is checked by its service.
    decide: (principal, action, today) => decide(principal, action, null, today),
    clock,
    onDenied: async (request, error) => {
      const access = request.routeOptions.config.access as Action;
      // Refused attempts to see images are traced too (LEGAL 10).
      if (imageActions.has(access)) {
        await services.audit.recordAlone(actorOf(request), { action: 'access.denied', details: { route: request.routeOptions.url, access, code: error.code } });
      }
    },
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Vigie API', description: 'API du centre de supervision urbain / CSU API. Errors: {code, message}.', version },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'vigie_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());

  const metrics = registerMetrics(app);

  // Once for every module's WebSocket routes (live video, alarm queue).
  await registerWebSockets(app);
  // Every module's routes, each plugin with its own module's services only (services.modules, in their order).
  for (const module of services.modules) await module.routes?.register(app);
  await registerWebConsole(app, { imageOrigins: config.map.tileOrigin ? [config.map.tileOrigin] : [] });

  await app.ready();
  const vigieApp = app as unknown as VigieApp;
  vigieApp.vigieRoutes = routes;
  vigieApp.metrics = metrics;
  return vigieApp;
}
