// The API fuzzer (issue 20), shared by `api-fuzz.itest.ts` (a bounded run in `./vigie test`)
// and `./vigie bench fuzz` (a longer one). It reads /api/openapi.json and sends hostile input
// to every route, method and role: odd strings (lone surrogates, NUL, bidi overrides, huge),
// wrong types, deep and wide values, missing and extra fields, malformed JSON, wrong content
// types, bad path parameters. fast-check draws the cases from a seed, so a failure replays.
// Each answer must be under 500, in the documented error shape when a refusal, bounded in size
// and time; a refusal must change nothing (row counts and last-change times of every table but
// the audit log's); the audit chain must still verify at the end.
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { errorCatalogue } from '../platform/errors.ts';

/** What the fuzzer needs: an app to inject into, and the database to watch. */
export interface FuzzTarget {
  app: { inject(options: InjectOptions): Promise<LightMyRequestResponse> };
  /** Any schema: the fuzzer only counts the rows of whatever tables exist. */
  // biome-ignore lint/suspicious/noExplicitAny: whatever tables exist, counted by name.
  db: Kysely<any>;
}

export interface FuzzClient {
  role: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface FuzzOptions {
  /** Cases per route, method and role. */
  casesPerRoute: number;
  seed: number;
  /** A path parameter's value that names a real item, so that body and query checks are reached. */
  pathValue(path: string, name: string): string;
  /** Operations not sent (`METHOD /path`), each with its reason. */
  skip: Record<string, string>;
  /** An answer to bad input must be smaller than this (bytes). */
  maxErrorBytes: number;
  /** Any answer must come within this (ms): a generous bound that only a pathological case crosses. */
  maxRequestMs: number;
}

export interface FuzzFinding {
  operation: string;
  role: string;
  problem: string;
  request: string;
  status: number;
  body: string;
}

export interface FuzzReport {
  requests: number;
  operations: number;
  byStatus: Map<number, number>;
  slowestMs: number;
  largestErrorBytes: number;
  findings: FuzzFinding[];
  /** Per operation: requests sent, for the bench table. */
  perOperation: Map<string, number>;
}

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, JsonSchema>;
  body: { type: 'json' | 'text'; schema: JsonSchema } | null;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
} & Record<string, unknown>;

/** Strings no route should store as they are, or at all. */
export const oddStrings = [
  '\ud800x',
  'x\udc00',
  '\udbff',
  'a\u0000b',
  '\u0000',
  '\u202eevil\u202c',
  'e\u0301',
  '\u00e9',
  'ｆｕｌｌ',
  '\u200b\u200d\ufeff',
  '🎥📹',
  '\uffff\ufffe',
  '../../../etc/passwd',
  '..\\..\\windows',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x")',
  "'; drop table users; --",
  ' ',
  '',
  '\t\r\n',
  'x'.repeat(10_000),
  'é'.repeat(70_000),
  '2026-02-30',
  '2026-13-01T25:61:00Z',
  '-1',
  '1e309',
  'null',
  'true',
] as const;

const hostileNumber = fc.constantFrom(-1, 0, 1.5, -0.000001, 1e308, -1e308, 2 ** 53 + 1, 31, 366, 100_000);
const hostileString = fc.oneof(fc.constantFrom(...oddStrings), fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 20, unit: 'grapheme' }));

function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}

/** Values of any type that a field should refuse, or bound. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  fc.constantFrom(null, true, false, {}, [], [null], { __proto__: { admin: true } }),
  fc.constantFrom(deep(40), deep(2000)),
  fc.constantFrom(
    Array.from({ length: 20_000 }, (_, index) => index),
    Array.from({ length: 5000 }, () => 'x'),
  ),
  fc.dictionary(hostileString, fc.constantFrom(1, 'x', null), { maxKeys: 4 }),
);

const hostileId = fc.constantFrom(
  '../../etc/passwd',
  '%2e%2e',
  'x'.repeat(101),
  'x'.repeat(100),
  '%ED%A0%80',
  '%00',
  '%E9',
  '%',
  '%zz',
  '🎥',
  'null',
  '0',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  "1' or '1'='1",
  '..%2F..%2F',
  '%F0%9F%8E%A5',
  'a b',
);

function operationsOf(document: {
  paths: Record<
    string,
    Record<string, { parameters?: { in: string; name: string; schema: JsonSchema }[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>
  >;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const json = content['application/json'];
      const text = content['text/csv'] ?? content['text/plain'];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        query: Object.fromEntries(parameters.filter((parameter) => parameter.in === 'query').map((parameter) => [parameter.name, parameter.schema])),
        body: json ? { type: 'json', schema: json.schema } : text ? { type: 'text', schema: text.schema } : null,
      });
    }
  }
  return operations;
}

/** A body close to valid: each required property with a plausible value, so that one hostile field is what is judged. */
function plausible(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return null;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return plausible(schema.anyOf.find((option) => option.type !== 'null') ?? schema.anyOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, plausible(schema.properties?.[key], depth + 1)]));
    case 'array':
      return [];
    case 'string':
      return typeof schema.format === 'string' && schema.format === 'date'
        ? '2026-01-01'
        : typeof schema.format === 'string' && schema.format === 'date-time'
          ? '2026-01-01T00:00:00Z'
          : 'x';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

type Case =
  | { kind: 'field'; field: string; value: unknown }
  | { kind: 'missing'; field: string }
  | { kind: 'extra'; value: unknown }
  | { kind: 'whole'; value: unknown }
  | { kind: 'raw'; payload: string; contentType: string }
  | { kind: 'query'; name: string; value: string }
  | { kind: 'path'; name: string; value: string };

const rawBodies: { payload: string; contentType: string }[] = [
  { payload: '{"a":', contentType: 'application/json' },
  { payload: '{"a":1,"a":2}', contentType: 'application/json' },
  { payload: '{"__proto__":{"x":1}}', contentType: 'application/json' },
  { payload: '{"constructor":{"prototype":{"x":1}}}', contentType: 'application/json' },
  { payload: '\ufeff{}', contentType: 'application/json' },
  { payload: '{"login":"\\ud800x","password":"x"}', contentType: 'application/json' },
  { payload: '[]', contentType: 'application/json' },
  { payload: 'name=x', contentType: 'application/x-www-form-urlencoded' },
  { payload: '<xml/>', contentType: 'application/xml' },
  { payload: 'a,b\n1,2', contentType: 'text/csv' },
  { payload: '{}', contentType: 'application/json; charset=utf-16' },
  { payload: '{}', contentType: 'multipart/form-data; boundary=x' },
];

function caseArbitrary(operation: Operation): fc.Arbitrary<Case> {
  const options: fc.Arbitrary<Case>[] = [];
  const properties = Object.keys(operation.body?.schema.properties ?? {});
  if (operation.body?.type === 'json') {
    if (properties.length > 0) {
      options.push(fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom(...properties), value: hostileValue }));
      options.push(fc.record({ kind: fc.constant('missing' as const), field: fc.constantFrom(...properties) }));
    }
    options.push(fc.record({ kind: fc.constant('extra' as const), value: hostileValue }));
    options.push(fc.record({ kind: fc.constant('whole' as const), value: hostileValue }));
  }
  if (operation.body) options.push(fc.constantFrom(...rawBodies).map((raw) => ({ kind: 'raw' as const, ...raw })));
  const queryNames = Object.keys(operation.query);
  if (queryNames.length > 0) options.push(fc.record({ kind: fc.constant('query' as const), name: fc.constantFrom(...queryNames), value: hostileString }));
  if (operation.pathParams.length > 0)
    options.push(fc.record({ kind: fc.constant('path' as const), name: fc.constantFrom(...operation.pathParams), value: hostileId }));
  if (options.length === 0) options.push(fc.constant({ kind: 'extra' as const, value: 'x' }));
  return fc.oneof(...options);
}

function encodePathValue(value: string, hostile: boolean): string {
  // Hostile ids are sent as written (their own percent-escapes included), the real ones encoded.
  return hostile ? value.replaceAll(' ', '%20').replaceAll('/', '%2F') : encodeURIComponent(value);
}

function requestOf(operation: Operation, testCase: Case, options: FuzzOptions): InjectOptions {
  let url = operation.path;
  for (const name of operation.pathParams) {
    const hostile = testCase.kind === 'path' && testCase.name === name;
    const value = hostile ? testCase.value : options.pathValue(operation.path, name);
    url = url.replace(`{${name}}`, encodePathValue(value, hostile));
  }
  const query =
    testCase.kind === 'query'
      ? `?${encodeURIComponent(testCase.name)}=${encodeURIComponent(testCase.value.isWellFormed() ? testCase.value : testCase.value.toWellFormed())}`
      : '';
  const request: InjectOptions = { method: operation.method as InjectOptions['method'], url: url + query };
  const base = plausible(operation.body?.schema) as Record<string, unknown> | null;
  switch (testCase.kind) {
    case 'field':
      return { ...request, payload: JSON.stringify({ ...(base ?? {}), [testCase.field]: testCase.value }), headers: { 'content-type': 'application/json' } };
    case 'missing': {
      const { [testCase.field]: _missing, ...rest } = base ?? {};
      return { ...request, payload: JSON.stringify(rest), headers: { 'content-type': 'application/json' } };
    }
    case 'extra':
      return operation.body?.type === 'json'
        ? { ...request, payload: JSON.stringify({ ...(base ?? {}), unexpectedField: testCase.value }), headers: { 'content-type': 'application/json' } }
        : request;
    case 'whole':
      return { ...request, payload: JSON.stringify(testCase.value) ?? 'null', headers: { 'content-type': 'application/json' } };
    case 'raw':
      return { ...request, payload: testCase.payload, headers: { 'content-type': testCase.contentType } };
    default:
      return operation.body?.type === 'json' && base ? { ...request, payload: JSON.stringify(base), headers: { 'content-type': 'application/json' } } : request;
  }
}

const knownCodes = new Set(Object.keys(errorCatalogue));

function shapeProblem(response: LightMyRequestResponse): string | null {
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return 'refusal is not JSON';
  }
  const record = body as Record<string, unknown>;
  for (const key of ['code', 'message', 'message_fr', 'message_en']) if (typeof record[key] !== 'string' || record[key] === '') return `refusal lacks ${key}`;
  if (!knownCodes.has(record.code as string)) return `unknown code ${String(record.code)}`;
  return null;
}

/** Row count and last change of every table but the audit log's: a refusal must not move it. */
async function fingerprint(target: FuzzTarget, tables: readonly { name: string; changedColumn: string | null }[]): Promise<string> {
  const parts: string[] = [];
  for (const table of tables) {
    const changed = table.changedColumn ? sql`, max(${sql.ref(table.changedColumn)}) as changed` : sql``;
    const row = await sql<{ count: number | string; changed?: string | null }>`select count(*) as count${changed} from ${sql.table(table.name)}`.execute(
      target.db,
    );
    parts.push(`${table.name}:${row.rows[0]?.count}:${row.rows[0]?.changed ?? ''}`);
  }
  return parts.join('|');
}

/** Tables a refused request may still write: the audit (refusals are traced) and sign-in bookkeeping. */
const writableOnRefusal = new Set(['audit_log', 'audit_head', 'kysely_migration', 'kysely_migration_lock']);

async function tablesOf(target: FuzzTarget): Promise<{ name: string; changedColumn: string | null }[]> {
  const tables = await target.db.introspection.getTables();
  return tables
    .filter((table) => !writableOnRefusal.has(table.name))
    .map((table) => {
      const columns = new Set(table.columns.map((column) => column.name));
      // Failed sign-ins count attempts on the user row: its count, not its last change, is compared.
      const changedColumn = table.name === 'users' ? null : (['updated_at', 'created_at', 'at'].find((column) => columns.has(column)) ?? null);
      return { name: table.name, changedColumn };
    });
}

function describeRequest(request: InjectOptions): string {
  const payload = typeof request.payload === 'string' ? request.payload : '';
  return `${request.method} ${request.url} ${payload.length > 300 ? `${payload.slice(0, 300)}… (${payload.length} chars)` : payload}`;
}

export async function fuzzApi(target: FuzzTarget, clients: FuzzClient[], options: FuzzOptions): Promise<FuzzReport> {
  const document = (await target.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  const operations = operationsOf(document).filter((operation) => !(`${operation.method} ${operation.path}` in options.skip));
  const tables = await tablesOf(target);
  const report: FuzzReport = {
    requests: 0,
    operations: operations.length,
    byStatus: new Map(),
    slowestMs: 0,
    largestErrorBytes: 0,
    findings: [],
    perOperation: new Map(),
  };
  for (const [index, operation] of operations.entries()) {
    const name = `${operation.method} ${operation.path}`;
    for (const client of clients) {
      const cases = fc.sample(caseArbitrary(operation), { numRuns: options.casesPerRoute, seed: options.seed + index });
      for (const testCase of cases) {
        const request = requestOf(operation, testCase, options);
        const before = await fingerprint(target, tables);
        const started = performance.now();
        const response = await client.request(request);
        const elapsed = performance.now() - started;
        report.requests++;
        report.perOperation.set(name, (report.perOperation.get(name) ?? 0) + 1);
        report.byStatus.set(response.statusCode, (report.byStatus.get(response.statusCode) ?? 0) + 1);
        report.slowestMs = Math.max(report.slowestMs, elapsed);
        const finding = (problem: string) =>
          report.findings.push({
            operation: name,
            role: client.role,
            problem,
            request: describeRequest(request),
            status: response.statusCode,
            body: response.body.slice(0, 500),
          });
        if (response.statusCode >= 500) finding('5xx answer');
        if (elapsed > options.maxRequestMs) finding(`slow: ${Math.round(elapsed)} ms`);
        if (response.statusCode >= 400) {
          report.largestErrorBytes = Math.max(report.largestErrorBytes, response.rawPayload.length);
          const shape = shapeProblem(response);
          if (shape) finding(shape);
          if (response.rawPayload.length > options.maxErrorBytes) finding(`refusal of ${response.rawPayload.length} bytes`);
          const after = await fingerprint(target, tables);
          if (after !== before) finding(`refusal changed data: ${diffFingerprints(before, after)}`);
        }
      }
    }
  }
  return report;
}

function diffFingerprints(before: string, after: string): string {
  const was = new Map(before.split('|').map((part) => [part.split(':')[0], part]));
  return after
    .split('|')
    .filter((part) => was.get(part.split(':')[0]) !== part)
    .join(', ');
}
