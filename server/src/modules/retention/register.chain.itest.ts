// The statutory register's chain on both databases, at the SQL level: register rows that
// existed before the chain are chained by their migration with plain SHA-256 and verify below
// the key file's boundary; rows appended later are keyed; a legacy row edited afterwards, or a
// keyed row re-hashed without the key, is named; concurrent appends never fork the chain.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { chainMac } from '../../platform/chain-keys.ts';
import * as migration from '../../platform/db/migrations/2026-12-07T0910_review_handover_register.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { registerChainHash } from '../../platform/register-chain.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { RegisterChain } from './register.chain.ts';
import { RetentionRepository } from './retention.repository.ts';

const entry = (index: number) => ({
  at: `2026-11-23T10:00:0${index % 10}.000Z`,
  communeInsee: '38185',
  cameraId: `cam-${index}`,
  kind: 'destroyed' as const,
  fromMs: 1_763_000_000_000 + index,
  toMs: 1_763_000_060_000 + index,
  segments: 3,
  bytes: 4096,
  reference: index % 2 === 0 ? `PV ${index}` : null,
  details: { index, note: 'détruit à échéance' },
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`statutory register chain [${dialect}]`, { skip }, () => {
    let database: TestDatabase;
    const key = randomBytes(32);

    before(async () => {
      database = await createTestDatabase(dialect);
      // As an installation upgraded from before the chain: two rows, then the migration.
      await migration.down(database.handle.db as unknown as Kysely<unknown>);
      for (const index of [1, 2]) {
        const { fromMs, toMs, communeInsee, cameraId, details, ...rest } = entry(index);
        await sql`insert into statutory_register (at, commune_insee, camera_id, kind, from_ms, to_ms, segments, bytes, reference, details)
          values (${rest.at}, ${communeInsee}, ${cameraId}, ${rest.kind}, ${fromMs}, ${toMs}, ${rest.segments}, ${rest.bytes}, ${rest.reference}, ${JSON.stringify(details)})`.execute(
          database.handle.db,
        );
      }
      await migration.up(database.handle.db as unknown as Kysely<unknown>);
    });
    after(async () => database?.drop());

    const repository = (legacyThrough: number) =>
      new RetentionRepository(tablesOf<RetentionSchema>(database.handle.db), new RegisterChain(chainMac(key, 'register', legacyThrough)));

    it('verifies the rows the migration chained (below the boundary) and the keyed rows after them', async () => {
      const chained = repository(2);
      assert.deepEqual((await chained.verifyRegisterChain()).problems, []);
      const ids = await database.handle.db.transaction().execute((trx) => chained.insertRegisterEntries(trx, [entry(3), entry(4), entry(5)]));
      assert.equal(ids.length, 3);
      const report = await chained.verifyRegisterChain();
      assert.deepEqual([report.ok, report.rowsChecked, report.lastSeq], [true, 5, 5]);
      // Without the boundary in the key file, the legacy rows would not pass as keyed.
      assert.equal((await repository(0).verifyRegisterChain()).problems[0]?.seq, 1);
    });

    it('concurrent appends serialise on the head: one unbroken chain', async () => {
      const chained = repository(2);
      await Promise.all(
        Array.from({ length: 8 }, (_, index) => chained.transaction((trx) => chained.insertRegisterEntries(trx, [entry(10 + index), entry(20 + index)]))),
      );
      const report = await chained.verifyRegisterChain();
      assert.deepEqual([report.ok, report.rowsChecked], [true, 21], JSON.stringify(report.problems.slice(0, 3)));
    });

    it('names a legacy row edited and re-hashed with plain SHA-256 (its link to the next row breaks), and a keyed row re-hashed without the key', async () => {
      const db = database.handle.db;
      const rows = await tablesOf<RetentionSchema>(db).selectFrom('statutory_register').selectAll().orderBy('seq').execute();
      const legacy = rows[0]!;
      const forged = { ...legacy, reference: 'PV falsifié' };
      await sql`update statutory_register set reference = ${forged.reference}, hash = ${registerChainHash(legacy.prev_hash, forged)} where id = ${legacy.id}`.execute(
        db,
      );
      const keyed = rows[3]!;
      const forgedKeyed = { ...keyed, bytes: 1 };
      await sql`update statutory_register set bytes = 1, hash = ${registerChainHash(keyed.prev_hash, forgedKeyed)} where id = ${keyed.id}`.execute(db);
      const report = await repository(2).verifyRegisterChain();
      assert.deepEqual(
        report.problems.map((problem) => [problem.kind, problem.seq]),
        [
          // Row 1 passes as a legacy row; the row after it no longer chains to it.
          ['reordered', 2],
          ['edited', 4],
          ['reordered', 5],
        ],
      );
    });
  });
}
