// Structured logs (pino through Fastify). Credentials are redacted from URLs and command lines
// before they are logged; known secret fields are censored.
import type { FastifyServerOptions } from 'fastify';
import { redactText } from './redact.ts';

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', '*.password', '*.credentials', '*.totpSecret'],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, url: redactText(request.url), ip: request.ip }),
    },
  };
}
