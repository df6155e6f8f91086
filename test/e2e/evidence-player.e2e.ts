// The evidence package's offline player.html opened from disk (file://) in Debian's Chromium, with
// two short H.264 MP4s made by ffmpeg (10 s at 25 frames/s, overlapping by 6 s): it plays, shows
// the Paris time of the current picture (the browser is in another time zone), steps one frame,
// plays backwards, follows a second camera on the same clock in the synchronised view, refuses
// a still until the files are picked (Chromium taints pictures read from file://), then saves a
// PNG still, checks the hashes (OK, then "différent" for a modified file) and says when the
// browser cannot decode a codec. No request leaves the page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { renderPlayerHtml, type EvidenceJournal, type EvidenceJournalItem } from '../../server/src/modules/exports/index.ts';
import { waitFor } from '../../server/src/testing/wait.ts';
import { launchChromium, noBrowser, screenshotFolder } from './browser.ts';

const fps = 25;
const seconds = 10;
/** Camera A's first picture: 15:00:00 in Paris (UTC+1 in December); camera B starts 4 s later. */
const startA = Date.parse('2026-12-07T14:00:00.000Z');
const startB = startA + 4000;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function makeMp4(path: string, pattern: string): void {
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `${pattern}=size=320x240:rate=${fps}`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps),
    '-movflags',
    '+faststart',
    '-y',
    path,
  ]);
}

const iso = (ms: number) => new Date(ms).toISOString();
const parisIso = (ms: number) => `${new Date(ms + 3600_000).toISOString().slice(0, 19)}+01:00`;

/** Camera B's 10 s of video cover 12 s of clock: 2 s missing from its 5th second (the MP4 holds the pictures end to end). */
const gapB = { from: startB + 5000, to: startB + 7000 };

function item(
  folder: string,
  file: string,
  cameraId: string,
  name: string,
  number: string,
  start: number,
  inner?: { from: number; to: number },
): EvidenceJournalItem {
  const path = join(folder, file);
  const end = start + seconds * 1000 + (inner ? inner.to - inner.from : 0);
  const gap = (from: number, to: number, reason: string) => ({
    from: iso(from),
    fromParis: parisIso(from),
    to: iso(to),
    toParis: parisIso(to),
    durationSeconds: (to - from) / 1000,
    reason,
  });
  return {
    file,
    cameraId,
    cameraName: name,
    cameraNumber: number,
    location: { communeInsee: '38999', communeName: 'Vigie-les-Bains', siteName: 'Gare', address: '1 place de la Gare', latitude: 45.19, longitude: 5.72 },
    requestedFrom: iso(start - 2000),
    requestedTo: iso(end),
    imageStart: iso(start),
    imageStartParis: parisIso(start),
    imageEnd: iso(end),
    imageEndParis: parisIso(end),
    durationSeconds: seconds,
    frames: seconds * fps,
    codec: 'h264',
    width: 320,
    height: 240,
    fps,
    masked: false,
    reencoded: false,
    clockOffsetMs: 120,
    bytes: statSync(path).size,
    sha256: sha256(path),
    gaps: [gap(start - 2000, start, 'before_archive'), ...(inner ? [gap(inner.from, inner.to, 'packet_loss')] : [])],
  };
}

function journalOf(items: EvidenceJournalItem[]): EvidenceJournal {
  return {
    format: 'vigie-evidence/1',
    packageId: 'pkg-e2e-0001',
    createdAt: '2026-12-07T16:00:00.000Z',
    createdAtParis: '2026-12-07T17:00:00+01:00',
    timeZone: 'Europe/Paris',
    installation: { name: 'CSU de Vigie-les-Bains', version: '0.13.0' },
    exporter: { userId: 'u-1', name: 'Camille Martin', role: 'operator', service: null },
    requisition: {
      id: 'r-1',
      procedureNumber: '2026/00123',
      legalFramework: 'flagrance',
      officerName: 'Claire Dubois',
      officerRank: 'capitaine',
      officerUnit: 'Commissariat de Vigie-les-Bains',
      communeInsee: '38999',
      requisitionDate: '2026-12-07T08:00:00.000Z',
      requisitionDateParis: '2026-12-07T09:00:00+01:00',
      channel: 'email',
    },
    signature: { keyId: '0123456789ABCDEF', publicKeySha256: 'a'.repeat(64) },
    items,
  };
}

const master = '.tile[data-role="master"] video';
const currentTime = (page: Page, selector = master) => page.locator(selector).evaluate((video) => (video as HTMLVideoElement).currentTime);
async function seekTo(page: Page, time: number, selector = master): Promise<void> {
  await page.locator(selector).evaluate(
    (video, to) =>
      new Promise<void>((resolve) => {
        const element = video as HTMLVideoElement;
        element.addEventListener('seeked', () => resolve(), { once: true });
        element.currentTime = to;
      }),
    time,
  );
}

describe('the evidence package player.html, opened from disk in Chromium', { skip: noBrowser }, () => {
  let folder: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const screenshots = screenshotFolder();
  const media = () => ['media/01-cam-a.mp4', 'media/02-cam-b.mp4'].map((file) => join(folder, file));

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'vigie-player-'));
    mkdirSync(join(folder, 'media'));
    makeMp4(join(folder, 'media/01-cam-a.mp4'), 'testsrc2');
    makeMp4(join(folder, 'media/02-cam-b.mp4'), 'testsrc');
    const journal = journalOf([
      item(folder, 'media/01-cam-a.mp4', 'cam-a', 'Gare – Parvis </script><script>alert(1)</script>', 'C-001', startA),
      item(folder, 'media/02-cam-b.mp4', 'cam-b', 'Gare – Quai 1', 'C-002', startB, gapB),
    ]);
    writeFileSync(join(folder, 'journal.json'), `${JSON.stringify(journal, null, 2)}\n`);
    writeFileSync(join(folder, 'player.html'), renderPlayerHtml(journal));
    const listed = ['journal.json', 'media/01-cam-a.mp4', 'media/02-cam-b.mp4', 'player.html'];
    writeFileSync(join(folder, 'manifest.sha256'), listed.map((file) => `${sha256(join(folder, file))}  ${file}\n`).join(''));
    // The same journal saying H.265: the player must tell that this browser cannot decode it.
    const hevc = journalOf([{ ...journal.items[0]!, codec: 'hevc' }]);
    writeFileSync(join(folder, 'player-hevc.html'), renderPlayerHtml(hevc));
    // A journal naming files outside the package: the page loads neither.
    const outside = journalOf(['../../../etc/passwd', 'https:/example.invalid/a.mp4'].map((file) => ({ ...journal.items[0]!, file })));
    writeFileSync(join(folder, 'player-outside.html'), renderPlayerHtml(outside));

    browser = await launchChromium();
    const context = await browser.newContext({
      locale: 'fr-FR',
      timezoneId: 'America/Montreal',
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('request', (request) => {
      if (!/^(file|blob|data):/.test(request.url())) problems.push(`request: ${request.url()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(`file://${join(folder, 'player.html')}`);
  });

  after(async () => {
    await browser?.close();
    screenshots.remove();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('shows the references and the extracts, the dangerous camera name as plain text', async () => {
    await page.getByRole('heading', { name: "Lecteur d'extraction vidéo" }).waitFor();
    const references = (await page.locator('#references').textContent()) ?? '';
    assert.match(references, /2026\/00123/);
    assert.match(references, /Camille Martin \(opérateur\)/);
    assert.match(references, /article 60-1 du code de procédure pénale/);
    assert.match(references, /07\/12\/2026 17:00:00 \(Europe\/Paris\)/);
    assert.match(references, /Réquisition du\s*07\/12\/2026 09:00:00 \(Europe\/Paris\) · courriel/);
    assert.equal(await page.locator('#items-body tr').count(), 2);
    assert.match((await page.locator('#items-body tr').first().textContent()) ?? '', /<\/script><script>alert\(1\)<\/script>/);
    assert.deepEqual(problems, []);
  });

  it('plays, and the overlay shows the Paris time of the current picture', async () => {
    await page.getByRole('button', { name: 'Lecture / pause (espace)' }).click();
    await waitFor('the video to play', async () => (await currentTime(page)) > 0.5, 10_000);
    await page.getByRole('button', { name: 'Lecture / pause (espace)' }).click();
    await seekTo(page, 2);
    await waitFor(
      'the overlay at 15:00:02',
      async () => ((await page.locator('.tile[data-role="master"] .overlay-time').textContent()) ?? '') === '07/12/2026 15:00:02,000',
      5000,
    );
    assert.match((await page.locator('.tile[data-role="master"] .overlay-camera').textContent()) ?? '', /C-001/);
  });

  it('steps one frame forward and back (button and keyboard), and plays backwards', async () => {
    const before = await currentTime(page);
    await page.getByRole('button', { name: 'Image suivante (point)' }).click();
    await waitFor('one frame later', async () => Math.abs((await currentTime(page)) - before - 1 / fps) < 0.001, 5000);
    await page.locator('body').focus();
    await page.keyboard.press(',');
    await waitFor('back one frame', async () => Math.abs((await currentTime(page)) - before) < 0.001, 5000);
    await seekTo(page, 6);
    await page.getByRole('button', { name: 'Lecture arrière' }).click();
    await page.locator('#speed').selectOption({ label: '×2' });
    await page.getByRole('button', { name: 'Lecture / pause (espace)' }).click();
    await waitFor('the picture to go backwards', async () => (await currentTime(page)) < 5, 5000);
    await page.getByRole('button', { name: 'Lecture / pause (espace)' }).click();
    assert.equal(await page.getByRole('button', { name: 'Lecture arrière' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: 'Lecture arrière' }).click();
    await page.locator('#speed').selectOption({ label: '×1' });
  });

  it('follows the second camera on the same clock in the synchronised view, "pas d\'image" outside its range', async () => {
    await page.getByRole('button', { name: 'Vue synchronisée' }).click();
    await page.locator('.tile[data-role="follower"]').waitFor();
    const follower = '.tile[data-role="follower"] video';
    await page
      .locator(master)
      .evaluate(
        (video) =>
          new Promise((resolve) =>
            (video as HTMLVideoElement).readyState >= 1 ? resolve(null) : video.addEventListener('loadedmetadata', resolve, { once: true }),
          ),
      );
    await seekTo(page, 7);
    await waitFor('camera B at 3 s (7 s of camera A)', async () => Math.abs((await currentTime(page, follower)) - 3) < 0.05, 5000);
    assert.equal(await page.locator('.tile[data-role="follower"] .no-image').isVisible(), false);
    await screenshots.shot(page, 'evidence-player');
    await seekTo(page, 9.5);
    await page.locator('.tile[data-role="follower"] .no-image').filter({ hasText: "pas d'image (perte de paquets réseau)" }).waitFor();
    await seekTo(page, 1);
    await page.locator('.tile[data-role="follower"] .no-image').filter({ hasText: "pas d'image" }).waitFor();
  });

  it("shows camera B's clock jumping over its gap: 6 s of its video is 15:00:12", async () => {
    await page.locator('#items-body tr[data-item="1"] button').click();
    await page.locator('.tile[data-role="master"][data-item="1"]').waitFor();
    await page
      .locator(master)
      .evaluate(
        (video) =>
          new Promise((resolve) =>
            (video as HTMLVideoElement).readyState >= 1 ? resolve(null) : video.addEventListener('loadedmetadata', resolve, { once: true }),
          ),
      );
    await seekTo(page, 6);
    await waitFor(
      'the overlay at 15:00:12',
      async () => ((await page.locator('.tile[data-role="master"] .overlay-time').textContent()) ?? '') === '07/12/2026 15:00:12,000',
      5000,
    );
    await seekTo(page, 4);
    await waitFor(
      'the overlay at 15:00:08',
      async () => ((await page.locator('.tile[data-role="master"] .overlay-time').textContent()) ?? '') === '07/12/2026 15:00:08,000',
      5000,
    );
    await page.locator('#items-body tr[data-item="0"] button').click();
    await page.locator('.tile[data-role="master"][data-item="0"]').waitFor();
  });

  it('refuses a still before the files are picked, then saves a PNG with the time burnt in', async () => {
    await page.getByRole('button', { name: "Enregistrer l'image (PNG)" }).click();
    await page.locator('#message').filter({ hasText: 'le navigateur exige que les fichiers du paquet soient choisis' }).waitFor();
    await page.locator('#pick-files').setInputFiles([...media(), join(folder, 'manifest.sha256'), join(folder, 'journal.json'), join(folder, 'player.html')]);
    await page.locator('#check-summary[data-outcome="ok"]').waitFor();
    assert.equal(await page.locator('#check-body tr[data-status="ok"]').count(), 4);
    assert.match((await page.locator('#check-summary').textContent()) ?? '', /journal\.json identique/);
    await waitFor(
      'the picked file to play',
      async () => (await page.locator(master).evaluate((video) => (video as HTMLVideoElement).src)).startsWith('blob:'),
      5000,
    );
    await page
      .locator(master)
      .evaluate(
        (video) =>
          new Promise((resolve) =>
            (video as HTMLVideoElement).readyState >= 2 ? resolve(null) : video.addEventListener('loadeddata', resolve, { once: true }),
          ),
      );
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: "Enregistrer l'image (PNG)" }).click()]);
    assert.match(download.suggestedFilename(), /^image-C-001-20261207T\d{9}Z\.png$/);
    const png = readFileSync(await download.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 320, 'the picture keeps its width');
    assert.ok(png.readUInt32BE(20) > 240, 'a band under the picture carries camera and time');
    assert.ok(png.length > 5000, `a PNG of ${png.length} bytes`);
  });

  it('reports a modified file as "différent" and a file not picked as missing', async () => {
    const other = mkdtempSync(join(tmpdir(), 'vigie-player-modified-'));
    try {
      const modified = join(other, '02-cam-b.mp4');
      copyFileSync(media()[1]!, modified);
      const bytes = readFileSync(modified);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
      writeFileSync(modified, bytes);
      await page.locator('#pick-files').setInputFiles([media()[0]!, modified]);
      await page.locator('#check-summary[data-outcome="bad"]').waitFor();
      assert.equal(await page.locator('#check-body tr[data-file="media/01-cam-a.mp4"]').getAttribute('data-status'), 'ok');
      const row = page.locator('#check-body tr[data-file="media/02-cam-b.mp4"]');
      assert.equal(await row.getAttribute('data-status'), 'different');
      assert.match((await row.textContent()) ?? '', /différent/);
      await page.locator('#pick-files').setInputFiles([media()[0]!]);
      await page.locator('#check-body tr[data-file="media/02-cam-b.mp4"][data-status="missing"]').waitFor();
      // The whole folder, as "Choisir le dossier du paquet" gives it (paths under the folder's name).
      await page.locator('#pick-folder').setInputFiles(folder);
      await page.locator('#check-summary[data-outcome="ok"]').waitFor();
      assert.equal(await page.locator('#check-body tr[data-status="ok"]').count(), 4);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('switches to English, says when the browser cannot decode the codec (VLC), loads no file outside the package', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Video extraction player' }).waitFor();
    const hevcPage = await page.context().newPage();
    hevcPage.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await hevcPage.goto(`file://${join(folder, 'player-hevc.html')}`);
    const decodable = await hevcPage.evaluate(() => document.createElement('video').canPlayType('video/mp4; codecs="hvc1.1.6.L93.B0"'));
    if (decodable === '') {
      await hevcPage.locator('.tile[data-problem="codecUnsupported"] .tile-message').filter({ hasText: 'VLC' }).waitFor();
    }
    await hevcPage.close();
    const outsidePage = await page.context().newPage();
    outsidePage.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    outsidePage.on('request', (request) => {
      if (request.url().startsWith('http') || request.url().includes('passwd')) problems.push(`request: ${request.url()}`);
    });
    await outsidePage.goto(`file://${join(folder, 'player-outside.html')}`);
    await outsidePage.locator('.tile[data-problem="fileMissing"]').waitFor();
    await outsidePage.locator('#items-body tr[data-item="1"] button').click();
    await outsidePage.locator('.tile[data-item="1"][data-problem="fileMissing"]').waitFor();
    await outsidePage.close();
    assert.deepEqual(problems, []);
  });
});
