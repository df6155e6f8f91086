// Bad input over the whole API, on both databases (issue 20): the fuzzer of testing/api-fuzz.ts
// sends hostile cases to every route, method and role of /api/openapi.json (a bounded number
// here; `./vigie bench fuzz` runs more), and fails on any 5xx, any refusal outside the
// documented shape, too large or too slow, any refusal that changed data, and any change of
// the audit chain's verdict. Around it: every request schema is bounded; odd strings cannot
// break the chain (the anonymous sign-in of the issue); framework refusals are shaped, also
// those of Node's HTTP parser on a real socket.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { oddStrings } from './testing/api-fuzz.ts';
import { fuzzContext } from './testing/api-fuzz.fixtures.ts';
import { createTestContext, type TestContext } from './testing/context.ts';
import { dialectsUnderTest } from './testing/databases.ts';

type JsonSchema = Record<string, unknown>;

/** Where a request schema leaves a string or an array unbounded (path parameters are bounded by the router). */
function unbounded(schema: unknown, at: string, found: string[]): void {
  if (!schema || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const item of schema) unbounded(item, at, found);
    return;
  }
  const node = schema as JsonSchema;
  if (node.type === 'array' && node.maxItems === undefined && node.prefixItems === undefined) found.push(`${at}: array without maxItems`);
  if (
    node.type === 'string' &&
    node.maxLength === undefined &&
    node.enum === undefined &&
    node.const === undefined &&
    node.format === undefined &&
    node.pattern === undefined
  ) {
    found.push(`${at}: string without maxLength`);
  }
  for (const [key, value] of Object.entries(node)) unbounded(value, `${at}/${key}`, found);
}

/** Sends raw bytes to a listening server and returns what it answers. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.end(request);
  });
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`bad input over the whole API [${dialect}]`, { skip }, () => {
    let context: TestContext;
    before(async () => {
      // A running clock: a refused request that wrote would move a table's last change.
      context = await createTestContext(dialect, { clockRunning: true });
    });
    after(async () => context?.close());

    it('every string and array of every request schema is bounded', async () => {
      const document = (await context.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
        paths: Record<
          string,
          Record<string, { parameters?: { in: string; name: string; schema: unknown }[]; requestBody?: { content?: Record<string, { schema: unknown }> } }>
        >;
      };
      const found: string[] = [];
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          for (const parameter of operation.parameters ?? [])
            if (parameter.in !== 'path') unbounded(parameter.schema, `${method.toUpperCase()} ${path} ${parameter.in}:${parameter.name}`, found);
          // A text body (the CSV import) is bounded by its route's body limit instead.
          for (const [type, content] of Object.entries(operation.requestBody?.content ?? {}))
            if (type === 'application/json') unbounded(content.schema, `${method.toUpperCase()} ${path} body`, found);
        }
      }
      assert.deepEqual(found, []);
    });

    it('odd strings in a failed sign-in never break the audit chain', async () => {
      for (const login of oddStrings) {
        const response = await context.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'content-type': 'application/json' },
          payload: `{"login":${JSON.stringify(login)},"password":"wrong"}`,
        });
        assert.ok(response.statusCode < 500, `${JSON.stringify(login).slice(0, 40)}: ${response.statusCode}`);
      }
      const loneSurrogate = await context.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"login":"\\ud800x","password":"wrong"}',
      });
      assert.equal(loneSurrogate.statusCode, 400);
      assert.equal(loneSurrogate.json().code, 'text_invalid');
      const verdict = await context.services.audit.verify();
      assert.deepEqual([verdict.ok, verdict.problems], [true, []]);
    });

    it('framework refusals have the documented shape: bad percent-encoding and over-long parameter', async () => {
      for (const url of ['/api/cameras/%E0%A4%A', `/api/cameras/${'x'.repeat(101)}`, '/api/cameras/%']) {
        const response = await context.app.inject({ method: 'GET', url });
        assert.ok([400, 404, 414].includes(response.statusCode), `${url}: ${response.statusCode}`);
        const body = response.json() as Record<string, string>;
        assert.ok(body.code && body.message_fr && body.message_en, `${url}: ${response.body}`);
      }
      // Over 100 characters a parameter matches no route: the console's catch-all answers a coded 404.
      assert.ok(['uri_too_long', 'not_found'].includes((await context.app.inject({ method: 'GET', url: `/api/cameras/${'x'.repeat(101)}` })).json().code));
    });

    it("Node's HTTP parser refusals (headers over 16 KiB, garbage) have the documented shape on a real socket", async () => {
      await context.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (context.app.server.address() as { port: number }).port;
      const large = await rawExchange(port, `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
      assert.match(large, /^HTTP\/1\.1 431 /);
      const body = JSON.parse(large.slice(large.indexOf('\r\n\r\n') + 4)) as Record<string, string>;
      assert.equal(body.code, 'headers_too_large');
      assert.ok(body.message_fr && body.message_en);
      const garbage = await rawExchange(port, 'NOT-HTTP \u0001\r\n\r\n');
      assert.match(garbage, /^HTTP\/1\.1 400 /);
      assert.equal((JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)) as { code: string }).code, 'malformed_request');
    });

    it('hostile input to every route, method and role: no 5xx, shaped, bounded, nothing changed by a refusal, chain intact', async () => {
      const report = await fuzzContext(context, { casesPerRoute: Number(process.env.VIGIE_FUZZ_CASES ?? 4), seed: 20_261_202 });
      assert.ok(report.operations > 90, `${report.operations} operations fuzzed`);
      if (report.findings.length > 0) console.log(JSON.stringify(report.findings, null, 1));
      assert.deepEqual(report.findings.slice(0, 10), [], `${report.findings.length} finding(s) in ${report.requests} requests`);
      const verdict = await context.services.audit.verify();
      assert.deepEqual([verdict.ok, verdict.problemCount], [true, 0]);
    });
  });
}
