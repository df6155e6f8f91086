// The statutory register's head in the signed checkpoints, on both databases, through the
// command line: `./vigie audit checkpoint` signs the register's seq and hash with the other chain
// heads; whoever can write the database then deletes the register's last row and rewinds its head
// to the row before (the chain alone still verifies); `./vigie register verify` fails and names
// the checkpoint.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { loadOrCreateChainKeys, type ChainKeys } from '../../platform/chain-keys.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { RegisterChain } from './register.chain.ts';
import { RetentionRepository } from './retention.repository.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));

const entry = (index: number) => ({
  at: `2026-12-07T10:00:0${index}.000Z`,
  communeInsee: '38185',
  cameraId: `cam-${index}`,
  kind: 'exported' as const,
  fromMs: 1_796_000_000_000 + index * 60_000,
  toMs: 1_796_000_060_000 + index * 60_000,
  segments: 6,
  bytes: 1_000_000,
  reference: `PV 2026/${index}`,
  details: { index },
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`register head in the signed checkpoints [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let dataDir: string;
    let keys: ChainKeys;

    before(async () => {
      database = await createTestDatabase(dialect);
      dataDir = await mkdtemp(join(tmpdir(), 'vigie-register-checkpoint-'));
      keys = await loadOrCreateChainKeys({ chainKeyFile: join(dataDir, 'chain.key'), signingKeyFile: join(dataDir, 'signing.key') }, async () => ({
        auditThroughSeq: 0,
        segmentsThroughId: 0,
        registerThroughSeq: 0,
      }));
    });
    after(async () => {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    const cli = async (...args: string[]) => {
      const url = database.config.dialect === 'sqlite' ? database.config.path : database.config.url;
      try {
        const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
          cwd: root,
          env: { ...process.env, DATABASE_URL: url, VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent' },
        });
        return { code: 0, output: stdout + stderr };
      } catch (error) {
        const failure = error as { code: number; stdout: string; stderr: string };
        return { code: failure.code, output: failure.stdout + failure.stderr };
      }
    };

    it('cutting the last register row and rewinding the head is named against the newest checkpoint', async () => {
      const db = tablesOf<RetentionSchema>(database.handle.db);
      const repository = new RetentionRepository(db, new RegisterChain(keys.register));
      await repository.transaction((trx) => repository.insertRegisterEntries(trx, [entry(1), entry(2), entry(3)]));
      const written = await cli('audit', 'checkpoint');
      assert.equal(written.code, 0, written.output);
      const lines = (await readFile(join(dataDir, 'checkpoints', 'checkpoints.jsonl'), 'utf8')).trim().split('\n');
      const signed = JSON.parse(lines.at(-1)!) as { register?: { seq: number; hash: string } };
      const head = await repository.registerHead();
      assert.deepEqual(signed.register, head);
      assert.equal(head.seq, 3);
      const intact = await cli('register', 'verify');
      assert.equal(intact.code, 0, intact.output);

      // The cut: the last row deleted, the head set back to the row before it. The chain alone still holds.
      const previous = await db.selectFrom('statutory_register').select(['seq', 'hash']).where('seq', '=', 2).executeTakeFirstOrThrow();
      await db.deleteFrom('statutory_register').where('seq', '=', 3).execute();
      await db
        .updateTable('statutory_register_head')
        .set({ seq: Number(previous.seq), hash: previous.hash })
        .where('id', '=', 1)
        .execute();
      assert.deepEqual((await repository.verifyRegisterChain()).problems, []);

      const cut = await cli('register', 'verify');
      assert.equal(cut.code, 1, cut.output);
      assert.match(cut.output, /checkpoint_mismatch\tcheckpoint of \S+ \(file line \d+\): names row 3, past the register's end \(row 2\)/);
      const report = await repository.verifyRegisterChain({ head: { ...signed.register!, at: 'then', line: lines.length }, problems: [] });
      assert.deepEqual(
        report.problems.map((problem) => [problem.kind, problem.seq]),
        [['checkpoint_mismatch', 3]],
      );
    });
  });
}
