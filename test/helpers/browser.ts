/**
 * A real browser for the report's tests: Debian's chromium (/usr/bin/chromium, installed by .ci/run)
 * driven headless by puppeteer-core, which downloads no browser. When chromium is missing the tests
 * skip and say why (CHROMIUM_MISSING).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';

export const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)`;
}

export async function launch(): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const puppeteer = require('puppeteer-core') as typeof import('puppeteer-core');
  // A profile of its own: several test files may run browsers at once.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    // --no-sandbox: tests run as root in CI, where chromium refuses its sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', '--font-render-hinting=none'],
    protocolTimeout: 120_000,
  });
  profiles.set(browser, profile);
  return browser;
}

const profiles = new WeakMap<Browser, string>();

/** Closes the browser and removes its profile (chromium may still be writing into it for a moment). */
export async function closeBrowser(browser: Browser): Promise<void> {
  await browser.close().catch(() => undefined);
  const profile = profiles.get(browser);
  if (profile !== undefined) {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch {
      // a leftover profile in the temp directory is not a test failure
    }
  }
}

export interface OpenedReport {
  page: Page;
  /** Console errors and page errors, in order. */
  errors: string[];
  /** Every URL the page asked for besides the report itself. */
  requests: string[];
}

/** Opens an HTML report file and waits until it says it is drawn (body[data-ready]). */
export async function openReport(browser: Browser, file: string, viewport = { width: 1400, height: 900 }): Promise<OpenedReport> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const errors: string[] = [];
  const requests: string[] = [];
  const self = `file://${path.resolve(file)}`;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${(e as Error).message ?? String(e)}`));
  page.on('request', (r) => {
    if (r.url() !== self) requests.push(r.url());
  });
  await page.goto(self, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  return { page, errors, requests };
}
