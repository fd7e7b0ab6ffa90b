import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { jsonSender, startServer, urlOf } from './kit';

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
  const server = await startServer(
    (req, res) => {
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
    async idToken(claims, opts = {}) {
      const key = opts.key === 'stranger' ? stranger : keys[keys.length - 1];
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ token_use: 'id', auth_time: now, 'cognito:username': claims.sub ?? 'someone', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? key.kid })
        .setIssuer((claims.iss as string | undefined) ?? issuer)
        .setAudience((claims.aud as string | undefined) ?? clientId)
        .setIssuedAt(now)
        .setExpirationTime(now + (opts.expiresIn ?? 3600))
        .sign(key.privateKey);
    },
    async rotate() {
      keys = [...keys, await keyPair()];
    },
  };
}
