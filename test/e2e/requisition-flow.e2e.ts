// The whole requisition flow in a real browser (Debian's Chromium, headless, loopback only)
// against an in-process Vigie on SQLite with the recorder role and one simulated camera (real
// RTSP and ffmpeg): a police user files a requisition for about 25 s of recorded footage, a
// supervisor validates it (received -> in review), an operator opens playback for it (the
// reason picker lists it), builds the evidence package in the export builder (the range on its
// archive timeline) and follows its progress to "prêt"; the police user downloads the ZIP; the
// test extracts it, `./vigie export verify` passes on it, and its player.html opened from disk
// plays, steps one frame (1/fps) and saves a still once the package's files are picked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { buildWebIfStale } from '../../scripts/build-web.ts';
import type { RecordingRole } from '../../server/src/modules/recording/index.ts';
import { addDays, parisDate } from '../../server/src/platform/clock.ts';
import { silentLog } from '../../server/src/platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../server/src/testing/context.ts';
import { testPassword } from '../../server/src/testing/http.ts';
import { waitFor } from '../../server/src/testing/wait.ts';
import { startConsoleServer, type ConsoleServer } from '../../server/src/testing/web-server.ts';
import { startSimulator, type Simulator } from '../../simulator/src/index.ts';
import { utcIsoToParisLocal } from '../../web/src/lib/dates.ts';
import { launchChromium, noBrowser, openBrowsing, screenshotFolder, submitSignIn, type Browsing } from './browser.ts';

const run = promisify(execFile);
const repository = resolve(import.meta.dirname, '../..');
const commune = '38997';
const logins = { police: 'opj.durand', supervisor: 'chef.csu', operator: 'operateur.b' } as const;
const procedure = 'PV 2026/4242';
/** Seconds of footage the operator exports: the end of the requisition's range, minus this. */
const exportedSeconds = 25;

/** What this test reads of the package's journal.json (its format: docs/requisitions.md). */
interface JournalRead {
  items: { requestedFrom: string; fps: number; width: number }[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const parisSeconds = (ms: number) => `${utcIsoToParisLocal(new Date(ms).toISOString())}:${String(new Date(ms).getUTCSeconds()).padStart(2, '0')}`;
const floorMinute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

describe('a requisition from filing to the downloaded package, in Chromium', { skip: noBrowser, timeout: 300_000 }, () => {
  let context: TestContext;
  let simulator: Simulator;
  let role: RecordingRole;
  let server: ConsoleServer;
  let browser: Browser;
  let cameraId = '';
  let recordingStartMs = 0;
  let rangeEndMs = 0;
  let requisitionId = '';
  let zipSha256 = '';
  let folder = '';
  const work = mkdtempSync(join(tmpdir(), 'vigie-requisition-flow-'));
  const screenshots = screenshotFolder();
  const problems: string[] = [];
  const pages: Partial<Record<keyof typeof logins, Browsing>> = {};

  const signedIn = async (who: keyof typeof logins): Promise<Page> => {
    const existing = pages[who];
    if (existing) return existing.page;
    const browsing = await openBrowsing(browser, problems, { timeoutMs: 20_000, acceptDownloads: true });
    pages[who] = browsing;
    await browsing.page.goto(server.url);
    await submitSignIn(browsing.page, logins[who], testPassword);
    await browsing.page.getByTestId('user-login').waitFor();
    return browsing.page;
  };
  const openRequisition = async (page: Page) => {
    await page.getByRole('navigation').getByRole('link', { name: 'Réquisitions' }).click();
    await page.getByRole('button', { name: procedure }).click();
    await page.getByRole('heading', { name: `Réquisitions ${procedure}` }).waitFor();
  };

  before(async () => {
    simulator = await startSimulator({
      count: 1,
      loopSeconds: 8,
      controlPort: false,
      main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
      sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
    });
    context = await createTestContext('sqlite', { clockStart: new Date().toISOString(), clockRunning: true });
    const { services } = context;
    const today = parisDate(context.clock.now());
    await services.settings.set('totp_required_for_image_roles', false, testCli.actor);
    await services.communes.create({ insee: commune, name: 'Vigie-sur-Isère', retentionDays: 14 }, testCli);
    const site = await services.sites.create({ communeInsee: commune, name: 'Gare', kind: 'station' }, testCli);
    const camera = await services.cameras.create(
      {
        siteId: site.id,
        name: 'Gare – Parvis',
        kind: 'fixed',
        fieldClass: 'wide',
        mainStreamUrl: simulator.cameras[0]!.rtspUrls.main,
        credentials: simulator.cameras[0]!.credentials,
        purposes: ['people_property_safety'],
      },
      testCli,
    );
    cameraId = camera.id;
    await services.authorisations.create(
      {
        reference: 'AP-38-2026-042',
        communeInsee: commune,
        startOn: addDays(today, -100),
        endOn: addDays(today, 1000),
        perimeter: 'Gare',
        purposes: ['people_property_safety'],
        minRetentionDays: 1,
        maxRetentionDays: 30,
        recipients: ['national_police', 'municipal_police'],
        cameraIds: [cameraId],
      },
      testCli,
    );
    role = services.recordingModule.api.createRole({ segmentSeconds: 2, reconcileIntervalMs: 500 }, { log: silentLog });
    recordingStartMs = Date.now();
    await role.start();
    for (const [key, login] of Object.entries(logins))
      await services.accounts.create(
        {
          login,
          role: key as keyof typeof logins,
          password: testPassword,
          communes: [commune],
          approvalReference: 'AGR-2026-042',
          approvalExpiresOn: addDays(today, 1000),
          trainingDate: today,
        },
        testCli,
      );
    await buildWebIfStale({ quiet: true });
    server = await startConsoleServer(context);
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    // The requisition's range ends on a whole minute (the intake form is to the minute) with at least 30 s recorded before it.
    await waitFor('the camera recording', async () => (await services.cameras.get(cameraId, null)).state === 'recording', 30_000);
    await waitFor('a minute boundary 30 s into the recording', async () => floorMinute(Date.now()) - recordingStartMs >= 30_000, 100_000);
    rangeEndMs = floorMinute(Date.now());
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await role?.stop().catch(() => undefined);
    await simulator?.stop().catch(() => undefined);
    await context?.close();
    screenshots.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('a police user files the requisition in the console: its range is held at once', async () => {
    const page = await signedIn('police');
    await page.getByRole('navigation').getByRole('link', { name: 'Réquisitions' }).click();
    await page.getByRole('button', { name: 'Nouvelle réquisition' }).click();
    const form = page.getByRole('form', { name: 'Nouvelle réquisition' });
    await form.getByLabel('Nom', { exact: true }).fill('Claire Durand');
    await form.getByLabel('Grade').fill('OPJ, capitaine');
    await form.getByLabel('Service ou unité').fill('Commissariat de Vigie-sur-Isère');
    await form.getByLabel('Contact').fill('claire.durand@interieur.gouv.fr');
    await form.getByLabel('N° de procédure').fill(procedure);
    await form.getByLabel('Date de la réquisition (heure de Paris)').fill(utcIsoToParisLocal(new Date(rangeEndMs).toISOString()));
    await form.getByLabel('Caméra', { exact: true }).selectOption(cameraId);
    await form.getByLabel('Du (heure de Paris)').fill(utcIsoToParisLocal(new Date(floorMinute(recordingStartMs)).toISOString()));
    await form.getByLabel('Au (heure de Paris)').fill(utcIsoToParisLocal(new Date(rangeEndMs).toISOString()));
    await form.getByRole('button', { name: 'Déposer la réquisition' }).click();
    await page.getByText(`Réquisition ${procedure} déposée`).waitFor();
    const [filed] = await context.services.requisitions.list({ open: true }, null);
    assert.ok(filed);
    requisitionId = filed.id;
    assert.equal(filed.state, 'received');
    assert.deepEqual(
      filed.ranges.map((range) => [range.cameraId, Date.parse(range.to)]),
      [[cameraId, rangeEndMs]],
    );
  });

  it('a supervisor validates it: received -> in review', async () => {
    const page = await signedIn('supervisor');
    await openRequisition(page);
    await page.getByLabel('Motif (obligatoire)').fill('Réquisition recevable, relecture demandée');
    await page.getByRole('button', { name: 'Passer à « En relecture »' }).click();
    await page.getByText('En relecture', { exact: true }).first().waitFor();
    assert.equal((await context.services.requisitions.get(requisitionId, null)).state, 'in_review');
  });

  it('an operator opens playback for the requisition, chosen in the reason picker', async () => {
    const page = await signedIn('operator');
    await page.getByRole('navigation').getByRole('link', { name: 'Relecture' }).click();
    await page.getByRole('heading', { name: 'Relecture' }).waitFor();
    await page.locator(`[data-testid="playback-camera"][data-camera-id="${cameraId}"]`).click();
    await page.getByTestId('playback-requisition').selectOption(requisitionId);
    await page.getByTestId('playback-reason-current').getByText(procedure).waitFor();
    await page.locator('[data-testid="playback-tile"][data-status="ready"]').waitFor({ timeout: 30_000 });
  });

  it('the operator builds the package: the range on its timeline, narrowed to 25 s, then its progress to "prêt"', async () => {
    const page = await signedIn('operator');
    await openRequisition(page);
    await page.getByRole('button', { name: 'Préparer une extraction' }).click();
    const item = page.getByTestId('export-item');
    assert.equal(await item.count(), 1, 'the requisition’s one range, pre-filled');
    // Chromium leaves out ":00" seconds from the value it gives back.
    const minuteForm = (local: string) => local.replace(/(T\d\d:\d\d):00$/, '$1');
    assert.equal(minuteForm(await item.getByTestId('export-to').inputValue()), minuteForm(parisSeconds(rangeEndMs)));
    await item.getByTestId('export-from').fill(parisSeconds(rangeEndMs - exportedSeconds * 1000));
    const timeline = item.getByTestId('export-timeline');
    await waitFor(
      'the narrowed range recorded on its timeline',
      async () => Number(await timeline.getAttribute('data-recorded-seconds').catch(() => '0')) >= exportedSeconds - 3,
      10_000,
    );
    await page.getByRole('form', { name: `Extraction pour la réquisition ${procedure}` }).evaluate((form) => form.scrollIntoView({ block: 'start' }));
    await screenshots.shot(page, 'requisition-export-builder');
    await page.getByRole('button', { name: 'Lancer l’extraction' }).click();
    const row = page.getByTestId('export-package');
    await row.getByTestId('export-state').getByText('en attente').waitFor();
    // The worker's job in this process: one build, while the page polls the package every second.
    const packageId = (await row.getAttribute('data-package-id')) ?? '';
    assert.equal(await context.services.exports.buildNext(), packageId);
    await row.getByTestId('export-state').getByText('prêt').waitFor({ timeout: 15_000 });
    assert.equal(await row.getByTestId('export-progress').getAttribute('value'), '100');
    await row.getByText('Téléchargement réservé aux destinataires').waitFor();
    const stored = await context.database.handle.db
      .selectFrom('evidence_packages')
      .select(['state', 'zip_sha256', 'error_message'])
      .where('id', '=', packageId)
      .executeTakeFirstOrThrow();
    assert.equal(stored.state, 'ready', stored.error_message ?? '');
    zipSha256 = stored.zip_sha256 ?? '';
    await row.getByText(zipSha256).waitFor();
    await page.locator('#req-exports').evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await screenshots.shot(page, 'requisition-export-ready');
  });

  it('the police user downloads the ZIP; `./vigie export verify` passes on it', async () => {
    const page = await signedIn('police');
    await openRequisition(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const zip = join(work, download.suggestedFilename());
    await download.saveAs(zip);
    assert.equal(sha256(readFileSync(zip)), zipSha256);
    folder = join(work, 'package');
    await run('unzip', ['-q', zip, '-d', folder]);
    const verified = await run(join(repository, 'vigie'), ['export', 'verify', zip], { cwd: repository, timeout: 120_000 });
    // execFile rejects on a non-zero exit: reaching here is exit 0.
    assert.match(verified.stdout, /package verified: everything holds/);
    assert.doesNotMatch(verified.stdout, /ÉCHEC/);
  });

  it('the package’s player.html from disk plays, steps one frame and saves a still', async () => {
    const journal = JSON.parse(readFileSync(join(folder, 'journal.json'), 'utf8')) as JournalRead;
    assert.equal(journal.items.length, 1);
    assert.equal(Date.parse(journal.items[0]!.requestedFrom), rangeEndMs - exportedSeconds * 1000, 'the range as narrowed in the builder');
    const fps = journal.items[0]!.fps;
    assert.ok(fps > 0);
    // A context of its own, without the loopback route of the console's (a file:// page has no host).
    const player = await browser.newContext({ locale: 'fr-FR', timezoneId: 'America/Montreal', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await player.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => problems.push(`player page error: ${error.message}`));
    page.on('request', (request) => {
      if (!/^(file|blob|data):/.test(request.url())) problems.push(`player request: ${request.url()}`);
    });
    await page.goto(`file://${join(folder, 'player.html')}`);
    const master = page.locator('.tile[data-role="master"] video');
    const time = () => master.evaluate((video) => (video as HTMLVideoElement).currentTime);
    await page.getByRole('button', { name: 'Lecture / pause (espace)' }).click();
    await waitFor('the video to play', async () => (await time()) > 0.5, 10_000);
    await page.getByRole('button', { name: 'Lecture / pause (espace)' }).click();
    await waitFor('the video paused', () => master.evaluate((video) => (video as HTMLVideoElement).paused), 5000);
    const paused = await time();
    await page.getByRole('button', { name: 'Image suivante (point)' }).click();
    await waitFor('one frame later', async () => Math.abs((await time()) - paused - 1 / fps) < 0.002, 5000);
    await page.locator('#pick-folder').setInputFiles(folder);
    await page.locator('#check-summary[data-outcome="ok"]').waitFor();
    await waitFor('the picked file to play', async () => (await master.evaluate((video) => (video as HTMLVideoElement).src)).startsWith('blob:'), 5000);
    await master.evaluate(
      (video) =>
        new Promise((resolve) => ((video as HTMLVideoElement).readyState >= 2 ? resolve(null) : video.addEventListener('loadeddata', resolve, { once: true }))),
    );
    const [still] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: "Enregistrer l'image (PNG)" }).click()]);
    const png = readFileSync(await still.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), journal.items[0]!.width, 'the still keeps the picture’s width');
  });

  it('made no request outside loopback and logged no error in the pages', () => {
    assert.deepEqual(problems, []);
  });
});
