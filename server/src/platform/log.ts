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

/** A ProcessLog on standard error (JSON lines), for processes or roles without the HTTP app's logger. */
export function stderrLog(level: string): { info(fields: object, message: string): void; warn(fields: object, message: string): void } {
  const write = (levelName: 'info' | 'warn', fields: object, message: string) => {
    process.stderr.write(`${JSON.stringify({ level: levelName, time: new Date().toISOString(), ...fields, msg: redactText(message) })}\n`);
  };
  const quiet = level === 'silent' || level === 'fatal' || level === 'error';
  return {
    info: (fields, message) => {
      if (!quiet && level !== 'warn') write('info', fields, message);
    },
    warn: (fields, message) => {
      if (!quiet) write('warn', fields, message);
    },
  };
}
