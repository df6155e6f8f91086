// The operator console's images in a real browser (Debian's Chromium, headless, loopback only)
// against an in-process Vigie on SQLite with the recorder role and simulated cameras (real
// RTSP, ONVIF and ffmpeg): sign-in with TOTP, a 4-tile live layout that plays (first picture
// time measured), playback of a recorded range that plays and seeks, a PTZ move that changes
// the simulated picture, a police take-over that blocks the operator, the commune scope in
// the UI and the API, a masked area uniform in the played frames, and a wall that follows a
// pushed layout. Screenshots go to a temporary folder, or to VIGIE_SCREENSHOTS_DIR.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWebIfStale } from '../../scripts/build-web.ts';
import { generateFleet, startSimulator, type Simulator } from '../../simulator/src/index.ts';
import { createRecordingRole } from '../../server/src/main.ts';
import type { RecordingRole } from '../../server/src/modules/recording/index.ts';
import { addDays, parisDate } from '../../server/src/platform/clock.ts';
import { silentLog } from '../../server/src/platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../server/src/testing/context.ts';
import { cookieFrom, testPassword, totpCode } from '../../server/src/testing/http.ts';
import { waitFor } from '../../server/src/testing/wait.ts';
import { startConsoleServer, type ConsoleServer } from '../../server/src/testing/web-server.ts';
import { launchChromium, noBrowser, openBrowsing, screenshotFolder, submitSignIn, type Browsing } from './browser.ts';

const communeA = '38999';
const communeB = '38998';
const operatorLogin = 'operateur.a';
const policeLogin = 'opj.police';
const adminLogin = 'integrateur';
/** The masked rectangle of the masked camera, in normalised picture coordinates. */
const maskBox = { x0: 0.1, y0: 0.15, x1: 0.45, y1: 0.6 };

interface Seeded {
  ptz: string;
  fixed: string[];
  masked: string;
  foreign: string;
  hevc: string;
  secrets: Record<string, string>;
}

async function enrolTotp(context: TestContext, login: string): Promise<string> {
  const response = await context.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password: testPassword } });
  const headers = { cookie: cookieFrom(response), 'x-csrf-token': (response.json() as { csrfToken: string }).csrfToken };
  const secret = ((await context.app.inject({ method: 'POST', url: '/api/auth/totp/enrol', headers })).json() as { secret: string }).secret;
  const confirmed = await context.app.inject({
    method: 'POST',
    url: '/api/auth/totp/confirm',
    headers,
    payload: { code: totpCode(secret, new Date(context.clock.now().getTime() - 30_000)) },
  });
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  await context.app.inject({ method: 'POST', url: '/api/auth/logout', headers });
  return secret;
}

async function seed(context: TestContext, simulator: Simulator): Promise<Seeded> {
  const { services } = context;
  const today = parisDate(context.clock.now());
  await services.communes.create({ insee: communeA, name: 'Vigie-les-Bains', retentionDays: 14 }, testCli);
  await services.communes.create({ insee: communeB, name: 'Saint-Guet', retentionDays: 14 }, testCli);
  await services.settings.set('totp_required_for_image_roles', true, testCli.actor);
  const gare = (await services.sites.create({ communeInsee: communeA, name: 'Gare', kind: 'station' }, testCli)).id;
  const mairie = (await services.sites.create({ communeInsee: communeA, name: 'Hôtel de Ville', kind: 'public_building' }, testCli)).id;
  const marche = (await services.sites.create({ communeInsee: communeB, name: 'Marché couvert', kind: 'market' }, testCli)).id;
  const names = [
    'Gare – Parvis PTZ',
    'Gare – Quai 1',
    'Gare – Parking vélos',
    'Hôtel de Ville – Entrée',
    'Halle – Allée centrale',
    'Gare – Souterrain (H.265)',
  ];
  const sites = [gare, gare, gare, mairie, marche, gare];
  const ids: string[] = [];
  for (const [index, camera] of simulator.cameras.entries()) {
    const created = await services.cameras.create(
      {
        siteId: sites[index]!,
        name: names[index]!,
        kind: index === 0 ? 'ptz' : 'fixed',
        fieldClass: 'wide',
        mainStreamUrl: camera.rtspUrls.main,
        subStreamUrl: camera.rtspUrls.sub,
        onvifUrl: camera.onvifUrl,
        credentials: camera.credentials,
        latitude: 45.1885 + index / 2000,
        longitude: 5.7245 + index / 2000,
        headingDeg: (index * 70) % 360,
        purposes: ['people_property_safety'],
        commissioningDate: '2025-05-02',
      },
      testCli,
    );
    ids.push(created.id);
  }
  const authorise = (reference: string, communeInsee: string, cameraIds: string[]) =>
    services.authorisations.create(
      {
        reference,
        communeInsee,
        startOn: addDays(today, -100),
        endOn: addDays(today, 1000),
        perimeter: 'Voie publique',
        purposes: ['people_property_safety'],
        minRetentionDays: 1,
        maxRetentionDays: 30,
        recipients: ['national_police', 'municipal_police'],
        cameraIds,
      },
      testCli,
    );
  await authorise('AP-38-2026-001', communeA, [...ids.slice(0, 4), ids[5]!]);
  await authorise('AP-38-2026-002', communeB, [ids[4]!]);
  const { x0, y0, x1, y1 } = maskBox;
  await services.masks.create(
    {
      cameraId: ids[3]!,
      name: 'Fenêtres du logement',
      polygons: [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ],
      ],
    },
    testCli,
  );

  const account = (login: string, role: 'operator' | 'police' | 'administrator', communes: string[]) =>
    services.accounts.create(
      {
        login,
        role,
        password: testPassword,
        communes,
        allCommunes: false,
        approvalReference: role === 'police' ? null : 'AGR-38-2026-010',
        approvalExpiresOn: role === 'police' ? null : addDays(today, 900),
        trainingDate: addDays(today, -100),
      },
      testCli,
    );
  await account(operatorLogin, 'operator', [communeA]);
  await account(policeLogin, 'police', [communeA]);
  await account(adminLogin, 'administrator', [communeA, communeB]);
  const secrets: Record<string, string> = {};
  for (const login of [operatorLogin, policeLogin, adminLogin]) secrets[login] = await enrolTotp(context, login);
  return { ptz: ids[0]!, fixed: ids.slice(1, 4), masked: ids[3]!, foreign: ids[4]!, hevc: ids[5]!, secrets };
}

/** Statistics of the picture a <video> shows now: size, time, and the luma inside a box. */
async function pictureOf(page: Page, selector: string, box = { x0: 0, y0: 0, x1: 1, y1: 1 }) {
  return page
    .locator(selector)
    .first()
    .evaluate((video: HTMLVideoElement, area) => {
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context2d = canvas.getContext('2d', { willReadFrequently: true });
      if (!context2d || canvas.width === 0) return { width: 0, height: 0, currentTime: video.currentTime, mean: 0, spread: 0, signature: [] as number[] };
      context2d.drawImage(video, 0, 0);
      const x = Math.floor(area.x0 * canvas.width),
        y = Math.floor(area.y0 * canvas.height);
      const w = Math.max(1, Math.floor((area.x1 - area.x0) * canvas.width)),
        h = Math.max(1, Math.floor((area.y1 - area.y0) * canvas.height));
      const data = context2d.getImageData(x, y, w, h).data;
      let sum = 0,
        min = 255,
        max = 0;
      const lumas: number[] = [];
      for (let index = 0; index < data.length; index += 4) {
        const luma = 0.299 * data[index]! + 0.587 * data[index + 1]! + 0.114 * data[index + 2]!;
        lumas.push(luma);
        sum += luma;
        if (luma < min) min = luma;
        if (luma > max) max = luma;
      }
      // A coarse 8x8 signature of the picture, to tell two pictures apart.
      const signature: number[] = [];
      for (let row = 0; row < 8; row++)
        for (let column = 0; column < 8; column++) {
          signature.push(lumas[Math.floor(((row + 0.5) * h) / 8) * w + Math.floor(((column + 0.5) * w) / 8)] ?? 0);
        }
      return { width: video.videoWidth, height: video.videoHeight, currentTime: video.currentTime, mean: sum / lumas.length, spread: max - min, signature };
    }, box);
}

const distance = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + Math.abs(value - (b[index] ?? 0)), 0) / Math.max(1, a.length);

describe('console images in Chromium (live, playback, PTZ, masks, walls)', { skip: noBrowser }, () => {
  let context: TestContext;
  let simulator: Simulator;
  let role: RecordingRole;
  let server: ConsoleServer;
  let browser: Browser;
  let seeded: Seeded;
  let recordingStartMs = 0;
  const screenshots = screenshotFolder();
  const problems: string[] = [];
  const figures: Record<string, number> = {};
  let operator: Browsing;
  let police: Browsing;

  const open = () => openBrowsing(browser, problems, { timeoutMs: 15_000, acceptDownloads: true });
  const shot = (page: Page, name: string) => screenshots.shot(page, name);

  // Each TOTP time step is accepted once: a second sign-in of one login waits for the next step.
  const usedSteps = new Map<string, number>();
  const signIn = async (page: Page, login: string) => {
    await page.goto(server.url);
    await submitSignIn(page, login, testPassword);
    const step = () => Math.floor(context.clock.now().getTime() / 30_000);
    while (step() <= (usedSteps.get(login) ?? -1)) await new Promise((resolve) => setTimeout(resolve, 500));
    usedSteps.set(login, step());
    await page.getByLabel('Code').fill(totpCode(seeded.secrets[login]!, context.clock.now()));
    await page.getByRole('button', { name: /Valider|Vérifier|Continuer/ }).click();
    await page.getByTestId('user-login').waitFor();
  };

  before(async () => {
    await buildWebIfStale({ quiet: true });
    // Five H.264 cameras (the first a PTZ whose picture follows its head) and one H.265 camera.
    const fleet = generateFleet({
      count: 6,
      camerasPerSite: 5,
      livePtzCameras: 1,
      main: { width: 640, height: 360, fps: 12, bitrateKbps: 600, gopSeconds: 1 },
      sub: { width: 320, height: 180, fps: 12, bitrateKbps: 200, gopSeconds: 1 },
    }).map((camera, index) => (index === 5 ? { ...camera, codec: 'h265' as const } : camera));
    simulator = await startSimulator({ cameras: fleet, loopSeconds: 8, controlPort: false });
    context = await createTestContext('sqlite', { clockStart: new Date().toISOString(), clockRunning: true });
    seeded = await seed(context, simulator);
    role = createRecordingRole(
      { database: context.database.handle, clock: context.clock, services: context.services },
      { ...context.config, segmentSeconds: 2 },
      silentLog,
      {
        segmentSeconds: 2,
        reconcileIntervalMs: 3_600_000,
      },
    );
    recordingStartMs = Date.now();
    await role.start();
    server = await startConsoleServer(context);
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    operator = await open();
    police = await open();
    await waitFor(
      'the cameras recording',
      async () => (await context.services.cameras.list(null)).filter((camera) => camera.state === 'recording').length === 6,
      30_000,
    );
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await role?.stop().catch(() => undefined);
    await simulator?.stop().catch(() => undefined);
    await context?.close();
    screenshots.remove();
    if (Object.keys(figures).length > 0) console.log(`# figures: ${JSON.stringify(figures)}`);
  });

  it('an operator signs in with a TOTP code and lands on the live screen', async () => {
    await signIn(operator.page, operatorLogin);
    await operator.page.getByRole('heading', { name: 'Direct' }).waitFor();
  });

  it('a 4-tile layout plays four cameras, first picture measured', async () => {
    const { page } = operator;
    await page.getByTestId('layout-4').click();
    const cameras = [seeded.ptz, ...seeded.fixed];
    for (const [index, cameraId] of cameras.entries()) {
      await page.locator(`[data-testid="camera-item"][data-camera-id="${cameraId}"]`).dragTo(page.getByTestId('live-tile').nth(index));
    }
    for (const cameraId of cameras) {
      const video = `[data-testid="live-tile"][data-camera-id="${cameraId}"] video`;
      await waitFor(`a picture from ${cameraId}`, async () => (await pictureOf(page, video)).width > 0, 15_000);
      const first = await pictureOf(page, video);
      await waitFor(`${cameraId} playing on`, async () => (await pictureOf(page, video)).currentTime > first.currentTime + 0.5, 10_000);
    }
    const delays = await page
      .locator('[data-testid="live-tile"] [data-testid="live-video"]')
      .evaluateAll((nodes) => nodes.map((node) => Number((node as HTMLElement).dataset.firstPictureMs)));
    assert.equal(delays.filter((delay) => Number.isFinite(delay) && delay > 0).length, 4, `first-picture times: ${delays}`);
    figures.coldFirstPictureMsMax = Math.max(...delays);
    // Cold: each camera's live source starts now (sub-stream pull or remux, four at once on this machine).
    assert.ok(figures.coldFirstPictureMsMax < 3000, `first picture in ${figures.coldFirstPictureMsMax} ms`);
    // What the browser itself adds to the latency: how far behind the newest received picture it plays.
    const lags = await page
      .locator('[data-testid="live-tile"] video')
      .evaluateAll((videos) =>
        (videos as HTMLVideoElement[])
          .filter((video) => video.buffered.length > 0)
          .map((video) => video.buffered.end(video.buffered.length - 1) - video.currentTime),
      );
    figures.browserBufferLagMsMax = Math.round(Math.max(...lags) * 1000);
    assert.ok(figures.browserBufferLagMsMax < 1000, `the players run ${figures.browserBufferLagMsMax} ms behind what they received`);
    await shot(page, '11-live');
  });

  it('an H.265 camera plays, and the tile says whether the server transcodes it', async () => {
    const { page } = operator;
    // A 9-tile layout: the fifth tile is free, the four cameras above keep their tiles.
    await page.getByTestId('layout-9').click();
    await page.locator(`[data-testid="camera-item"][data-camera-id="${seeded.hevc}"]`).dragTo(page.getByTestId('live-tile').nth(4));
    const video = `[data-testid="live-tile"][data-camera-id="${seeded.hevc}"] video`;
    await waitFor('a picture from the H.265 camera', async () => (await pictureOf(page, video)).width > 0, 20_000);
    const tile = page.locator(`[data-testid="live-tile"][data-camera-id="${seeded.hevc}"] [data-testid="live-video"]`);
    const native = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L90.B0"'));
    figures.hevcDecodedByBrowser = native ? 1 : 0;
    if (native) {
      assert.equal(await tile.getAttribute('data-codec'), 'h265');
    } else {
      assert.equal(await tile.getAttribute('data-transcoded'), 'true');
      await page.getByText('H.265 : flux transcodé par le serveur').first().waitFor();
    }
    await page.getByTestId('layout-4').click();
    await page.locator(`[data-testid="live-tile"][data-camera-id="${seeded.masked}"]`).waitFor();
    assert.equal(await page.locator(`[data-testid="live-tile"][data-camera-id="${seeded.hevc}"]`).count(), 0);
  });

  it('the masked area is uniform in the live picture of the masked camera', async () => {
    const video = `[data-testid="live-tile"][data-camera-id="${seeded.masked}"] video`;
    const inset = 0.03;
    const inside = await pictureOf(operator.page, video, { x0: maskBox.x0 + inset, y0: maskBox.y0 + inset, x1: maskBox.x1 - inset, y1: maskBox.y1 - inset });
    const whole = await pictureOf(operator.page, video);
    assert.ok(inside.spread < 24, `inside the mask the luma spreads over ${inside.spread}`);
    assert.ok(whole.spread > 60, `the rest of the picture has detail (${whole.spread})`);
  });

  it('a user of commune A neither lists nor opens commune B’s cameras', async () => {
    const { page } = operator;
    assert.equal(await page.locator(`[data-testid="camera-item"][data-camera-id="${seeded.foreign}"]`).count(), 0);
    const answers = await page.evaluate(async (id) => {
      const record = await fetch(`/api/cameras/${id}`);
      const list = (await (await fetch('/api/cameras')).json()) as Array<{ id: string }>;
      const socket = await new Promise<string>((done) => {
        const ws = new WebSocket(`ws://${location.host}/api/cameras/${id}/live/ws`);
        ws.onmessage = (event) => {
          if (typeof event.data === 'string') done(event.data);
        };
        ws.onclose = (event) => done(`closed ${event.code}`);
      });
      return { record: record.status, listed: list.some((camera) => camera.id === id), socket };
    }, seeded.foreign);
    assert.ok(answers.record === 403 || answers.record === 404, `GET camera B: ${answers.record}`);
    assert.equal(answers.listed, false);
    assert.doesNotMatch(answers.socket, /"type":"init"/, 'no live stream of commune B');
  });

  it('a PTZ move changes the simulated picture', async () => {
    const { page } = operator;
    const tile = page.locator(`[data-testid="live-tile"][data-camera-id="${seeded.ptz}"]`);
    await tile.click();
    await page.getByTestId('ptz-panel').waitFor();
    const video = `[data-testid="live-tile"][data-camera-id="${seeded.ptz}"] video`;
    const before = await pictureOf(page, video);
    const button = page.getByTestId('ptz-right');
    await button.hover();
    await page.mouse.down();
    await page.waitForTimeout(1500);
    await page.mouse.up();
    await waitFor('the picture to move', async () => distance((await pictureOf(page, video)).signature, before.signature) > 12, 10_000);
    await page.getByTestId('ptz-lock').waitFor();
    assert.match((await page.getByTestId('ptz-lock').textContent()) ?? '', new RegExp(operatorLogin));
  });

  it('a police take-over blocks the operator, and the lock names the police officer', async () => {
    await signIn(police.page, policeLogin);
    const { page } = police;
    await page.getByRole('heading', { name: 'Direct' }).waitFor();
    await page.locator(`[data-testid="camera-item"][data-camera-id="${seeded.ptz}"]`).click();
    // Police officers give a reason before seeing images: the console must ask for it (the test fails if it does not).
    const dialog = page.getByRole('dialog', { name: 'Justifier la consultation des images' });
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await dialog.getByTestId('live-reason').fill('Réquisition PV 2026/1234');
    await dialog.getByTestId('live-reason-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.match(
      (await page.getByTestId('live-reason-change').textContent()) ?? '',
      /^Motif\s*:\s*Réquisition PV 2026\/1234$/,
      'the reason given is the one shown',
    );
    await page.getByTestId('live-tile').first().click();
    await page.getByTestId('ptz-takeover').click();
    await waitFor('the police lock', async () => /opj\.police/.test((await page.getByTestId('ptz-lock').textContent()) ?? ''), 10_000);
    const refused = await operator.page.evaluate(async (id) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const response = await fetch(`/api/cameras/${id}/ptz/move`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ pan: 0.5, tilt: 0, zoom: 0 }),
      });
      return { status: response.status, body: (await response.json()) as { code: string } };
    }, seeded.ptz);
    assert.equal(refused.status, 409);
    assert.match(refused.body.code, /ptz_taken_over|ptz_locked/);
    await waitFor(
      'the operator sees the police lock',
      async () => /opj\.police/.test((await operator.page.getByTestId('ptz-lock').textContent()) ?? ''),
      10_000,
    );
    await shot(operator.page, '12-ptz');
  });

  it('the wall page follows a layout pushed by the operator', async () => {
    const wall = await context.services.walls.create({ name: 'Mur principal' }, testCli);
    const kiosk = await open();
    await signIn(kiosk.page, operatorLogin);
    await kiosk.page.goto(`${server.url}/kiosk/wall/${wall.id}`);
    const { page } = operator;
    await page.getByRole('link', { name: 'Mur d’images' }).click();
    await page.getByTestId('wall-push').first().click();
    await waitFor('the wall tiles', async () => (await kiosk.page.getByTestId('wall-tile').count()) >= 4, 15_000);
    await shot(page, '13-walls');
    const shown = await kiosk.page.getByTestId('wall-tile').evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.cameraId));
    assert.ok(shown.includes(seeded.ptz) && shown.includes(seeded.masked), `wall tiles: ${shown}`);
    await waitFor(
      'a picture on the wall',
      async () => (await pictureOf(kiosk.page, `[data-testid="wall-tile"][data-camera-id="${seeded.ptz}"] video`)).width > 0,
      15_000,
    );
    // The wall's cameras are already watched by the operator: their live sources run, and a new
    // viewer starts from the server's keyframe cache.
    await waitFor(
      'first-picture times on the wall',
      async () => (await kiosk.page.locator('[data-testid="wall-tile"] [data-testid="live-video"][data-first-picture-ms]').count()) >= 4,
      15_000,
    );
    const wallDelays = await kiosk.page
      .locator('[data-testid="wall-tile"] [data-testid="live-video"]')
      .evaluateAll((nodes) => nodes.map((node) => Number((node as HTMLElement).dataset.firstPictureMs)).filter((delay) => delay > 0));
    figures.warmFirstPictureMsMax = Math.max(...wallDelays);
    assert.ok(figures.warmFirstPictureMsMax < 1000, `first picture from running sources in ${figures.warmFirstPictureMsMax} ms`);
    await shot(kiosk.page, '14-kiosk');
    await kiosk.context.close();
  });

  it('playback of a recorded range plays, seeks, and keeps the mask', async () => {
    const { page } = operator;
    await page.getByRole('navigation').getByRole('link', { name: 'Relecture' }).click();
    await page.getByRole('heading', { name: 'Relecture' }).waitFor();
    await page.locator(`[data-testid="playback-camera"][data-camera-id="${seeded.masked}"]`).click();
    await page.getByTestId('playback-reason').fill('Relecture pour réquisition PV 2026/0042');
    await page.getByTestId('playback-reason-confirm').click();
    await page.locator('[data-testid="playback-tile"][data-status="ready"]').waitFor({ timeout: 20_000 });
    const video = '[data-testid="playback-video"]';
    await page.getByTestId('playback-play').click();
    const started = await pictureOf(page, video);
    await waitFor('the playback to advance', async () => (await pictureOf(page, video)).currentTime > started.currentTime + 1, 15_000);
    const inset = 0.03;
    const inside = await pictureOf(page, video, { x0: maskBox.x0 + inset, y0: maskBox.y0 + inset, x1: maskBox.x1 - inset, y1: maskBox.y1 - inset });
    const whole = await pictureOf(page, video);
    assert.ok(whole.width > 0 && whole.spread > 60, `played picture ${whole.width} px, spread ${whole.spread}`);
    assert.ok(inside.spread < 24, `inside the mask the played luma spreads over ${inside.spread}`);
    // Seek: jump to a Paris time a few seconds after the recording began.
    const target = recordingStartMs + 6_000;
    const paris = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .format(new Date(target))
      .replace(' ', 'T');
    await page.getByTestId('playback-jump').fill(paris);
    await page.getByTestId('playback-jump').press('Enter');
    await waitFor(
      'the playhead at the jump target',
      async () => Math.abs(Number(await page.getByTestId('playback-time').getAttribute('data-ms')) - target) < 3_000,
      15_000,
    );
    await waitFor('a picture after the seek', async () => (await pictureOf(page, video)).width > 0, 10_000);
    await shot(page, '15-playback');
  });

  it('playback for a requisition, chosen in the reason picker, counts its active time in the review hours', async () => {
    const { page } = operator;
    const camera = await context.services.cameras.get(seeded.masked, null);
    const requisition = await context.services.requisitions.create(
      {
        communeInsee: camera.communeInsee,
        officerName: 'Karim Benali',
        officerRank: 'OPJ',
        officerUnit: 'Commissariat central',
        officerContact: '04 76 00 00 00',
        procedureNumber: 'PV 2026/0042',
        legalFramework: 'flagrance',
        requisitionDate: context.clock.now().toISOString(),
        channel: 'phone',
        ranges: [{ cameraId: seeded.masked, from: new Date(recordingStartMs).toISOString(), to: new Date(context.clock.now().getTime() - 1000).toISOString() }],
      },
      testCli,
    );
    await page.getByRole('button', { name: 'Changer de motif' }).click();
    await page.getByTestId('playback-requisition').selectOption(requisition.id);
    await page.getByTestId('playback-reason-current').getByText('PV 2026/0042').waitFor();
    await page.locator('[data-testid="playback-tile"][data-status="ready"]').waitFor({ timeout: 20_000 });
    if ((await page.getByTestId('playback-play').getAttribute('data-playing')) !== 'true') await page.getByTestId('playback-play').click();
    const startedAt = Date.now();
    const reviewed = () => context.services.requisitionsModule.api.review.get(requisition.id, null);
    await waitFor('a heartbeat counted in the review hours', async () => (await reviewed()).automaticSeconds > 0, 40_000);
    const time = await reviewed();
    assert.equal(time.entries[0]?.source, 'playback');
    assert.ok(time.automaticSeconds <= Math.ceil((Date.now() - startedAt) / 1000) + 5, `${time.automaticSeconds} s counted`);
  });

  it('the map shows the cameras of the scope with their state, and a click opens the live picture', async () => {
    const { page } = operator;
    await page.getByRole('navigation').getByRole('link', { name: 'Carte' }).click();
    await page.getByTestId('map').waitFor();
    await waitFor('five camera markers', async () => (await page.getByTestId('map-camera').count()) === 5, 10_000);
    assert.equal(await page.locator(`[data-testid="map-camera"][data-camera-id="${seeded.foreign}"]`).count(), 0);
    await page.locator(`[data-testid="map-camera"][data-camera-id="${seeded.fixed[0]}"]`).click();
    const panel = page.getByTestId('map-camera-panel');
    await panel.waitFor();
    await waitFor('the live picture in the map panel', async () => (await pictureOf(page, '[data-testid="map-camera-panel"] video')).width > 0, 15_000);
    await shot(page, '16-map');
  });

  it('an integrator draws a privacy polygon on the still and saves it (audited)', async () => {
    const integrator = await open();
    await signIn(integrator.page, adminLogin);
    const { page } = integrator;
    await page.getByRole('navigation').getByRole('link', { name: 'Masques' }).click();
    await page.locator(`[data-testid="mask-camera"][data-camera-id="${seeded.fixed[0]}"]`).click();
    const editor = page.getByTestId('mask-editor');
    await editor.waitFor();
    await waitFor(
      'the still',
      () =>
        page
          .locator('img.mask-still')
          .evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)
          .catch(() => false),
      15_000,
    );
    const box = (await editor.boundingBox())!;
    for (const [x, y] of [
      [0.6, 0.2],
      [0.9, 0.2],
      [0.9, 0.5],
      [0.6, 0.5],
    ] as const)
      await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
    await page.keyboard.press('Enter');
    await shot(page, '17-masks');
    await page.getByTestId('mask-save').click();
    await waitFor('the saved mask', async () => (await context.services.masks.list(seeded.fixed[0]!, null)).masks.length === 1, 10_000);
    const saved = (await context.services.masks.list(seeded.fixed[0]!, null)).masks[0]!;
    assert.equal(saved.polygons.length, 1);
    assert.ok(Math.abs(saved.polygons[0]![0]![0] - 0.6) < 0.03 && Math.abs(saved.polygons[0]![2]![1] - 0.5) < 0.03, JSON.stringify(saved.polygons));
    const audited = await context.services.audit.search({ action: 'recording.mask_created', actorLogin: adminLogin }, { allCommunes: true, communes: [] });
    assert.equal(audited.total, 1);
    await integrator.context.close();
  });

  it('made no request outside loopback and logged no error in the page', () => {
    assert.deepEqual(problems, []);
  });
});
