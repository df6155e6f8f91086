// Storage volumes and low space on both databases: a volume with a small configured capacity
// fills up; the space monitor destroys the oldest unheld footage early (files, rows, register
// `destroyed_early`, audit, critical events), keeps held footage, says when nothing can be
// freed; volume configuration is validated (nothing stored on error) and audited.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StorageSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { systemActor } from '../audit/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { createRetentionFixture, MINUTE, NOW, type RetentionFixture } from '../../testing/retention.fixtures.ts';
import { checkSegmentChainAcrossPurges } from '../recording/index.ts';
import { volumeMarkerPath, VolumeMarkerGuard, writeVolumeMarker } from './storage.marker.ts';
import { SpaceMonitor } from './storage.monitor.ts';
import { StorageRepository } from './storage.repository.ts';
import { StorageService } from './storage.service.ts';

const COMMUNE = '38999';
const MiB = 1024 * 1024;
const system = { actor: systemActor, principal: null };

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`storage volumes and low space [${dialect}]`, { skip }, () => {
    let fixture: RetentionFixture;
    let storage: StorageService;
    let events: TechnicalEvent[];
    let monitor: SpaceMonitor;
    const start = Date.parse(NOW) - 3 * 3_600_000;

    before(async () => {
      fixture = await createRetentionFixture(dialect);
      const db = fixture.database.handle.db;
      storage = new StorageService(new StorageRepository(tablesOf<StorageSchema>(db)), fixture.audit, fixture.clock, fixture.inventory, fixture.repository);
      events = [];
      const purge = fixture.purge();
      monitor = new SpaceMonitor({
        storage,
        destroyEarly: (volume, bytes, now) => purge.destroyEarly(volume, bytes, now),
        raise: async (event) => {
          events.push(event);
        },
        clock: fixture.clock,
      });
      await fixture.addCommune(COMMUNE, 14);
      await fixture.addCamera('cam-a', COMMUNE);
      await fixture.addCamera('cam-b', COMMUNE);
    });
    after(async () => fixture?.close());

    it('validates volumes: absolute root, no overlap, bounded threshold; nothing stored on error; changes audited', async () => {
      await storage.create({ name: fixture.volume.name, root: fixture.volume.root, capacityBytes: MiB, lowSpacePercent: 20 }, system);
      await assert.rejects(storage.create({ name: 'rel', root: 'relative/path' }, system), { code: 'storage_volume_invalid' });
      await assert.rejects(storage.create({ name: 'inner', root: join(fixture.volume.root, 'inner') }, system), { code: 'storage_volume_invalid' });
      await assert.rejects(storage.create({ name: fixture.volume.name, root: '/tmp/elsewhere-vigie' }, system), { code: 'storage_volume_invalid' });
      await assert.rejects(
        storage.create({ name: 'big', root: '/tmp/vigie-x', lowSpacePercent: 80 }, system),
        (error: Error) => error.name === 'ZodError' && /lowSpacePercent/.test(error.message),
      );
      assert.deepEqual(
        (await storage.volumes()).map((volume) => volume.name),
        [fixture.volume.name],
      );
      const audited = await fixture.audit.search({ action: 'storage.volume_created' }, { allCommunes: true, communes: [] });
      assert.equal(audited.total, 1);
    });

    it('places a camera on the volume with the most free space, then keeps it there', async () => {
      const other = await mkdtemp(join(tmpdir(), 'vigie-vol2-'));
      try {
        await storage.create({ name: 'vol2', root: other, capacityBytes: 2 * MiB, lowSpacePercent: 10 }, system);
        assert.equal((await storage.volumeForCamera('cam-b')).name, 'vol2', 'vol2 has more free bytes');
        await storage.update('vol2', { enabled: false }, system);
        assert.equal((await storage.volumeForCamera('cam-b')).name, fixture.volume.name, 'a disabled volume is left');
        await storage.update('vol2', { enabled: true }, system);
        assert.equal((await storage.volumeForCamera('cam-b')).name, fixture.volume.name, 'then the camera stays where it is');
        await storage.update('vol2', { enabled: false }, system);
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });

    it('destroys the oldest unheld footage early when space runs low, registers and raises it', async () => {
      // 10 segments of 100 kB on a 1 MiB volume: about 2 % free, under the 20 % threshold.
      const a = await fixture.addSegments('cam-a', COMMUNE, start, 5, 100_000);
      const b = await fixture.addSegments('cam-b', COMMUNE, start + 30_000, 5, 100_000);
      storage.forgetUsage(); // the recorder role moves the figures with each segment; here they were indexed directly
      const hold = await fixture.holds.create(
        {
          cameraIds: ['cam-a'],
          from: new Date(a[0]!.startMs).toISOString(),
          to: new Date(a[1]!.endMs - 1).toISOString(),
          reason: 'réquisition',
          procedureReference: 'PV 2026/123',
        },
        system,
      );
      const [check] = await monitor.run(fixture.clock.now());
      assert.ok(check?.usage.low, JSON.stringify(check?.usage));
      assert.equal(check.destroyed?.heldSegments, 2, 'the two held segments are skipped');
      // Need: 22 % of 1 MiB free = 230,687 bytes; 48,576 free: 2 segments of 100 kB.
      assert.equal(check.destroyed?.destroyedSegments, 2);
      assert.equal(check.after?.low, false);
      const kept = new Set((await fixture.repository.segmentsOverlapping('cam-a', start - MINUTE, start + 10 * MINUTE)).map((segment) => segment.id));
      const keptB = new Set((await fixture.repository.segmentsOverlapping('cam-b', start - MINUTE, start + 10 * MINUTE)).map((segment) => segment.id));
      assert.ok(kept.has(a[0]!.id) && kept.has(a[1]!.id), 'held footage stays');
      // Oldest unheld first across cameras, by start: a0 (held), b0, a1 (held), b1, a2...
      assert.deepEqual([keptB.has(b[0]!.id), keptB.has(b[1]!.id), kept.has(a[2]!.id)], [false, false, true]);
      assert.equal(existsSync(join(fixture.volume.root, b[0]!.path)), false, 'the file is gone');
      assert.deepEqual(
        events.map((event) => [event.code, event.cameraId]),
        [
          ['storage_low', null],
          ['storage_destroyed_early', 'cam-b'],
        ],
      );
      assert.ok(events.every((event) => event.severity === 'critical'));
      const register = await fixture.register.list({ kind: 'destroyed_early' }, null);
      assert.equal(
        register.reduce((sum, entry) => sum + entry.segments, 0),
        2,
      );
      assert.ok(register.every((entry) => entry.details.cause === 'storage_low'));
      const audited = await fixture.audit.search({ action: 'recording.destroyed_early' }, { allCommunes: true, communes: [] });
      assert.equal(audited.total, 1);
      // The chain of each camera still verifies across the early destruction.
      for (const cameraId of ['cam-a', 'cam-b']) {
        const rows = [];
        for await (const row of fixture.repository.iterateCamera(cameraId)) rows.push(row);
        const head = await fixture.repository.readHead(cameraId);
        assert.equal(checkSegmentChainAcrossPurges(rows, await fixture.repository.purgedRunsOf(cameraId), head?.chainHash), undefined, cameraId);
      }
      events.length = 0;
      const [again] = await monitor.run(fixture.clock.now());
      assert.equal(again?.usage.low, false);
      assert.deepEqual(events, [], 'nothing more to do, nothing raised');
      await fixture.holds.release(hold.id, 'affaire classée', system);
    });

    it('says when nothing can be freed: every segment is under a hold', async () => {
      await fixture.holds.create(
        {
          cameraIds: ['cam-a'],
          from: new Date(start).toISOString(),
          to: new Date(start + 60 * MINUTE).toISOString(),
          reason: 'réquisition',
          procedureReference: 'PV 2026/124',
        },
        system,
      );
      await fixture.holds.create(
        {
          cameraIds: ['cam-b'],
          from: new Date(start).toISOString(),
          to: new Date(start + 60 * MINUTE).toISOString(),
          reason: 'réquisition',
          procedureReference: 'PV 2026/125',
        },
        system,
      );
      await storage.update(fixture.volume.name, { lowSpacePercent: 50 }, system);
      events.length = 0;
      const [check] = await monitor.run(fixture.clock.now());
      assert.equal(check?.destroyed?.destroyedSegments, 0, JSON.stringify(check));
      assert.deepEqual(
        events.map((event) => event.code),
        ['storage_low', 'storage_exhausted'],
      );
    });

    it('marks a volume at creation; a volume from before markers is marked only with its footage present, and only once (issue 11)', async () => {
      const db = fixture.database.handle.db;
      const volume = fixture.volume;
      const markerFile = volumeMarkerPath(volume.root);
      assert.equal((await stat(markerFile)).mode & 0o777, 0o600);
      assert.equal(JSON.parse(await readFile(markerFile, 'utf8')).volume, volume.name);
      assert.ok((await storage.volumes()).find((candidate) => candidate.name === volume.name)!.markedAt, 'created with its marker');
      const guard = new VolumeMarkerGuard({
        repository: new StorageRepository(tablesOf<StorageSchema>(db)),
        footage: fixture.repository,
        audit: fixture.audit,
        clock: fixture.clock,
      });

      // A volume of an older installation: no marker, never marked; its oldest file has gone with an unmounted disk.
      await db.updateTable('storage_volumes').set({ marked_at: null }).where('name', '=', volume.name).execute();
      await unlink(markerFile);
      const oldest = (await fixture.repository.oldestSegmentPath(volume.name))!;
      await rename(join(volume.root, oldest), `${join(volume.root, oldest)}.away`);
      assert.equal((await guard.check(volume)).present, false, 'no proof the disk is there: not marked');
      assert.equal(existsSync(markerFile), false);
      await rename(`${join(volume.root, oldest)}.away`, join(volume.root, oldest));
      assert.deepEqual(await guard.check(volume), { present: true }, 'its oldest indexed file is there: marked at first use');
      assert.equal(existsSync(markerFile), true);
      assert.equal((await fixture.audit.search({ action: 'storage.volume_marked' }, { allCommunes: true, communes: [] })).total, 1);

      // Marked once: a missing marker now means an unmounted disk, whatever the folder holds.
      await unlink(markerFile);
      assert.equal((await guard.check(volume)).present, false);
      assert.equal(existsSync(markerFile), false, 'never rewritten by itself');
      await writeVolumeMarker(volume, NOW);
      // A folder holding another volume's marker is that volume's disk: not a new volume.
      const foreignDisk = await mkdtemp(join(tmpdir(), 'vigie-foreign-disk-'));
      try {
        await writeVolumeMarker({ name: 'elsewhere', root: foreignDisk }, NOW);
        await assert.rejects(storage.create({ name: 'fourth', root: foreignDisk }, system), { code: 'storage_volume_invalid' });
        assert.equal(
          (await storage.volumes()).some((candidate) => candidate.name === 'fourth'),
          false,
        );
      } finally {
        await rm(foreignDisk, { recursive: true, force: true });
      }
    });
  });
}
