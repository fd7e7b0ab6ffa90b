import { startTestStack, type TestStack } from '../helpers/stack';
import { startOidcSandbox, type OidcSandbox } from '../sandboxes/oidc';
import { call, COGNITO_CLAIMS, withEnv } from './helpers';

/**
 * The user → tenant mapping managed by a tenant's admins over the API: PUT/GET/DELETE /api/users, scoped to the
 * tenant, closed to viewers, and what a mapped person's token can then do.
 */
describe('people of a tenant (/api/users)', () => {
  let idp: OidcSandbox;
  let stack: TestStack;
  let restore: () => void;
  let other: { tenantId: string; apiKey: string };
  const as = (token: string | undefined, method: string, path: string, body?: unknown) => call(stack.url!, token, method, path, body);
  const dev = (tenantId: string, role: string) => as(undefined, 'POST', '/api/auth/dev', { tenantId, role }).then((r) => r.body.token as string);

  beforeAll(async () => {
    idp = await startOidcSandbox();
    restore = withEnv({ OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: idp.clientId, ...COGNITO_CLAIMS });
    stack = await startTestStack({ port: 0 });
    other = await stack.app.tenants.createTenant('other');
  });
  afterAll(async () => {
    await stack.close();
    await idp.close();
    restore();
  });

  it("maps a person with a role (201, then 200 on a change), and their provider token signs in with it", async () => {
    const token = await idp.idToken({ sub: 'u-1', email: 'ann@example.com' });
    expect((await as(token, 'GET', '/api/auth/me')).body.error.code).toBe('no_tenant');

    const created = await as(stack.apiKey, 'PUT', `/api/users/${encodeURIComponent('ann@example.com')}`, { role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ subject: 'ann@example.com', issuer: idp.issuer, role: 'viewer', createdAt: expect.any(String) });
    expect((await as(token, 'GET', '/api/auth/me')).body).toEqual({ tenantId: stack.tenantId, role: 'viewer', via: 'sso', user: 'ann@example.com' });
    expect((await as(token, 'POST', '/api/keys', {})).body.error.code).toBe('read_only_role');

    const changed = await as(stack.apiKey, 'PUT', '/api/users/ann@example.com', { role: 'admin' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ role: 'admin', createdAt: created.body.createdAt, updatedAt: expect.any(String) });
    expect((await as(token, 'GET', '/api/auth/me')).body.role).toBe('admin');
    // The person, now an admin of the tenant, manages its people too (through /sso/api, as the dashboard does).
    const listed = await as(token, 'GET', '/sso/api/users');
    expect(listed.body.users.map((u: { subject: string; role: string }) => [u.subject, u.role])).toEqual([['ann@example.com', 'admin']]);
  });

  it("keeps each tenant's people to itself: invisible, not removable, not taken over", async () => {
    await as(stack.apiKey, 'PUT', '/api/users/bo@example.com', { role: 'admin' });
    expect((await as(other.apiKey, 'GET', '/api/users')).body).toEqual({ users: [] });
    const removed = await as(other.apiKey, 'DELETE', '/api/users/bo@example.com');
    expect([removed.status, removed.body.error.code]).toEqual([404, 'user_not_found']);
    const taken = await as(other.apiKey, 'PUT', '/api/users/bo@example.com', { role: 'admin' });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'user_in_other_tenant']);
    // The refused take-over left nothing behind in the other tenant, and the person still signs in where they were.
    expect((await as(other.apiKey, 'GET', '/api/users')).body).toEqual({ users: [] });
    const bo = await idp.idToken({ sub: 'u-2', email: 'bo@example.com' });
    expect((await as(bo, 'GET', '/api/auth/me')).body).toMatchObject({ tenantId: stack.tenantId, role: 'admin' });
  });

  it('refuses viewers, even the list, and bad input', async () => {
    const viewer = await dev(stack.tenantId, 'viewer');
    const list = await as(viewer, 'GET', '/api/users');
    expect([list.status, list.body.error.code]).toEqual([403, 'admin_role_required']);
    const put = await as(viewer, 'PUT', '/api/users/cy@example.com', { role: 'admin' });
    expect([put.status, put.body.error.code]).toEqual([403, 'read_only_role']);
    const del = await as(viewer, 'DELETE', '/api/users/bo@example.com');
    expect([del.status, del.body.error.code]).toEqual([403, 'read_only_role']);
    expect((await as(await dev(stack.tenantId, 'admin'), 'GET', '/api/users')).status).toBe(200);

    const bad = await as(stack.apiKey, 'PUT', '/api/users/cy@example.com', { role: 'owner' });
    expect([bad.status, bad.body.error.code, bad.body.error.details[0].path]).toEqual([400, 'validation_error', 'body.role']);
    expect((await as(stack.apiKey, 'PUT', `/api/users/${'x'.repeat(129)}`, { role: 'admin' })).status).toBe(404);
  });

  it("removes a person: their next request is refused, and they are gone from the list", async () => {
    const bo = await idp.idToken({ sub: 'u-2', email: 'bo@example.com' });
    expect((await as(stack.apiKey, 'DELETE', '/api/users/bo@example.com')).status).toBe(204);
    const after = await as(bo, 'GET', '/api/integrations');
    expect([after.status, after.body.error.code]).toEqual([403, 'no_tenant']);
    expect((await as(stack.apiKey, 'GET', '/api/users')).body.users.map((u: { subject: string }) => u.subject)).toEqual(['ann@example.com']);
    // Free again: another tenant may take them now.
    expect((await as(other.apiKey, 'PUT', '/api/users/bo@example.com', { role: 'viewer' })).status).toBe(201);
    expect((await as(bo, 'GET', '/api/auth/me')).body).toMatchObject({ tenantId: other.tenantId, role: 'viewer' });
  });
});

describe('people of a tenant without a sign-in provider', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
  });
  afterAll(() => stack.close());

  it('says there is no provider to map people for, and lists no one', async () => {
    const put = await call(stack.url!, stack.apiKey, 'PUT', '/api/users/ann@example.com', { role: 'admin' });
    expect([put.status, put.body.error.code]).toEqual([409, 'sso_not_configured']);
    expect((await call(stack.url!, stack.apiKey, 'GET', '/api/users')).body).toEqual({ users: [] });
    expect((await call(stack.url!, undefined, 'GET', '/api/auth/config')).body).toEqual({ sso: null, devSignIn: true });
    const token = await call(stack.url!, undefined, 'POST', '/api/auth/token', { code: 'c', codeVerifier: 'v'.repeat(43), redirectUri: 'http://127.0.0.1/auth/callback' });
    expect([token.status, token.body.error.code]).toEqual([409, 'sso_not_configured']);
  });
});
