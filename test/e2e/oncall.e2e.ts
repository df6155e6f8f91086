// The on-call screen (astreintes) in a real browser (Debian's Chromium, headless, loopback only)
// against an in-process Vigie on SQLite: a supervisor sees who is on duty now (primary and
// backup, an override's replacement named), the week view in Paris time, the override and the
// people; in English too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildWebIfStale } from '../../scripts/build-web.ts';
import { parisDate } from '../../server/src/platform/clock.ts';
import { createTestContext, testCli, type TestContext } from '../../server/src/testing/context.ts';
import { testPassword } from '../../server/src/testing/http.ts';
import { startConsoleServer, type ConsoleServer } from '../../server/src/testing/web-server.ts';
import { launchChromium, noBrowser, openBrowsing, screenshotFolder, submitSignIn } from './browser.ts';

const supervisorLogin = 'chef.astreintes';

describe('on-call screen in Chromium', { skip: noBrowser }, () => {
  let context: TestContext;
  let server: ConsoleServer;
  let browser: Browser;
  const screenshots = screenshotFolder();
  const problems: string[] = [];

  before(async () => {
    await buildWebIfStale({ quiet: true });
    context = await createTestContext('sqlite', { clockStart: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(), clockRunning: true });
    const { services } = context;
    await services.settings.set('totp_required_for_image_roles', false, testCli.actor);
    await services.accounts.create(
      {
        login: supervisorLogin,
        role: 'supervisor',
        password: testPassword,
        allCommunes: true,
        communes: [],
        approvalReference: 'AGR-2026-002',
        approvalExpiresOn: '2030-01-01',
        trainingDate: parisDate(context.clock.now()),
      },
      testCli,
    );
    const oncall = services.oncall.service;
    const alice = await oncall.createPerson({ name: 'Alice Martin', role: 'Maire adjointe', email: 'alice@example.test' }, testCli);
    const bob = await oncall.createPerson({ name: 'Bruno Petit', role: 'DGS', phone: '+33 6 12 34 56 78' }, testCli);
    const carol = await oncall.createPerson({ name: 'Claire Roux', role: 'Adjointe' }, testCli);
    const service = await oncall.createService({ name: 'Élu d’astreinte', kind: 'elected' }, testCli);
    await oncall.createRota(
      { serviceId: service.id, personId: alice.id, level: 1, startsAt: '2026-01-05T08:00', rrule: 'FREQ=DAILY', durationMinutes: 1440 },
      testCli,
    );
    await oncall.createRota(
      { serviceId: service.id, personId: bob.id, level: 2, startsAt: '2026-01-05T08:00', rrule: 'FREQ=DAILY', durationMinutes: 1440 },
      testCli,
    );
    const now = context.clock.now().getTime();
    await oncall.createOverride(
      {
        serviceId: service.id,
        replacedPersonId: alice.id,
        replacementPersonId: carol.id,
        from: new Date(now - 3_600_000).toISOString(),
        to: new Date(now + 3_600_000).toISOString(),
        reason: 'Rendez-vous médical',
      },
      testCli,
    );
    server = await startConsoleServer(context);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await context?.close();
    screenshots.remove();
  });

  it('shows who is on duty, the week, the override and the people', async () => {
    const { page } = await openBrowsing(browser, problems, { timeoutMs: 10_000, acceptDownloads: false });
    await page.goto(server.url);
    await submitSignIn(page, supervisorLogin, testPassword);
    await page.getByTestId('user-login').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Astreintes' }).click();
    await page.getByRole('heading', { name: 'Astreintes', level: 1 }).waitFor();
    const current = page.getByTestId('oncall-now');
    await current.getByText(/Niveau 1 Claire Roux \(remplace Alice Martin\)/).waitFor();
    assert.match((await current.textContent()) ?? '', /Niveau 2 Bruno Petit/);
    const week = page.getByTestId('oncall-week');
    await week.getByText('Élu d’astreinte').waitFor();
    assert.equal(await week.locator('thead th').count(), 7);
    assert.match((await week.textContent()) ?? '', /Alice Martin 00:00–24:00|Alice Martin 08:00/);
    await page.getByRole('cell', { name: 'Rendez-vous médical' }).waitFor();
    await page.getByRole('cell', { name: '+33 6 12 34 56 78' }).waitFor();
    await screenshots.shot(page, 'oncall');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { name: 'On-call chain', level: 1 }).waitFor();
    await current.getByText(/On duty :.*Level 2 Bruno Petit/).waitFor();
    assert.deepEqual(problems, []);
  });
});
