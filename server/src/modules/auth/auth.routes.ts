// Sign-in and session routes: login, second factor, TOTP enrolment, logout, me, own password.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { parisDate, type Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import { actorOf, requirePrincipal, type SessionInfo } from '../../platform/http/context.ts';
import { requestLimits } from '../../platform/http/limits.ts';
import { sessionCookie } from '../../platform/http/security.ts';
import { imageAccessBlocker, imageActions, roleActions, roleGrants, roleLabels } from '../access/index.ts';
import { roleSchema } from './auth.schemas.ts';
import type { SessionsService } from './sessions.service.ts';

const tags = ['auth'];
const stageSchema = z.enum(['password', 'enrol', 'full']);
const loginResponse = z.object({
  stage: stageSchema,
  csrfToken: z.string(),
  user: z.object({ id: z.string(), login: z.string(), role: roleSchema }),
});
const meResponse = z.object({
  id: z.string(),
  login: z.string(),
  kind: z.enum(['user', 'token']),
  role: roleSchema,
  roleLabel: z.object({ fr: z.string(), en: z.string() }),
  allCommunes: z.boolean(),
  communes: z.array(z.string()),
  stage: stageSchema.nullable(),
  csrfToken: z.string().nullable(),
  imageAccess: z.object({ allowed: z.boolean(), code: z.string().nullable(), message_fr: z.string().nullable(), message_en: z.string().nullable() }),
  actions: z.array(z.string()),
});

function currentSession(request: FastifyRequest): SessionInfo {
  if (!request.session)
    throw new DomainError('unauthenticated', { fr: 'Cette action demande une session (pas un jeton).', en: 'This action needs a session (not a token).' });
  return request.session;
}

type SignInRoutesOptions = {
  sessions: SessionsService;
  config: Pick<Config, 'cookieSecure' | 'sessionMaxHours' | 'signInAttemptsPerMinute'>;
  clock: Clock;
};

export const signInRoutes: FastifyPluginAsync<SignInRoutesOptions> = async (app, { sessions, config, clock }) => {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(sessionCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: config.cookieSecure,
      maxAge: config.sessionMaxHours * 3600,
    });

  // Guessing is bounded per address too, whatever the login (the lockout bounds it per account).
  const attemptsPerAddress = { max: config.signInAttemptsPerMinute, timeWindow: '1 minute' };

  routes.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: attemptsPerAddress },
      bodyLimit: requestLimits.authBodyBytes,
      schema: {
        tags,
        summary: 'Connexion / sign in',
        body: z.object({ login: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: loginResponse },
      },
    },
    async (request, reply) => {
      const session = await sessions.login(request.body.login, request.body.password, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      setCookie(reply, session.token);
      return { stage: session.stage, csrfToken: session.csrfToken, user: session.user };
    },
  );

  routes.post(
    '/api/auth/totp',
    {
      config: { access: 'pending', rateLimit: attemptsPerAddress },
      bodyLimit: requestLimits.authBodyBytes,
      schema: {
        tags,
        summary: 'Second facteur (code TOTP ou code de secours) / second factor',
        body: z.object({ code: z.string().min(1).max(20) }),
        response: { 200: z.object({ stage: stageSchema }) },
      },
    },
    async (request) => {
      await sessions.verifySecondFactor(currentSession(request), request.body.code, actorOf(request));
      return { stage: 'full' as const };
    },
  );

  routes.post(
    '/api/auth/totp/enrol',
    {
      config: { access: 'pending' },
      bodyLimit: requestLimits.authBodyBytes,
      schema: { tags, summary: 'Démarrer l’enrôlement TOTP / start TOTP enrolment', response: { 200: z.object({ secret: z.string(), uri: z.string() }) } },
    },
    (request) => sessions.beginTotpEnrolment(currentSession(request), actorOf(request)),
  );

  routes.post(
    '/api/auth/totp/confirm',
    {
      config: { access: 'pending' },
      bodyLimit: requestLimits.authBodyBytes,
      schema: {
        tags,
        summary: 'Confirmer l’enrôlement ; codes de secours affichés une fois / confirm enrolment',
        body: z.object({ code: z.string().min(6).max(6) }),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
      },
    },
    (request) => sessions.confirmTotpEnrolment(currentSession(request), request.body.code, actorOf(request)),
  );

  routes.post(
    '/api/auth/logout',
    {
      config: { access: 'pending' },
      bodyLimit: requestLimits.authBodyBytes,
      schema: { tags, summary: 'Déconnexion / sign out', response: { 204: z.null() } },
    },
    async (request, reply) => {
      await sessions.logout(currentSession(request), actorOf(request));
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/auth/password',
    {
      config: { access: 'signed-in' },
      bodyLimit: requestLimits.authBodyBytes,
      schema: {
        tags,
        summary: 'Changer son mot de passe / change own password',
        body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await sessions.changeOwnPassword(currentSession(request), request.body.currentPassword, request.body.newPassword, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  routes.get(
    '/api/auth/me',
    {
      config: { access: 'pending' },
      schema: { tags, summary: 'Qui suis-je, et puis-je voir les images ? / who am I', response: { 200: meResponse } },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const blocker = principal.kind === 'token' ? null : imageAccessBlocker(principal, parisDate(clock.now()));
      const canSeeImages = [...imageActions].some((action) => roleGrants(principal.role, action));
      return {
        id: principal.id,
        login: principal.login,
        kind: principal.kind,
        role: principal.role,
        roleLabel: roleLabels[principal.role],
        allCommunes: principal.allCommunes,
        communes: [...principal.communes],
        stage: request.session?.stage ?? null,
        csrfToken: request.session?.csrfToken ?? null,
        imageAccess: {
          allowed: canSeeImages && principal.kind === 'user' && blocker === null,
          code: blocker?.code ?? (canSeeImages ? null : 'forbidden'),
          message_fr: blocker?.messageFr ?? null,
          message_en: blocker?.messageEn ?? null,
        },
        actions: roleActions(principal.role).filter((action) => !principal.actionSubset || principal.actionSubset.includes(action)),
      };
    },
  );
};
