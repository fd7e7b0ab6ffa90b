import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where each screen's screenshot goes (git-ignored): test artifacts, two of them copied into resources/docs. */
export const SCREENSHOTS = join(__dirname, '..', 'screenshots');

/** Debian's chromium, headless; playwright-core downloads nothing. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
  shot(name: string): Promise<void>;
}

/**
 * A page whose console errors and uncaught exceptions are collected (Chromium also reports an HTTP error
 * answer to fetch() as a console error, "Failed to load resource: … 409"), so a test can require exactly the
 * ones it provoked.
 */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return { page, errors, shot: async (name) => void (await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })) };
}
