// The key proof of issue 13 item 2, on both databases: receiving a requisition places confirmed
// holds on exactly the ranges asked for, in the requisition's transaction; a purge destroys the
// neighbouring footage and keeps the held footage past retention; closing releases the holds
// (with its reason) and the next purge destroys it; a procedure may keep them on close. Ranges
// whose footage no longer exists are recorded on the requisition; footage close to its
// destruction date is flagged. Synthetic segments of the retention fixture, no ffmpeg.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliActor } from '../audit/index.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { createRetentionFixture, DAY, MINUTE, NOW, type RetentionFixture } from '../../testing/retention.fixtures.ts';
import { createRequisitionsModule, type RequisitionsApi } from './index.ts';

const nowMs = Date.parse(NOW);
const cli = { actor: cliActor('greffe'), principal: null };
const iso = (ms: number) => new Date(ms).toISOString();
const intake = (ranges: { cameraId: string; from: number; to: number }[], procedureNumber = 'PV 2026/00417') => ({
  communeInsee: '21038',
  officerName: 'Claire Martin',
  officerRank: 'OPJ, capitaine',
  officerUnit: 'Commissariat de Dijon, sûreté urbaine',
  officerContact: '03 80 00 00 00',
  procedureNumber,
  legalFramework: 'flagrance' as const,
  requisitionDate: iso(nowMs - 3_600_000),
  channel: 'email' as const,
  ranges: ranges.map((range) => ({ cameraId: range.cameraId, from: iso(range.from), to: iso(range.to) })),
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`requisition holds [${dialect}]`, { skip }, () => {
    let fixture: RetentionFixture;
    let api: RequisitionsApi;
    let dataDir: string;

    before(async () => {
      fixture = await createRetentionFixture(dialect);
      await fixture.addCommune('21038', 14);
      dataDir = mkdtempSync(join(tmpdir(), 'vigie-requisitions-'));
      api = createRequisitionsModule({
        database: fixture.database.handle,
        audit: fixture.audit,
        clock: fixture.clock,
        holds: fixture.requisitionHolds,
        cameras: fixture.inventory,
        register: fixture.register,
        config: { targetHours: 48, dataDir },
      }).api;
    });
    after(async () => {
      await fixture?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const remainingIds = async (cameraId: string) => {
      const ids: number[] = [];
      for await (const row of fixture.repository.iterateCamera(cameraId)) ids.push(row.id);
      return ids;
    };

    it('a requisition’s hold survives a purge that destroys the neighbouring footage; closing releases it', async () => {
      await fixture.addCamera('cam-req', '21038');
      const segments = await fixture.addSegments('cam-req', '21038', nowMs - 16 * DAY, 6); // past the 14 days of retention
      const requisition = await api.requisitions.create(
        intake([{ cameraId: 'cam-req', from: segments[2]!.startMs + 1000, to: segments[3]!.endMs - 1000 }]),
        cli,
      );
      assert.equal(requisition.state, 'received');
      assert.deepEqual(
        requisition.ranges.map((range) => [range.footage, range.heldFrom]),
        [['held', iso(segments[2]!.startMs + 1000)]],
      );
      assert.equal(requisition.holds.length, 1);
      const hold = await fixture.holds.get(requisition.holds[0]!.id, null);
      assert.deepEqual(
        [hold.requisitionId, hold.procedureReference, hold.cameraIds, hold.fromMs, hold.toMs, hold.confirmedAt !== null, hold.lapsesAt],
        [requisition.id, 'PV 2026/00417', ['cam-req'], segments[2]!.startMs + 1000, segments[3]!.endMs - 1000, true, null],
      );
      assert.equal(requisition.flags.nearDestruction, true, 'footage past its retention, kept only by the hold');

      const first = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-req')!;
      assert.deepEqual([first.destroyedSegments, first.heldSegments], [4, 2]);
      assert.deepEqual(await remainingIds('cam-req'), [segments[2]!.id, segments[3]!.id]);

      // Only the requisition releases its hold: not the holds API.
      await assert.rejects(fixture.holds.release(hold.id, 'levée manuelle', cli), { code: 'legal_hold_of_requisition' });
      await assert.rejects(fixture.holds.confirm(hold.id, 'PV autre', cli), { code: 'legal_hold_of_requisition' });

      for (const [to, reason] of [
        ['in_review', 'Prise en charge par le chef de salle'],
        ['negative', 'Aucune image utile sur la plage'],
      ] as const)
        await api.requisitions.transition(requisition.id, { to, reason }, cli);
      const closed = await api.requisitions.transition(requisition.id, { to: 'closed', reason: 'Réponse négative transmise à l’OPJ' }, cli);
      assert.deepEqual([closed.state, closed.holdsKept, closed.flags.nearDestruction], ['closed', false, false]);
      assert.deepEqual(
        closed.holds.map((entry) => [entry.status, entry.releaseReason, entry.releasedBy]),
        [['released', 'Réponse négative transmise à l’OPJ', 'cli:greffe']],
      );
      assert.deepEqual(
        closed.history.map((entry) => [entry.from, entry.to, entry.by]),
        [
          [null, 'received', 'cli:greffe'],
          ['received', 'in_review', 'cli:greffe'],
          ['in_review', 'negative', 'cli:greffe'],
          ['negative', 'closed', 'cli:greffe'],
        ],
      );
      const second = (await fixture.purge().run()).cameras.find((camera) => camera.cameraId === 'cam-req')!;
      assert.deepEqual([second.destroyedSegments, second.heldSegments], [2, 0]);
      assert.deepEqual(await remainingIds('cam-req'), []);

      const audits = await fixture.database.handle.db
        .selectFrom('audit_log')
        .select(['action', 'target_id'])
        .where((eb) => eb.or([eb('target_id', '=', requisition.id), eb('target_id', '=', hold.id)]))
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audits.map((row) => row.action),
        [
          'recording.hold_created',
          'requisition.received',
          'requisition.state_changed',
          'requisition.state_changed',
          'recording.hold_released',
          'requisition.state_changed',
        ],
      );
      assert.equal((await fixture.audit.verify()).ok, true);
    });

    it('records ranges whose footage no longer exists, holds the rest, and keeps the holds when the procedure asks', async () => {
      await fixture.addCamera('cam-part', '21038');
      await fixture.addCamera('cam-none', '21038');
      const segments = await fixture.addSegments('cam-part', '21038', nowMs - 2 * DAY, 3);
      const requisition = await api.requisitions.create(
        intake(
          [
            { cameraId: 'cam-part', from: segments[0]!.startMs - 10 * MINUTE, to: segments[1]!.endMs },
            { cameraId: 'cam-part', from: segments[0]!.startMs - 20 * MINUTE, to: segments[0]!.startMs - 10 * MINUTE },
            { cameraId: 'cam-none', from: nowMs - DAY, to: nowMs - DAY + MINUTE },
          ],
          'PV 2026/00999',
        ),
        cli,
      );
      assert.deepEqual(
        requisition.ranges.map((range) => [range.footage, range.heldFrom, range.holdId !== null, range.nearDestruction]),
        [
          ['partial', iso(segments[0]!.startMs), true, false],
          ['missing', null, false, false],
          ['missing', null, false, false],
        ],
      );
      assert.deepEqual([requisition.flags.missingFootage, requisition.flags.nearDestruction, requisition.holds.length], [true, false, 1]);
      assert.equal(requisition.ranges[0]!.destructionAt, iso(segments[0]!.startMs + 14 * DAY));

      await api.requisitions.transition(requisition.id, { to: 'cancelled', reason: 'Réquisition retirée par l’OPJ' }, cli);
      const closed = await api.requisitions.transition(requisition.id, { to: 'closed', reason: 'Procédure en cours : gel conservé', keepHolds: true }, cli);
      assert.deepEqual([closed.holdsKept, closed.holds.map((hold) => hold.status)], [true, ['confirmed']]);
    });

    it('a new procedure number follows to the holds; nothing is stored when a camera is not in the commune', async () => {
      await fixture.addCommune('21231', 30);
      await fixture.addCamera('cam-other', '21231');
      await fixture.addSegments('cam-other', '21231', nowMs - DAY, 2);
      const before = await fixture.database.handle.db.selectFrom('legal_holds').select('id').execute();
      await assert.rejects(api.requisitions.create(intake([{ cameraId: 'cam-other', from: nowMs - DAY, to: nowMs - DAY + MINUTE }]), cli), {
        code: 'requisition_invalid',
      });
      assert.equal((await fixture.database.handle.db.selectFrom('legal_holds').select('id').execute()).length, before.length);

      await fixture.addCamera('cam-fix', '21038');
      await fixture.addSegments('cam-fix', '21038', nowMs - DAY, 2);
      const requisition = await api.requisitions.create(intake([{ cameraId: 'cam-fix', from: nowMs - DAY, to: nowMs - DAY + MINUTE }], 'PV 2026/0001'), cli);
      const corrected = await api.requisitions.update(requisition.id, { procedureNumber: 'PV 2026/00001' }, cli);
      assert.equal(corrected.procedureNumber, 'PV 2026/00001');
      assert.equal((await fixture.holds.get(corrected.holds[0]!.id, null)).procedureReference, 'PV 2026/00001');
    });
  });
}
