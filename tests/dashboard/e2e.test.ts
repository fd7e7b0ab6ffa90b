import type { Browser, Page } from 'playwright-core';
import { localWebhooks } from '../../shared/local/webhooks';
import type { TestStack } from '../helpers/stack';
import { startGenericRestSandbox, type GenericRestSandbox } from '../sandboxes/generic-rest';
import { startCatchHook, type CatchHook } from '../sandboxes/catch-hook';
import { api } from '../helpers/http';
import { restTarget } from '../flows/helpers';
import { accessibilityProblems, watchedPage, type WatchedPage } from './browser';
import { openDashboard, type DashboardSession } from './session';

const TOKEN = 'sandbox-token-0123456789';

/**
 * The dashboard end to end in Debian's chromium against a real local stack (the API, queues, workers and store
 * of `npm start`) on a free port, and a REST sandbox on loopback as the vendor. The steps build on each other,
 * in one page, as a newcomer would go. Each step requires exactly the console errors it provokes.
 */
describe('Dashboard in a browser', () => {
  let session: DashboardSession;
  let stack: TestStack;
  let sandbox: GenericRestSandbox;
  let hook: CatchHook;
  let browser: Browser;
  let w: WatchedPage;
  let page: Page;
  let integrationId: string;
  let brokenId: string;

  beforeAll(async () => {
    session = await openDashboard(localWebhooks());
    ({ stack, browser, page } = session);
    w = session;
    sandbox = await startGenericRestSandbox({ items: 57, auth: { kind: 'bearer', token: TOKEN } });
    hook = await startCatchHook();
  });
  afterAll(async () => {
    await session?.close();
    await sandbox?.close();
    await hook?.close();
  });
  afterEach(() => {
    w.errors.length = 0;
  });

  const main = () => page.getByRole('main');
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  const badge = (text: string) => main().locator('.badge', { hasText: text }).first();

  it('shows only the sign-in form before sign-in, refuses a wrong key, and signs in with the API key', async () => {
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
  });

  it('creates a custom API integration from the catalog form, tests it, syncs it and watches the run finish', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New integration' }).click();
    await page.getByRole('button', { name: 'Custom API', exact: true }).waitFor();
    await w.shot('02-catalog');
    await page.getByRole('button', { name: 'Custom API', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Orders API');
    await page.getByLabel('baseUrl').fill(sandbox.url);
    await page.getByRole('group', { name: 'auth' }).getByLabel('kind').selectOption('bearer');
    await page.getByLabel('token', { exact: true }).fill(TOKEN);
    expect(await page.getByLabel('token', { exact: true }).getAttribute('type')).toBe('password');
    await page.getByLabel('testPath').fill('/api/ping');
    await page.getByRole('button', { name: 'Add streams' }).click();
    const stream = page.getByRole('group', { name: 'streams 1' });
    await stream.getByLabel('name', { exact: true }).fill('items');
    await stream.getByLabel('path', { exact: true }).fill('/api/pages/items');
    await stream.getByLabel('recordsPath').fill('results');
    const paging = stream.getByRole('group', { name: 'pagination' });
    await paging.getByLabel('kind').selectOption('page');
    await paging.getByLabel('sizeParam').fill('per_page');
    await paging.getByLabel('size', { exact: true }).fill('10');
    await paging.getByLabel('hasMore').fill('has_more');
    await w.shot('03-create-form');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').getByText('Connection OK').waitFor();
    await w.shot('04-test-connection');
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await page.getByLabel('items').isChecked()).toBe(true);
    await page.getByLabel('Sync interval (minutes)').fill('30');
    await page.getByRole('button', { name: 'Save and start the first sync' }).click();

    // The run screen polls until the run ends.
    await page.waitForURL(/\/integrations\/[^/]+\/runs\/[^/]+$/);
    integrationId = new URL(page.url()).pathname.split('/')[2];
    await badge('succeeded').waitFor();
    await main().getByRole('row', { name: /items done 57 57/ }).waitFor();
    await w.shot('05-run');

    const stored = await stack.app.integrations.get(stack.tenantId, integrationId);
    expect([stored?.name, stored?.status, stored?.syncInterval, stored?.config.token]).toEqual(['Orders API', 'active', 30, expect.stringMatching(/^sb1\./)]);
    expect(sandbox.requests.filter((r) => r.path === '/api/pages/items').every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(w.errors).toEqual([]);
  });

  it('browses its records: pages, modifiedAfter, one record as JSON', async () => {
    await main().getByRole('link', { name: 'Data' }).click();
    const rows = main().locator('tbody tr');
    await main().getByRole('button', { name: 'itm_00001', exact: true }).waitFor();
    expect(await rows.count()).toBe(25);
    await main().getByRole('button', { name: 'Next page' }).click();
    await main().getByRole('button', { name: 'itm_00026', exact: true }).waitFor();
    await main().getByRole('button', { name: 'Next page' }).click();
    await main().getByRole('button', { name: 'itm_00057', exact: true }).waitFor();
    expect(await rows.count()).toBe(7);
    expect(await main().getByRole('button', { name: 'Next page' }).count()).toBe(0);

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await main().getByLabel('Modified after').fill(tomorrow);
    await main().getByText(`No records modified after ${tomorrow}.`).waitFor();
    await main().getByLabel('Modified after').fill('2020-01-01');
    await main().getByRole('button', { name: 'itm_00001', exact: true }).click();
    const json = main().getByLabel('JSON of record itm_00001');
    await json.waitFor();
    expect(JSON.parse(await json.innerText())).toMatchObject({ externalId: 'itm_00001', dataType: 'items', data: { email: 'item1@example.com' } });
    await w.shot('06-data');
    expect(w.errors).toEqual([]);
  });

  it("charts the day's metrics and sets up the webhook secret, shown once", async () => {
    await main().getByRole('link', { name: 'Metrics' }).click();
    const today = new Date().toISOString().slice(0, 10);
    const synced = main().getByRole('img', { name: /^Records synced/ });
    await synced.waitFor();
    expect(await synced.getAttribute('aria-label')).toContain(`${today} 57`);
    // Sync time per day comes from the run's durationMs, added to the daily metrics when the run closed.
    expect(await main().getByRole('img', { name: /^Sync time/ }).getAttribute('aria-label')).toMatch(new RegExp(`${today} [1-9]`));
    await w.shot('07-metrics');

    await main().getByRole('link', { name: 'Webhooks' }).click();
    await main().getByText(`/webhooks/generic/${integrationId}`).waitFor();
    await main().getByRole('button', { name: 'Generate secret' }).click();
    expect(await main().getByRole('status').locator('pre').innerText()).toMatch(/^whsec_/);
    await main().getByRole('button', { name: 'Rotate secret' }).waitFor();
    await w.shot('08-webhooks');
    expect(w.errors).toEqual([]);
  });

  it("shows a failing integration's error and what to do about it", async () => {
    const broken = await stack.svc.create(stack.tenantId, {
      name: 'Broken API',
      type: 'custom_api',
      config: { baseUrl: sandbox.url, auth: { kind: 'bearer' }, token: 'not-the-token', testPath: '/api/ping', streams: [{ name: 'items', path: '/api/pages/items', recordsPath: 'results' }] },
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await main().getByRole('link', { name: 'Broken API' }).click();
    await main().getByRole('button', { name: 'Sync now' }).click();
    await badge('failed').waitFor();
    await main().getByRole('alert').getByText(/401/).first().waitFor();
    await main().getByRole('link', { name: 'Summary' }).click();
    const lastError = main().getByRole('alert').filter({ hasText: 'Last error' });
    await lastError.getByText('The vendor refused the credentials').waitFor();
    await main().getByRole('button', { name: 'Test connection' }).click();
    await main().getByRole('status').getByText('Connection failed').waitFor();
    await w.shot('09-failing-integration');
    expect((await stack.app.integrations.get(stack.tenantId, broken.id))?.errorMessage).toMatch(/401/);
    brokenId = broken.id;
    // The overview shows it too, with the error under its name.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await main().getByRole('row', { name: /Broken API/ }).getByText(/401/).waitFor();
    await w.shot('10-overview');
    expect(w.errors).toEqual([]);
  });

  it('edits with a stale version and explains the conflict; a reload then saves, sending no secret', async () => {
    await page.goto(`${stack.url}/integrations/${integrationId}/edit`);
    await main().getByLabel('Name', { exact: true }).waitFor();
    expect(await main().getByLabel('token', { exact: true }).inputValue()).toBe('***');
    // Someone else saves meanwhile.
    await stack.svc.patch(stack.tenantId, integrationId, { name: 'Orders API (renamed elsewhere)' });
    await main().getByLabel('Sync interval (minutes)').fill('15');
    await main().getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = main().getByRole('alert').filter({ hasText: 'Edit conflict' });
    await conflict.getByText('Someone changed this integration after you opened it').waitFor();
    await w.shot('11-edit-conflict');
    expect((await stack.app.integrations.get(stack.tenantId, integrationId))?.syncInterval).toBe(30);
    expect(w.errors).toEqual([expect.stringContaining('status of 409')]);

    await main().getByRole('button', { name: 'Load the latest version' }).click();
    await main().getByRole('heading', { name: 'Orders API (renamed elsewhere)' }).waitFor();
    expect(await main().getByLabel('Name', { exact: true }).inputValue()).toBe('Orders API (renamed elsewhere)');
    const sent: string[] = [];
    page.on('request', (r) => r.method() === 'PATCH' && sent.push(r.postData() ?? ''));
    await main().getByLabel('Sync interval (minutes)').fill('15');
    await main().getByRole('button', { name: 'Save', exact: true }).click();
    await main().getByRole('status').getByText(/Saved as version/).waitFor();
    expect(sent.map((b) => JSON.parse(b))).toEqual([{ syncInterval: 15 }]);
    expect((await stack.app.integrations.get(stack.tenantId, integrationId))?.syncInterval).toBe(15);
  });

  it('adds a notification channel, shows its signing secret once and lists what it delivered', async () => {
    await nav('Notifications');
    await main().getByLabel('Kind').selectOption('webhook');
    await main().getByLabel('Webhook URL').fill(`${hook.url}/hooks/catch/1/notify/`);
    await main().getByLabel('Channel name').fill('Ops hook');
    expect(await main().getByLabel('run.failed').isChecked()).toBe(true);
    await main().getByRole('button', { name: 'Add channel' }).click();
    expect(await main().getByRole('status').locator('pre').innerText()).toMatch(/^\S{32,}$/);
    await main().getByRole('row', { name: /Ops hook/ }).waitFor();

    // A failing run is announced on it; the deliveries list shows it once the worker delivered.
    await stack.svc.requestSync((await stack.app.integrations.get(stack.tenantId, brokenId))!, {}, 'manual');
    const delivered = main().getByRole('row', { name: /run\.failed.*delivered/ });
    for (let i = 0; i < 50 && !(await delivered.count()); i++) {
      await main().getByRole('button', { name: 'Refresh deliveries' }).click();
      await page.waitForTimeout(200);
    }
    await delivered.first().waitFor();
    expect(hook.received.some((r) => r.path === '/hooks/catch/1/notify/' && r.body.event === 'run.failed')).toBe(true);
    await w.shot('12-notifications');
    expect(w.errors).toEqual([]);
  });

  it('creates a flow and previews its mapping on the synced records with a dry run that sends nothing', async () => {
    const hookId = await restTarget(api(stack.url!, stack.apiKey), hook.url);
    await nav('Flows');
    await main().getByRole('link', { name: 'New flow' }).first().click();
    await main().getByLabel('Flow name').fill('Items to the hook');
    await main().getByLabel('Source integration').selectOption(integrationId);
    await main().getByLabel('Source data type').fill('items');
    await main().getByLabel('Target integration').selectOption(hookId);
    await main().getByLabel('Target path').fill('/hooks/catch/1/items/');
    await main().getByLabel('Mapping').fill('email = ${email}\nname = ${name:uppercase}');
    await main().getByRole('button', { name: 'Create flow' }).click();
    await main().getByRole('heading', { name: 'Items to the hook' }).waitFor();
    await main().getByRole('button', { name: 'Preview mapping (dry run)' }).click();
    const preview = main().locator('section.panel');
    await preview.locator('.badge', { hasText: 'succeeded' }).waitFor();
    const first = preview.getByRole('row', { name: /itm_00001/ });
    expect(JSON.parse(await first.locator('pre').innerText())).toEqual({ email: 'item1@example.com', name: 'ITEM 1' });
    await main().getByRole('row', { name: /dry run/ }).first().waitFor();
    await w.shot('13-flow-preview');
    expect(hook.received.filter((r) => r.path === '/hooks/catch/1/items/')).toEqual([]);
    // The overview's activity feed (GET /api/activity) lists the flow's run beside the syncs, linking to the flow.
    await nav('Overview');
    const line = main().locator('ol.feed li').filter({ hasText: 'flow manual dry run' });
    await line.getByRole('link', { name: 'Items to the hook' }).click();
    await main().getByRole('heading', { name: 'Items to the hook' }).waitFor();
    expect(w.errors).toEqual([]);
  });

  it('has a screenshot check that catches a control named otherwise than it reads, and a field without a label', async () => {
    const probe = await browser.newPage();
    await probe.setContent(`<button aria-label="Delete everything">Save</button><button>Save</button><label>Name <input></label><input placeholder="unlabelled"><dialog><button aria-label="x">Hidden</button></dialog>`);
    expect(await accessibilityProblems(probe)).toEqual(['button "Save" is named "Delete everything"', 'input (textbox) has no label']);
    await probe.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await watchedPage(browser, { width: 390, height: 844 });
    await phone.page.goto(`${stack.url}/`);
    await phone.page.getByLabel('API key').fill(stack.apiKey);
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.getByRole('table').getByRole('link', { name: 'Orders API (renamed elsewhere)' }).waitFor();
    await phone.shot('14-phone-overview');
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(phone.errors).toEqual([]);
    await phone.page.close();
  });
});
