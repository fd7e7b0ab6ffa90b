import type { Page, Request } from 'playwright-core';
import { UserStore } from '../../shared/store/users';
import { COGNITO_CLAIMS, withEnv } from '../auth/helpers';
import type { TestStack } from '../helpers/stack';
import { startOidcSandbox, type OidcSandbox } from '../sandboxes/oidc';
import { openDashboard, type DashboardSession } from './session';

/**
 * "Sign in with SSO" in Debian's chromium: the authorization-code flow with PKCE from the dashboard to a
 * Cognito-shaped IdP on loopback (discovery, hosted sign-in page, token endpoint) and back, against a local stack
 * configured with that issuer; the signed-in dashboard then calls the API under /sso/api.
 */
describe('Dashboard SSO sign-in in a browser', () => {
  let idp: OidcSandbox;
  let restore: () => void;
  let w: DashboardSession;
  let stack: TestStack;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    idp = await startOidcSandbox();
    restore = withEnv({ OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: idp.clientId, ...COGNITO_CLAIMS });
    w = await openDashboard();
    ({ stack, page } = w);
    idp.allowCallback(`${stack.url}/auth/callback`);
    // Ann's tenant and role are claims of her token; Vic's token has neither and is mapped by email.
    idp.addUser('ann', { sub: 'u-ann', email: 'ann@example.com', 'custom:tenant': stack.tenantId, 'cognito:groups': ['admin'] });
    idp.addUser('vic', { sub: 'u-vic', email: 'vic@example.com' });
    await new UserStore(stack.app.db).put({ issuer: idp.issuer, user: 'vic@example.com', tenantId: stack.tenantId, role: 'viewer' });
    page.on('request', (r: Request) => requests.push(`${r.method()} ${new URL(r.url()).origin === stack.url ? new URL(r.url()).pathname : r.url().split('?')[0]}`));
  });
  afterAll(async () => {
    await w?.close();
    await idp?.close();
    restore?.();
  });
  afterEach(() => {
    w.errors.length = 0;
  });

  const nav = () => page.getByRole('navigation', { name: 'Main' });
  /** "Sign in with SSO", and `username` on the provider's sign-in page. */
  const throughProvider = async (username: string) => {
    await page.goto(`${stack.url}/`);
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByLabel('Username').fill(username);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const signInAs = async (username: string) => {
    await throughProvider(username);
    await nav().waitFor();
  };

  it('shows the sign-in hint as written, and the SSO button the config route asks for', async () => {
    await page.goto(`${stack.url}/`);
    await expect(page.getByText('npx switchboard tenants create <name> --json').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Sign in with SSO' }).waitFor();
    await w.shot('15-sso-sign-in');
    expect(w.errors).toEqual([]);
  });

  it('signs a person in through the provider (PKCE, state, nonce) and calls the API under /sso/api', async () => {
    requests.length = 0;
    await signInAs('ann');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain('code=');
    await page.getByRole('main').getByRole('heading', { level: 1 }).first().waitFor();
    const authorize = requests.find((r) => r.includes('/oauth2/authorize'));
    expect(authorize).toBeDefined();
    // The code went to our API, with the verifier whose S256 challenge the provider saw; never to the provider from the page.
    expect(requests).toContain('POST /api/auth/token');
    expect(requests.some((r) => r.startsWith('POST http') && r.includes('/oauth2/token'))).toBe(false);
    expect(idp.tokenRequests.at(-1)).toMatchObject({ grant_type: 'authorization_code', client_id: idp.clientId, redirect_uri: `${stack.url}/auth/callback` });
    // (The sign-in page's own GET /api/auth/config may go out after the exchange: child effects run first.)
    const after = requests.slice(requests.indexOf('POST /api/auth/token') + 1).filter((r) => r.includes('/api/') && r !== 'GET /api/auth/config');
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.startsWith('GET /sso/api/'))).toBe(true);
    const token = await page.evaluate<string>("sessionStorage.getItem('switchboard.apiKey')");
    const me = await (await fetch(`${stack.url}/sso/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(me).toEqual({ tenantId: stack.tenantId, role: 'admin', via: 'sso', user: 'ann@example.com' });
    await w.shot('16-sso-signed-in');
    expect(w.errors).toEqual([]);
  });

  it('signs in a person mapped by email as a viewer, who may not change anything', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs('vic');
    await nav().getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('main').getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('main').getByRole('alert').getByText('read_only_role').waitFor();
    expect(w.errors).toEqual([expect.stringContaining('status of 403')]);
  });

  it('refuses an answer this tab did not ask for (state), and shows what the provider refused', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const exchanges = idp.tokenRequests.length;
    await page.goto(`${stack.url}/auth/callback?code=stolen-code&state=forged`);
    await page.getByRole('alert').getByText('state_mismatch').waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await nav().count()).toBe(0);
    expect(idp.tokenRequests.length).toBe(exchanges);

    await page.goto(`${stack.url}/auth/callback?error=access_denied&error_description=User+is+not+enabled&state=x`);
    await page.getByRole('alert').getByText('User is not enabled').waitFor();
    expect(await nav().count()).toBe(0);
    expect(w.errors).toEqual([]);
  });

  it('refuses an ID token that does not carry the nonce this sign-in sent', async () => {
    // A token minted for another sign-in (a replayed one), as if the exchange had answered it.
    await page.route('**/api/auth/token', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), nonce: 'from-another-sign-in' } });
    });
    try {
      await throughProvider('ann');
      await page.getByRole('alert').getByText('nonce_mismatch').waitFor();
      expect(await nav().count()).toBe(0);
      expect(await page.evaluate("sessionStorage.getItem('switchboard.apiKey')")).toBeNull();
    } finally {
      await page.unroute('**/api/auth/token');
    }
  });

  it('ends the session when the API refuses the token (expired, or no longer valid), and says why', async () => {
    await signInAs('ann');
    // A signature that no longer verifies stands for any token the API now refuses with 401.
    await page.evaluate("sessionStorage.setItem('switchboard.apiKey', sessionStorage.getItem('switchboard.apiKey').slice(0, -6) + 'AAAAAA')");
    await nav().getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('alert').filter({ hasText: 'You were signed out' }).getByText('invalid_token').waitFor();
    expect(await nav().count()).toBe(0);
    expect(await page.evaluate("sessionStorage.getItem('switchboard.apiKey')")).toBeNull();
    expect(w.errors).toEqual([expect.stringContaining('status of 401')]);
  });
});
