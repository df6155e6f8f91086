// The HTTP layer's limits (issue 20), stated once and listed in docs/security.md: body sizes,
// path and header sizes. Text bodies (CSV) are read as bytes and decoded here, so that a file
// that is not UTF-8 reaches the importer, which names it, instead of failing on its length.
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { frameworkRefusalJson } from './error-handler.ts';

export const requestLimits = {
  /** Any JSON body: an authorisation listing 5,000 cameras is about 200 KB. */
  defaultBodyBytes: 1024 * 1024,
  /** The inventory CSV import: about 25,000 cameras, ten times the largest centre we know. */
  importBodyBytes: 8 * 1024 * 1024,
  /** Sign-in, second factor, password changes: a few fields. */
  authBodyBytes: 8 * 1024,
  /** One path parameter (ids are UUIDs, INSEE codes, setting keys). */
  pathParameterChars: 100,
  /** Node's own limit on the request line and headers together (answered 431). */
  headerBytes: 16 * 1024,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * A text body as the importer reads it: UTF-8, where bytes that are not UTF-8 and NUL (a UTF-16
 * or binary file) become U+FFFD, which the importer refuses as "not UTF-8" with its line.
 */
export function decodeTextBody(body: Buffer): string {
  const text = utf8.decode(body);
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'buffer' }, (_request, body, done) => done(null, decodeTextBody(body as Buffer)));
}

/** Errors of Node's HTTP parser (oversized headers, garbage), answered in the documented shape. */
export function shapedClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = frameworkRefusalJson(status, status === 431 ? `request line and headers over ${requestLimits.headerBytes} bytes` : 'unreadable HTTP request');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
