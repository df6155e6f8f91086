// The command line as an administrator uses it, on both databases: user add (password on
// standard input), list, reset-password, disable; demo seed twice; serve answers and stops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from './testing/databases.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
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
    child.stdin.end(stdin);
  });
}

describe('command line basics', () => {
  it('prints help', async () => {
    const result = await runCli(['--help'], {});
    assert.equal(result.code, 0);
    assert.match(result.stdout, /user add <login> --role <role>/);
  });

  it('the demo writes nothing that another local account can read, and serve refuses an open data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigie-modes-'));
    try {
      const seeded = await runCli(['demo', '--seed-only'], { VIGIE_DATA_DIR: dataDir });
      assert.equal(seeded.code, 0, seeded.stderr);
      const open: string[] = [];
      const walk = (folder: string) => {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const path = join(folder, entry.name);
          if (statSync(path).mode & 0o077) open.push(`${path} ${(statSync(path).mode & 0o777).toString(8)}`);
          if (entry.isDirectory()) walk(path);
        }
      };
      walk(dataDir);
      assert.ok(readdirSync(dataDir).includes('vigie.sqlite'), 'the database is in the data folder');
      assert.deepEqual(open, [], 'folders 0700, files 0600');
      chmodSync(dataDir, 0o755);
      const refused = await runCli(['serve'], { VIGIE_DATA_DIR: dataDir, VIGIE_PORT: '0' });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`readable by other local accounts.*${dataDir.replaceAll('/', '\\/')} \\(0755\\).*chmod -R o-rwx`));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops on a bad configuration value and names it', async () => {
    const result = await runCli(['migrate'], { VIGIE_PORT: 'eighty' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /VIGIE_PORT/);
  });
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`command line [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let dataDir: string;
    let env: Record<string, string>;

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
      database = await createTestDatabase(dialect);
      env = { VIGIE_DATA_DIR: dataDir, DATABASE_URL: database.config.dialect === 'sqlite' ? database.config.path : database.config.url };
    });
    after(async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('seeds the demo twice without duplicating anything, and creates a 0600 secret key', async () => {
      for (let run = 0; run < 2; run++) {
        const result = await runCli(['demo', '--seed-only'], env);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /operateur\s+operator/);
      }
      const users = await database.handle.db.selectFrom('users').select('login').execute();
      assert.equal(users.length, 8);
      const communes = await database.handle.db.selectFrom('communes').select('insee').execute();
      assert.equal(communes.length, 2);
      const cameras = await database.handle.db.selectFrom('cameras').select(['name', 'main_stream_url']).execute();
      assert.equal(cameras.length, 8);
      assert.ok(
        cameras.every((camera) => /^rtsp:\/\/127\.0\.1\.\d+:8554\/cam\/cam-\d{3}\/main$/.test(camera.main_stream_url)),
        'demo cameras point at the loopback simulator',
      );
      const covered = await database.handle.db.selectFrom('authorisation_cameras').select('camera_id').execute();
      assert.equal(covered.length, 7, 'one demo camera is left unauthorised on purpose');
      assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    });

    it('adds a user with the password from standard input, lists, resets and disables it', async () => {
      const add = await runCli(
        [
          'user',
          'add',
          'chloe',
          '--role',
          'operator',
          '--commune',
          '38999',
          '--approval',
          'AGR-9',
          '--approval-expires',
          '2029-01-01',
          '--training',
          '2026-02-01',
        ],
        env,
        'Strong-Pass-Vigie-2026\n',
      );
      assert.equal(add.code, 0, add.stderr);
      const weak = await runCli(['user', 'add', 'weakling', '--role', 'operator', '--commune', '38999'], env, 'weak\n');
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /weak_password/);
      const badRole = await runCli(['user', 'add', 'who', '--role', 'mayor'], env, 'Whatever-Pass-2026\n');
      assert.equal(badRole.code, 1);
      assert.match(badRole.stderr, /unknown role mayor/);
      const list = await runCli(['user', 'list'], env);
      assert.match(list.stdout, /chloe\toperator\t38999\t2029-01-01\t2026-02-01\tno\tactive/);
      assert.equal((await runCli(['user', 'reset-password', 'chloe'], env, 'Another-Strong-Pass-2026\n')).code, 0);
      assert.equal((await runCli(['user', 'disable', 'chloe'], env)).code, 0);
      assert.match((await runCli(['user', 'list'], env)).stdout, /chloe\toperator.*disabled/);
      const verify = await runCli(['audit', 'verify'], env);
      assert.equal(verify.code, 0);
      const rows = await database.handle.db
        .selectFrom('audit_log')
        .select(['action', 'actor_login'])
        .where('action', 'in', ['user.created', 'user.password_reset', 'user.disabled'])
        .execute();
      assert.ok(rows.some((row) => row.action === 'user.password_reset' && row.actor_login?.startsWith('cli:')));
    });

    it('verifies the (empty) recordings archive', async () => {
      const result = await runCli(['recordings', 'verify'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /recordings intact: 0 camera\(s\)/);
      const bad = await runCli(['recordings', 'verify', '--from', 'yesterday'], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--from/);
    });

    it('serves /api/health and stops gracefully on SIGTERM', async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'serve'], {
        cwd: root,
        env: { ...process.env, ...env, VIGIE_PORT: '0', VIGIE_METRICS_PORT: '0', VIGIE_LOG_LEVEL: 'info' },
      });
      try {
        const [url, metricsUrl] = await new Promise<[string, string]>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('server did not start within 20 s')), 20_000);
          let output = '';
          child.stdout.on('data', (chunk) => {
            output += chunk;
            const api = /Vigie listening on (http:\/\/[^\s]+)/.exec(output);
            const metrics = /Vigie metrics on (http:\/\/[^\s]+)/.exec(output);
            if (api && metrics) {
              clearTimeout(timer);
              resolve([api[1]!, metrics[1]!]);
            }
          });
        });
        const health = await fetch(`${url}/api/health`);
        assert.deepEqual(await health.json(), { status: 'ok', version: '0.1.0', database: { dialect, reachable: true } });
        const openapi = (await (await fetch(`${url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
        assert.ok(openapi.paths['/api/cameras'] || openapi.paths['/api/communes']);
        assert.doesNotMatch(
          await (await fetch(`${url}/metrics`)).text(),
          /vigie_http_requests_total/,
          'not on the API listener (the console page answers there)',
        );
        assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
        assert.match(await (await fetch(metricsUrl)).text(), /vigie_http_requests_total/);
      } finally {
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        child.kill('SIGTERM');
        assert.equal(await exited, 0);
      }
      // Issue 11: the worker role signed a checkpoint of the chain heads at its start and another on its way out.
      const checkpoints = readFileSync(join(dataDir, 'checkpoints', 'checkpoints.jsonl'), 'utf8')
        .trim()
        .split('\n');
      assert.ok(checkpoints.length >= 2, `${checkpoints.length} checkpoint(s)`);
      const verified = await runCli(['audit', 'verify'], env);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stdout, new RegExp(`${checkpoints.length} signed checkpoint\\(s\\)`));
    });
  });
}
