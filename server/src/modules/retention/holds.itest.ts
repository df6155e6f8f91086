// Legal holds and the statutory register on both databases: creation rules (cameras of one
// commune in the actor's scope, image-export right, range, reason), audited reference and
// release, scoped listings, register listing and its CSV export.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal } from '../access/index.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { cliActor } from '../audit/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { registerCsvColumns } from './register.ts';
import { RetentionRepository } from './retention.repository.ts';
import { createRetentionFixture, DAY, NOW, type RetentionFixture } from '../../testing/retention.fixtures.ts';

const nowMs = Date.parse(NOW);
const cli = { actor: cliActor(), principal: null };
const iso = (ms: number) => new Date(ms).toISOString();

function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    kind: 'user',
    id: 'u-op',
    login: 'operateur',
    role: 'operator',
    allCommunes: false,
    communes: ['21038'],
    actionSubset: null,
    approvalReference: 'AP-2025-17',
    approvalExpiresOn: '2029-12-31',
    trainingDate: '2026-03-01',
    imageAccessConfirmed: true,
    ...overrides,
  };
}
const as = (who: Principal) => ({ actor: { type: 'user' as const, id: who.id, login: who.login }, principal: who });

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`legal holds and statutory register [${dialect}]`, { skip }, () => {
    let fixture: RetentionFixture;
    const window = { from: iso(nowMs - 3 * DAY), to: iso(nowMs - 2 * DAY) };

    before(async () => {
      fixture = await createRetentionFixture(dialect);
      await fixture.addCommune('21038', 14);
      await fixture.addCommune('21231', 14);
      await fixture.addCamera('cam-1', '21038');
      await fixture.addCamera('cam-2', '21038');
      await fixture.addCamera('cam-9', '21231');
      await fixture.addCamera('cam-empty', '21038');
      // Footage from four days ago: a hold covers footage that exists.
      for (const [camera, commune] of [
        ['cam-1', '21038'],
        ['cam-2', '21038'],
        ['cam-9', '21231'],
      ] as const)
        await fixture.addSegments(camera, commune, nowMs - 4 * DAY, 1);
    });
    after(async () => fixture?.close());

    const audits = (action: string) =>
      fixture.database.handle.db
        .selectFrom('audit_log')
        .select(['actor_login', 'commune_insee', 'reason', 'details'])
        .where('action', '=', action)
        .orderBy('seq')
        .execute();

    it('creates a hold on cameras of one commune, audited with its actor', async () => {
      const operator = principal();
      const hold = await fixture.holds.create(
        { cameraIds: ['cam-2', 'cam-1', 'cam-1'], ...window, reason: 'Réquisition du 23/11', procedureReference: ' PV 2026/555 ' },
        as(operator),
      );
      assert.deepEqual([hold.communeInsee, hold.cameraIds, hold.procedureReference, hold.createdBy], ['21038', ['cam-1', 'cam-2'], 'PV 2026/555', 'operateur']);
      const [row] = await audits('recording.hold_created');
      assert.deepEqual([row!.actor_login, row!.commune_insee, row!.reason], ['operateur', '21038', 'Réquisition du 23/11']);
      assert.deepEqual((await fixture.holds.get(hold.id, operator)).cameraIds, ['cam-1', 'cam-2']);
    });

    it('refuses bad ranges, missing reasons, unknown, foreign or mixed-commune cameras, and actors without the export right', async () => {
      const operator = principal();
      const code = async (work: Promise<unknown>) =>
        work.then(
          () => 'created',
          (error: { code?: string; name?: string }) => error.code ?? error.name,
        );
      assert.equal(await code(fixture.holds.create({ cameraIds: ['cam-1'], from: window.to, to: window.from, reason: 'inversé' }, cli)), 'legal_hold_invalid');
      assert.equal(await code(fixture.holds.create({ cameraIds: ['cam-1'], ...window, reason: ' ' }, cli)), 'ZodError');
      assert.equal(await code(fixture.holds.create({ cameraIds: ['cam-404'], ...window, reason: 'inconnue' }, cli)), 'legal_hold_invalid');
      assert.equal(await code(fixture.holds.create({ cameraIds: ['cam-1', 'cam-9'], ...window, reason: 'deux communes' }, cli)), 'legal_hold_invalid');
      assert.equal(await code(fixture.holds.create({ cameraIds: ['cam-9'], ...window, reason: 'hors périmètre' }, as(operator))), 'legal_hold_invalid');
      assert.equal(await code(fixture.holds.create({ cameraIds: ['cam-1'], ...window, reason: 'policier' }, as(principal({ role: 'police' })))), 'forbidden');
      assert.equal(
        await code(fixture.holds.create({ cameraIds: ['cam-1'], ...window, reason: 'agrément échu' }, as(principal({ approvalExpiresOn: '2026-01-01' })))),
        'approval_expired',
      );
    });

    it('sets a procedure reference and releases, both audited; a released hold cannot change', async () => {
      const hold = await fixture.holds.create({ cameraIds: ['cam-1'], ...window, reason: 'En attente du numéro de procédure' }, cli);
      assert.equal(hold.procedureReference, null);
      const referenced = await fixture.holds.setProcedureReference(hold.id, 'PV 2026/777', as(principal()));
      assert.equal(referenced.procedureReference, 'PV 2026/777');
      assert.deepEqual(JSON.parse((await audits('recording.hold_reference_set')).at(-1)!.details), { after: 'PV 2026/777', before: null });

      const released = await fixture.holds.release(hold.id, 'Affaire classée sans suite', as(principal({ role: 'supervisor' })));
      assert.equal(released.releasedAt, NOW);
      const [row] = await audits('recording.hold_released');
      assert.deepEqual([row!.actor_login, row!.reason], ['operateur', 'Affaire classée sans suite']);
      await assert.rejects(fixture.holds.release(hold.id, 'encore', cli), { code: 'legal_hold_released' });
      await assert.rejects(fixture.holds.release('no-such-hold', 'rien', cli), { code: 'not_found' });
      const active = await fixture.holds.list({ activeOnly: true }, null);
      assert.ok(active.every((candidate) => candidate.id !== hold.id));
      assert.ok((await fixture.holds.list({ cameraId: 'cam-1' }, null)).some((candidate) => candidate.id === hold.id));
    });

    it('scopes listings by commune and hides holds of other communes', async () => {
      const foreign = await fixture.holds.create({ cameraIds: ['cam-9'], ...window, reason: 'Autre commune', procedureReference: 'PV 9' }, cli);
      const operator = principal();
      assert.ok((await fixture.holds.list({}, operator)).every((hold) => hold.communeInsee === '21038'));
      assert.deepEqual(await fixture.holds.list({ communeInsee: '21231' }, operator), []);
      await assert.rejects(fixture.holds.get(foreign.id, operator), { code: 'not_found' });
      await assert.rejects(fixture.holds.release(foreign.id, 'hors périmètre', as(operator)), { code: 'not_found' });
      await assert.rejects(fixture.holds.list({}, principal({ role: 'technician' })), { code: 'forbidden' });
      assert.equal(
        (await fixture.holds.list({}, principal({ role: 'auditor', allCommunes: true, communes: [] }))).some((hold) => hold.id === foreign.id),
        true,
      );
    });

    it('bounds holds: existing footage only, 24 h per camera for an operator, provisional until a chief confirms, reviewed (issue 11)', async () => {
      const operator = as(principal());
      const chief = as(principal({ id: 'u-chief', login: 'chef', role: 'supervisor' }));
      const forever = {
        cameraIds: ['cam-1', 'cam-2'],
        from: '2000-01-01T00:00:00Z',
        to: '2100-01-01T00:00:00Z',
        reason: 'garder tout',
        procedureReference: 'x',
      };
      await assert.rejects(fixture.holds.create(forever, operator), { code: 'legal_hold_future' });
      await assert.rejects(
        fixture.holds.create({ ...forever, to: iso(nowMs - DAY) }, operator),
        { code: 'legal_hold_window_too_wide' },
        'from 2000: starts at the oldest footage, still 3 days wide',
      );
      await assert.rejects(fixture.holds.create({ ...forever, to: iso(nowMs - 5 * DAY) }, operator), { code: 'legal_hold_before_footage' });
      const clamped = await fixture.holds.create(
        { cameraIds: ['cam-1'], from: iso(nowMs - 4.5 * DAY), to: iso(nowMs - 3.9 * DAY), reason: 'avant les images' },
        operator,
      );
      assert.equal(clamped.fromMs, nowMs - 4 * DAY, 'a hold starts at the oldest footage kept at the earliest');
      await assert.rejects(fixture.holds.create({ cameraIds: ['cam-empty'], from: iso(nowMs - 2 * DAY), to: iso(nowMs - DAY), reason: 'rien' }, operator), {
        code: 'legal_hold_no_footage',
      });
      await assert.rejects(
        fixture.holds.create({ cameraIds: ['cam-1', 'cam-empty'], ...window, reason: 'une caméra sans images' }, operator),
        { code: 'legal_hold_no_footage', details: ['cam-empty'] },
        'every camera of a hold must have footage',
      );
      const wide = { cameraIds: ['cam-1'], from: iso(nowMs - 3.5 * DAY), to: iso(nowMs - 2 * DAY), reason: '36 heures' };
      await assert.rejects(fixture.holds.create(wide, operator), { code: 'legal_hold_window_too_wide' });
      const chiefs = await fixture.holds.create({ ...wide, procedureReference: 'PV 2026/900' }, chief);
      assert.ok(chiefs.confirmedAt, "a chief's hold with a procedure reference is confirmed at once");

      const provisional = await fixture.holds.create(
        { cameraIds: ['cam-2'], ...window, reason: 'Réquisition attendue', procedureReference: 'PV 2026/901' },
        operator,
      );
      assert.equal(provisional.confirmedAt, null);
      assert.equal(provisional.lapsesAt, iso(nowMs + 72 * 3_600_000));
      const mine = new Set<string>([provisional.id]);
      const windows = async () =>
        (await new RetentionRepository(tablesOf<RetentionSchema>(fixture.database.handle.db)).activeHoldsOf('cam-2', fixture.clock.now().toISOString())).filter(
          (hold) => mine.has(hold.id),
        );
      assert.deepEqual(
        (await windows()).map((hold) => [hold.id, hold.procedureReference]),
        [[provisional.id, null]],
        "an operator's hold never keeps footage past retention",
      );
      await assert.rejects(fixture.holds.confirm(provisional.id, 'PV 2026/901', operator), { code: 'forbidden' });

      const other = await fixture.holds.create({ cameraIds: ['cam-2'], ...window, reason: 'Seconde réquisition' }, operator);
      mine.add(other.id);
      const confirmed = await fixture.holds.confirm(other.id, 'PV 2026/902', chief);
      assert.deepEqual([confirmed.procedureReference, confirmed.lapsesAt, confirmed.confirmedBy], ['PV 2026/902', null, 'chef']);
      await assert.rejects(
        fixture.holds.release(other.id, 'un opérateur lève le gel', operator),
        { code: 'forbidden' },
        'only a supervisor releases a confirmed hold',
      );
      await assert.rejects(fixture.holds.setProcedureReference(other.id, 'PV autre', operator), { code: 'forbidden' }, 'nor an operator changes its reference');

      fixture.clock.advance(73 * 3_600_000);
      assert.deepEqual(
        (await windows()).map((hold) => hold.id),
        [other.id],
        'the unconfirmed hold lapsed',
      );
      await assert.rejects(fixture.holds.confirm(provisional.id, 'PV 2026/901', chief), { code: 'legal_hold_lapsed' });

      fixture.clock.advance(88 * DAY);
      const due = (await fixture.holds.holdsDueForReview()).map((hold) => hold.id);
      assert.ok(due.includes(other.id) && due.includes(chiefs.id), 'confirmed holds unchanged for 90 days are due for review');
      const raised: TechnicalEvent[] = [];
      assert.equal(await fixture.holds.reportDueForReview(async (event) => raised.push(event)), due.length);
      assert.deepEqual(
        raised.filter((event) => event.details?.holdId === other.id).map((event) => [event.severity, event.code, event.communeInsee]),
        [['warning', 'legal_hold_review_due', '21038']],
      );
      await fixture.holds.review(other.id, 'Procédure toujours en cours', chief);
      assert.ok(!(await fixture.holds.holdsDueForReview()).some((hold) => hold.id === other.id));
      for (const id of [chiefs.id, other.id]) await fixture.holds.release(id, 'Fin du test des bornes', cli);
      fixture.clock.set(NOW);
    });

    it('lists the register by commune and period, scoped, and exports it as French CSV', async () => {
      await fixture.addSegments('cam-1', '21038', nowMs - 20 * DAY, 3);
      await fixture.addSegments('cam-9', '21231', nowMs - 20 * DAY, 2);
      await fixture.purge().run();
      fixture.clock.advance(DAY);
      await fixture.addSegments('cam-2', '21038', nowMs - 20 * DAY, 1);
      await fixture.purge().run();

      const all = await fixture.register.list({}, null);
      assert.deepEqual(
        all.map((entry) => [entry.cameraId, entry.kind]),
        [
          ['cam-1', 'destroyed'],
          ['cam-9', 'destroyed'],
          ['cam-2', 'destroyed'],
        ],
      );
      const firstDay = await fixture.register.list({ communeInsee: '21038', from: NOW, to: iso(nowMs + DAY) }, null);
      assert.deepEqual(
        firstDay.map((entry) => entry.cameraId),
        ['cam-1'],
      );

      const supervisor = principal({ role: 'supervisor' });
      assert.deepEqual(
        (await fixture.register.list({}, supervisor)).map((entry) => entry.cameraId),
        ['cam-1', 'cam-2'],
      );
      await assert.rejects(fixture.register.list({ communeInsee: '21231' }, supervisor), { code: 'commune_out_of_scope' });
      await assert.rejects(fixture.register.list({}, principal()), { code: 'forbidden' }, 'operators do not read the register');

      const csv = await fixture.register.exportCsv({ communeInsee: '21038' }, supervisor);
      assert.ok(csv.startsWith('\uFEFF'));
      const lines = csv.slice(1).trim().split('\n');
      assert.equal(lines[0], registerCsvColumns.join(';'));
      assert.equal(lines.length, 3);
      assert.match(lines[1]!, /;21038;cam-1;Destruction \(durée de conservation échue\);/);
    });
  });
}
