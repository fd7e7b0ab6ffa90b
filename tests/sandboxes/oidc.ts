import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { jsonSender, readBody, startServer, urlOf } from './kit';

// Cognito answers its discovery document and key set as application/json;charset=UTF-8.
const send = jsonSender('application/json;charset=UTF-8');

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>> & { kid: string; jwk: JWK };

/**
 * An OIDC provider as Amazon Cognito user pools publish one: the issuer is `https://cognito-idp.<region>.amazonaws.com/<pool id>`
 * (here the sandbox's URL plus a pool id path), `<issuer>/.well-known/openid-configuration` names `jwks_uri`
 * (`<issuer>/.well-known/jwks.json`), whose keys are RSA `{ alg: RS256, e, kid, kty: RSA, n, use: sig }`. ID tokens
 * carry `aud` = the app client id, `token_use: "id"`, `cognito:username`, `email` and custom attributes as
 * `custom:<name>`; access tokens carry `client_id` and no `aud`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 */
export interface OidcSandbox {
  issuer: string;
  clientId: string;
  close(): Promise<void>;
  /** An ID token for the claims given (defaults: aud = clientId, exp in an hour), signed with the current key. */
  idToken(claims: JWTPayload, opts?: { key?: 'current' | 'stranger'; kid?: string; expiresIn?: number }): Promise<string>;
  /** A new signing key; the key set lists both until `retire`. */
  rotate(): Promise<void>;
  /** Requests the sandbox answered, by path. */
  requests: string[];
  /** A person of the hosted sign-in page: their username and the claims of their ID token. */
  addUser(username: string, claims: JWTPayload): void;
  /** Registers an app client callback URL (Cognito's "Allowed callback URLs"): nothing else is redirected to. */
  allowCallback(url: string): void;
  /** The token endpoint's requests, as form fields. */
  tokenRequests: Record<string, string>[];
}

/** An authorization code waiting for its exchange (Cognito: single use, 5 minutes). */
interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  nonce?: string;
  claims: JWTPayload;
}

async function keyPair(): Promise<KeyPair> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const kid = `k${Math.random().toString(36).slice(2, 10)}`;
  const { n, e, kty } = await exportJWK(pair.publicKey);
  return { ...pair, kid, jwk: { alg: 'RS256', e, kid, kty, n, use: 'sig' } };
}

export async function startOidcSandbox(): Promise<OidcSandbox> {
  const pool = 'us-east-1_Sandbox1';
  const clientId = '4f2ph1ogq2kr9sandbox';
  let keys = [await keyPair()];
  const stranger = await keyPair();
  const requests: string[] = [];
  let issuer = '';
  const users = new Map<string, JWTPayload>();
  const callbacks = new Set<string>();
  const codes = new Map<string, PendingCode>();
  const tokenRequests: Record<string, string>[] = [];
  const sign = async (claims: JWTPayload, opts: { key?: 'current' | 'stranger'; kid?: string; expiresIn?: number } = {}) => {
    const key = opts.key === 'stranger' ? stranger : keys[keys.length - 1];
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ token_use: 'id', auth_time: now, 'cognito:username': claims.sub ?? 'someone', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? key.kid })
      .setIssuer((claims.iss as string | undefined) ?? issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + (opts.expiresIn ?? 3600));
    // `aud: undefined` asks for a token without aud, as Cognito's access tokens (they carry client_id instead).
    if (!('aud' in claims && claims.aud === undefined)) jwt.setAudience((claims.aud as string | undefined) ?? clientId);
    return jwt.sign(key.privateKey);
  };
  const page = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html;charset=UTF-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Signin</title><link rel="icon" href="data:,"></head><body>${body}</body></html>`);
  };
  const esc = (v: string) => v.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  /** Back to the client with `params` (only ever to a registered callback URL). */
  const back = (res: ServerResponse, redirectUri: string, params: Record<string, string | undefined>) => {
    const u = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    res.writeHead(302, { location: u.toString() });
    res.end();
  };
  // https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html: an unknown client or a
  // callback URL the app client does not list is an error page, never a redirect; other mistakes go back with ?error.
  const authorize = (q: URLSearchParams, res: ServerResponse) => {
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== clientId || !callbacks.has(redirectUri)) return page(res, 400, '<p>An error was encountered with the requested page. redirect_mismatch</p>');
    if (q.get('response_type') !== 'code') return back(res, redirectUri, { error: 'unsupported_response_type', state: q.get('state') ?? undefined });
    if (q.has('code_challenge') && q.get('code_challenge_method') !== 'S256') return back(res, redirectUri, { error: 'invalid_request', error_description: 'code_challenge_method must be S256', state: q.get('state') ?? undefined });
    if (!(q.get('scope') ?? '').split(' ').includes('openid')) return back(res, redirectUri, { error: 'invalid_scope', state: q.get('state') ?? undefined });
    // The hosted UI: /oauth2/authorize sends the browser on to /login with the same query.
    res.writeHead(302, { location: `/login?${q}` });
    res.end();
  };
  const login = (q: URLSearchParams, form: URLSearchParams | undefined, res: ServerResponse) => {
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== clientId || !callbacks.has(redirectUri)) return page(res, 400, '<p>An error was encountered with the requested page. redirect_mismatch</p>');
    const claims = form && users.get(form.get('username') ?? '');
    if (!claims) {
      const wrong = form ? '<p role="alert">Incorrect username or password.</p>' : '';
      return page(res, 200, `<h1>Sign in with your username</h1>${wrong}<form method="post" action="/login?${esc(q.toString())}"><label>Username <input name="username"></label><button type="submit">Sign in</button></form>`);
    }
    const code = randomBytes(18).toString('hex');
    codes.set(code, { clientId, redirectUri, challenge: q.get('code_challenge') ?? undefined, nonce: q.get('nonce') ?? undefined, claims });
    return back(res, redirectUri, { code, state: q.get('state') ?? undefined });
  };
  // https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html: form fields in, JSON out, errors
  // as 400 {"error": "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type"}.
  const token = async (f: URLSearchParams, res: ServerResponse) => {
    tokenRequests.push(Object.fromEntries(f));
    if (f.get('grant_type') !== 'authorization_code') return send(res, 400, { error: 'unsupported_grant_type' });
    if (f.get('client_id') !== clientId) return send(res, 400, { error: 'invalid_client' });
    const pending = codes.get(f.get('code') ?? '');
    codes.delete(f.get('code') ?? '');
    if (!pending || pending.redirectUri !== f.get('redirect_uri')) return send(res, 400, { error: 'invalid_grant' });
    const verifier = f.get('code_verifier') ?? '';
    if (pending.challenge && createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) return send(res, 400, { error: 'invalid_grant' });
    const idToken = await sign({ ...pending.claims, ...(pending.nonce ? { nonce: pending.nonce } : {}) });
    const accessToken = await sign({ sub: pending.claims.sub, token_use: 'access', client_id: clientId, aud: undefined, scope: 'openid email' });
    return send(res, 200, { id_token: idToken, access_token: accessToken, refresh_token: randomBytes(32).toString('base64url'), expires_in: 3600, token_type: 'Bearer' });
  };
  const server = await startServer(
    async (req, res) => {
      const path = urlOf(req).pathname;
      requests.push(path);
      if (path === `/${pool}/.well-known/openid-configuration`)
        return send(res, 200, {
          issuer,
          authorization_endpoint: `${issuer.replace(/\/[^/]+$/, '')}/oauth2/authorize`,
          token_endpoint: `${issuer.replace(/\/[^/]+$/, '')}/oauth2/token`,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          response_types_supported: ['code', 'token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      if (path === `/${pool}/.well-known/jwks.json`) return send(res, 200, { keys: keys.map((k) => k.jwk) });
      if (path === '/oauth2/authorize' && req.method === 'GET') return authorize(urlOf(req).searchParams, res);
      if (path === '/login') return login(urlOf(req).searchParams, req.method === 'POST' ? new URLSearchParams(await readBody(req)) : undefined, res);
      if (path === '/oauth2/token' && req.method === 'POST') return token(new URLSearchParams(await readBody(req)), res);
      return send(res, 400, { code: 'BadRequest', message: 'The server did not understand the operation that was requested.', type: 'client' });
    },
    (res, err) => send(res, 500, { message: err.message }),
  );
  issuer = `${server.url}/${pool}`;
  return {
    issuer,
    clientId,
    requests,
    close: server.close,
    idToken: sign,
    async rotate() {
      keys = [...keys, await keyPair()];
    },
    addUser: (username, claims) => void users.set(username, claims),
    allowCallback: (url) => void callbacks.add(url),
    tokenRequests,
  };
}
