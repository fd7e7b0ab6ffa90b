import { UserStore } from '../../shared/store/users';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startOidcSandbox, type OidcSandbox } from '../sandboxes/oidc';
import { call, COGNITO_CLAIMS, withEnv } from './helpers';

/**
 * Sign-in for people on the local stack: tokens of an OIDC provider (a Cognito-shaped sandbox on loopback) verified
 * by our own code (issuer, audience, expiry, pinned algorithm, the provider's keys), tenant and role from the
 * configured claims or the user → tenant mapping, and the dev sign-in of the local stack.
 */
describe('sign-in with an OIDC provider', () => {
  let idp: OidcSandbox;
  let stack: TestStack;
  let restore: () => void;
  const get = (token: string | undefined, path = '/api/integrations') => call(stack.url!, token, 'GET', path);

  beforeAll(async () => {
    idp = await startOidcSandbox();
    restore = withEnv({ OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: idp.clientId, ...COGNITO_CLAIMS });
    stack = await startTestStack({ port: 0 });
  });
  afterAll(async () => {
    await stack.close();
    await idp.close();
    restore();
  });

  it("accepts the provider's ID token: tenant and role from the configured claims", async () => {
    const token = await idp.idToken({ sub: 'u-1', email: 'ann@example.com', 'custom:tenant': stack.tenantId, 'cognito:groups': ['sales', 'admin'] });
    const me = await get(token, '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ tenantId: stack.tenantId, role: 'admin', via: 'sso', user: 'ann@example.com' });
    expect((await get(token)).status).toBe(200);
    // An access token has no aud: API Gateway's JWT authorizer (and we) match its client_id instead.
    const access = await idp.idToken({ sub: 'u-1', token_use: 'access', client_id: idp.clientId, aud: undefined, 'custom:tenant': stack.tenantId });
    expect((await get(access, '/api/auth/me')).body).toMatchObject({ role: 'viewer', via: 'sso' });
  });

  it.each([
    ['another issuer', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }, {}],
    ['another audience', { aud: 'someone-elses-client' }, {}],
    ['an expired token', {}, { expiresIn: -120 }],
    ['a key the provider does not hold', {}, { key: 'stranger' as const }],
    ['another key under the provider key id', {}, { key: 'stranger' as const, kid: 'current' }],
  ])('refuses %s with 401 invalid_token', async (_what, claims, opts) => {
    const kid = (opts as { kid?: string }).kid === 'current' ? JSON.parse(Buffer.from((await idp.idToken({})).split('.')[0], 'base64url').toString()).kid : undefined;
    const token = await idp.idToken({ sub: 'u-2', 'custom:tenant': stack.tenantId, 'cognito:groups': ['admin'], ...claims }, { ...opts, ...(kid ? { kid } : {}) });
    const res = await get(token);
    expect([res.status, res.body.error.code]).toEqual([401, 'invalid_token']);
  });

  it("refuses alg none and an HMAC token keyed with the provider's public key", async () => {
    const good = await idp.idToken({ sub: 'u-3', 'custom:tenant': stack.tenantId, 'cognito:groups': ['admin'] });
    const [, payload] = good.split('.');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    // "none": an empty signature part; a third part that is not empty, for our shape check, is refused all the same.
    for (const sig of ['', 'AA']) {
      const res = await get(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${sig}`);
      expect([res.status, res.body.error.code]).toEqual([401, sig ? 'invalid_token' : 'invalid_api_key']);
    }
    const { createHmac } = await import('node:crypto');
    const jwks = (await (await fetch(`${idp.issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; n: string }> };
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: jwks.keys[0].kid });
    const forged = `${header}.${payload}.${createHmac('sha256', jwks.keys[0].n).update(`${header}.${payload}`).digest('base64url')}`;
    const res = await get(forged);
    expect([res.status, res.body.error.code]).toEqual([401, 'invalid_token']);
  });

  it('maps a user without the tenant claim through the user → tenant mapping, else answers 403 no_tenant', async () => {
    const token = await idp.idToken({ sub: 'u-5', email: 'bo@example.com' });
    const before = await get(token);
    expect([before.status, before.body.error.code]).toEqual([403, 'no_tenant']);
    await new UserStore(stack.app.db).put({ issuer: idp.issuer, user: 'bo@example.com', tenantId: stack.tenantId, role: 'viewer' });
    expect((await get(token, '/api/auth/me')).body).toEqual({ tenantId: stack.tenantId, role: 'viewer', via: 'sso', user: 'bo@example.com' });
    // The mapping is per issuer: the same email asserted by another provider maps to nothing.
    expect((await new UserStore(stack.app.db).get('https://other.example.com', 'bo@example.com'))).toBeUndefined();
  });

  it("publishes the provider in the OpenAPI document's security schemes, and the document still validates", async () => {
    const doc = (await call(stack.url!, undefined, 'GET', '/api/openapi.json')).body;
    expect(doc.components.securitySchemes.signIn).toMatchObject({ type: 'openIdConnect', openIdConnectUrl: `${idp.issuer}/.well-known/openid-configuration` });
    const { validate, compileErrors } = await import('@readme/openapi-parser');
    const result = await validate(doc);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('serves the same API under /sso/api to sign-in tokens only (the routes behind the JWT authorizer in AWS)', async () => {
    const token = await idp.idToken({ sub: 'u-6', 'custom:tenant': stack.tenantId, 'cognito:groups': ['admin'] });
    expect((await get(token, '/sso/api/integrations')).status).toBe(200);
    const withKey = await get(stack.apiKey, '/sso/api/integrations');
    expect([withKey.status, withKey.body.error.code]).toEqual([401, 'invalid_token']);
    expect((await get(stack.apiKey, '/api/integrations')).status).toBe(200);
  });
});

describe('dev sign-in (local stack)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
  });
  afterAll(() => stack.close());

  it('issues a token of the same kind for a tenant of the folder, with the role asked for', async () => {
    const admin = await call(stack.url!, undefined, 'POST', '/api/auth/dev', { tenantId: stack.tenantId });
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ tokenType: 'Bearer', tenantId: stack.tenantId, role: 'admin' });
    const [header, payload] = (admin.body.token as string).split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({ tenant: stack.tenantId, role: 'admin', aud: 'switchboard-local' });
    expect(payload.exp).toBeGreaterThan(payload.iat);
    expect((await call(stack.url!, admin.body.token, 'GET', '/api/auth/me')).body).toMatchObject({ tenantId: stack.tenantId, role: 'admin', via: 'sso' });

    const viewer = await call(stack.url!, undefined, 'POST', '/api/auth/dev', { tenantId: stack.tenantId, role: 'viewer' });
    const created = await call(stack.url!, viewer.body.token, 'POST', '/api/keys', { name: 'x' });
    expect([created.status, created.body.error.code]).toEqual([403, 'read_only_role']);
  });

  it('refuses an unknown tenant and a bad role', async () => {
    const unknown = await call(stack.url!, undefined, 'POST', '/api/auth/dev', { tenantId: 'nope' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'tenant_not_found']);
    const bad = await call(stack.url!, undefined, 'POST', '/api/auth/dev', { tenantId: stack.tenantId, role: 'owner' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_error']);
  });
});
