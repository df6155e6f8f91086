// Procedures (fiches réflexes) in a real browser (Debian's Chromium, headless, loopback only)
// against an in-process Vigie on SQLite: a PPMS alert posted to the webhook shows its procedure in
// the queue's detail (the number to call big, the deadline counting down); closing before the
// mandatory steps are done is refused with the steps listed; the operator ticks the steps (the
// open-cameras step puts the school's cameras on the live tiles, the comment step takes a text)
// and closes the alarm. Then a supervisor edits the procedure (a step added and moved up): a new
// version, which the closed alarm's steps do not follow.
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
const operatorLogin = 'operateur.fiches';
const supervisorLogin = 'chef.fiches';

describe('alarm procedures in Chromium', { skip: noBrowser }, () => {
  let context: TestContext;
  let server: ConsoleServer;
  let browser: Browser;
  let operator: Browsing;
  let supervisor: Browsing;
  let source: { id: string; token: string };
  let schoolId = '';
  let procedureId = '';
  let alarmId = '';
  const schoolCameras: string[] = [];
  const screenshots = screenshotFolder();
  const problems: string[] = [];

  before(async () => {
    await buildWebIfStale({ quiet: true });
    context = await createTestContext('sqlite', { clockStart: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(), clockRunning: true });
    const { services } = context;
    ({ schoolId } = await seedSchoolAndStation(services, commune, schoolCameras));
    for (const [login, role, allCommunes] of [
      [operatorLogin, 'operator', false],
      [supervisorLogin, 'supervisor', true],
    ] as const) {
      await services.accounts.create(
        {
          login,
          role,
          password: testPassword,
          allCommunes,
          communes: allCommunes ? [] : [commune],
          approvalReference: 'AGR-2026-001',
          approvalExpiresOn: '2030-01-01',
          trainingDate: parisDate(context.clock.now()),
        },
        testCli,
      );
    }
    procedureId = (
      await services.alarms.procedures.service.create(
        {
          alarmType: 'ppms_intrusion_attack',
          name: 'PPMS intrusion / attentat',
          steps: [
            { kind: 'call', labelFr: 'Appeler la police nationale', mandatory: true, number: '17', deadlineSeconds: 600 },
            { kind: 'open_cameras', labelFr: 'Ouvrir les caméras de l’école', mandatory: true },
            { kind: 'comment', labelFr: 'Noter la situation constatée', mandatory: true },
            { kind: 'check', labelFr: 'Vérifier le confinement', mandatory: false },
          ],
        },
        testCli,
      )
    ).id;
    const created = await services.alarms.service.createSource({ id: 'ppms-ecoles', kind: 'webhook', communeInsee: commune, name: 'Boutons PPMS' }, testCli);
    source = { id: created.id, token: created.token ?? '' };
    server = await startConsoleServer(context);
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    operator = await openBrowsing(browser, problems, { timeoutMs: 10_000, acceptDownloads: false });
    supervisor = await openBrowsing(browser, problems, { timeoutMs: 10_000, acceptDownloads: false });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await context?.close();
    screenshots.remove();
  });

  it('the PPMS alert shows its procedure; closing early is refused; the operator ticks every step (cameras on the tiles) and closes it', async () => {
    const { page } = operator;
    await page.goto(server.url);
    await submitSignIn(page, operatorLogin, testPassword);
    await page.getByTestId('user-login').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Alarmes' }).click();
    await page.locator('[data-testid="alarms-connection"][data-connected="true"]').waitFor();

    const response = await fetch(`${server.url}/api/alarms/intake/${source.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${source.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: 'ppms-0001', type: 'ppms_intrusion_attack', siteId: schoolId, zone: 'bouton-accueil' }),
    });
    assert.equal(response.status, 201);
    alarmId = ((await response.json()) as { alarmId: string }).alarmId;
    const row = page.locator(`[data-testid="alarm-row"][data-alarm-id="${alarmId}"]`);
    await row.waitFor({ timeout: 2000 });
    for (const [action, state] of [
      ['take', 'Prise en charge'],
      ['acknowledge', 'Acquittée'],
      ['start', 'En cours de traitement'],
    ] as const) {
      await row.getByTestId(`alarm-${action}`).click();
      await row.getByTestId('alarm-state').getByText(state).waitFor();
    }
    await row.click();
    const checklist = page.getByTestId('alarm-checklist');
    await checklist.waitFor();
    const steps = checklist.getByTestId('checklist-step');
    assert.equal(await steps.count(), 4);
    assert.equal(await checklist.getByTestId('step-number').textContent(), '17');
    const countdown = checklist.getByTestId('step-countdown');
    assert.equal(await countdown.getAttribute('data-overdue'), 'false');
    assert.match((await countdown.textContent()) ?? '', /Échéance \d+:\d\d/);
    await screenshots.shot(page, 'procedures-01-checklist');

    // Closing before the mandatory steps are done: refused, the steps listed.
    await row.getByTestId('alarm-close').click();
    await row.getByTestId('alarm-close-submit').click();
    await row.getByText(/Clôture refusée : étapes obligatoires non faites \(1\. Appeler la police nationale, 2\. Ouvrir/).waitFor();

    const step = (id: string) => checklist.locator(`[data-testid="checklist-step"][data-step-id="${id}"]`);
    await step('s1').getByTestId('step-done').click();
    await checklist.locator('[data-step-id="s1"][data-done="true"]').waitFor();
    await step('s2').getByTestId('step-open-cameras').click();
    await page.getByRole('heading', { name: 'Direct', level: 1 }).waitFor();
    const tiles = page.locator('[data-testid="live-tile"][data-camera-id]');
    await tiles.nth(1).waitFor();
    assert.deepEqual(
      (await tiles.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-camera-id')))).sort(),
      [...schoolCameras].sort(),
    );
    await screenshots.shot(page, 'procedures-02-cameras');

    await page.getByRole('navigation').getByRole('link', { name: 'Alarmes' }).click();
    await row.click();
    await checklist.locator('[data-step-id="s2"][data-done="true"]').waitFor();
    assert.equal(await step('s3').getByTestId('step-done').isDisabled(), true, 'a comment step needs its text');
    await step('s3').getByTestId('step-comment').fill('Individu armé aperçu au portail, police sur place');
    await step('s3').getByTestId('step-done').click();
    await checklist.locator('[data-step-id="s3"][data-done="true"]').waitFor();
    await step('s4').getByTestId('step-done').click();
    await checklist.locator('[data-step-id="s4"][data-done="true"]').waitFor();
    await screenshots.shot(page, 'procedures-03-done');

    await row.getByTestId('alarm-close').click();
    await row.getByTestId('alarm-outcome').selectOption('handled');
    await row.getByTestId('alarm-close-submit').click();
    await row.waitFor({ state: 'detached' });
    const audit = await context.services.audit.search({ targetId: alarmId }, { allCommunes: true, communes: [] });
    assert.deepEqual(
      audit.records
        .filter((record) => record.action === 'alarm.step')
        .map((record) => [record.details.step, record.details.kind, record.actorLogin])
        .reverse(),
      [
        ['s1', 'call', operatorLogin],
        ['s2', 'open_cameras', operatorLogin],
        ['s3', 'comment', operatorLogin],
        ['s4', 'check', operatorLogin],
      ],
    );
    assert.equal((await context.services.alarms.service.get(alarmId, null)).state, 'closed');
  });

  it('a supervisor adds a step and moves it up: a new version, the closed alarm keeps its steps', async () => {
    const { page } = supervisor;
    await page.goto(server.url);
    await submitSignIn(page, supervisorLogin, testPassword);
    await page.getByTestId('user-login').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Alarmes' }).click();
    await page.getByTestId('procedures-toggle').click();
    const procedureRow = page.locator(`[data-testid="procedure-row"][data-procedure-id="${procedureId}"]`);
    await procedureRow.getByRole('button', { name: 'Modifier' }).click();
    const form = page.getByTestId('procedure-form');
    await form.getByTestId('step-add').click();
    const added = form.getByTestId('procedure-step').nth(4);
    await added.getByTestId('step-label').fill('Prévenir la directrice');
    await added.getByRole('button', { name: 'Monter' }).click();
    await screenshots.shot(page, 'procedures-04-editor');
    await form.getByTestId('procedure-save').click();
    await page.getByText('Fiche enregistrée (version 2).').waitFor();
    const procedure = await context.services.alarms.procedures.service.get(procedureId, null);
    assert.deepEqual(
      procedure.steps.map((entry) => entry.labelFr),
      ['Appeler la police nationale', 'Ouvrir les caméras de l’école', 'Noter la situation constatée', 'Prévenir la directrice', 'Vérifier le confinement'],
    );
    const running = await context.services.alarms.procedures.service.steps(alarmId, null);
    assert.deepEqual(running.procedure, { id: procedureId, version: 1 });
    assert.equal(running.steps.length, 4);
    assert.deepEqual(
      problems.filter((problem) => !/WebSocket|AudioContext/.test(problem)),
      [],
    );
  });
});
