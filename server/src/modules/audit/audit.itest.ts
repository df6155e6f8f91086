// The audit chain on both databases: tamper detection (edit, delete, reorder, tail), the CLI's
// exit code, concurrent writers from several processes, purge, search scope.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { loadOrCreateChainKeys } from '../../platform/chain-keys.ts';
import { ManualClock } from '../../platform/clock.ts';
import { dialectsUnderTest, createTestDatabase, type TestDatabase } from '../../testing/databases.ts';
import { auditServiceOn } from './audit.fixtures.ts';
import type { AuditService } from './audit.service.ts';
import { CheckpointStore } from './checkpoints.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const actor = { type: 'user' as const, id: 'u1', login: 'alice', ip: '127.0.0.1' };

async function fill(audit: AuditService, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await audit.recordAlone(actor, {
      action: 'camera.updated',
      communeInsee: index % 2 ? '38999' : '38998',
      targetType: 'camera',
      targetId: `c${index}`,
      details: { index, password: 'never-stored' },
    });
  }
}

/** `./vigie audit verify` on the test's database, with the test's keys and checkpoints (its data folder). */
async function cliVerify(database: TestDatabase, dataDir: string): Promise<{ code: number; output: string }> {
  const url = database.config.dialect === 'sqlite' ? database.config.path : database.config.url;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'audit', 'verify'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`audit chain [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let audit: AuditService;
    let dataDir: string;
    const clock = new ManualClock('2026-11-23T10:00:00.000Z');

    before(async () => {
      database = await createTestDatabase(dialect);
      dataDir = mkdtempSync(join(tmpdir(), 'vigie-audit-'));
      const keys = await loadOrCreateChainKeys({ chainKeyFile: join(dataDir, 'chain.key'), signingKeyFile: join(dataDir, 'signing.key') }, async () => ({
        auditThroughSeq: 0,
        segmentsThroughId: 0,
      }));
      audit = auditServiceOn(database.handle.db, dialect, clock, {
        key: keys.audit,
        checkpoints: new CheckpointStore({ directory: join(dataDir, 'checkpoints'), signer: keys.signer }),
      });
    });
    after(async () => {
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const reset = async () => {
      await database.handle.db.deleteFrom('audit_log').execute();
      await database.handle.db
        .updateTable('audit_head')
        .set({ seq: 0, hash: '0'.repeat(64), anchor_seq: 1, anchor_prev_hash: '0'.repeat(64) })
        .execute();
    };

    it('verifies an intact chain, and never stores secrets', async () => {
      await reset();
      await fill(audit, 10);
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.rowsChecked, report.lastSeq], [true, 10, 10]);
      const stored = await database.handle.db.selectFrom('audit_log').select('details').execute();
      assert.ok(stored.every((row) => !row.details.includes('never-stored')));
      assert.equal((await cliVerify(database, dataDir)).code, 0);
    });

    it('detects an edited row, and the CLI exits non-zero naming it', async () => {
      await reset();
      await fill(audit, 10);
      await database.handle.db.updateTable('audit_log').set({ actor_login: 'mallory' }).where('seq', '=', 4).execute();
      const report = await audit.verify();
      assert.equal(report.ok, false);
      assert.deepEqual([report.problem?.kind, report.problem?.seq], ['edited', 4]);
      const cli = await cliVerify(database, dataDir);
      assert.equal(cli.code, 1);
      assert.match(cli.output, /row 4/);
    });

    it('detects a deleted row', async () => {
      await reset();
      await fill(audit, 10);
      await database.handle.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.problem?.kind, report.problem?.seq], [false, 'deleted', 6]);
    });

    it('detects reordered rows', async () => {
      await reset();
      await fill(audit, 10);
      // Swap rows 3 and 7 by renumbering them through a free value.
      await database.handle.db.updateTable('audit_log').set({ seq: 1000 }).where('seq', '=', 3).execute();
      await database.handle.db.updateTable('audit_log').set({ seq: 3 }).where('seq', '=', 7).execute();
      await database.handle.db.updateTable('audit_log').set({ seq: 7 }).where('seq', '=', 1000).execute();
      const report = await audit.verify();
      assert.equal(report.ok, false);
      assert.equal(report.problem?.seq, 3);
    });

    it('detects rows removed from the end', async () => {
      await reset();
      await fill(audit, 10);
      await database.handle.db.deleteFrom('audit_log').where('seq', '>', 8).execute();
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.problem?.kind, report.problem?.seq], [false, 'tail_removed', 9]);
    });

    it('keeps one unforked chain with concurrent writers in several processes', async () => {
      await reset();
      const config = JSON.stringify(database.config);
      const writer = fileURLToPath(new URL('./audit.writer.ts', import.meta.url));
      await Promise.all([
        run(process.execPath, ['--import', 'tsx', writer, config, '40', 'writer-a', dataDir], { cwd: root }),
        run(process.execPath, ['--import', 'tsx', writer, config, '40', 'writer-b', dataDir], { cwd: root }),
        (async () => {
          await Promise.all(Array.from({ length: 20 }, (_, index) => audit.recordAlone(actor, { action: 'test.concurrent', details: { index } })));
        })(),
      ]);
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.rowsChecked], [true, 100]);
      const seqs = (await database.handle.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((row) => Number(row.seq));
      assert.deepEqual(
        seqs,
        Array.from({ length: 100 }, (_, index) => index + 1),
      );
    });

    it('purges rows past retention and still verifies from the new anchor', async () => {
      await reset();
      clock.set('2023-01-01T00:00:00.000Z');
      await fill(audit, 5);
      clock.set('2026-11-23T10:00:00.000Z');
      await fill(audit, 3);
      const deleted = await audit.purgeExpired(1095, { type: 'system', id: null, login: 'system' });
      assert.equal(deleted, 5);
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.firstSeq, report.rowsChecked], [true, 6, 4]);
      const purgeRow = await database.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'audit.purged').executeTakeFirstOrThrow();
      assert.match(purgeRow.details, /"deletedRows":5/);
      // Issue 11 item 15: the anchor's hash is kept in the purge row (it attests where the chain now starts).
      const details = JSON.parse(purgeRow.details) as { anchorSeq: number; anchorPrevHash: string };
      assert.deepEqual([details.anchorSeq, /^[0-9a-f]{64}$/.test(details.anchorPrevHash)], [6, true]);
    });

    it("searches within the caller's communes only", async () => {
      await reset();
      await fill(audit, 6);
      const scoped = await audit.search({}, { allCommunes: false, communes: ['38999'] });
      assert.equal(scoped.total, 3);
      assert.ok(scoped.records.every((record) => record.communeInsee === '38999'));
      const all = await audit.search({ action: 'camera.' }, { allCommunes: true, communes: [] });
      assert.equal(all.total, 6);
      const csv = await audit.exportCsv({}, { allCommunes: true, communes: [] });
      assert.equal(csv.trim().split('\n').length, 7);
    });

    it('records image accesses for later modules, with camera, commune and reason', async () => {
      await reset();
      await audit.recordImageAccess(actor, { kind: 'live.start', cameraId: 'cam-1', communeInsee: '38999', reason: 'Rixe signalée place du marché' });
      await audit.recordImageAccess(actor, {
        kind: 'export',
        cameraId: 'cam-1',
        communeInsee: '38999',
        reason: 'Réquisition PV 2026/123',
        details: { from: '2026-11-23T09:00:00Z' },
      });
      const found = await audit.search({ action: 'image.', targetId: 'cam-1' }, { allCommunes: false, communes: ['38999'] });
      assert.deepEqual(
        found.records.map((record) => [record.action, record.reason]),
        [
          ['image.export', 'Réquisition PV 2026/123'],
          ['image.live.start', 'Rixe signalée place du marché'],
        ],
      );
      assert.equal((await audit.verify()).ok, true);
    });

    it('a row written inside a failed transaction disappears with it', async () => {
      await reset();
      await assert.rejects(
        database.handle.db.transaction().execute(async (trx) => {
          await audit.record(trx, actor, { action: 'camera.updated' });
          await sql`select * from no_such_table`.execute(trx);
        }),
      );
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.rowsChecked], [true, 0]);
    });
  });
}
