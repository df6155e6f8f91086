// The retention purge on both databases, with synthetic segments on a temporary volume:
// files, index rows, register, audit, chain verification after purges, legal holds, the
// 30-day ceiling, and a failing unlink that raises a critical event without stopping the
// other cameras.
import assert from 'node:assert/strict';
import { access, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { cliActor } from '../audit/index.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import { checkSegmentChainAcrossPurges, verifyRecordings, type IndexedSegment } from '../recording/index.ts';
import { assertRecordedRangesAgree } from '../../testing/recorded-ranges.ts';
import { createRetentionFixture, DAY, MINUTE, NOW, type RetentionFixture } from '../../testing/retention.fixtures.ts';
import { RetentionRepository } from './retention.repository.ts';
import { fileVolumeMarkers } from '../storage/index.ts';
import { nodePurgeFileSystem, RetentionPurge, type PurgeFileSystem } from './retention.ts';

const nowMs = Date.parse(NOW);
const cli = { actor: cliActor(), principal: null };
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`retention purge [${dialect}]`, { skip }, () => {
    let fixture: RetentionFixture;

    before(async () => {
      fixture = await createRetentionFixture(dialect);
      await fixture.addCommune('21038', 14);
      await fixture.addCommune('21231', 30);
    });
    after(async () => fixture?.close());

    const fileOf = (segment: IndexedSegment) => join(fixture.volume.root, segment.path);
    const remaining = async (cameraId: string) => {
      const rows: IndexedSegment[] = [];
      for await (const row of fixture.repository.iterateCamera(cameraId)) rows.push(row);
      return rows;
    };
    const auditActions = async (cameraId: string) =>
      await fixture.database.handle.db
        .selectFrom('audit_log')
        .select(['action', 'details', 'actor_type'])
        .where('target_id', '=', cameraId)
        .orderBy('seq')
        .execute();

    /** The chain of the camera still verifies across every purge recorded for it. */
    const assertChainVerifies = async (cameraId: string) => {
      const rows = await remaining(cameraId);
      const runs = await fixture.repository.purgedRunsOf(cameraId);
      const head = await fixture.database.handle.db
        .selectFrom('recording_heads')
        .select('chain_hash')
        .where('camera_id', '=', cameraId)
        .executeTakeFirstOrThrow();
      assert.equal(checkSegmentChainAcrossPurges(rows, runs, head.chain_hash), undefined);
      if (runs.length > 0) assert.ok(checkSegmentChainAcrossPurges(rows, [], head.chain_hash), 'without the purge records, the purge looks like a deletion');
      // `./vigie recordings verify` sees a lawful purge: no chain break, no stray file left.
      const report = await verifyRecordings(fixture.repository, {
        volumes: [fixture.volume],
        cameraId,
        purgedRuns: (id) => fixture.repository.purgedRunsOf(id),
      });
      assert.deepEqual(report.problems, []);
      await assertRecordedRangesAgree(fixture.database.handle.db, dialect);
    };

    it('destroys expired footage: files, rows, one register row per range, one audit row', async () => {
      await fixture.addCamera('cam-a', '21038');
      const old = await fixture.addSegments('cam-a', '21038', nowMs - 20 * DAY, 5);
      const older = await fixture.addSegments('cam-a', '21038', nowMs - 19 * DAY, 2); // a gap before: a second range
      const recent = await fixture.addSegments('cam-a', '21038', nowMs - 1 * DAY, 2);

      const report = await fixture.purge().run();
      const result = report.cameras.find((camera) => camera.cameraId === 'cam-a')!;
      assert.deepEqual([result.retentionDays, result.destroyedSegments, result.error], [14, 7, null]);
      assert.equal(report.failures, 0);
      for (const segment of [...old, ...older]) assert.equal(await exists(fileOf(segment)), false, segment.path);
      assert.equal(await exists(dirname(fileOf(old[0]!))), false, 'the emptied date folder is removed');
      for (const segment of recent) assert.equal((await stat(fileOf(segment))).mode & 0o777, 0o440);
      assert.deepEqual(
        (await remaining('cam-a')).map((row) => row.id),
        recent.map((segment) => segment.id),
      );

      const entries = await fixture.register.list({ cameraId: 'cam-a' }, null);
      assert.deepEqual(
        entries.map((entry) => [entry.kind, entry.fromMs, entry.toMs, entry.segments, entry.at]),
        [
          ['destroyed', nowMs - 20 * DAY, nowMs - 20 * DAY + 5 * MINUTE, 5, NOW],
          ['destroyed', nowMs - 19 * DAY, nowMs - 19 * DAY + 2 * MINUTE, 2, NOW],
        ],
      );
      assert.equal(
        entries[0]!.bytes,
        old.reduce((sum, segment) => sum + segment.bytes, 0),
      );
      const audits = await auditActions('cam-a');
      assert.deepEqual(
        audits.map((row) => [row.action, row.actor_type]),
        [['recording.purged', 'system']],
      );
      assert.equal((JSON.parse(audits[0]!.details) as { segments: number }).segments, 7);

      await assertChainVerifies('cam-a');
      assert.equal((await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-a')!.destroyedSegments, 0, 'nothing left to purge');
      assert.equal((await fixture.audit.verify()).ok, true);
    });

    it('keeps footage under a hold with a procedure reference past retention, until released', async () => {
      await fixture.addCamera('cam-b', '21038');
      const segments = await fixture.addSegments('cam-b', '21038', nowMs - 20 * DAY, 4);
      const hold = await fixture.holds.create(
        {
          cameraIds: ['cam-b'],
          from: new Date(segments[1]!.startMs + 1000).toISOString(),
          to: new Date(segments[2]!.endMs - 1000).toISOString(),
          reason: 'Réquisition OPJ, vol à l’arraché',
          procedureReference: 'PV 2026/01234',
        },
        cli,
      );

      const first = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-b')!;
      assert.deepEqual([first.destroyedSegments, first.heldSegments], [2, 2]);
      assert.deepEqual(
        (await remaining('cam-b')).map((row) => row.id),
        [segments[1]!.id, segments[2]!.id],
      );
      assert.equal(await exists(fileOf(segments[1]!)), true);
      assert.equal((await fixture.register.list({ cameraId: 'cam-b' }, null)).length, 2, 'two ranges around the held footage');
      await assertChainVerifies('cam-b');

      await fixture.holds.release(hold.id, 'Affaire classée, images remises', cli);
      const second = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-b')!;
      assert.deepEqual([second.destroyedSegments, second.heldSegments], [2, 0]);
      assert.deepEqual(await remaining('cam-b'), []);
      assert.equal(await exists(fileOf(segments[2]!)), false);
      await assertChainVerifies('cam-b');
      assert.deepEqual(
        (await auditActions('cam-b')).map((row) => row.action),
        ['recording.purged', 'recording.purged'],
      );
    });

    it('lets a hold without procedure reference lapse when its footage reaches retention', async () => {
      await fixture.addCamera('cam-c', '21038');
      const expired = await fixture.addSegments('cam-c', '21038', nowMs - 15 * DAY, 2);
      const young = await fixture.addSegments('cam-c', '21038', nowMs - 10 * DAY, 2);
      await fixture.holds.create(
        {
          cameraIds: ['cam-c'],
          from: new Date(nowMs - 15 * DAY).toISOString(),
          to: new Date(nowMs - 9 * DAY).toISOString(),
          reason: 'Référence de procédure attendue',
        },
        cli,
      );
      const result = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-c')!;
      assert.deepEqual([result.destroyedSegments, result.heldSegments, result.lapsedHoldSegments], [2, 0, 2]);
      assert.deepEqual(
        (await remaining('cam-c')).map((row) => row.id),
        young.map((segment) => segment.id),
      );
      assert.equal(await exists(fileOf(expired[0]!)), false);
    });

    it('never keeps footage more than 30 days, even if a stored retention says 45', async () => {
      await fixture.addCamera('cam-d', '21231', 45);
      await fixture.addSegments('cam-d', '21231', nowMs - 31 * DAY, 3);
      const kept = await fixture.addSegments('cam-d', '21231', nowMs - 29 * DAY, 1);
      const result = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-d')!;
      assert.deepEqual([result.retentionDays, result.destroyedSegments], [30, 3]);
      assert.deepEqual(
        (await remaining('cam-d')).map((row) => row.id),
        [kept[0]!.id],
      );
      assert.ok(fixture.events.some((event) => event.code === 'retention_clamped' && event.cameraId === 'cam-d' && event.severity === 'warning'));
      const [entry] = await fixture.register.list({ cameraId: 'cam-d' }, null);
      assert.equal(entry!.details.retentionClampedFrom, 45);
    });

    it('reports a failing unlink as a critical event and an audit row, and purges the other cameras', async () => {
      await fixture.addCamera('cam-e', '21231');
      await fixture.addCamera('cam-f', '21231');
      const stuck = await fixture.addSegments('cam-e', '21231', nowMs - 40 * DAY, 3);
      await fixture.addSegments('cam-f', '21231', nowMs - 40 * DAY, 3);
      // Running as root, a read-only folder would not stop unlink: an injected file system fails instead.
      const failing: PurgeFileSystem = {
        remove: async (path) => {
          if (path.includes('/cam-e/') && !path.endsWith(stuck[0]!.path))
            throw Object.assign(new Error(`EACCES: permission denied, unlink '${path}'`), { code: 'EACCES' });
          return nodePurgeFileSystem.remove(path);
        },
        removeEmptyDirectory: nodePurgeFileSystem.removeEmptyDirectory,
      };
      fixture.events.length = 0;
      const report = await fixture.purge(failing).run();
      const e = report.cameras.find((camera) => camera.cameraId === 'cam-e')!;
      const f = report.cameras.find((camera) => camera.cameraId === 'cam-f')!;
      assert.equal(report.failures, 1);
      assert.match(e.error ?? '', /EACCES/);
      assert.equal(e.destroyedSegments, 1, 'files removed before the failure are committed');
      assert.equal(f.destroyedSegments, 3);
      assert.deepEqual(
        fixture.events.filter((event) => event.severity === 'critical').map((event) => [event.code, event.cameraId, event.communeInsee]),
        [['purge_failed', 'cam-e', '21231']],
      );
      assert.deepEqual(
        (await auditActions('cam-e')).map((row) => row.action),
        ['recording.purged', 'recording.purge_failed'],
      );
      assert.deepEqual(
        (await remaining('cam-e')).map((row) => row.id),
        stuck.slice(1).map((segment) => segment.id),
        'rows of files still on disk are kept',
      );
      assert.equal(await exists(fileOf(stuck[1]!)), true);
      await assertChainVerifies('cam-e');

      const retry = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-e')!;
      assert.deepEqual([retry.destroyedSegments, retry.error], [2, null]);
      await assertChainVerifies('cam-e');
      assert.equal((await fixture.audit.verify()).ok, true);
    });

    it('reports a database error after the files went, and the next purge completes it', async () => {
      await fixture.addCamera('cam-g', '21231');
      await fixture.addCamera('cam-h', '21231');
      const segments = await fixture.addSegments('cam-g', '21231', nowMs - 35 * DAY, 2);
      await fixture.addSegments('cam-h', '21231', nowMs - 35 * DAY, 2);
      class FailingRegister extends RetentionRepository {
        override async insertRegisterEntries(trx: AnyHandle, entries: Parameters<RetentionRepository['insertRegisterEntries']>[1]): Promise<number[]> {
          if (entries.some((entry) => entry.cameraId === 'cam-g')) throw new Error('connection terminated unexpectedly');
          return super.insertRegisterEntries(trx, entries);
        }
      }
      fixture.events.length = 0;
      const report = await new RetentionPurge({
        repository: new FailingRegister(tablesOf<RetentionSchema>(fixture.database.handle.db)),
        footage: fixture.repository,
        audit: fixture.audit,
        clock: fixture.clock,
        inventory: fixture.inventory,
        volumes: [fixture.volume],
        markers: fileVolumeMarkers,
        onTechnicalEvent: (event) => fixture.events.push(event),
      }).run();
      assert.match(report.cameras.find((camera) => camera.cameraId === 'cam-g')!.error ?? '', /connection terminated/);
      assert.equal(report.cameras.find((camera) => camera.cameraId === 'cam-h')!.destroyedSegments, 2);
      assert.deepEqual(
        fixture.events.filter((event) => event.severity === 'critical').map((event) => [event.code, event.cameraId]),
        [['purge_failed', 'cam-g']],
      );
      assert.equal(await exists(fileOf(segments[0]!)), false, 'files went first');
      assert.equal((await remaining('cam-g')).length, 2, 'the rolled-back transaction kept the rows: nothing registered, nothing half-done');
      assert.deepEqual(await fixture.register.list({ cameraId: 'cam-g' }, null), []);

      const retry = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-g')!;
      assert.deepEqual([retry.destroyedSegments, retry.error], [2, null], 'files already missing are fine');
      assert.deepEqual(await remaining('cam-g'), []);
      await assertChainVerifies('cam-g');
      assert.equal((await fixture.audit.verify()).ok, true);
    });
  });
}
