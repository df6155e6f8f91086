// The statistics screen in a real browser (Debian's Chromium, headless, loopback only) against an
// in-process Vigie on SQLite: a CSU chief sees the yearly chart and table (Vigie's figures and
// imported ones apart), records an offence with the short form, and imports past years: a bad
// file shows its error report by line, a clean one is stored.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWebIfStale } from '../../scripts/build-web.ts';
import { parisDate } from '../../server/src/platform/clock.ts';
import { createTestContext, testCli, type TestContext } from '../../server/src/testing/context.ts';
import { testPassword } from '../../server/src/testing/http.ts';
import { startConsoleServer, type ConsoleServer } from '../../server/src/testing/web-server.ts';
import { launchChromium, noBrowser, openBrowsing, screenshotFolder, submitSignIn, type Browsing } from './browser.ts';

const commune = '38185';
const chiefLogin = 'chef.csu';

describe('statistics screen in Chromium', { skip: noBrowser }, () => {
  let context: TestContext;
  let server: ConsoleServer;
  let browser: Browser;
  let chief: Browsing;
  let thisYear = 0;
  const screenshots = screenshotFolder();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => screenshots.shot(page, name);

  before(async () => {
    await buildWebIfStale({ quiet: true });
    context = await createTestContext('sqlite', { clockStart: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString() });
    thisYear = Number(parisDate(context.clock.now()).slice(0, 4));
    const { services } = context;
    await services.settings.set('totp_required_for_image_roles', false, testCli.actor);
    await services.communes.create({ insee: commune, name: 'Grenoble', retentionDays: 14 }, testCli);
    await services.accounts.create(
      {
        login: chiefLogin,
        role: 'supervisor',
        password: testPassword,
        communes: [commune],
        approvalReference: 'AGR-2026-001',
        approvalExpiresOn: '2030-01-01',
        trainingDate: parisDate(context.clock.now()),
      },
      testCli,
    );
    await services.statistics.importCsv(`année;commune;service;indicateur;valeur\n${thisYear - 2};${commune};;Faits constatés;650\n`, testCli);
    await services.statistics.recordOffence(
      {
        communeInsee: commune,
        occurredAt: new Date(context.clock.now().getTime() - 3_600_000).toISOString(),
        category: 'property',
        spottedByOperator: true,
        comment: 'Vitrine brisée',
      },
      testCli,
    );
    server = await startConsoleServer(context);
    browser = await launchChromium();
    chief = await openBrowsing(browser, problems, { timeoutMs: 10_000, acceptDownloads: false });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await context?.close();
    screenshots.remove();
  });

  it('the chief reads the chart and the table: Vigie’s figures, imported ones apart', async () => {
    const { page } = chief;
    await page.goto(server.url);
    await submitSignIn(page, chiefLogin, testPassword);
    await page.getByTestId('user-login').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Statistiques' }).click();
    await page.getByRole('heading', { name: 'Statistiques', level: 1 }).waitFor();
    await page.getByRole('img', { name: 'Faits constatés' }).waitFor();
    const row = page.getByRole('row', { name: /^Faits constatés/ });
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells.length, 10);
    assert.equal(cells[7], '(650 importé)');
    assert.equal(cells[9], '1');
    assert.match(
      (await page.getByRole('link', { name: 'Télécharger en PDF' }).getAttribute('href')) ?? '',
      /\/api\/statistics\/export\.pdf\?from=\d{4}&to=\d{4}/,
    );
    await shot(page, 'statistics-01-chart-and-table');
  });

  it('the chief records an offence with the short form: the table counts it', async () => {
    const { page } = chief;
    await page.getByLabel('Commentaire').fill('Dépôt sauvage rue des Alpes');
    await page.getByLabel('Nature').selectOption('incivility');
    await page.getByRole('button', { name: 'Consigner', exact: true }).click();
    await page.getByText('Fait constaté consigné.').waitFor();
    await page.getByText(/Dépôt sauvage rue des Alpes/).waitFor();
    await page
      .getByRole('row', { name: /^Faits constatés/ })
      .locator('td')
      .last()
      .getByText('2', { exact: true })
      .waitFor();
  });

  it('a bad file shows its errors by line and stores nothing; a clean one is imported', async () => {
    const { page } = chief;
    const upload = (text: string) =>
      page.locator('input[name="csv"]').setInputFiles({ name: 'historique.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    await upload(`année;commune;service;indicateur;valeur\n2018;${commune};;review_hours;835\n2019;${commune};;review_hours;beaucoup\n`);
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    const errors = page.locator('table.import-errors tbody tr');
    await errors.first().waitFor();
    assert.deepEqual(await errors.first().locator('td').allTextContents(), [
      '3',
      'valeur',
      'Ligne 3, colonne « valeur » : valeur « beaucoup » : nombre positif attendu (virgule décimale).',
    ]);
    await shot(page, 'statistics-02-import-errors');
    assert.equal((await context.services.statistics.statistics({ from: 2018, to: 2019 }, null)).rows.length, 0);
    await upload(`\uFEFFannée;commune;service;indicateur;valeur\n2018;${commune};;review_hours;835\n2019;${commune};;review_hours;1011,5\n`);
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await page.getByText('2 chiffre(s) importé(s) (0 remplacé(s)) pour 2018, 2019.').waitFor();
    assert.equal((await context.services.statistics.statistics({ from: 2018, to: 2019 }, null)).rows.length, 2);
  });

  it('made no request outside loopback and logged no error in the page', () => {
    assert.deepEqual(problems, []);
  });
});
