import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard';
import type { LocalStackOptions } from '../../shared/local/stack';
import { startTestStack, type TestStack } from '../helpers/stack';
import { launchChromium, watchedPage, type WatchedPage } from './browser';

export interface DashboardSession extends WatchedPage {
  stack: TestStack;
  browser: Browser;
  close(): Promise<void>;
}

/** A freshly built dashboard served by a test stack, and one watched chromium page at 1280 px. */
export async function openDashboard(opts: Partial<LocalStackOptions> = {}): Promise<DashboardSession> {
  const dir = await buildDashboard(mkdtempSync(join(tmpdir(), 'sb-dashboard-')));
  const stack = await startTestStack({ port: 0, dashboardDir: dir, ...opts });
  const browser = await launchChromium();
  const w = await watchedPage(browser);
  w.page.setDefaultTimeout(15_000);
  return {
    ...w,
    stack,
    browser,
    async close() {
      await browser.close();
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
