// The operators' alarm queue in a real browser (Debian's Chromium, headless, loopback only)
// against an in-process Vigie on SQLite: a PPMS alert posted to the webhook appears in the open
// queue within 2 s without a reload (the top bar's badge counts it), the operator takes,
// acknowledges and starts it, opens its cameras (every camera of the school's site) in the live
// tiles; on the live screen a second alarm makes the top bar's badge blink; the operator closes the
// first with an outcome and it leaves the queue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildWebIfStale } from '../../scripts/build-web.ts';
import { parisDate } from '../../server/src/platform/clock.ts';
import { createTestContext, testCli, type TestContext } from '../../server/src/testing/context.ts';
import { testPassword } from '../../server/src/testing/http.ts';
import { startConsoleServer, type ConsoleServer } from '../../server/src/testing/web-server.ts';
import { launchChromium, noBrowser, openBrowsing, screenshotFolder, submitSignIn, type Browsing } from './browser.ts';
import { seedSchoolAndStation } from './alarm-sites.ts';

const commune = '38185';
const operatorLogin = 'operateur.alarmes';

describe('alarm queue in Chromium', { skip: noBrowser }, () => {
  let context: TestContext;
  let server: ConsoleServer;
  let browser: Browser;
  let operator: Browsing;
  let source: { id: string; token: string };
  let schoolId = '';
  const schoolCameras: string[] = [];
  const screenshots = screenshotFolder();
  const problems: string[] = [];

  before(async () => {
    await buildWebIfStale({ quiet: true });
    context = await createTestContext('sqlite', { clockStart: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(), clockRunning: true });
    const { services } = context;
    ({ schoolId } = await seedSchoolAndStation(services, commune, schoolCameras));
    await services.accounts.create(
      {
        login: operatorLogin,
        role: 'operator',
        password: testPassword,
        communes: [commune],
        approvalReference: 'AGR-2026-001',
        approvalExpiresOn: '2030-01-01',
        trainingDate: parisDate(context.clock.now()),
      },
      testCli,
    );
    const created = await services.alarms.service.createSource({ id: 'ppms-ecoles', kind: 'webhook', communeInsee: commune, name: 'Boutons PPMS' }, testCli);
    source = { id: created.id, token: created.token ?? '' };
    server = await startConsoleServer(context);
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    operator = await openBrowsing(browser, problems, { timeoutMs: 10_000, acceptDownloads: false });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await context?.close();
    screenshots.remove();
  });

  it('a PPMS alert posted to the webhook appears within 2 s without reload; taken, acknowledged, started, its cameras opened in the tiles, closed', async () => {
    const { page } = operator;
    await page.goto(server.url);
    await submitSignIn(page, operatorLogin, testPassword);
    await page.getByTestId('user-login').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Alarmes' }).click();
    await page.getByRole('heading', { name: 'File des alarmes', level: 1 }).waitFor();
    await page.locator('[data-testid="alarms-connection"][data-connected="true"]').waitFor();
    await page.getByText('Aucune alarme en cours.').waitFor();

    const postedAt = Date.now();
    const response = await fetch(`${server.url}/api/alarms/intake/${source.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventId: 'ppms-0001',
        type: 'ppms_confinement',
        siteId: schoolId,
        zone: 'bouton-accueil',
        position: { latitude: 45.1885, longitude: 5.7245 },
      }),
    });
    assert.equal(response.status, 201);
    const { alarmId } = (await response.json()) as { alarmId: string };
    const row = page.locator(`[data-testid="alarm-row"][data-alarm-id="${alarmId}"]`);
    await row.waitFor({ timeout: 2000 });
    const shownAfterMs = Date.now() - postedAt;
    console.log(`PPMS alert shown in the queue ${shownAfterMs} ms after the webhook call`);
    assert.ok(shownAfterMs < 2000);
    assert.match((await row.textContent()) ?? '', /PPMS : confinement/);
    assert.match((await row.textContent()) ?? '', /École Jean-Jaurès/);
    assert.match((await row.textContent()) ?? '', /Nouvelle/);
    await screenshots.shot(page, 'alarms-01-queue');

    for (const [action, state] of [
      ['take', 'Prise en charge'],
      ['acknowledge', 'Acquittée'],
      ['start', 'En cours de traitement'],
    ] as const) {
      await row.getByTestId(`alarm-${action}`).click();
      await row.getByTestId('alarm-state').getByText(state).waitFor();
    }

    await row.click();
    await page.getByTestId('alarm-open-cameras').click();
    await page.getByRole('heading', { name: 'Direct', level: 1 }).waitFor();
    const tiles = page.locator('[data-testid="live-tile"][data-camera-id]');
    await tiles.nth(1).waitFor();
    assert.deepEqual(
      (await tiles.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-camera-id')))).sort(),
      [...schoolCameras].sort(),
    );
    await screenshots.shot(page, 'alarms-02-cameras');

    // On another screen, a new alarm makes the top bar's badge blink with its count; the badge opens the queue.
    const second = await fetch(`${server.url}/api/alarms/intake/${source.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: 'intrusion-0002', type: 'intrusion', zone: 'gymnase' }),
    });
    assert.equal(second.status, 201);
    await page.locator('[data-testid="alarm-badge"][data-unseen="1"].has-new').waitFor({ timeout: 2000 });
    await page.getByTestId('alarm-badge').click();
    await page.getByRole('heading', { name: 'File des alarmes', level: 1 }).waitFor();
    await page.locator('[data-testid="alarm-badge"][data-unseen="0"]').waitFor();
    assert.equal(await page.getByTestId('alarm-row').count(), 2);
    await row.getByTestId('alarm-close').click();
    await row.getByTestId('alarm-outcome').selectOption('test');
    await row.getByTestId('alarm-comment').fill('Exercice PPMS de l’école');
    await row.getByTestId('alarm-close-submit').click();
    await row.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('alarm-row').count(), 1, 'the intrusion stays in the queue');
    const closed = await context.services.alarms.service.get(alarmId, null);
    assert.equal(closed.state, 'closed');
    assert.equal(closed.outcome, 'test');
    assert.equal(closed.closedBy, operatorLogin);
    assert.deepEqual(
      problems.filter((problem) => !/WebSocket|AudioContext/.test(problem)),
      [],
    );
  });
});
