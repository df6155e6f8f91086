// The fuzzer can fail (issue 20): against a small app with one route of each defect, on a real
// SQLite database, it reports the 5xx, the refusal outside the documented shape, the oversized
// refusal and the refusal that wrote a row; the sound route gives no finding.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.ts';
import { DomainError } from '../platform/errors.ts';
import { registerErrorHandling } from '../platform/http/error-handler.ts';
import { fuzzApi } from './api-fuzz.ts';

describe('the API fuzzer finds what it is meant to find', () => {
  let directory: string;
  let database: DatabaseHandle;
  let app: FastifyInstance;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'vigie-fuzz-self-'));
    database = openDatabase({ dialect: 'sqlite', path: join(directory, 'fuzz.sqlite') });
    await sql`create table notes (id integer primary key, text text, created_at text)`.execute(database.db);
    app = Fastify({ logger: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    registerErrorHandling(app);
    await app.register(swagger, { openapi: { info: { title: 'fuzz', version: '1' } }, transform: jsonSchemaTransform });
    const routes = app.withTypeProvider<ZodTypeProvider>();
    const body = { body: z.object({ name: z.string().max(50) }) };
    routes.get('/api/openapi.json', () => app.swagger());
    routes.post('/api/sound', { schema: body }, () => ({ ok: true }));
    routes.post('/api/crashes', { schema: { body: z.object({ name: z.unknown() }) } }, (request) => ({
      length: (request.body.name as string).length.toFixed(),
    }));
    routes.post('/api/unshaped', { schema: body }, (_request, reply) => reply.status(400).send({ error: 'bad' }));
    routes.post('/api/amplifies', { schema: body }, () => {
      throw new DomainError('validation_failed', { details: 'x'.repeat(100_000) });
    });
    routes.post('/api/writes-then-refuses', { schema: body }, async () => {
      await sql`insert into notes (text, created_at) values ('half', 'now')`.execute(database.db);
      throw new DomainError('conflict');
    });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await database?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reports each defect on its route, and nothing on the sound one', async () => {
    const report = await fuzzApi({ app, db: database.db }, [{ role: 'anonymous', request: (options) => app.inject(options) }], {
      casesPerRoute: 30,
      seed: 1,
      skip: { 'GET /api/openapi.json': 'the document itself' },
      maxErrorBytes: 16 * 1024,
      maxRequestMs: 5000,
      pathValue: () => 'x',
    });
    const problems = (operation: string) =>
      new Set(
        report.findings.filter((finding) => finding.operation === operation).map((finding) => finding.problem.replace(/:.*$/, '').replace(/ of \d+ bytes/, '')),
      );
    assert.deepEqual([...problems('POST /api/sound')], []);
    assert.ok(problems('POST /api/crashes').has('5xx answer'));
    assert.ok(problems('POST /api/unshaped').has('refusal lacks code'));
    assert.ok(problems('POST /api/amplifies').has('refusal'));
    assert.ok(problems('POST /api/writes-then-refuses').has('refusal changed data'));
  });
});
