// The demo seed on both databases (issue 17): its authorisations keep the recipients they
// declare once the cameras are linked, so the `police` account may watch live in a fresh demo;
// re-seeding changes nothing, and a demo that lost its recipients gets them back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { principalOfUser } from '../modules/auth/index.ts';
import { createTestContext, testCli, type TestContext } from '../testing/context.ts';
import { dialectsUnderTest } from '../testing/databases.ts';
import { demoFleet } from './demo.ts';
import { demoRecipients, seedDemo } from './seed.ts';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`demo seed [${dialect}]`, { skip }, () => {
    let context: TestContext;
    const { inventory } = demoFleet(8);

    before(async () => {
      context = await createTestContext(dialect, { clockStart: '2026-11-23T10:00:00.000Z' });
      await seedDemo(context.services, context.clock.now(), inventory);
    });
    after(async () => context?.close());

    const policeActing = async () => {
      const db = context.database.handle.db;
      const user = await db.selectFrom('users').selectAll().where('login', '=', 'police').executeTakeFirstOrThrow();
      const communes = (await db.selectFrom('user_communes').select('commune_insee').where('user_id', '=', user.id).execute()).map((row) => row.commune_insee);
      return { actor: { type: 'user' as const, id: user.id, login: user.login }, principal: principalOfUser(user, communes) };
    };

    it('links the cameras and keeps the declared recipients, so the police may watch live', async () => {
      const authorisations = await context.services.authorisations.list(null);
      assert.equal(authorisations.length, 2);
      for (const authorisation of authorisations) {
        assert.deepEqual(authorisation.recipients, [...demoRecipients].sort(), authorisation.reference);
        assert.ok(authorisation.cameraIds.length > 0, `${authorisation.reference} covers cameras`);
      }
      const cameras = await context.services.cameras.list(null);
      const watched = cameras.find((camera) => camera.communeInsee === '38999' && camera.state !== 'unauthorised' && camera.state !== 'disabled');
      assert.ok(watched, "an authorised camera of the police user's commune");
      const allowed = await context.services.live.authorise(watched.id, await policeActing(), 'Réquisition PV 2026/123');
      assert.equal(allowed.camera.id, watched.id);
      const audit = await context.services.audit.search({ action: 'authorisation.updated' }, { allCommunes: true, communes: [] });
      for (const record of audit.records) {
        const details = record.details as { before?: Record<string, unknown>; after?: Record<string, unknown> };
        assert.ok(!('recipients' in (details.after ?? {})), 'the seed never changes recipients');
      }
    });

    it('re-seeding changes nothing, and gives back recipients a demo had lost', async () => {
      const before = await context.services.authorisations.list(null);
      await seedDemo(context.services, context.clock.now(), inventory);
      assert.deepEqual(await context.services.authorisations.list(null), before);
      await context.services.authorisations.update(before[0]!.id, { recipients: [] }, testCli);
      await seedDemo(context.services, context.clock.now(), inventory);
      assert.deepEqual((await context.services.authorisations.get(before[0]!.id, null)).recipients, [...demoRecipients].sort());
    });
  });
}
