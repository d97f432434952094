/**
 * A real headless browser for the HTML reports: Debian's chromium driven by playwright-core, a fresh profile in a
 * temp folder, nothing from the network. `openReport` loads a file:// page and tells what a person would see and
 * what went wrong: console errors, page errors, dialogs (a script injected through device text would show one),
 * and any request other than the file itself (the page must be self-contained).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../src/docs/chromium.js';

export { CHROMIUM, CHROMIUM_ARGS } from '../../src/docs/chromium.js';

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'certagent-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedReport {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

export async function openReport(browser: Browser, path: string): Promise<OpenedReport> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(path).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  return { page, problems, requests };
}

/** What a secrets scan must never find in a report: the given values, private keys, typed IOS secrets. */
export function secretsIn(text: string, values: readonly string[]): string[] {
  const found = values.filter((v) => v.length >= 3 && text.includes(v));
  for (const pattern of [/PRIVATE KEY-----/, /\b(?:secret|password) [0-9] \S+/i, /[A-Za-z0-9._-]+:[^\s@:]{3,}@[A-Za-z0-9.-]+\.[a-z]{2,}/]) {
    const m = pattern.exec(text);
    if (m) found.push(m[0]);
  }
  return found;
}
