// Requisitions over HTTP on both databases: intake by a police user within their communes,
// bounded inputs refused with a code and French/English messages and nothing stored, scope
// refusals, each transition allowed or refused, the supervisor's validation, corrections by
// the filer only and until a result, the sealed scanned document, and the audit rows.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cameraInput, communeA, communeB, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';

const NOW = '2026-11-23T10:00:00.000Z';
const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`requisitions over HTTP [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let police: SignedIn;
    let otherPolice: SignedIn;
    let foreignPolice: SignedIn;
    let supervisor: SignedIn;
    let operator: SignedIn;
    let administrator: SignedIn;
    let cameraA: string;
    let cameraB: string;

    const body = (overrides: Record<string, unknown> = {}) => ({
      communeInsee: communeA,
      officerName: 'Karim Benali',
      officerRank: 'OPJ, lieutenant',
      officerUnit: 'Commissariat central de Grenoble',
      officerContact: 'karim.benali@interieur.gouv.fr',
      procedureNumber: 'PV 2026/012345',
      legalFramework: 'preliminary',
      requisitionDate: '2026-11-23T08:30:00.000Z',
      channel: 'email',
      freeText: 'Vol à l’arraché, individu en veste rouge.',
      ranges: [{ cameraId: cameraA, from: '2026-11-22T20:00:00.000Z', to: '2026-11-22T21:00:00.000Z' }],
      ...overrides,
    });
    /** The audit rows naming a requisition, oldest first. */
    const auditOf = async (targetId: string, action?: string) => {
      let query = context.database.handle.db
        .selectFrom('audit_log')
        .select(['action', 'actor_login', 'commune_insee', 'reason', 'details'])
        .where('target_id', '=', targetId);
      if (action) query = query.where('action', '=', action);
      return (await query.orderBy('seq').execute()).map((row) => ({ ...row, details: JSON.parse(row.details) as unknown }));
    };
    const count = async () => (await context.database.handle.db.selectFrom('requisitions').select('id').execute()).length;
    const file = async (overrides: Record<string, unknown> = {}, as = police) => {
      const response = await as.request({ method: 'POST', url: '/api/requisitions', payload: body(overrides) });
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as { id: string; state: string; [key: string]: unknown };
    };
    const move = (id: string, to: string, as = supervisor, extra: Record<string, unknown> = {}) =>
      as.request({ method: 'POST', url: `/api/requisitions/${id}/transitions`, payload: { to, reason: `passage à ${to}`, ...extra } });

    before(async () => {
      context = await createTestContext(dialect, { clockStart: NOW });
      const { siteA, siteB } = await createCommunesAndSites(context);
      cameraA = (await context.services.cameras.create(cameraInput(siteA, 'CAM-GARE'), testCli)).id;
      cameraB = (await context.services.cameras.create(cameraInput(siteB, 'CAM-MAIRIE', { ipAddress: '10.1.0.12', macAddress: 'ac:cc:8e:00:00:12' }), testCli))
        .id;
      police = await signIn(context, 'police', [communeA]);
      otherPolice = await signIn(context, 'police', [communeA]);
      foreignPolice = await signIn(context, 'police', [communeB]);
      supervisor = await signIn(context, 'supervisor', [communeA]);
      operator = await signIn(context, 'operator', [communeA]);
      administrator = await signIn(context, 'administrator', 'all');
    });
    after(async () => context?.close());

    it('a police user files a requisition in their commune: received, due in 48 h, its range recorded', async () => {
      const created = await file();
      assert.equal(created.state, 'received');
      assert.equal(created.filedBy, police.login);
      assert.deepEqual(created.due, { at: '2026-11-25T10:00:00.000Z', answeredAt: null, remainingMs: 48 * 3_600_000, overdue: false });
      assert.deepEqual(created.allowedTransitions, ['in_review', 'cancelled']);
      // No footage was ever recorded by this camera: the range is recorded as missing, the requisition still received.
      assert.deepEqual(
        (created.ranges as { footage: string }[]).map((range) => range.footage),
        ['missing'],
      );
      assert.deepEqual(created.flags, { missingFootage: true, nearDestruction: false, overdue: false });
      assert.deepEqual(
        (await auditOf(created.id)).map((row) => [row.action, row.actor_login, row.commune_insee]),
        [['requisition.received', police.login, communeA]],
      );
      context.clock.set('2026-11-25T11:00:00.000Z');
      // (the service itself: two days later the test's sessions would have expired)
      const late = await context.services.requisitions.get(created.id, null);
      assert.deepEqual([late.due.remainingMs, late.flags.overdue], [-3_600_000, true]);
      context.clock.set(NOW);
    });

    it('refuses bad input with a code and French and English messages, storing nothing', async () => {
      const stored = await count();
      const cases: [Record<string, unknown>, number, string][] = [
        [{ officerName: 'x'.repeat(201) }, 400, 'validation_failed'],
        [{ procedureNumber: '' }, 400, 'validation_failed'],
        [{ legalFramework: 'garde_a_vue' }, 400, 'validation_failed'],
        [{ ranges: [] }, 400, 'validation_failed'],
        [
          { ranges: Array.from({ length: 51 }, () => ({ cameraId: cameraA, from: '2026-11-22T20:00:00Z', to: '2026-11-22T21:00:00Z' })) },
          400,
          'validation_failed',
        ],
        [{ ranges: [{ cameraId: cameraA, from: '2026-11-22T21:00:00Z', to: '2026-11-22T20:00:00Z' }] }, 400, 'requisition_invalid'],
        [{ ranges: [{ cameraId: cameraA, from: '2026-11-23T09:00:00Z', to: '2026-11-23T11:00:00Z' }] }, 400, 'requisition_invalid'],
        [{ ranges: [{ cameraId: cameraA, from: '2026-10-01T00:00:00Z', to: '2026-11-22T00:00:00Z' }] }, 400, 'requisition_invalid'],
        [{ ranges: [{ cameraId: cameraB, from: '2026-11-22T20:00:00Z', to: '2026-11-22T21:00:00Z' }] }, 400, 'requisition_invalid'],
        [{ communeInsee: communeB, ranges: [{ cameraId: cameraB, from: '2026-11-22T20:00:00Z', to: '2026-11-22T21:00:00Z' }] }, 403, 'commune_out_of_scope'],
        [{ unknownField: 1 }, 400, 'validation_failed'],
      ];
      for (const [overrides, status, code] of cases) {
        const response = await police.request({ method: 'POST', url: '/api/requisitions', payload: body(overrides) });
        assert.equal(response.statusCode, status, `${JSON.stringify(overrides).slice(0, 80)}: ${response.body.slice(0, 300)}`);
        const error = response.json();
        assert.equal(error.code, code);
        assert.ok(error.message_fr && error.message_en && error.message_fr !== error.message_en, response.body);
      }
      assert.equal(await count(), stored);
    });

    it('shows requisitions only within the reader’s communes, and only to the roles that read them', async () => {
      const created = await file();
      assert.equal((await foreignPolice.request({ method: 'GET', url: `/api/requisitions/${created.id}` })).statusCode, 404);
      const foreignList = (await foreignPolice.request({ method: 'GET', url: '/api/requisitions' })).json() as { id: string }[];
      assert.equal(foreignList.length, 0);
      for (const reader of [police, otherPolice, supervisor, operator]) {
        const list = (await reader.request({ method: 'GET', url: '/api/requisitions?open=true' })).json() as { id: string }[];
        assert.ok(
          list.some((entry) => entry.id === created.id),
          reader.login,
        );
      }
      assert.equal((await administrator.request({ method: 'GET', url: '/api/requisitions' })).json().code, 'forbidden');
      assert.equal((await move(created.id, 'in_review', foreignPolice)).statusCode, 403);
    });

    it('a supervisor validates and moves it through the allowed states only; police users do not', async () => {
      const created = await file();
      assert.equal((await move(created.id, 'in_review', police)).json().code, 'forbidden');
      const refused = await move(created.id, 'positive');
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().code, 'requisition_transition_refused');
      assert.equal((await move(created.id, 'in_review', supervisor, { keepHolds: true })).json().code, 'requisition_invalid');
      for (const to of ['in_review', 'positive', 'exported', 'delivered']) assert.equal((await move(created.id, to)).statusCode, 200, to);
      assert.equal((await move(created.id, 'in_review')).statusCode, 409);
      const closed = (await move(created.id, 'closed')).json();
      assert.deepEqual([closed.state, closed.allowedTransitions, closed.holdsKept, closed.due.answeredAt], ['closed', [], false, NOW]);
      assert.deepEqual(
        closed.history.map((entry: { from: string | null; to: string; by: string }) => [entry.from, entry.to, entry.by]),
        [
          [null, 'received', police.login],
          ['received', 'in_review', supervisor.login],
          ['in_review', 'positive', supervisor.login],
          ['positive', 'exported', supervisor.login],
          ['exported', 'delivered', supervisor.login],
          ['delivered', 'closed', supervisor.login],
        ],
      );
      assert.equal((await move(created.id, 'closed')).statusCode, 409);
      const audit = await auditOf(created.id, 'requisition.state_changed');
      assert.equal(audit.length, 5);
      assert.ok(audit.every((row) => row.actor_login === supervisor.login && row.reason?.startsWith('passage à')));
    });

    it('only the filer (or a supervisor) corrects it, and only until a result is given', async () => {
      const created = await file();
      const url = `/api/requisitions/${created.id}`;
      assert.equal((await otherPolice.request({ method: 'PATCH', url, payload: { officerRank: 'APJ' } })).statusCode, 403);
      const patched = await police.request({ method: 'PATCH', url, payload: { officerRank: 'OPJ, capitaine' } });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().officerRank, 'OPJ, capitaine');
      assert.equal((await supervisor.request({ method: 'PATCH', url, payload: { channel: 'paper' } })).json().channel, 'paper');
      await move(created.id, 'in_review');
      await move(created.id, 'negative');
      const locked = await police.request({ method: 'PATCH', url, payload: { freeText: null } });
      assert.deepEqual([locked.statusCode, locked.json().code], [409, 'requisition_locked']);
      assert.deepEqual(
        (await auditOf(created.id, 'requisition.updated')).map((row) => row.details),
        [
          { before: { officer_rank: 'OPJ, lieutenant' }, after: { officer_rank: 'OPJ, capitaine' } },
          { before: { channel: 'email' }, after: { channel: 'paper' } },
        ],
      );
    });

    it('keeps the scanned requisition sealed: type by its bytes, SHA-256, versions with a reason, audited reads', async () => {
      const created = await file();
      const url = `/api/requisitions/${created.id}/documents`;
      const upload = (content: Buffer, extra: Record<string, unknown> = {}, as = police) =>
        as.request({ method: 'POST', url, payload: { fileName: 'requisition.pdf', contentBase64: content.toString('base64'), ...extra } });
      const html = await upload(Buffer.from('<html>%PDF-1.7</html>'));
      assert.deepEqual([html.statusCode, html.json().code], [400, 'requisition_document_invalid']);
      assert.equal((await upload(pdf, {}, foreignPolice)).statusCode, 404);
      const first = await upload(pdf);
      assert.equal(first.statusCode, 201, first.body);
      assert.deepEqual([first.json().version, first.json().mediaType, first.json().bytes], [1, 'application/pdf', pdf.length]);
      const noReason = await upload(pdf);
      assert.deepEqual([noReason.statusCode, noReason.json().code], [400, 'requisition_document_invalid']);
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
      const second = await upload(png, { reason: 'Scan plus lisible envoyé par l’OPJ' });
      assert.equal(second.statusCode, 201, second.body);
      const detail = (await police.request({ method: 'GET', url: `/api/requisitions/${created.id}` })).json();
      assert.deepEqual(
        detail.documents.map((document: { version: number; supersededAt: string | null }) => [document.version, document.supersededAt]),
        [
          [1, NOW],
          [2, null],
        ],
      );
      assert.equal(detail.document.version, 2);
      const read = await operator.request({ method: 'GET', url: `${url}/1` });
      assert.equal(read.statusCode, 200);
      assert.equal(read.headers['content-type'], 'application/pdf');
      assert.deepEqual(read.rawPayload, pdf);
      const folder = join(context.dataDir, 'requisitions', created.id);
      assert.equal((await stat(folder)).mode & 0o777, 0o700);
      const stored = await context.database.handle.db
        .selectFrom('requisition_documents')
        .select(['path', 'sha256'])
        .where('requisition_id', '=', created.id)
        .orderBy('version')
        .execute();
      assert.equal((await stat(join(context.dataDir, 'requisitions', stored[0]!.path))).mode & 0o777, 0o400);
      assert.equal(stored[0]!.sha256, first.json().sha256);
      assert.deepEqual(
        (await auditOf(created.id)).map((row) => row.action).filter((action) => action.startsWith('requisition.document')),
        ['requisition.document_added', 'requisition.document_added', 'requisition.document_read'],
      );
    });
  });
}
