// `./vigie authorisations repair` on both databases (issue 17): an authorisation whose cameras
// and recipients an update emptied gets them back from the audit row of that update, through
// an audited update; other authorisations are untouched; a second run has nothing to do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cameraInput, communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
      cwd: root,
      env: { ...process.env, VIGIE_LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`authorisations repair [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let env: Record<string, string>;

    before(async () => {
      context = await createTestContext(dialect, { clockStart: '2026-11-23T10:00:00.000Z' });
      const config = context.database.config;
      env = { VIGIE_DATA_DIR: context.dataDir, DATABASE_URL: config.dialect === 'sqlite' ? config.path : config.url };
    });
    after(async () => context?.close());

    it('gives back the cameras and recipients an update emptied, audited with the row it restores from', async () => {
      const { siteA } = await createCommunesAndSites(context);
      const first = await context.services.cameras.create(cameraInput(siteA, 'CAM-1'), testCli);
      const second = await context.services.cameras.create(cameraInput(siteA, 'CAM-2', { ipAddress: '10.1.0.11', macAddress: 'ac:cc:8e:00:00:02' }), testCli);
      const authorisation = await context.services.authorisations.create(
        {
          reference: 'AP-WIPED',
          communeInsee: communeA,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Centre',
          purposes: ['people_property_safety'],
          minRetentionDays: 7,
          maxRetentionDays: 30,
          recipients: ['gendarmerie', 'national_police'],
          cameraIds: [first.id, second.id],
        },
        testCli,
      );
      const untouched = await context.services.authorisations.create(
        {
          reference: 'AP-INTACT',
          communeInsee: '38421',
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Mairie',
          purposes: ['public_buildings'],
          minRetentionDays: 7,
          maxRetentionDays: 30,
          recipients: ['municipal_police'],
        },
        testCli,
      );
      // What the defect did: one update that left both lists empty (its audit row keeps them in `before`).
      await context.services.authorisations.update(authorisation.id, { endOn: '2030-12-30', cameraIds: [], recipients: [] }, testCli);
      const listed = await runCli(['authorisations', 'repair'], env);
      assert.equal(listed.code, 1, listed.stderr);
      assert.match(listed.stdout, /AP-WIPED\t38185\taudit row \d+ .*cameras: 2\trecipients: gendarmerie,national_police/);
      assert.doesNotMatch(listed.stdout, /AP-INTACT/);
      assert.deepEqual((await context.services.authorisations.get(authorisation.id, null)).cameraIds, [], 'listing changes nothing');

      const applied = await runCli(['authorisations', 'repair', '--apply'], env);
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /restored: 2 camera\(s\), recipients gendarmerie,national_police\n/);
      const restored = await context.services.authorisations.get(authorisation.id, null);
      assert.deepEqual(restored.cameraIds, [first.id, second.id].sort());
      assert.deepEqual(restored.recipients, ['gendarmerie', 'national_police']);
      assert.equal(restored.endOn, '2030-12-30', 'other fields stay as they are now');
      assert.deepEqual(await context.services.authorisations.get(untouched.id, null), untouched);
      const audit = await context.services.audit.search({ action: 'authorisation.updated', targetId: authorisation.id }, { allCommunes: true, communes: [] });
      assert.match(audit.records[0]!.reason ?? '', /restored from audit row \d+/);
      assert.deepEqual(audit.records[0]!.details.after, { cameraIds: [first.id, second.id].sort(), recipients: ['gendarmerie', 'national_police'] });

      const again = await runCli(['authorisations', 'repair'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /nothing to repair/);
      assert.equal((await runCli(['audit', 'verify'], env)).code, 0);
    });
  });
}
