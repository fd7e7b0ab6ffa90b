import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard';
import { startTestStack, type TestStack } from '../helpers/stack';
import { localWebhooks } from '../../shared/local/webhooks';
import { launchChromium, watchedPage, type WatchedPage } from './browser';

/**
 * The dashboard end to end in Debian's chromium against a real local stack (the API, queues, workers and
 * store of `npm start`) on a free port.
 */
describe('Dashboard in a browser', () => {
  let dir: string;
  let stack: TestStack;
  let browser: Browser;
  let w: WatchedPage;

  beforeAll(async () => {
    dir = await buildDashboard(mkdtempSync(join(tmpdir(), 'sb-dashboard-')));
    stack = await startTestStack({ port: 0, dashboardDir: dir, ...localWebhooks() });
    browser = await launchChromium();
    w = await watchedPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows only the sign-in form before sign-in, refuses a wrong key, and signs in with the API key', async () => {
    const { page } = w;
    await page.goto(`${stack.url}/`);
    await page.getByLabel('API key').fill('sb_wrong_key_123456');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('invalid_api_key').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await w.shot('01-sign-in');
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    await page.getByText('No integrations yet.').waitFor();
    // The wrong key's 401, which Chromium logs, and nothing else.
    expect(w.errors).toEqual([expect.stringContaining('status of 401')]);
    w.errors.length = 0;
  });
});
