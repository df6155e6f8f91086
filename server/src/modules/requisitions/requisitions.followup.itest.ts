// Review hours and handovers over HTTP on both databases: a playback session opened for a
// requisition counts only the active seconds its beats report (a paused beat adds nothing, a
// beat claiming more than its interval is capped, a closed session's beats are refused);
// manual additions are audited and corrected only by new entries; a handover's receipt PDF is
// produced, its acknowledgement by a police user moves `exported` to `delivered` and writes the
// register's `handed_over` rows; the statutory register's chain verifies, then names the row
// edited or deleted with SQL; the register as PDF and its free-text search.
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { cameraInput, communeA, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { SegmentIndexer } from '../recording/index.ts';

const NOW = '2026-11-23T10:00:00.000Z';
const MINUTE = 60_000;
const FOOTAGE_START = Date.parse('2026-11-22T20:00:00.000Z');
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`requisition review hours and handovers [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let police: SignedIn;
    let otherPolice: SignedIn;
    let supervisor: SignedIn;
    let operator: SignedIn;
    let cameraA = '';
    let cameraOther = '';
    let requisitionId = '';

    const advance = (ms: number) => context.clock.set(new Date(context.clock.now().getTime() + ms).toISOString());
    const auditActions = async (targetId: string) =>
      (await context.database.handle.db.selectFrom('audit_log').select(['action']).where('target_id', '=', targetId).orderBy('seq').execute()).map(
        (row) => row.action,
      );
    const move = async (id: string, to: string) => {
      const response = await supervisor.request({ method: 'POST', url: `/api/requisitions/${id}/transitions`, payload: { to, reason: `passage à ${to}` } });
      assert.equal(response.statusCode, 200, response.body);
    };
    const reviewTime = async (id = requisitionId) =>
      (await operator.request({ method: 'GET', url: `/api/requisitions/${id}/review-time` })).json() as {
        totalSeconds: number;
        automaticSeconds: number;
        manualSeconds: number;
        entries: Array<{ id: string; source: string; seconds: number; correctsEntryId: string | null }>;
      };

    before(async () => {
      context = await createTestContext(dialect, { clockStart: NOW });
      const { siteA } = await createCommunesAndSites(context);
      cameraA = (await context.services.cameras.create(cameraInput(siteA, 'CAM-GARE'), testCli)).id;
      cameraOther = (
        await context.services.cameras.create(cameraInput(siteA, 'CAM-QUAI', { ipAddress: '10.1.0.13', macAddress: 'ac:cc:8e:00:00:13' }), testCli)
      ).id;
      // Three minutes of footage of each camera, indexed as the recorder would.
      await context.services.storage.ensureDefaultVolume(context.config.recordingsDir);
      const volume = { name: 'local', root: context.config.recordingsDir };
      const probe = async () => ({ codec: 'h264', width: 704, height: 576, frameCount: 600, durationMs: MINUTE, measuredFps: 10 });
      const indexer = new SegmentIndexer(context.services.recordingRepository, context.clock, { probe });
      for (const cameraId of [cameraA, cameraOther]) {
        const incoming = join(volume.root, communeA, cameraId, '.incoming');
        await mkdir(incoming, { recursive: true });
        for (let index = 0; index < 3; index++) {
          const file = join(incoming, `segment-${FOOTAGE_START + index * MINUTE}.mp4`);
          await writeFile(file, `synthetic footage ${cameraId} ${index}`);
          await indexer.index({
            cameraId,
            communeInsee: communeA,
            volume,
            file,
            startMs: FOOTAGE_START + index * MINUTE,
            durationMs: MINUTE,
            status: 'closed',
          });
        }
      }
      police = await signIn(context, 'police', [communeA]);
      otherPolice = await signIn(context, 'police', [communeA]);
      supervisor = await signIn(context, 'supervisor', [communeA]);
      operator = await signIn(context, 'operator', [communeA]);
      const filed = await police.request({
        method: 'POST',
        url: '/api/requisitions',
        payload: {
          communeInsee: communeA,
          officerName: 'Karim Benali',
          officerRank: 'OPJ, lieutenant',
          officerUnit: 'Commissariat central de Grenoble',
          officerContact: 'karim.benali@interieur.gouv.fr',
          procedureNumber: 'PV 2026/012345',
          legalFramework: 'preliminary',
          requisitionDate: '2026-11-23T08:30:00.000Z',
          channel: 'email',
          ranges: [
            { cameraId: cameraA, from: '2026-11-22T20:00:00.000Z', to: '2026-11-22T20:02:00.000Z' },
            { cameraId: cameraA, from: '2026-11-22T20:02:00.000Z', to: '2026-11-22T20:03:00.000Z' },
          ],
        },
      });
      assert.equal(filed.statusCode, 201, filed.body);
      requisitionId = (filed.json() as { id: string }).id;
      await move(requisitionId, 'in_review');
    });
    after(async () => context?.close());

    const openFor = (cameraId: string, requisition: string | null) =>
      operator.request({
        method: 'POST',
        url: `/api/cameras/${cameraId}/playback`,
        payload: { from: '2026-11-22T20:00:00.000Z', to: '2026-11-22T20:03:00.000Z', requisitionId: requisition },
      });
    const beat = (playbackId: string, activeSeconds: number) =>
      operator.request({ method: 'POST', url: `/api/playback/${playbackId}/activity`, payload: { activeSeconds } });

    it('lists the open requisitions asking for a camera, and refuses a session for one that does not ask for it', async () => {
      const listed = await operator.request({ method: 'GET', url: `/api/requisitions/reviewable?cameraId=${cameraA}` });
      assert.equal(listed.statusCode, 200, listed.body);
      assert.deepEqual(
        (listed.json() as { id: string }[]).map((entry) => entry.id),
        [requisitionId],
      );
      const none = await operator.request({ method: 'GET', url: `/api/requisitions/reviewable?cameraId=${cameraOther}` });
      assert.deepEqual(none.json(), []);
      const refused = await openFor(cameraOther, requisitionId);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().code, 'requisition_not_reviewable');
      const unknown = await openFor(cameraA, 'no-such-requisition');
      assert.equal(unknown.statusCode, 404, unknown.body);
    });

    it('counts only active, capped beats of a session opened for the requisition, and refuses beats once it is closed', async () => {
      const opened = await openFor(cameraA, requisitionId);
      assert.equal(opened.statusCode, 201, opened.body);
      const session = opened.json() as { playbackId: string; requisitionId: string };
      assert.equal(session.requisitionId, requisitionId);
      advance(15_000);
      assert.equal((await beat(session.playbackId, 15)).json().acceptedSeconds, 15, 'playing for 15 s');
      advance(15_000);
      assert.equal((await beat(session.playbackId, 0)).json().acceptedSeconds, 0, 'paused: nothing');
      advance(15_000);
      assert.equal((await beat(session.playbackId, 120)).json().acceptedSeconds, 20, 'a beat claiming 120 s is capped at the interval + tolerance');
      advance(8_000);
      assert.equal((await beat(session.playbackId, 15)).json().acceptedSeconds, 13, 'never more than the time elapsed + tolerance');
      assert.equal((await reviewTime()).automaticSeconds, 48);
      const closed = await operator.request({ method: 'DELETE', url: `/api/playback/${session.playbackId}` });
      assert.equal(closed.statusCode, 204);
      advance(15_000);
      const late = await beat(session.playbackId, 15);
      assert.equal(late.statusCode, 404, late.body);
      assert.equal(late.json().code, 'playback_session_invalid');
      assert.equal((await reviewTime()).automaticSeconds, 48);
      // A session opened without a requisition counts nowhere.
      const plain = await operator.request({
        method: 'POST',
        url: `/api/cameras/${cameraA}/playback`,
        payload: { from: '2026-11-22T20:00:00.000Z', to: '2026-11-22T20:03:00.000Z', reason: 'Contrôle de la qualité des images' },
      });
      advance(15_000);
      assert.equal((await beat((plain.json() as { playbackId: string }).playbackId, 15)).statusCode, 200);
      assert.equal((await reviewTime()).totalSeconds, 48);
    });

    it('adds manual review time (audited), corrected only by new entries, and sums it for the statistics', async () => {
      const add = (payload: Record<string, unknown>, as = operator) =>
        as.request({ method: 'POST', url: `/api/requisitions/${requisitionId}/review-time`, payload });
      const added = await add({ minutes: 30, date: '2026-11-23', comment: 'Relecture sur le poste 2' });
      assert.equal(added.statusCode, 201, added.body);
      const manual = (added.json() as { entries: { id: string; source: string }[] }).entries.find((entry) => entry.source === 'manual')!;
      for (const [payload, code] of [
        [{ minutes: -10, date: '2026-11-23', comment: 'erreur de saisie' }, 'review_time_invalid'],
        [{ minutes: -40, date: '2026-11-23', comment: 'erreur de saisie', correctsEntryId: manual.id }, 'review_time_invalid'],
        [{ minutes: 10, date: '2026-11-30', comment: 'dans le futur' }, 'review_time_invalid'],
        [{ minutes: 601, date: '2026-11-23', comment: 'trop long' }, 'validation_failed'],
      ] as const) {
        const refused = await add(payload);
        assert.equal(refused.json().code, code, JSON.stringify(payload));
      }
      assert.equal((await add({ minutes: 10, date: '2026-11-23', comment: 'policier' }, police)).statusCode, 403);
      const corrected = await add({ minutes: -10, date: '2026-11-23', comment: 'dix minutes de trop', correctsEntryId: manual.id });
      assert.equal(corrected.statusCode, 201, corrected.body);
      const time = await reviewTime();
      assert.deepEqual([time.automaticSeconds, time.manualSeconds, time.totalSeconds], [48, 1200, 1248]);
      assert.equal((await auditActions(requisitionId)).filter((action) => action === 'requisition.review_time_added').length, 2);
      const totals = await context.services.requisitionsModule.api.review.reviewSeconds({ year: 2026, communeInsee: communeA });
      assert.deepEqual(totals.byCommuneAndUnit, [
        { communeInsee: communeA, officerUnit: 'Commissariat central de Grenoble', automaticSeconds: 48, manualSeconds: 1200, seconds: 1248 },
      ]);
      assert.equal((await context.services.requisitionsModule.api.review.reviewSeconds({ year: 2025 })).totalSeconds, 0);
    });

    const handover = (payload: Record<string, unknown> = {}) =>
      operator.request({
        method: 'POST',
        url: `/api/requisitions/${requisitionId}/handovers`,
        payload: {
          medium: 'usb_key',
          recipientName: 'Karim Benali',
          recipientRank: 'Lieutenant',
          recipientUnit: 'Commissariat central de Grenoble',
          handedAt: '2026-11-23T10:05:00.000Z',
          packageId: 'pkg_0123456789abcdef',
          ...payload,
        },
      });

    it('records a handover only once exported, with its receipt PDF; the police acknowledgement delivers and registers it', async () => {
      context.clock.set('2026-11-23T10:10:00.000Z');
      const early = await handover();
      assert.equal(early.statusCode, 409, early.body);
      assert.equal(early.json().code, 'requisition_not_exported');
      await move(requisitionId, 'positive');
      await move(requisitionId, 'exported');
      assert.equal((await handover({ packageId: '../etc/passwd' })).statusCode, 400);
      assert.equal((await handover({ handedAt: '2026-11-24T10:00:00.000Z' })).json().code, 'handover_invalid');
      const created = await handover();
      assert.equal(created.statusCode, 201, created.body);
      const recorded = created.json() as { id: string; receiptUrl: string; acknowledgedAt: string | null };
      assert.equal(recorded.acknowledgedAt, null);
      const receipt = await police.request({ method: 'GET', url: recorded.receiptUrl });
      assert.equal(receipt.statusCode, 200, receipt.body);
      assert.equal(receipt.headers['content-type'], 'application/pdf');
      assert.equal(receipt.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.ok(receipt.rawPayload.length > 5000, 'a page with its embedded font');
      const ackUrl = `/api/requisitions/${requisitionId}/handovers/${recorded.id}/acknowledgement`;
      const byOperator = await operator.request({ method: 'POST', url: ackUrl, payload: {} });
      assert.equal(byOperator.statusCode, 403, 'only a police user acknowledges in the console');
      const acknowledged = await otherPolice.request({ method: 'POST', url: ackUrl, payload: {} });
      assert.equal(acknowledged.statusCode, 200, acknowledged.body);
      assert.equal(acknowledged.json().acknowledgement, 'console');
      assert.equal((await otherPolice.request({ method: 'POST', url: ackUrl, payload: {} })).json().code, 'handover_already_acknowledged');
      const detail = await police.request({ method: 'GET', url: `/api/requisitions/${requisitionId}` });
      assert.equal(detail.json().state, 'delivered');
      const rows = await context.services.register.list({ kind: 'handed_over' }, null);
      assert.deepEqual(
        rows.map((row) => [row.cameraId, row.reference, row.details.handoverId]),
        [
          [cameraA, 'PV 2026/012345', recorded.id],
          [cameraA, 'PV 2026/012345', recorded.id],
        ],
      );
      const actions = await auditActions(requisitionId);
      for (const action of ['requisition.handover_recorded', 'requisition.handover_receipt_read', 'requisition.handover_acknowledged'])
        assert.ok(actions.includes(action), action);
      // A second medium for a delivered requisition: the signed receipt scanned back, no state change.
      const second = (await handover({ medium: 'disc', packageId: undefined })).json() as { id: string };
      const scanned = await operator.request({
        method: 'POST',
        url: `/api/requisitions/${requisitionId}/handovers/${second.id}/acknowledgement`,
        payload: { scan: { fileName: 'recepisse.png', contentBase64: png.toString('base64') } },
      });
      assert.equal(scanned.statusCode, 200, scanned.body);
      assert.equal(scanned.json().acknowledgement, 'scan');
      assert.equal((await context.services.register.list({ kind: 'handed_over' }, null)).length, 4);
    });

    it('verifies the register chain, then names the row edited or deleted with SQL', async () => {
      const verify = async () => {
        const response = await supervisor.request({ method: 'GET', url: '/api/register/verify' });
        assert.equal(response.statusCode, 200, response.body);
        return response.json() as { ok: boolean; rowsChecked: number; problems: { kind: string; seq: number; registerId: number | null }[] };
      };
      const sound = await verify();
      assert.equal(sound.ok, true, JSON.stringify(sound.problems));
      assert.equal(sound.rowsChecked, 4);
      const db = context.database.handle.db;
      const rows = await db.selectFrom('statutory_register').select(['id', 'seq', 'reference']).orderBy('seq').execute();
      const second = rows[1]!;
      await sql`update statutory_register set reference = ${'PV 2026/099999'} where id = ${second.id}`.execute(db);
      const edited = await verify();
      assert.equal(edited.ok, false);
      assert.deepEqual(
        edited.problems.map((problem) => [problem.kind, problem.seq, problem.registerId]),
        [['edited', 2, Number(second.id)]],
      );
      await sql`update statutory_register set reference = ${second.reference} where id = ${second.id}`.execute(db);
      assert.equal((await verify()).ok, true, 'restored');
      await sql`delete from statutory_register where id = ${rows[2]!.id}`.execute(db);
      const deleted = await verify();
      assert.equal(deleted.ok, false);
      assert.equal(deleted.problems[0]!.kind, 'deleted');
      assert.equal(deleted.problems[0]!.seq, 3);
      assert.equal((await context.services.register.verify(null)).ok, false, 'the command line sees it too');
      assert.equal((await police.request({ method: 'GET', url: '/api/register/verify' })).statusCode, 403);
    });

    it('searches the register by procedure reference and exports it as PDF', async () => {
      const found = await supervisor.request({ method: 'GET', url: '/api/register?text=012345' });
      assert.equal(found.statusCode, 200, found.body);
      assert.ok((found.json() as unknown[]).length >= 3);
      const none = await supervisor.request({ method: 'GET', url: '/api/register?text=99_%25' });
      assert.deepEqual(none.json(), []);
      const pdf = await supervisor.request({ method: 'GET', url: `/api/register/export.pdf?communeInsee=${communeA}&kind=handed_over` });
      assert.equal(pdf.statusCode, 200, pdf.body);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    });
  });
}
