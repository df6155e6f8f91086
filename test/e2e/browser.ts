// What the browser tests share: Debian's Chromium (headless, never downloaded), a browsing
// context on loopback only that collects page errors, console errors and outside requests as
// problems, screenshots (to a temporary folder, or to VIGIE_SCREENSHOTS_DIR to refresh the
// documentation), and the sign-in form. Chromium missing: skipped locally, a failure in CI.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { browserRequirement, skipUnlessRequired } from '../../server/src/testing/requirements.ts';

export const chromiumPath = '/usr/bin/chromium';
/**
 * The suites' `skip`: false with Chromium; without it, the reason locally, and a failure (thrown
 * at import, so the test file fails) where the run requires it (VIGIE_TEST_POSTGRES_REQUIRED=1 or CI),
 * the same rule as PostgreSQL's.
 */
export const noBrowser = skipUnlessRequired(
  'Chromium',
  browserRequirement(),
  existsSync(chromiumPath)
    ? null
    : { problem: `there is no browser at ${chromiumPath}`, skipReason: `no browser at ${chromiumPath} (./vigie installs Debian's chromium)` },
);

export interface Browsing {
  context: BrowserContext;
  page: Page;
}

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=fr-FR',
      ...extraArgs,
    ],
  });
}

/** A new browsing context in French, in another time zone than Paris (to prove the console shows Paris time whatever the workstation). */
export async function openBrowsing(browser: Browser, problems: string[], options: { timeoutMs: number; acceptDownloads: boolean }): Promise<Browsing> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'America/Montreal',
    acceptDownloads: options.acceptDownloads,
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    problems.push(`external request: ${url.href}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The browser logs the API's expected refusals (401 before sign-in, 400 of a refused
    // import) as failed resources: those are answers, not faults.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { context, page };
}

/** Where screenshots go; `remove()` deletes a temporary folder (never VIGIE_SCREENSHOTS_DIR). */
export function screenshotFolder(): { shot(page: Page, name: string): Promise<void>; remove(): void } {
  const folder = resolve(process.env.VIGIE_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'vigie-screens-')));
  mkdirSync(folder, { recursive: true });
  return {
    async shot(page, name) {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
      await page.screenshot({ path: join(folder, `${name}.png`) });
    },
    remove() {
      if (!process.env.VIGIE_SCREENSHOTS_DIR) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Fills the sign-in form (login and password) and submits it. */
export async function submitSignIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByRole('heading', { name: 'Connexion' }).waitFor();
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}
