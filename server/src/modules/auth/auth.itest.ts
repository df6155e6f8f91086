// Sign-in through the real HTTP API on both databases: passwords, lockout, TOTP enrolment and
// recovery codes, session expiry (idle and absolute), CSRF, tokens, image-access blockers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookieFrom, signIn, testPassword, totpCode } from '../../testing/http.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';

async function login(context: TestContext, login: string, password = testPassword) {
  return context.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password } });
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`authentication [${dialect}]`, { skip }, () => {
    let context: TestContext;

    before(async () => {
      context = await createTestContext(dialect);
      await context.services.communes.create({ insee: '38999', name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
      await context.services.communes.create({ insee: '38998', name: 'Saint-Guet', retentionDays: 14 }, testCli);
    });
    after(async () => context?.close());

    it('refuses weak passwords with a clear code', async () => {
      await assert.rejects(
        context.services.accounts.create({ login: 'weak', role: 'operator', password: 'short', communes: ['38999'] }, testCli),
        (error: { code: string }) => error.code === 'weak_password',
      );
      await assert.rejects(
        context.services.accounts.create({ login: 'weak2', role: 'operator', password: 'alllowercaseletters', communes: ['38999'] }, testCli),
        (error: { code: string }) => error.code === 'weak_password',
      );
    });

    it('stores argon2id hashes, never the password', async () => {
      const user = await context.services.accounts.create({ login: 'hash-check', role: 'auditor', password: testPassword, communes: ['38999'] }, testCli);
      const row = await context.database.handle.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$/);
      const audit = await context.database.handle.db.selectFrom('audit_log').select('details').execute();
      assert.ok(audit.every((entry) => !entry.details.includes(testPassword)));
    });

    it('logs failed sign-ins and locks the account after 5 failures', async () => {
      await context.services.accounts.create({ login: 'locky', role: 'auditor', password: testPassword, communes: ['38999'] }, testCli);
      const unknown = await login(context, 'nobody', 'whatever');
      assert.equal(unknown.json().code, 'invalid_credentials');
      for (let attempt = 1; attempt <= 5; attempt++) {
        const response = await login(context, 'locky', 'Wrong-Password-123');
        assert.equal(response.statusCode, 401);
      }
      // While locked, not even the right password is evaluated, and the answer is that of a
      // wrong one: neither the lock nor the password can be learnt from it (issue 11).
      const locked = await login(context, 'locky');
      assert.equal(locked.statusCode, 401);
      assert.equal(locked.json().code, 'invalid_credentials');
      assert.match(locked.json().message, /verrouillé/);
      const refused = await context.services.audit.search({ action: 'auth.login.refused' }, { allCommunes: true, communes: [] });
      assert.equal(refused.records[0]?.details.reason, 'account_locked');
      const failures = await context.services.audit.search({ action: 'auth.login.failed' }, { allCommunes: true, communes: [] });
      assert.ok(failures.total >= 6);
      assert.ok(failures.records.some((record) => record.actorLogin === 'nobody'));
      const lockRows = await context.services.audit.search({ action: 'auth.account.locked' }, { allCommunes: true, communes: [] });
      assert.equal(lockRows.total, 1);
      context.clock.advance(16 * 60_000);
      assert.equal((await login(context, 'locky')).statusCode, 200);
    });

    it('enrols TOTP, then requires it, and accepts each recovery code once', async () => {
      await context.services.settings.set('totp_required_for_image_roles', true, testCli.actor);
      await context.services.accounts.create(
        {
          login: 'totp-op',
          role: 'operator',
          password: testPassword,
          communes: ['38999'],
          approvalReference: 'A1',
          approvalExpiresOn: '2028-01-01',
          trainingDate: '2026-01-01',
        },
        testCli,
      );
      const first = await login(context, 'totp-op');
      assert.equal(first.json().stage, 'enrol');
      const cookie = cookieFrom(first);
      const csrf = first.json().csrfToken as string;
      const headers = { cookie, 'x-csrf-token': csrf };
      // Nothing but enrolment is possible yet.
      const blocked = await context.app.inject({ method: 'GET', url: '/api/communes', headers });
      assert.equal(blocked.json().code, 'totp_enrolment_required');
      const enrol = await context.app.inject({ method: 'POST', url: '/api/auth/totp/enrol', headers });
      const secret = enrol.json().secret as string;
      assert.match(enrol.json().uri, /^otpauth:\/\/totp\/Vigie:totp-op\?/);
      const wrong = await context.app.inject({ method: 'POST', url: '/api/auth/totp/confirm', headers, payload: { code: '000000' } });
      assert.equal(wrong.json().code, 'totp_invalid');
      const confirm = await context.app.inject({
        method: 'POST',
        url: '/api/auth/totp/confirm',
        headers,
        payload: { code: totpCode(secret, context.clock.now()) },
      });
      const recoveryCodes = confirm.json().recoveryCodes as string[];
      assert.equal(recoveryCodes.length, 10);
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/communes', headers })).statusCode, 200);
      const again = await context.app.inject({ method: 'POST', url: '/api/auth/totp/enrol', headers });
      assert.equal(again.json().code, 'conflict', 'an active factor cannot be replaced from a session');

      // Next sign-in asks for the code; the code that confirmed the enrolment is spent.
      const second = await login(context, 'totp-op');
      assert.equal(second.json().stage, 'password');
      const pending = { cookie: cookieFrom(second), 'x-csrf-token': second.json().csrfToken as string };
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/communes', headers: pending })).json().code, 'totp_required');
      const replayed = await context.app.inject({
        method: 'POST',
        url: '/api/auth/totp',
        headers: pending,
        payload: { code: totpCode(secret, context.clock.now()) },
      });
      assert.equal(replayed.json().code, 'totp_invalid', 'a code is accepted once');
      context.clock.advance(30_000);
      const ok = await context.app.inject({
        method: 'POST',
        url: '/api/auth/totp',
        headers: pending,
        payload: { code: totpCode(secret, context.clock.now()) },
      });
      assert.equal(ok.statusCode, 200);
      const third = await login(context, 'totp-op');
      const again3 = { cookie: cookieFrom(third), 'x-csrf-token': third.json().csrfToken as string };
      const sameCode = await context.app.inject({
        method: 'POST',
        url: '/api/auth/totp',
        headers: again3,
        payload: { code: totpCode(secret, context.clock.now()) },
      });
      assert.equal(sameCode.json().code, 'totp_invalid', 'the same code in another session is refused too');
      assert.match(recoveryCodes[0]!, /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/, '80-bit recovery codes');
      const stored = await context.database.handle.db.selectFrom('recovery_codes').select('code_hash').execute();
      const { createHash } = await import('node:crypto');
      assert.ok(
        stored.every((row) => row.code_hash !== createHash('sha256').update(recoveryCodes[0]!).digest('hex')),
        'not an unkeyed hash',
      );
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/communes', headers: pending })).statusCode, 200);

      // A recovery code works once.
      for (const expected of [200, 401]) {
        const attempt = await login(context, 'totp-op');
        const attemptHeaders = { cookie: cookieFrom(attempt), 'x-csrf-token': attempt.json().csrfToken as string };
        const response = await context.app.inject({ method: 'POST', url: '/api/auth/totp', headers: attemptHeaders, payload: { code: recoveryCodes[0] } });
        assert.equal(response.statusCode, expected);
      }
      await context.services.settings.set('totp_required_for_image_roles', false, testCli.actor);
    });

    it('expires idle sessions and sessions past their absolute lifetime', async () => {
      const user = await signIn(context, 'auditor', ['38999']);
      assert.equal((await user.request({ method: 'GET', url: '/api/communes' })).statusCode, 200);
      context.clock.advance(31 * 60_000);
      const idle = await user.request({ method: 'GET', url: '/api/communes' });
      assert.equal(idle.json().code, 'session_expired');

      // Automatic refreshes (the console's polling) do not keep an unattended session alive.
      const polled = await signIn(context, 'auditor', ['38999']);
      for (let step = 0; step < 2; step++) {
        context.clock.advance(20 * 60_000);
        assert.equal(
          (await polled.request({ method: 'GET', url: '/api/communes', headers: { 'x-vigie-background': '1' } })).statusCode,
          step === 0 ? 200 : 401,
        );
      }

      const busy = await signIn(context, 'auditor', ['38999']);
      // Active every 25 minutes (never idle) for 700 minutes: still valid; past 12 h: expired.
      for (let step = 0; step < 28; step++) {
        context.clock.advance(25 * 60_000);
        assert.equal((await busy.request({ method: 'GET', url: '/api/communes' })).statusCode, 200);
      }
      context.clock.advance(25 * 60_000);
      assert.equal((await busy.request({ method: 'GET', url: '/api/communes' })).json().code, 'session_expired');
    });

    it('sets an httpOnly SameSite=Strict cookie and demands the CSRF token on changes', async () => {
      const response = await login(context, 'hash-check');
      const header = String(response.headers['set-cookie']);
      assert.match(header, /HttpOnly/i);
      assert.match(header, /SameSite=Strict/i);
      const admin = await signIn(context, 'administrator', 'all');
      const withoutToken = await context.app.inject({ method: 'PATCH', url: '/api/communes/38999', headers: { cookie: admin.cookie }, payload: { name: 'X' } });
      assert.equal(withoutToken.json().code, 'csrf_failed');
      const withToken = await admin.request({ method: 'PATCH', url: '/api/communes/38999', payload: { name: 'Vigie-les-Bains' } });
      assert.equal(withToken.statusCode, 200);
    });

    it('logs out: the cookie no longer works', async () => {
      const user = await signIn(context, 'auditor', ['38999']);
      assert.equal((await user.request({ method: 'POST', url: '/api/auth/logout' })).statusCode, 204);
      assert.equal((await user.request({ method: 'GET', url: '/api/communes' })).json().code, 'unauthenticated');
    });

    it('blocks image access when approval or training expired, with the reason', async () => {
      const expired = await signIn(context, 'operator', ['38999'], { approvalExpiresOn: '2026-01-01' });
      const me = await expired.request({ method: 'GET', url: '/api/auth/me' });
      assert.equal(me.json().imageAccess.allowed, false);
      assert.equal(me.json().imageAccess.code, 'approval_expired');
      const untrained = await signIn(context, 'police', ['38999'], { trainingDate: null });
      assert.equal((await untrained.request({ method: 'GET', url: '/api/auth/me' })).json().imageAccess.code, 'training_missing');
      const fine = await signIn(context, 'operator', ['38999']);
      assert.equal((await fine.request({ method: 'GET', url: '/api/auth/me' })).json().imageAccess.allowed, true);
    });

    it("changing a user's role ends their sessions and is audited as a permission change", async () => {
      const user = await signIn(context, 'operator', ['38999']);
      const admin = await signIn(context, 'administrator', 'all');
      const update = await admin.request({ method: 'PATCH', url: `/api/users/${user.userId}`, payload: { role: 'auditor' } });
      assert.equal(update.statusCode, 200);
      assert.equal((await user.request({ method: 'GET', url: '/api/communes' })).statusCode, 401);
      const rows = await context.services.audit.search({ action: 'user.permissions_changed', targetId: user.userId }, { allCommunes: true, communes: [] });
      assert.deepEqual(rows.records[0]?.details, { before: { role: 'operator' }, after: { role: 'auditor' } });
    });

    it('a scoped administrator cannot create users outside their communes', async () => {
      const scopedAdmin = await signIn(context, 'administrator', ['38999']);
      const response = await scopedAdmin.request({
        method: 'POST',
        url: '/api/users',
        payload: { login: 'outsider', role: 'operator', password: testPassword, communes: ['38998'] },
      });
      assert.equal(response.json().code, 'commune_out_of_scope');
    });

    it('API tokens: scoped, shown once, revocable, never for images', async () => {
      const admin = await signIn(context, 'administrator', 'all');
      const refused = await admin.request({
        method: 'POST',
        url: '/api/tokens',
        payload: { name: 'wall', role: 'operator', communes: ['38999'], actions: ['image.live'] },
      });
      assert.equal(refused.json().code, 'validation_failed');
      const created = await admin.request({
        method: 'POST',
        url: '/api/tokens',
        payload: { name: 'inventory-sync', role: 'technician', communes: ['38999'], actions: ['camera.read'] },
      });
      assert.equal(created.statusCode, 201);
      const token = created.json().token as string;
      assert.match(token, /^vgt_/);
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/communes', headers: bearer })).statusCode, 403);
      const stored = await context.database.handle.db.selectFrom('api_tokens').select('token_hash').execute();
      assert.ok(stored.every((row) => row.token_hash !== token));
      await admin.request({ method: 'DELETE', url: `/api/tokens/${created.json().view.id}` });
      assert.equal((await context.app.inject({ method: 'GET', url: '/api/communes', headers: bearer })).json().code, 'token_invalid');
    });

    it('the audit chain is intact after all of this', async () => {
      assert.equal((await context.services.audit.verify()).ok, true);
    });
  });
}
