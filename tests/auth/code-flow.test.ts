import { createHash, randomBytes } from 'node:crypto';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startOidcSandbox, type OidcSandbox } from '../sandboxes/oidc';
import { call, COGNITO_CLAIMS, withEnv } from './helpers';

/**
 * The authorization-code flow with PKCE at the API's end (the browser's end is tests/dashboard/sso.test.ts):
 * GET /api/auth/config names the provider, POST /api/auth/token exchanges a code the Cognito-shaped sandbox issued
 * at its token endpoint and hands back the verified ID token with its nonce.
 */
describe('SSO code exchange (/api/auth/config, /api/auth/token)', () => {
  let idp: OidcSandbox;
  let stack: TestStack;
  let restore: () => void;
  let redirectUri: string;

  beforeAll(async () => {
    idp = await startOidcSandbox();
    restore = withEnv({ OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: idp.clientId, ...COGNITO_CLAIMS });
    stack = await startTestStack({ port: 0 });
    redirectUri = `${stack.url}/auth/callback`;
    idp.allowCallback(redirectUri);
    idp.addUser('ann', { sub: 'u-1', email: 'ann@example.com', 'custom:tenant': stack.tenantId, 'cognito:groups': ['admin'] });
  });
  afterAll(async () => {
    await stack.close();
    await idp.close();
    restore();
  });

  /** What the browser does: authorize (PKCE S256, state, nonce), sign in as `username`, and the code it comes back with. */
  async function codeFor(username: string, verifier: string, nonce = 'n-' + randomBytes(8).toString('hex')) {
    const { sso } = (await call(stack.url!, undefined, 'GET', '/api/auth/config')).body;
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: sso.clientId,
      redirect_uri: redirectUri,
      scope: sso.scope,
      state: 'st-1',
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const toLogin = await fetch(`${sso.authorizationEndpoint}?${q}`, { redirect: 'manual' });
    const login = new URL(toLogin.headers.get('location')!, sso.authorizationEndpoint);
    const back = await fetch(login, { method: 'POST', body: new URLSearchParams({ username }), redirect: 'manual' });
    const to = new URL(back.headers.get('location')!);
    expect([to.origin + to.pathname, to.searchParams.get('state')]).toEqual([redirectUri, 'st-1']);
    return { code: to.searchParams.get('code')!, nonce };
  }
  const exchange = (body: unknown) => call(stack.url!, undefined, 'POST', '/api/auth/token', body);

  it('publishes the provider, the client id and the authorize endpoint from discovery, nothing secret', async () => {
    const res = await call(stack.url!, undefined, 'GET', '/api/auth/config');
    expect(res.body).toEqual({ sso: { issuer: idp.issuer, clientId: idp.clientId, authorizationEndpoint: `${new URL(idp.issuer).origin}/oauth2/authorize`, scope: 'openid email' }, devSignIn: true });
  });

  it('exchanges a code with its verifier for the verified ID token and its nonce, once', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const { code, nonce } = await codeFor('ann', verifier);
    const res = await exchange({ code, codeVerifier: verifier, redirectUri });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ idToken: expect.any(String), tokenType: 'Bearer', expiresAt: expect.any(String), nonce });
    expect(idp.tokenRequests.at(-1)).toEqual({ grant_type: 'authorization_code', client_id: idp.clientId, code, code_verifier: verifier, redirect_uri: redirectUri });
    // The token is a person's: the API under /sso/api (the JWT authorizer's twins in AWS) takes it.
    expect((await call(stack.url!, res.body.idToken, 'GET', '/sso/api/auth/me')).body).toEqual({ tenantId: stack.tenantId, role: 'admin', via: 'sso', user: 'ann@example.com' });

    const again = await exchange({ code, codeVerifier: verifier, redirectUri });
    expect([again.status, again.body.error.code]).toEqual([400, 'invalid_grant']);
  });

  it('refuses a code with another verifier (a stolen code), and a malformed verifier before asking the provider', async () => {
    const { code } = await codeFor('ann', randomBytes(32).toString('base64url'));
    const stolen = await exchange({ code, codeVerifier: randomBytes(32).toString('base64url'), redirectUri });
    expect([stolen.status, stolen.body.error.code]).toEqual([400, 'invalid_grant']);
    const asked = idp.tokenRequests.length;
    const bad = await exchange({ code, codeVerifier: 'short', redirectUri });
    expect([bad.status, bad.body.error.code, bad.body.error.details[0].path]).toEqual([400, 'validation_error', 'body.codeVerifier']);
    expect(idp.tokenRequests.length).toBe(asked);
  });

  it("answers the provider refusing our client as our fault (a 500, the reason in the log), not the caller's", async () => {
    const restoreAud = withEnv({ OIDC_AUDIENCE: 'not-the-client' });
    const other = await startTestStack({ port: 0 });
    try {
      const res = await call(other.url!, undefined, 'POST', '/api/auth/token', { code: 'x', codeVerifier: randomBytes(32).toString('base64url'), redirectUri });
      expect([res.status, res.body.error.code]).toEqual([500, 'internal_error']);
      expect(other.logs.join('\n')).toContain('refused to exchange the code (invalid_client)');
    } finally {
      await other.close();
      restoreAud();
    }
  });
});
