// What update-routes.itest.ts checks every PATCH and PUT route with: the fields a change may
// move, the read-back comparison, the defaults an update body must not declare, and the shape
// of a case.
import assert from 'node:assert/strict';
import type { SignedIn } from './http.ts';

export type Json = Record<string, unknown>;

/** Fields that any successful change may move, whatever was sent. */
const bookkeeping = new Set(['updatedAt', 'updatedBy']);

/** Every key of `before` and `after` outside `changed` (and bookkeeping) is deep-equal. */
export function assertOnlyChanged(before: Json, after: Json, changed: readonly string[], label: string): void {
  const allowed = new Set([...changed, ...bookkeeping]);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (allowed.has(key)) continue;
    assert.deepEqual(after[key], before[key], `${label}: field ${key} changed`);
  }
}

/** Paths in a JSON schema where a default is declared. */
export function defaultsIn(schema: unknown, at = '#'): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'default') found.push(`${at}/default`);
    else found.push(...defaultsIn(value, `${at}/${key}`));
  }
  return found;
}

export interface PatchCase {
  /** A name for messages. */
  label: string;
  url: () => string;
  read: () => Promise<Json>;
  /** Each field sent alone, with its new value, and the view fields it may move besides itself. */
  fields: Record<string, { value: unknown; moves?: string[] }>;
  /** View fields that move on their own between two reads (free disk space). */
  volatile?: string[];
  /** Who sends the PATCH (default: the administrator). */
  as?: () => SignedIn;
}

export interface PutCase {
  label: string;
  url: () => string;
  read: () => Promise<Json>;
  /** The whole current state as a PUT body. */
  body: (current: Json) => Json;
  /** One field to change, and its new value. */
  change: { field: string; value: unknown };
  /** The refusal code of an incomplete body. */
  code: string;
  /** Who sends the PUT (default: the operator). */
  as?: () => SignedIn;
}

/** GET `url` as `signedIn`, which must answer 200. */
export async function get(signedIn: SignedIn, url: string): Promise<Json> {
  const response = await signedIn.request({ method: 'GET', url });
  assert.equal(response.statusCode, 200, `GET ${url}: ${response.body}`);
  return response.json() as Json;
}

/** The item `id` of the list at `url` (a list, or `{ masks }`), which must hold it. */
export async function find(signedIn: SignedIn, url: string, id: string, key = 'id'): Promise<Json> {
  const list = (await get(signedIn, url)) as unknown as Json[] | { masks: Json[] };
  const items = Array.isArray(list) ? list : list.masks;
  const item = items.find((candidate) => candidate[key] === id);
  assert.ok(item, `${url} lists ${id}`);
  return item;
}
