// Issue 11, items 11 and 15, on both databases: an attacker who can write the database but has
// not the chain key rewrites a row and recomputes every later hash and the head (unkeyed, or
// under a key of their own); cuts the end of the chain and rewinds the head; removes the first
// rows and moves the anchor; edits the checkpoint file by hand. Each is detected, by the API
// and by `./vigie audit verify`. Rows written before the key existed still verify. The
// scrubber keeps preset tokens and chain hashes, and drops passwords.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPublicKey, randomBytes, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chainMac, loadOrCreateChainKeys, type ChainKeys, type ChainMac } from '../../platform/chain-keys.ts';
import { ManualClock } from '../../platform/clock.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { chainHash, GENESIS_HASH } from './audit.chain.ts';
import { auditServiceOn } from './audit.fixtures.ts';
import type { AuditService } from './audit.service.ts';
import { CHECKPOINT_FILE, CheckpointJob, CheckpointStore, PUBLIC_KEY_FILE, type CheckpointEvent } from './checkpoints.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const actor = { type: 'user' as const, id: 'u1', login: 'alice', ip: '127.0.0.1' };

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`keyed audit chain and signed checkpoints [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    let dataDir: string;
    let keys: ChainKeys;
    let store: CheckpointStore;
    let audit: AuditService;
    const clock = new ManualClock('2026-11-23T10:00:00.000Z');

    before(async () => {
      database = await createTestDatabase(dialect);
      dataDir = mkdtempSync(join(tmpdir(), 'vigie-keyed-'));
      keys = await loadOrCreateChainKeys({ chainKeyFile: join(dataDir, 'chain.key'), signingKeyFile: join(dataDir, 'signing.key') }, async () => ({
        auditThroughSeq: 0,
        segmentsThroughId: 0,
      }));
      store = new CheckpointStore({ directory: join(dataDir, 'checkpoints'), signer: keys.signer });
      audit = auditServiceOn(database.handle.db, dialect, clock, { key: keys.audit, checkpoints: store });
    });
    after(async () => {
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const db = () => database.handle.db;
    const reset = async () => {
      await db().deleteFrom('audit_log').execute();
      await db().updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH, anchor_seq: 1, anchor_prev_hash: GENESIS_HASH }).execute();
      rmSync(join(dataDir, 'checkpoints'), { recursive: true, force: true });
    };
    const fill = async (writer: AuditService, count: number) => {
      for (let index = 0; index < count; index++)
        await writer.recordAlone(actor, { action: 'camera.updated', targetType: 'camera', targetId: `c${index}`, details: { index } });
    };
    const checkpoint = () => new CheckpointJob({ store, keys, clock, heads: { audit: () => audit.chainHead(), recordings: async () => [] } }).run();
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

    /** What someone with write access to the database alone does: edit a row, then recompute every later link and the head. */
    const rewriteFrom = async (seq: number, edit: { actor_login: string }, hashWith: ChainMac | undefined) => {
      const rows = await db().selectFrom('audit_log').selectAll().orderBy('seq').execute();
      let previous = rows.find((row) => Number(row.seq) === seq - 1)?.hash ?? GENESIS_HASH;
      for (const row of rows.filter((candidate) => Number(candidate.seq) >= seq)) {
        const fields = { ...row, seq: Number(row.seq), ...(Number(row.seq) === seq ? edit : {}) };
        const hash = chainHash(previous, fields, hashWith);
        await db()
          .updateTable('audit_log')
          .set({ ...(Number(row.seq) === seq ? edit : {}), prev_hash: previous, hash })
          .where('seq', '=', fields.seq)
          .execute();
        previous = hash;
      }
      await db().updateTable('audit_head').set({ hash: previous }).execute();
    };

    for (const [name, hashWith] of [
      ['plain SHA-256', undefined],
      ['a key of their own', chainMac(randomBytes(32), 'audit', 0)],
    ] as const) {
      it(`a row rewritten with every later hash and the head recomputed (${name}) is detected, and the command line names it`, async () => {
        await reset();
        await fill(audit, 10);
        assert.equal((await audit.verify()).ok, true);
        await rewriteFrom(4, { actor_login: 'mallory' }, hashWith);
        const report = await audit.verify();
        assert.equal(report.ok, false);
        assert.deepEqual([report.problem?.kind, report.problem?.seq], ['edited', 4]);
        assert.deepEqual(
          report.problems.map((problem) => problem.seq),
          [4, 5, 6, 7, 8, 9, 10],
          'every recomputed row is reported',
        );
        const verified = await cli('audit', 'verify');
        assert.equal(verified.code, 1);
        assert.match(verified.output, /row 4\tedited/);
      });
    }

    it("the chain's end cut and the head rewound to a genuine row is caught by the signed checkpoint", async () => {
      await reset();
      await fill(audit, 10);
      await checkpoint();
      await fill(audit, 2);
      const row8 = await db().selectFrom('audit_log').select('hash').where('seq', '=', 8).executeTakeFirstOrThrow();
      await db().deleteFrom('audit_log').where('seq', '>', 8).execute();
      await db().updateTable('audit_head').set({ seq: 8, hash: row8.hash }).execute();
      const withoutCheckpoints = await auditServiceOn(db(), dialect, clock, { key: keys.audit }).verify();
      assert.equal(withoutCheckpoints.ok, true, 'the chain alone cannot show it');
      const report = await audit.verify();
      assert.equal(report.ok, false);
      assert.deepEqual([report.problem?.kind, report.problem?.seq], ['checkpoint_mismatch', 10]);
      assert.match(report.problem!.message, /past the chain's end \(row 8\)/);
    });

    it('a checkpoint written by the command line, then edited by hand, is detected; a forged one too', async () => {
      await reset();
      await fill(audit, 3);
      const written = await cli('audit', 'checkpoint');
      assert.equal(written.code, 0, written.output);
      const file = join(dataDir, 'checkpoints', CHECKPOINT_FILE);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(dataDir, 'checkpoints')).mode & 0o777, 0o700);
      const intact = await cli('audit', 'verify');
      assert.equal(intact.code, 0, intact.output);
      assert.match(intact.output, /1 signed checkpoint\(s\)/);

      const line = readFileSync(file, 'utf8');
      writeFileSync(file, line.replace('"seq":3', '"seq":2'));
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.problem?.kind], [false, 'checkpoint_invalid']);
      assert.match(report.problem!.message, /line 1: .*signature does not match/);
      const edited = await cli('audit', 'verify');
      assert.equal(edited.code, 1);
      assert.match(edited.output, /checkpoint_invalid\tcheckpoint file line 1/);

      // Signed with another Ed25519 key (someone who has the file but not the installation's key).
      const other = await loadOrCreateChainKeys(
        { chainKeyFile: join(dataDir, 'other', 'chain.key'), signingKeyFile: join(dataDir, 'other', 'signing.key') },
        async () => ({ auditThroughSeq: 0, segmentsThroughId: 0 }),
      );
      await new CheckpointJob({
        store: new CheckpointStore({ directory: join(dataDir, 'checkpoints'), signer: other.signer }),
        keys,
        clock,
        heads: { audit: () => audit.chainHead(), recordings: async () => [] },
      }).run();
      const forged = await audit.verify();
      assert.deepEqual(
        forged.problems.map((problem) => problem.kind),
        ['checkpoint_invalid', 'checkpoint_invalid'],
      );
      assert.match(forged.problems[1]!.message, /line 2: .*signed with another key/);
    });

    it('rows written before the chain key existed still verify; a rewrite passed off as old rows does not', async () => {
      await reset();
      await fill(auditServiceOn(db(), dialect, clock), 5);
      const upgraded = chainMac(randomBytes(32), 'audit', 5);
      const keyed = auditServiceOn(db(), dialect, clock, { key: upgraded });
      await fill(keyed, 5);
      assert.deepEqual([(await keyed.verify()).ok, (await keyed.verify()).rowsChecked], [true, 10]);
      await rewriteFrom(3, { actor_login: 'mallory' }, undefined);
      const report = await keyed.verify();
      assert.equal(report.ok, false);
      assert.deepEqual([report.problem?.kind, report.problem?.seq], ['edited', 6], 'row 6 was keyed: its unkeyed rewrite is refused');
    });

    it('the first rows removed and the anchor moved over them, outside a purge, are detected', async () => {
      await reset();
      await fill(audit, 6);
      const row3 = await db().selectFrom('audit_log').select('hash').where('seq', '=', 3).executeTakeFirstOrThrow();
      await db().deleteFrom('audit_log').where('seq', '<=', 3).execute();
      await db().updateTable('audit_head').set({ anchor_seq: 4, anchor_prev_hash: row3.hash }).execute();
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.problem?.kind, report.problem?.seq], [false, 'anchor_unattested', 4]);
    });

    it('warns when no checkpoint exists yet, without failing the chain', async () => {
      await reset();
      await fill(audit, 2);
      const report = await audit.verify();
      assert.deepEqual([report.ok, report.checkpointsChecked], [true, 0]);
      assert.match(report.warnings.join('\n'), /no signed checkpoint/);
    });

    it('pushes each checkpoint to the webhook, whose receiver checks it with the published key; a refusal raises an event', async () => {
      await reset();
      await fill(audit, 2);
      const received: string[] = [];
      let status = 200;
      const server: Server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          received.push(body);
          response.writeHead(status).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/checkpoints`;
        const events: CheckpointEvent[] = [];
        const pushing = new CheckpointStore({ directory: join(dataDir, 'checkpoints'), signer: keys.signer, webhookUrl });
        const job = new CheckpointJob({
          store: pushing,
          keys,
          clock,
          raise: (event) => events.push(event),
          heads: { audit: () => audit.chainHead(), recordings: async () => [['cam-1', 7, 'a'.repeat(64)]] },
        });
        const { checkpoint, pushed } = await job.run();
        assert.equal(pushed, 'sent');
        assert.equal(received.length, 1);
        assert.equal(received[0], readFileSync(pushing.file, 'utf8').trim(), 'the same line as the file');
        const { signature, ...body } = JSON.parse(received[0]!) as typeof checkpoint;
        const publicKey = createPublicKey(readFileSync(join(dataDir, 'checkpoints', PUBLIC_KEY_FILE), 'utf8'));
        const signed = JSON.stringify({ audit: body.audit, at: body.at, keys: body.keys, recordings: body.recordings, v: body.v }, (_key, value: unknown) =>
          value && typeof value === 'object' && !Array.isArray(value)
            ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
            : value,
        );
        assert.ok(verifySignature(null, Buffer.from(signed), publicKey, Buffer.from(signature, 'base64')));
        assert.deepEqual([body.audit.seq, body.recordings], [2, [['cam-1', 7, 'a'.repeat(64)]]]);

        status = 503;
        assert.equal((await job.run()).pushed, 'failed');
        assert.deepEqual(
          events.map((event) => [event.severity, event.code]),
          [['warning', 'checkpoint_push_failed']],
        );
        assert.equal((await audit.verify()).checkpointsChecked, 2, 'written to the file all the same');
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('a checkpoint that cannot be written raises a critical event', async () => {
      await reset();
      const blocked = join(dataDir, 'not-a-folder');
      writeFileSync(blocked, '');
      const events: CheckpointEvent[] = [];
      const job = new CheckpointJob({
        store: new CheckpointStore({ directory: blocked, signer: keys.signer }),
        keys,
        clock,
        raise: (event) => events.push(event),
        heads: { audit: () => audit.chainHead(), recordings: async () => [] },
      });
      await assert.rejects(job.run());
      assert.deepEqual(
        events.map((event) => [event.severity, event.code]),
        [['critical', 'checkpoint_failed']],
      );
    });

    it("item 15: a mask's preset token and a purge's chain hashes are stored, a password is not", async () => {
      await reset();
      const chainLink = 'b'.repeat(64);
      await audit.recordAlone(actor, {
        action: 'mask.updated',
        targetType: 'camera',
        targetId: 'cam-1',
        details: {
          before: { presetToken: 'preset-1', polygons: [] },
          after: { presetToken: 'preset-2', polygons: [] },
          password: 'hunter2',
          credentials: { password: 'x' },
        },
      });
      await audit.recordAlone(actor, {
        action: 'recording.purged',
        targetType: 'camera',
        targetId: 'cam-1',
        details: { runs: [{ prevHash: chainLink, lastChainHash: chainLink }], anchorPrevHash: chainLink },
      });
      const [mask, purge] = await db().selectFrom('audit_log').select('details').orderBy('seq').execute();
      const maskDetails = JSON.parse(mask!.details) as {
        before: { presetToken: string };
        after: { presetToken: string };
        password: string;
        credentials: string;
      };
      assert.deepEqual(
        [maskDetails.before.presetToken, maskDetails.after.presetToken, maskDetails.password, maskDetails.credentials],
        ['preset-1', 'preset-2', '[redacted]', '[redacted]'],
      );
      assert.ok(!mask!.details.includes('hunter2'));
      assert.deepEqual(JSON.parse(purge!.details), { anchorPrevHash: chainLink, runs: [{ lastChainHash: chainLink, prevHash: chainLink }] });
      assert.equal((await audit.verify()).ok, true);
    });
  });
}
