// `./vigie logbook verify` on both databases: exit 0 and the count on an intact chain, exit 1
// naming the entry after an SQL edit (the CLI reads the same chain key file as the server).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
      cwd: root,
      env: { ...process.env, VIGIE_LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end();
  });
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`logbook verify command [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let env: Record<string, string>;

    before(async () => {
      context = await createTestContext(dialect);
      await createCommunesAndSites(context);
      for (const text of ['Ronde virtuelle : RAS.', 'Véhicule suspect signalé à la police.'])
        await context.services.logbook.write({ type: 'information', communeInsee: communeA, text }, testCli);
      const config = context.database.config;
      env = { VIGIE_DATA_DIR: context.dataDir, DATABASE_URL: config.dialect === 'sqlite' ? config.path : config.url };
    });
    after(async () => context?.close());

    it('exits 0 on the intact chain, 1 naming the entry edited by SQL', async () => {
      const intact = await runCli(['logbook', 'verify'], env);
      assert.equal(intact.code, 0, intact.stderr);
      assert.match(intact.stdout, /logbook chain intact: 2 entries checked \(seq 1 to 2\)/);
      await context.database.handle.db.updateTable('logbook_entries').set({ text: 'Rien à signaler.' }).where('seq', '=', 1).execute();
      const broken = await runCli(['logbook', 'verify'], env);
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, /entry 1\tedited/);
      assert.match(broken.stderr, /chaîne de la main courante ROMPUE : 1 problème/);
    });
  });
}
