// Communes and prefectoral authorisations on both databases: retention bounds (LEGAL 6), five
// years at most and the 120-day renewal listing (LEGAL 1), audit of each change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn } from '../../testing/http.ts';

const base = {
  communeInsee: '38999',
  perimeter: 'Centre-ville',
  purposes: ['people_property_safety' as const],
  minRetentionDays: 7,
  maxRetentionDays: 20,
  recipients: ['national_police' as const],
};

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`communes and authorisations [${dialect}]`, { skip }, () => {
    let context: TestContext;

    before(async () => {
      context = await createTestContext(dialect, { clockStart: '2026-11-23T10:00:00.000Z' });
    });
    after(async () => context?.close());

    it('creates a commune with 1..30 days of retention; 31 is refused and nothing is stored', async () => {
      await context.services.communes.create({ insee: '38999', name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await assert.rejects(
        context.services.communes.create({ insee: '38997', name: 'Trop', retentionDays: 31 }, testCli),
        (error: { code: string }) => error.code === 'retention_out_of_bounds',
      );
      await assert.rejects(
        context.services.communes.create({ insee: '38996', name: 'Zéro', retentionDays: 0 }, testCli),
        (error: { code: string }) => error.code === 'retention_out_of_bounds',
      );
      assert.deepEqual(
        (await context.services.communes.list(null)).map((commune) => commune.insee),
        ['38999'],
      );
      await assert.rejects(context.services.communes.create({ insee: '3899', name: 'Bad code', retentionDays: 10 }, testCli));
    });

    it('refuses 31 days over HTTP with a French and an English message', async () => {
      const admin = await signIn(context, 'administrator', 'all');
      const response = await admin.request({ method: 'PATCH', url: '/api/communes/38999', payload: { retentionDays: 31 } });
      assert.equal(response.statusCode, 400);
      const body = response.json();
      assert.equal(body.code, 'retention_out_of_bounds');
      assert.match(body.message_fr, /30 jours au plus/);
      assert.match(body.message_en, /30 days at most/);
      assert.equal((await context.services.communes.get('38999', null)).retentionDays, 14);
    });

    it('an authorisation lasts at most 5 years and its minimum cannot exceed its maximum', async () => {
      await assert.rejects(
        context.services.authorisations.create({ ...base, reference: 'AP-LONG', startOn: '2026-01-01', endOn: '2031-01-02' }, testCli),
        (error: { code: string }) => error.code === 'authorisation_invalid',
      );
      await assert.rejects(
        context.services.authorisations.create(
          { ...base, reference: 'AP-MIN', startOn: '2026-01-01', endOn: '2030-01-01', minRetentionDays: 25, maxRetentionDays: 20 },
          testCli,
        ),
        (error: { code: string }) => error.code === 'retention_out_of_bounds',
      );
      await assert.rejects(
        context.services.authorisations.create({ ...base, reference: 'AP-31', startOn: '2026-01-01', endOn: '2030-01-01', maxRetentionDays: 31 }, testCli),
      );
    });

    it("narrows the commune retention to the valid authorisation's bounds", async () => {
      const created = await context.services.authorisations.create(
        { ...base, reference: 'AP-38-2026-001', startOn: '2026-01-01', endOn: '2030-12-31' },
        testCli,
      );
      assert.equal(created.status, 'valid');
      assert.equal(created.renewalDueOn, '2030-09-02');
      await assert.rejects(
        context.services.communes.update('38999', { retentionDays: 25 }, testCli),
        (error: { code: string; messageFr: string }) =>
          error.code === 'retention_out_of_bounds' && /7 et 20 jours/.test(error.messageFr) && /AP-38-2026-001/.test(error.messageFr),
      );
      await assert.rejects(
        context.services.communes.update('38999', { retentionDays: 5 }, testCli),
        (error: { code: string }) => error.code === 'retention_out_of_bounds',
      );
      const updated = await context.services.communes.update('38999', { retentionDays: 20 }, testCli);
      assert.equal(updated.retentionDays, 20);
      const audit = await context.services.audit.search({ action: 'commune.retention_changed' }, { allCommunes: true, communes: [] });
      assert.deepEqual(audit.records[0]?.details, { before: { retentionDays: 14 }, after: { retentionDays: 20 } });
    });

    it("refuses an authorisation whose bounds exclude the commune's current retention", async () => {
      await assert.rejects(
        context.services.authorisations.create(
          { ...base, reference: 'AP-NARROW', startOn: '2026-01-01', endOn: '2028-01-01', minRetentionDays: 7, maxRetentionDays: 10 },
          testCli,
        ),
        (error: { code: string }) => error.code === 'retention_out_of_bounds',
      );
    });

    it('lists authorisations expiring within 120 days, and revocation ends validity', async () => {
      const soon = await context.services.authorisations.create({ ...base, reference: 'AP-SOON', startOn: '2022-03-01', endOn: '2027-02-28' }, testCli);
      assert.equal(soon.daysToExpiry, 97);
      const expiring = await context.services.authorisations.expiring(null);
      assert.deepEqual(
        expiring.map((item) => item.reference),
        ['AP-SOON'],
      );
      context.clock.set('2026-07-01T10:00:00.000Z');
      assert.deepEqual(
        (await context.services.authorisations.expiring(null)).map((item) => item.reference),
        [],
      );
      context.clock.set('2026-11-23T10:00:00.000Z');
      const revoked = await context.services.authorisations.revoke(soon.id, 'Retrait par le préfet', testCli);
      assert.equal(revoked.status, 'revoked');
      assert.deepEqual(
        (await context.services.authorisations.expiring(null)).map((item) => item.reference),
        [],
      );
    });

    it('rejects duplicate references and unknown purposes over HTTP', async () => {
      const admin = await signIn(context, 'administrator', 'all');
      const duplicate = await admin.request({
        method: 'POST',
        url: '/api/authorisations',
        payload: { ...base, reference: 'AP-38-2026-001', startOn: '2026-01-01', endOn: '2027-01-01' },
      });
      assert.equal(duplicate.json().code, 'conflict');
      const badPurpose = await admin.request({
        method: 'POST',
        url: '/api/authorisations',
        payload: { ...base, reference: 'AP-X', startOn: '2026-01-01', endOn: '2027-01-01', purposes: ['face_recognition'] },
      });
      assert.equal(badPurpose.json().code, 'validation_failed');
      assert.match(badPurpose.json().message_en, /purposes/);
      const lists = await admin.request({ method: 'GET', url: '/api/authorisations/legal-lists' });
      assert.ok(lists.json().purposes.some((purpose: { code: string }) => purpose.code === 'illegal_dumping'));
    });

    it('every change above is in an intact audit chain', async () => {
      const created = await context.services.audit.search({ action: 'authorisation.' }, { allCommunes: true, communes: [] });
      assert.deepEqual(created.records.map((record) => record.action).sort(), ['authorisation.created', 'authorisation.created', 'authorisation.revoked']);
      assert.equal((await context.services.audit.verify()).ok, true);
    });
  });
}
