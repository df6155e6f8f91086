// The retention purge's guards (issue 11) on both databases, with an injected clock: no frame
// outlives its retention by more than a minute (a segment goes once its first frame reaches
// retention, a pass every 30 s); a volume whose marker is missing (an unmounted disk) has
// nothing destroyed nor registered, and raises a critical event with an audit row; files a
// crash left in `.incoming` are destroyed by their file name's time, camera in the inventory
// or not, and registered.
import assert from 'node:assert/strict';
import { access, mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dialectsUnderTest } from '../../testing/databases.ts';
import type { IndexedSegment } from '../recording/index.ts';
import { writeVolumeMarker } from '../storage/index.ts';
import { createRetentionFixture, DAY, MINUTE, NOW, type RetentionFixture } from '../../testing/retention.fixtures.ts';

const nowMs = Date.parse(NOW);
const PASS_MS = 30_000;
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
/** A recorder's segment file name: `<run>-<UTC second it was opened>.mp4`. */
const segmentName = (runTag: string, openedAtMs: number) => `${runTag}-${new Date(openedAtMs).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z.mp4`;

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`retention purge guards [${dialect}]`, { skip }, () => {
    let fixture: RetentionFixture;

    before(async () => {
      fixture = await createRetentionFixture(dialect);
      await fixture.addCommune('21038', 14);
      await fixture.addCommune('21231', 30);
    });
    after(async () => fixture?.close());

    const remainingIds = async (cameraId: string) => {
      const ids: number[] = [];
      for await (const row of fixture.repository.iterateCamera(cameraId)) ids.push(row.id);
      return ids;
    };
    const audits = (action: string) =>
      fixture.database.handle.db.selectFrom('audit_log').select(['target_type', 'target_id', 'details']).where('action', '=', action).orderBy('seq').execute();

    it('destroys each segment within one 30-s pass of its first frame reaching retention, never more than a minute late', async () => {
      await fixture.addCamera('cam-t', '21038');
      // First frames reach their 14-day retention 5, 6 and 7 minutes from now; each segment lasts a minute.
      const segments = await fixture.addSegments('cam-t', '21038', nowMs - 14 * DAY + 5 * MINUTE + 7_000, 3);
      const dueMs = (segment: IndexedSegment) => segment.startMs + 14 * DAY;
      const destroyedAt = new Map<number, number>();
      const purge = fixture.purge();
      try {
        for (let atMs = nowMs; atMs <= nowMs + 10 * MINUTE; atMs += PASS_MS) {
          fixture.clock.set(new Date(atMs));
          await purge.run();
          const left = new Set(await remainingIds('cam-t'));
          for (const segment of segments) if (!left.has(segment.id) && !destroyedAt.has(segment.id)) destroyedAt.set(segment.id, atMs);
          for (const segment of segments)
            assert.ok(left.has(segment.id) || atMs >= dueMs(segment), `segment ${segment.id} destroyed before its first frame's retention`);
        }
      } finally {
        fixture.clock.set(NOW);
      }
      const lateness = segments.map((segment) => destroyedAt.get(segment.id)! - dueMs(segment));
      assert.ok(
        lateness.every((late) => late >= 0 && late < PASS_MS),
        `late by ${lateness.join(', ')} ms: a segment goes at its first frame, within one pass`,
      );
      assert.ok(Math.max(...lateness) < MINUTE, 'no frame is kept more than a minute past its retention');
    });

    it('destroys and registers nothing on a volume whose marker is missing (disk not mounted), raises it, and purges once it is back', async () => {
      await fixture.addCamera('cam-m', '21038');
      const expired = await fixture.addSegments('cam-m', '21038', nowMs - 20 * DAY, 3);
      const root = fixture.volume.root;
      // Unmounted: the mount point is an empty folder, the disk's files are elsewhere.
      await rename(root, `${root}.disk`);
      await mkdir(root);
      fixture.events.length = 0;
      const purge = fixture.purge();
      try {
        const report = await purge.run();
        assert.deepEqual(await fixture.register.list({ cameraId: 'cam-m' }, null), [], 'nothing registered as destroyed');
        assert.deepEqual(
          await remainingIds('cam-m'),
          expired.map((segment) => segment.id),
          'files not found there are not counted as destroyed',
        );
        assert.equal(report.cameras.find((camera) => camera.cameraId === 'cam-m')!.destroyedSegments, 0);
        assert.deepEqual(report.unmarkedVolumes, [fixture.volume.name]);
        assert.deepEqual(
          fixture.events.map((event) => [event.severity, event.code, event.volume]),
          [['critical', 'volume_marker_missing', fixture.volume.name]],
        );
        const [failure] = await audits('recording.purge_failed');
        assert.deepEqual([failure!.target_type, failure!.target_id, JSON.parse(failure!.details).reason], ['storage_volume', fixture.volume.name, 'missing']);

        const early = await purge.destroyEarly(fixture.volume.name, 10 ** 9);
        assert.deepEqual([early.destroyedSegments, early.errors.length], [0, 1], 'no early destruction either');
        fixture.clock.advance(PASS_MS);
        await purge.run();
        assert.equal(fixture.events.length, 1, 'raised once, not at every 30-s pass');
        assert.equal((await audits('recording.purge_failed')).length, 1);
      } finally {
        await rm(root, { recursive: true, force: true });
        await rename(`${root}.disk`, root);
      }
      // A disk mounted with another volume's marker is refused too.
      await writeVolumeMarker({ name: 'vol2', root }, NOW);
      assert.deepEqual((await purge.run()).unmarkedVolumes, [fixture.volume.name]);
      await writeVolumeMarker(fixture.volume, NOW);
      const remounted = (await purge.run()).cameras.find((camera) => camera.cameraId === 'cam-m')!;
      assert.deepEqual([remounted.destroyedSegments, remounted.error], [3, null]);
      assert.equal(await exists(join(root, expired[0]!.path)), false);
      assert.equal((await fixture.register.list({ cameraId: 'cam-m' }, null)).length, 1);
      fixture.clock.set(NOW);
    });

    it('destroys files a crash left in .incoming by their file name time, camera in the inventory or not, and registers them', async () => {
      await fixture.addCamera('cam-o', '21038');
      const incoming = (commune: string, camera: string) => join(fixture.volume.root, commune, camera, '.incoming');
      const write = async (commune: string, camera: string, name: string) => {
        await mkdir(incoming(commune, camera), { recursive: true });
        await writeFile(join(incoming(commune, camera), name), `orphan ${camera} ${name}`);
        return join(incoming(commune, camera), name);
      };
      const expiredOwn = await write('21038', 'cam-o', segmentName('r1a', nowMs - 14 * DAY - 30_000));
      await writeFile(join(incoming('21038', 'cam-o'), 'r1a.segments.csv'), 'r1a-x.mp4,0,60\n');
      const youngOwn = await write('21038', 'cam-o', segmentName('r2b', nowMs - 13 * DAY));
      // A camera removed from the inventory: the legal maximum, 30 days, applies.
      const expiredGone = await write('21231', 'cam-gone', segmentName('r3c', nowMs - 31 * DAY));
      const youngGone = await write('21231', 'cam-gone', segmentName('r4d', nowMs - 29 * DAY));
      const strange = await write('21231', 'cam-gone', 'not-a-recorder-name.mp4');

      const report = await fixture.purge().run();
      assert.deepEqual(report.unindexed.map((result) => [result.cameraId, result.communeInsee, result.destroyedFiles, result.error]).sort(), [
        ['cam-gone', '21231', 1, null],
        ['cam-o', '21038', 1, null],
      ]);
      assert.deepEqual(await Promise.all([expiredOwn, expiredGone].map(exists)), [false, false]);
      assert.deepEqual(
        await Promise.all([youngOwn, youngGone, strange].map(exists)),
        [true, true, true],
        'footage within retention, and files of unknown time, stay',
      );
      assert.equal(await exists(join(incoming('21038', 'cam-o'), 'r1a.segments.csv')), false, "the crashed run's segment list goes with its last file");

      const [own] = await fixture.register.list({ cameraId: 'cam-o' }, null);
      assert.deepEqual(
        [own!.kind, own!.fromMs, own!.segments, own!.details.unindexed, own!.details.retentionDays],
        ['destroyed', Math.floor((nowMs - 14 * DAY - 30_000) / 1000) * 1000, 1, true, 14],
      );
      const [gone] = await fixture.register.list({ cameraId: 'cam-gone' }, null);
      assert.deepEqual([gone!.communeInsee, gone!.details.retentionDays, gone!.details.retentionSource], ['21231', 30, 'legal_maximum']);
      const rows = await audits('recording.purged_unindexed');
      assert.deepEqual(rows.map((row) => [row.target_id, (JSON.parse(row.details) as { files: string[] }).files]).sort(), [
        ['cam-gone', [`21231/cam-gone/.incoming/${segmentName('r3c', nowMs - 31 * DAY)}`]],
        ['cam-o', [`21038/cam-o/.incoming/${segmentName('r1a', nowMs - 14 * DAY - 30_000)}`]],
      ]);
      assert.deepEqual((await fixture.purge().run()).unindexed, [], 'nothing registered twice');
      assert.equal((await fixture.audit.verify()).ok, true);
      await unlink(strange);
    });
  });
}
