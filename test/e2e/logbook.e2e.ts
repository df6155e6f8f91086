// The logbook screen (main courante) in a real browser (Debian's Chromium, headless, loopback
// only) against an in-process Vigie on SQLite: an alarm received, taken and closed shows its
// automatic entries on the screen, found by its alarm id, with its incident report link; the
// operator writes an entry with the form (time defaulting to now) and sees it in the list; a
// supervisor verifies the chain and reads the figures panel.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildWebIfStale } from '../../scripts/build-web.ts';
import { parisDate } from '../../server/src/platform/clock.ts';
import { createTestContext, testCli, type TestContext } from '../../server/src/testing/context.ts';
import { testPassword } from '../../server/src/testing/http.ts';
import { waitFor } from '../../server/src/testing/wait.ts';
import { startConsoleServer, type ConsoleServer } from '../../server/src/testing/web-server.ts';
import { launchChromium, noBrowser, openBrowsing, screenshotFolder, submitSignIn, type Browsing } from './browser.ts';

const commune = '38185';
const operatorLogin = 'operateur.main-courante';
const supervisorLogin = 'chef.csu';

describe('logbook screen in Chromium', { skip: noBrowser }, () => {
  let context: TestContext;
  let server: ConsoleServer;
  let browser: Browser;
  let operator: Browsing;
  let alarmId = '';
  const screenshots = screenshotFolder();
  const problems: string[] = [];

  before(async () => {
    await buildWebIfStale({ quiet: true });
    context = await createTestContext('sqlite', { clockStart: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(), clockRunning: true });
    const { services } = context;
    await services.settings.set('totp_required_for_image_roles', false, testCli.actor);
    await services.communes.create({ insee: commune, name: 'Grenoble', retentionDays: 14 }, testCli);
    const site = (await services.sites.create({ communeInsee: commune, name: 'Hôtel de ville', kind: 'public_building' }, testCli)).id;
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
    const source = await services.alarms.service.createSource(
      { id: 'centrale-mairie', kind: 'webhook', communeInsee: commune, name: 'Centrale intrusion' },
      testCli,
    );
    server = await startConsoleServer(context);
    const response = await fetch(`${server.url}/api/alarms/intake/${source.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: 'intrusion-0001', type: 'intrusion', siteId: site, zone: 'hall', title: 'Intrusion hall de la mairie' }),
    });
    assert.equal(response.status, 201);
    alarmId = ((await response.json()) as { alarmId: string }).alarmId;
    const acting = { actor: { type: 'user' as const, id: null, login: operatorLogin }, principal: null };
    for (const action of ['take', 'acknowledge', 'start'] as const) await services.alarms.service.act(alarmId, action, {}, acting);
    await services.alarms.service.act(alarmId, 'close', { outcome: 'false_alarm', comment: 'Agent d’entretien' }, acting);
    await waitFor('the automatic entries', async () => (await services.logbook.search({ alarmId }, null)).length === 4, 5000, 50);
    browser = await launchChromium();
    operator = await openBrowsing(browser, problems, { timeoutMs: 10_000, acceptDownloads: false });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await context?.close();
    screenshots.remove();
  });

  it('shows the entries of an alarm found by its id, with its incident report, and writes a new entry', async () => {
    const { page } = operator;
    await page.goto(server.url);
    await submitSignIn(page, operatorLogin, testPassword);
    await page.getByTestId('user-login').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Main courante' }).click();
    await page.getByRole('heading', { name: 'Main courante', level: 1 }).waitFor();
    const search = page.getByRole('form', { name: 'Rechercher' });
    await search.getByLabel('Alarme (identifiant)').fill(alarmId);
    await search.getByRole('button', { name: 'Rechercher' }).click();
    const rows = page.locator(`[data-testid="logbook-table"] tr[data-alarm="${alarmId}"]`);
    await waitFor('four rows', async () => (await rows.count()) === 4, 5000, 100);
    const text = (await page.getByTestId('logbook-table').textContent()) ?? '';
    assert.match(text, /Alarme reçue \(source centrale-mairie\)/);
    assert.match(text, new RegExp(`prise en charge par ${operatorLogin.replace('.', '\\.')}`));
    assert.match(text, /clôturée .*Fausse alarme \(Agent d’entretien\)/);
    assert.match(text, /automatique/);
    assert.equal(
      await page.getByTestId('closed-alarms').getByRole('link', { name: 'Rapport d’incident (PDF)' }).getAttribute('href'),
      `/api/alarms/${alarmId}/report.pdf`,
    );
    await screenshots.shot(page, 'logbook-01-alarm');
    await page.getByTestId('logbook-table').scrollIntoViewIfNeeded();
    await screenshots.shot(page, 'logbook');

    const form = page.getByTestId('logbook-form');
    await form.getByLabel('Type').selectOption('intervention');
    await form.getByLabel('Texte').fill('Police municipale sur place, levée de doute faite.');
    await form.getByLabel('Alarme (identifiant)').fill(alarmId);
    await form.getByRole('button', { name: 'Inscrire' }).click();
    await page.getByText(/Entrée n° \d+ inscrite\./).waitFor();
    await waitFor('five rows', async () => (await rows.count()) === 5, 5000, 100);
    assert.match((await page.getByTestId('logbook-table').textContent()) ?? '', /Police municipale sur place/);
    assert.deepEqual(problems, []);
  });

  it('the supervisor verifies the chain and reads the figures of the alarm acknowledged', async () => {
    const supervisor = await openBrowsing(browser, problems, { timeoutMs: 10_000, acceptDownloads: false });
    const { page } = supervisor;
    await page.goto(server.url);
    await submitSignIn(page, supervisorLogin, testPassword);
    await page.getByTestId('user-login').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Main courante' }).click();
    await page.getByRole('button', { name: 'Vérifier la chaîne' }).click();
    await page.getByText('Chaîne intacte : 5 entrées vérifiées.').waitFor();
    const figures = page.getByTestId('figures-panel');
    await figures.getByRole('heading', { name: 'Indicateurs du chef de CSU' }).waitFor();
    await figures.getByRole('cell', { name: 'Intrusion' }).waitFor();
    const text = (await figures.textContent()) ?? '';
    assert.match(text, /07:00-19:00/);
    assert.match(text, /19:00-07:00/);
    assert.match(text, /Fausses alarmes/);
    assert.match(text, /100\s%/, 'one false alarm closed of one');
    assert.deepEqual(problems, []);
  });
});
