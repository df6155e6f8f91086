// Text at the edge (issue 20): every string a request carries (JSON body values and keys, query,
// path parameters, text bodies) is well-formed Unicode without NUL, and is normalised to NFC
// before any route sees it. A lone UTF-16 surrogate cannot be stored as it was received by
// either database (both store UTF-8), so it would be read back as different text and break
// the audit chain; NUL cannot be stored by PostgreSQL at all. Such input is refused with
// `text_invalid`, naming the field, and nothing is changed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';

/** Deeper JSON is refused before any walk: no form of Vigie nests beyond a few levels. */
export const MAX_JSON_DEPTH = 32;

export type TextProblem = 'ill_formed' | 'nul';

/** Why a string cannot be taken as it is, or null. */
export function textProblem(value: string): TextProblem | null {
  if (!value.isWellFormed()) return 'ill_formed';
  if (value.includes('\u0000')) return 'nul';
  return null;
}

const problemText: Record<TextProblem, { fr: string; en: string }> = {
  ill_formed: { fr: 'texte Unicode mal formé (surrogate UTF-16 isolé)', en: 'ill-formed Unicode text (lone UTF-16 surrogate)' },
  nul: { fr: 'caractère NUL interdit', en: 'NUL character not allowed' },
};

function refuse(field: string, problem: TextProblem | 'too_deep'): DomainError {
  if (problem === 'too_deep') {
    return new DomainError('validation_failed', {
      fr: `Données invalides : imbrication de plus de ${MAX_JSON_DEPTH} niveaux (${field}) ; rien n’a été modifié.`,
      en: `Invalid data: nested more than ${MAX_JSON_DEPTH} levels deep (${field}); nothing was changed.`,
      details: [{ field, problem: 'too deep' }],
    });
  }
  return new DomainError('text_invalid', {
    fr: `Texte refusé dans « ${field} » : ${problemText[problem].fr} ; rien n’a été modifié.`,
    en: `Text refused in "${field}": ${problemText[problem].en}; nothing was changed.`,
    details: [{ field, problem }],
  });
}

const fieldName = (path: readonly (string | number)[], root: string) => (path.length === 0 ? root : path.join('.').slice(0, 200));

function checkedString(value: string, path: readonly (string | number)[], root: string): string {
  const problem = textProblem(value);
  if (problem) throw refuse(fieldName(path, root), problem);
  return value.normalize('NFC');
}

/**
 * A copy of `value` with every string (and object key) checked and in NFC; throws
 * `text_invalid` or `validation_failed` (too deep). Iterative: a hostile depth cannot
 * overflow the stack.
 */
export function guardText(value: unknown, root = 'body'): unknown {
  if (typeof value === 'string') return checkedString(value, [], root);
  if (value === null || typeof value !== 'object') return value;
  const output: unknown = Array.isArray(value) ? [] : {};
  const pending: { source: object; target: Record<string | number, unknown>; path: (string | number)[] }[] = [
    { source: value, target: output as Record<string | number, unknown>, path: [] },
  ];
  while (pending.length > 0) {
    const { source, target, path } = pending.pop()!;
    if (path.length >= MAX_JSON_DEPTH) throw refuse(fieldName(path, root), 'too_deep');
    const entries: [string | number, unknown][] = Array.isArray(source) ? source.map((item, index) => [index, item]) : Object.entries(source);
    for (const [rawKey, item] of entries) {
      const key = typeof rawKey === 'string' ? checkedString(rawKey, [...path, rawKey], root) : rawKey;
      const itemPath = [...path, key];
      let copy: unknown = item;
      if (typeof item === 'string') copy = checkedString(item, itemPath, root);
      else if (item !== null && typeof item === 'object') {
        copy = Array.isArray(item) ? [] : {};
        pending.push({ source: item, target: copy as Record<string | number, unknown>, path: itemPath });
      }
      // Keys such as `__proto__` stay plain data: defineProperty never reaches the prototype.
      Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  return output;
}

/** Checks body, query and path parameters of every request before validation. */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (request.body !== undefined) request.body = guardText(request.body, 'body');
    if (request.query && Object.keys(request.query).length > 0) request.query = guardText(request.query, 'query');
    if (request.params && Object.keys(request.params).length > 0) request.params = guardText(request.params, 'params');
  });
}
