// Large and hostile inventory files over HTTP (issue 20): a 25,000-line file is checked in a
// worker thread while health and the progress route keep answering; a second import meanwhile
// is refused (`import_busy`); a body over the route's limit is a coded 413; a 200,000-character
// cell and a file that is not UTF-8 get the importer's own short, clear refusal; 30,000 bad
// lines give a bounded answer. Nothing is written by any refusal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requestLimits } from '../../platform/http/limits.ts';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { createCommunesAndSites, generatedCsv } from '../../testing/inventory.fixtures.ts';
import { importLimits } from './cameras.import.ts';

const csvHeaders = { 'content-type': 'text/csv; charset=utf-8' };

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`large and hostile inventory files [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;

    before(async () => {
      context = await createTestContext(dialect);
      await createCommunesAndSites(context);
      admin = await signIn(context, 'administrator', 'all');
    });
    after(async () => context?.close());

    const cameraCount = async () => (await context.services.cameras.list(null)).length;
    const importCsv = (payload: string | Buffer, query = 'dryRun=true') =>
      admin.request({ method: 'POST', url: `/api/cameras/import?${query}`, headers: csvHeaders, payload });

    it('checks 25,000 lines off the event loop: health, progress answer meanwhile; a second import is refused', async () => {
      const csv = generatedCsv(25_000);
      assert.ok(csv.length < requestLimits.importBodyBytes && csv.length > importLimits.inlineParseChars);
      let finished = false;
      const running = importCsv(csv).then((response) => {
        finished = true;
        return response;
      });
      const seen: { phase: string | null; linesDone: number; linesTotal: number | null }[] = [];
      let healthWhileRunning = 0;
      let busy: { statusCode: number; code: string } | null = null;
      // Bounded in time: the poll stops after two minutes whatever happens.
      const deadline = Date.now() + 120_000;
      while (!finished && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const [health, progress] = await Promise.all([
          context.app.inject({ method: 'GET', url: '/api/health' }),
          admin.request({ method: 'GET', url: '/api/cameras/import/progress' }),
        ]);
        const view = progress.json() as { running: boolean; phase: string | null; linesDone: number; linesTotal: number | null };
        if (!view.running || finished) continue;
        if (health.statusCode === 200) healthWhileRunning++;
        seen.push({ phase: view.phase, linesDone: view.linesDone, linesTotal: view.linesTotal });
        if (!busy && view.phase === 'checking') {
          const second = await importCsv(generatedCsv(3));
          busy = { statusCode: second.statusCode, code: second.json().code };
        }
      }
      const response = await running;
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().created, 25_000);
      assert.ok(healthWhileRunning > 0, 'health answered while the file was checked');
      assert.ok(
        seen.some((entry) => entry.phase === 'checking' && entry.linesDone > 0 && entry.linesDone < 25_000 && entry.linesTotal === 25_000),
        JSON.stringify(seen.slice(0, 5)),
      );
      assert.deepEqual(busy, { statusCode: 409, code: 'import_busy' });
      assert.equal((await admin.request({ method: 'GET', url: '/api/cameras/import/progress' })).json().running, false);
      assert.equal(await cameraCount(), 0, 'a dry run writes nothing');
    });

    it('a body over the import limit is a coded 413, and JSON routes keep a small limit', async () => {
      const big = importCsv(Buffer.alloc(requestLimits.importBodyBytes + 1, 'a'));
      const refused = await big;
      assert.equal(refused.statusCode, 413);
      assert.equal(refused.json().code, 'body_too_large');
      assert.ok(refused.json().message_fr && refused.json().message_en);
      const json = await admin.request({ method: 'POST', url: '/api/sites', payload: { name: 'x'.repeat(requestLimits.defaultBodyBytes) } });
      assert.equal(json.statusCode, 413);
      assert.equal(json.json().code, 'body_too_large');
      const login = await context.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: 'a', password: 'p'.repeat(requestLimits.authBodyBytes) },
      });
      assert.equal(login.statusCode, 413);
    });

    it('a 200,000-character cell is refused with a short message; nothing is written', async () => {
      const csv = generatedCsv(3, { 3: { model: `rtsp://admin:secret@${'m'.repeat(200_000)}` } });
      const response = await importCsv(csv, 'dryRun=false');
      assert.equal(response.statusCode, 400);
      const body = response.json() as { code: string; details: { errors: { line: number; column: string; message_en: string }[] } };
      assert.equal(body.code, 'import_failed');
      assert.deepEqual(
        body.details.errors.map((error) => [error.line, error.column]),
        [[3, 'model']],
      );
      assert.ok(response.body.length < 2000, `answer of ${response.body.length} bytes`);
      assert.doesNotMatch(response.body, /secret/);
      assert.equal(await cameraCount(), 0);
    });

    it('a Windows-1252, UTF-16 or binary file gets the importer\'s "not UTF-8" refusal', async () => {
      const latin1 = Buffer.from(generatedCsv(2).replace('Hikvision', 'Caméra'), 'latin1');
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(generatedCsv(2), 'utf16le')]);
      const utf16NoBom = Buffer.from(generatedCsv(2), 'utf16le');
      const binary = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256));
      for (const [label, payload] of [
        ['latin1', latin1],
        ['utf16', utf16],
        ['utf16 without BOM', utf16NoBom],
        ['binary', binary],
      ] as const) {
        const response = await importCsv(payload, 'dryRun=false');
        assert.equal(response.statusCode, 400, `${label}: ${response.body.slice(0, 300)}`);
        const body = response.json() as { code: string; details: { errors: { code: string }[] } };
        assert.equal(body.code, 'import_failed', label);
        assert.equal(body.details.errors[0]?.code, 'not_utf8', label);
      }
      assert.equal(await cameraCount(), 0);
    });

    it('30,000 bad lines give a bounded answer: the first 1,000 errors, and their count', async () => {
      const bad: Record<number, Record<string, string>> = {};
      for (let line = 2; line <= 25_001; line++) bad[line] = { kind: 'submarine' };
      const response = await importCsv(generatedCsv(25_000, bad));
      assert.equal(response.statusCode, 400);
      const body = response.json() as { details: { errors: unknown[]; errorCount: number }; message_en: string };
      assert.equal(body.details.errors.length, importLimits.listedErrors);
      assert.equal(body.details.errorCount, 25_000);
      assert.match(body.message_en, /25000 error\(s\) on 25000 line\(s\) \(the first 1000 listed\)/);
      assert.ok(response.body.length < 512 * 1024, `answer of ${response.body.length} bytes`);
    });
  });
}
