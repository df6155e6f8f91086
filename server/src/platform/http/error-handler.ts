// Errors mapped to HTTP once: `{code, message, message_fr, message_en, details?}`. A DomainError
// keeps its code; request validation failures become `validation_failed` with the faulty
// fields; anything else is a 500 whose details stay in the log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, errorCatalogue } from '../errors.ts';
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
  return reply.status(status).type('application/json; charset=utf-8').send({ code: body.code, message, message_fr: body.message_fr, message_en: body.message_en, details: body.details });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    if (error instanceof DomainError) {
      return send(request, reply, error.status, { code: error.code, message_fr: error.messageFr, message_en: error.messageEn, details: error.details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => ({ field: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || error.validationContext, problem: issue.message }));
      const fields = details.map((detail) => detail.field).join(', ');
      return send(request, reply, 400, {
        code: 'validation_failed',
        message_fr: `Données invalides (${fields}).`,
        message_en: `Invalid data (${fields}).`,
        details,
      });
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status < 500) {
      const code = status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : 'validation_failed';
      return send(request, reply, status, { code, message_fr: `Requête invalide : ${error.message}`, message_en: `Bad request: ${error.message}` });
    }
    request.log.error({ err: error }, 'request failed');
    const entry = errorCatalogue.internal_error;
    return send(request, reply, 500, { code: 'internal_error', message_fr: entry.fr, message_en: entry.en });
  });
  app.setNotFoundHandler((request, reply) =>
    send(request, reply, 404, { code: 'not_found', message_fr: 'Adresse inconnue.', message_en: 'Unknown address.' }),
  );
}
