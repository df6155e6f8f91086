// The mask history and the masking written on each segment (issue 11 item 7, LEGAL 4), on both
// databases: every revision of a mask is kept with its validity interval (an edit of its
// polygons or preset opens a new one, a rename does not, a deletion closes it), in the
// transaction of the change and its audit row; the indexer writes on each segment the masking
// its recorder ran with (stored once per version); the migration marks the rows recorded
// before it 'unknown' (hence re-encoded with every mask) and gives existing masks a revision.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { down as migrationDown, up as migrationUp } from '../../platform/db/migrations/2026-12-02T1930_mask_versions.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { cliActor } from '../audit/index.ts';
import { recorderMasking, segmentMaskPlan, UNKNOWN_MASK_VERSION } from './masks.coverage.ts';
import { MasksRepository } from './masks.repository.ts';
import { MasksService } from './masks.service.ts';
import type { MasksSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { SegmentIndexer } from '../recording/index.ts';
import { createRetentionFixture, MINUTE, NOW, type RetentionFixture } from '../../testing/retention.fixtures.ts';

const COMMUNE = '21038';
const cli = { actor: cliActor(), principal: null };
const left: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];
const right: MaskPolygon = [
  [0.5, 0],
  [1, 0],
  [1, 0.5],
  [0.5, 0.5],
];
const probe = async () => ({ codec: 'h264', width: 704, height: 576, frameCount: 600, durationMs: MINUTE, measuredFps: 10 });

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`mask history and masking versions [${dialect}]`, { skip }, () => {
    let fixture: RetentionFixture;
    let repository: MasksRepository;
    let service: MasksService;

    before(async () => {
      fixture = await createRetentionFixture(dialect);
      await fixture.addCommune(COMMUNE, 14);
      for (const camera of ['cam-history', 'cam-indexed', 'cam-legacy']) await fixture.addCamera(camera, COMMUNE);
      const db = fixture.database.handle.db;
      repository = new MasksRepository(tablesOf<MasksSchema>(db));
      service = new MasksService(repository, fixture.audit, fixture.clock, fixture.inventory);
    });
    after(async () => fixture?.close());

    it('keeps every revision of a mask with its validity interval; a rename is not a new revision; all audited', async () => {
      const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * MINUTE).toISOString();
      fixture.clock.set(at(0));
      const created = await service.create({ cameraId: 'cam-history', name: 'Fenêtres', polygons: [left] }, cli);
      fixture.clock.set(at(1));
      const renamed = await service.update(created.id, { name: 'Fenêtres du 2e' }, cli);
      assert.equal(renamed.revision, created.revision, 'a rename changes no picture area');
      fixture.clock.set(at(2));
      const redrawn = await service.update(created.id, { polygons: [right] }, cli);
      assert.notEqual(redrawn.revision, created.revision);
      fixture.clock.set(at(3));
      const moved = await service.update(created.id, { presetToken: 'balcon' }, cli);
      assert.notEqual(moved.revision, redrawn.revision);
      assert.equal((await repository.findMask(created.id))?.revision, moved.revision);
      fixture.clock.set(at(4));
      await service.remove(created.id, cli);

      const history = await repository.historySince('cam-history', 0);
      assert.deepEqual(
        history.map((entry) => [entry.revision, entry.presetToken, entry.polygons, entry.validFromMs, entry.validToMs]),
        [
          [created.revision, null, [left], Date.parse(at(0)), Date.parse(at(2))],
          [redrawn.revision, null, [right], Date.parse(at(2)), Date.parse(at(3))],
          [moved.revision, 'balcon', [right], Date.parse(at(3)), Date.parse(at(4))],
        ],
        'deleted and edited revisions stay',
      );
      assert.deepEqual(
        (await repository.historySince('cam-history', Date.parse(at(2)) + 1)).map((entry) => entry.revision),
        [redrawn.revision, moved.revision],
        'those in force since',
      );
      assert.deepEqual(await repository.historySince('cam-history', Date.parse(at(4))), [], 'none in force after the deletion');
      assert.equal((await fixture.audit.verify()).ok, true);
    });

    it('writes on each segment the masking its recorder ran with, stored once per version; a file without one is unknown', async () => {
      const mask = await service.create({ cameraId: 'cam-indexed', name: 'Jardin', polygons: [left] }, cli);
      const entry = (await service.recorderMasking(['cam-indexed'])).get('cam-indexed');
      assert.ok(entry && 'masking' in entry);
      const indexer = new SegmentIndexer(fixture.repository, fixture.clock, { probe });
      const incoming = join(fixture.volume.root, COMMUNE, 'cam-indexed', '.incoming');
      await mkdir(incoming, { recursive: true });
      const ids: number[] = [];
      for (const [index, masking] of [entry.masking, entry.masking, undefined].entries()) {
        const file = join(incoming, `run-${index}.mp4`);
        await writeFile(file, Buffer.alloc(2048, index));
        const indexed = await indexer.index({
          cameraId: 'cam-indexed',
          communeInsee: COMMUNE,
          volume: fixture.volume,
          file,
          startMs: Date.parse(NOW) + index * MINUTE,
          durationMs: MINUTE,
          status: 'closed',
          masking,
        });
        ids.push(indexed!.id);
      }
      const versions = await fixture.repository.segmentMaskVersions(ids);
      assert.deepEqual(
        ids.map((id) => versions.get(id)),
        [entry.masking.version, entry.masking.version, UNKNOWN_MASK_VERSION],
      );
      const rows = await fixture.database.handle.db.selectFrom('recording_mask_versions').selectAll().where('camera_id', '=', 'cam-indexed').execute();
      assert.equal(rows.length, 1, 'one row per masking');
      assert.deepEqual([rows[0]!.mode, JSON.parse(rows[0]!.revisions), JSON.parse(rows[0]!.polygons)], ['server', [mask.revision], [left]]);
      const recorded = await fixture.repository.recordedMaskings('cam-indexed', [...versions.values()]);
      const history = await repository.historySince('cam-indexed', Date.parse(NOW));
      assert.deepEqual(segmentMaskPlan({ startMs: Date.parse(NOW), maskVersion: versions.get(ids[0]!)! }, history, recorded), { masking: 'recorded' });
      assert.equal(segmentMaskPlan({ startMs: Date.parse(NOW) + 2 * MINUTE, maskVersion: versions.get(ids[2]!)! }, history, recorded).masking, 'reencoded');
      assert.equal(recorderMasking('server', [], []).version, 'none');
    });

    it('migrates: rows recorded before it are unknown (re-encoded with every mask), existing masks get an open revision', async () => {
      const db = fixture.database.handle.db;
      const legacyDb = db as unknown as Kysely<unknown>;
      const [segment] = await fixture.addSegments('cam-legacy', COMMUNE, Date.parse(NOW), 1);
      await migrationDown(legacyDb);
      await legacyDb
        .insertInto('privacy_masks' as never)
        .values({
          id: 'legacy-mask',
          camera_id: 'cam-legacy',
          commune_insee: COMMUNE,
          preset_token: null,
          name: 'Ancien',
          polygons: JSON.stringify([left]),
          created_at: NOW,
          created_by: 'admin',
          updated_at: NOW,
          updated_by: 'admin',
        } as never)
        .execute();
      await migrationUp(legacyDb);

      const versions = await fixture.repository.segmentMaskVersions([segment!.id]);
      assert.equal(versions.get(segment!.id), UNKNOWN_MASK_VERSION);
      const legacy = await repository.findMask('legacy-mask');
      const history = await repository.historySince('cam-legacy', 0);
      assert.deepEqual(
        history.map((entry) => [entry.revision, entry.maskId, entry.validFromMs, entry.validToMs]),
        [[legacy!.revision, 'legacy-mask', Date.parse(NOW), null]],
      );
      assert.ok(legacy!.revision.length > 0);
      const indexed = await repository.historySince('cam-indexed', 0);
      assert.deepEqual(
        indexed.map((entry) => [entry.revision, entry.validToMs]),
        [[(await repository.masksOfCamera('cam-indexed'))[0]!.revision, null]],
        'every mask of the time: one open revision',
      );
      const plan = segmentMaskPlan(
        { startMs: segment!.startMs, maskVersion: UNKNOWN_MASK_VERSION },
        history,
        await fixture.repository.recordedMaskings('cam-legacy', [UNKNOWN_MASK_VERSION]),
      );
      assert.deepEqual(plan.masking === 'reencoded' && plan.polygons, [left]);
    });
  });
}
