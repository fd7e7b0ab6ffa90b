import type { Page } from 'playwright-core';
import type { TestStack } from '../helpers/stack';
import { openDashboard, type DashboardSession } from './session';

/**
 * People's sign-in and the API keys screen in Debian's chromium against a local stack: the developer sign-in
 * (the local stand-in for the IdP) as admin and as viewer, a key created (shown once) and revoked.
 */
describe('Dashboard sign-in and API keys in a browser', () => {
  let w: DashboardSession;
  let stack: TestStack;
  let page: Page;

  beforeAll(async () => {
    w = await openDashboard();
    ({ stack, page } = w);
  });
  afterAll(() => w?.close());
  afterEach(() => {
    w.errors.length = 0;
  });

  const main = () => page.getByRole('main');
  const devSignIn = async (role: 'admin' | 'viewer') => {
    await page.goto(`${stack.url}/`);
    await page.getByLabel('Tenant id').fill(stack.tenantId);
    await page.getByLabel('Role').selectOption(role);
    await page.getByRole('button', { name: 'Developer sign-in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  };

  it('signs a developer in as admin, who creates a key (shown once) and revokes it', async () => {
    await page.goto(`${stack.url}/`);
    await page.getByLabel('Tenant id').fill('no-such-tenant');
    await page.getByRole('button', { name: 'Developer sign-in' }).click();
    await page.getByRole('alert').getByText('tenant_not_found').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await w.shot('13-dev-sign-in');
    expect(w.errors).toEqual([expect.stringContaining('status of 404')]);
    w.errors.length = 0;

    await devSignIn('admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await main().getByRole('row', { name: /default/ }).waitFor();
    await main().getByLabel('Key name').fill('nightly export');
    await main().getByRole('button', { name: 'Create key' }).click();
    const key = (await main().getByRole('status').locator('pre').innerText()).trim();
    expect(key).toMatch(/^sb_/);
    const row = main().getByRole('row', { name: /nightly export/ });
    await row.waitFor();
    expect(await main().locator('table').innerText()).not.toContain(key);
    await w.shot('14-api-keys');
    const me = await fetch(`${stack.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await me.json()) as { tenantId: string }).tenantId).toBe(stack.tenantId);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke nightly export now' }).click();
    await main().getByRole('row', { name: /nightly export/ }).waitFor({ state: 'detached' });
    expect((await fetch(`${stack.url}/api/integrations`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect(w.errors).toEqual([]);
  });

  it('signs a viewer in, who sees the keys but may not create one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await devSignIn('viewer');
    await page.goto(`${stack.url}/keys`);
    await main().getByRole('row', { name: /default/ }).waitFor();
    await main().getByRole('button', { name: 'Create key' }).click();
    await main().getByRole('alert').getByText('read_only_role').waitFor();
    expect((await stack.app.tenants.listApiKeys(stack.tenantId)).map((k) => k.name)).toEqual(['default']);
    expect(w.errors).toEqual([expect.stringContaining('status of 403')]);
  });
});
