// Errors mapped to HTTP once: `{code, message, message_fr, message_en, details?}`. A DomainError
// keeps its code; request validation failures become `validation_failed` with the faulty
// fields; anything else is a 500 whose details stay in the log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { isConstraintViolation } from '../db/database.ts';
import { DomainError, errorCatalogue, type ErrorCode } from '../errors.ts';
import { preferredLanguage } from './context.ts';

export interface ErrorBody {
  code: string;
  message: string;
  message_fr: string;
  message_en: string;
  details?: unknown;
}

function send(request: FastifyRequest, reply: FastifyReply, status: number, body: Omit<ErrorBody, 'message'>): FastifyReply {
  const message = preferredLanguage(request) === 'en' ? body.message_en : body.message_fr;
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send({ code: body.code, message, message_fr: body.message_fr, message_en: body.message_en, details: body.details });
}

/** At most this many problems are listed in a refusal; the rest are counted (a 100,000-item body gets a small answer). */
export const MAX_VALIDATION_DETAILS = 20;
const MAX_PROBLEM_LENGTH = 200;

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The faulty fields, named: an unknown key is named by itself, a deep one by its dotted path. */
export function validationBody(issues: readonly ValidationIssue[], context: string): Omit<ErrorBody, 'message'> {
  const details = issues.slice(0, MAX_VALIDATION_DETAILS).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const keys = Array.isArray(issue.params?.keys)
      ? (issue.params.keys as unknown[])
          .map(String)
          .slice(0, 5)
          .map((key) => key.slice(0, 64))
      : [];
    const field = keys.length > 0 ? keys.map((key) => (path ? `${path}.${key}` : key)).join(', ') : path || context;
    return {
      field: field.slice(0, MAX_PROBLEM_LENGTH),
      problem: (keys.length > 0 ? 'unknown field' : (issue.message ?? 'invalid')).slice(0, MAX_PROBLEM_LENGTH),
    };
  });
  const more = issues.length - details.length;
  const listed = details.map((detail) => `${detail.field}: ${detail.problem}`).join('; ');
  const unknown = details.every((detail) => detail.problem === 'unknown field');
  return {
    code: 'validation_failed',
    message_fr: `Données invalides (${unknown ? `champ(s) inconnu(s) ${details.map((detail) => detail.field).join(', ')}` : listed}${more > 0 ? ` ; et ${more} autre(s) problème(s)` : ''}) ; rien n’a été modifié.`,
    message_en: `Invalid data (${unknown ? `unknown field(s) ${details.map((detail) => detail.field).join(', ')}` : listed}${more > 0 ? `; and ${more} more problem(s)` : ''}); nothing was changed.`,
    details,
  };
}

const codeOfStatus: Partial<Record<number, ErrorCode>> = {
  404: 'not_found',
  408: 'request_timeout',
  405: 'method_not_allowed',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/** A refusal of the framework itself (bad JSON, wrong type, too large): the documented shape, its own code. */
export function frameworkRefusal(status: number, detail: string): Omit<ErrorBody, 'message'> {
  const code = codeOfStatus[status] ?? 'malformed_request';
  const entry = errorCatalogue[code];
  const text = detail.slice(0, MAX_PROBLEM_LENGTH);
  return { code, message_fr: `${entry.fr.replace(/\.$/, '')} (${text}).`, message_en: `${entry.en.replace(/\.$/, '')} (${text}).` };
}

/** The same, written straight to a socket or response that Fastify's reply does not cover. */
export function frameworkRefusalJson(status: number, detail: string): string {
  const body = frameworkRefusal(status, detail);
  return JSON.stringify({ code: body.code, message: body.message_fr, message_fr: body.message_fr, message_en: body.message_en });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    if (error instanceof DomainError) {
      return send(request, reply, error.status, { code: error.code, message_fr: error.messageFr, message_en: error.messageEn, details: error.details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) return send(request, reply, 400, validationBody(error.validation, error.validationContext ?? 'body'));
    // A service that re-parses its input (for callers other than HTTP) refuses it the same way.
    if (error instanceof ZodError) {
      const issues = error.issues.map((issue) => ({
        instancePath: `/${issue.path.join('/')}`,
        message: issue.message,
        params: issue as unknown as Record<string, unknown>,
      }));
      return send(request, reply, 400, validationBody(issues, 'body'));
    }
    // A constraint no service checked first is still a conflict of the caller's data, not a crash.
    if (isConstraintViolation(error)) {
      request.log.warn({ err: error }, 'constraint violation reached the error handler');
      return send(request, reply, 409, {
        code: 'conflict',
        message_fr: `${errorCatalogue.conflict.fr} Rien n’a été modifié.`,
        message_en: `${errorCatalogue.conflict.en} Nothing was changed.`,
      });
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status < 500) return send(request, reply, status, frameworkRefusal(status, error.message));
    request.log.error({ err: error }, 'request failed');
    const entry = errorCatalogue.internal_error;
    return send(request, reply, 500, { code: 'internal_error', message_fr: entry.fr, message_en: entry.en });
  });
  app.setNotFoundHandler((request, reply) => send(request, reply, 404, { code: 'not_found', message_fr: 'Adresse inconnue.', message_en: 'Unknown address.' }));
}
