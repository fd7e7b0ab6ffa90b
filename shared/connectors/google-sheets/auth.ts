import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { SourceError } from '../../errors';
import { oauth2Auth, type Auth } from '../../http/auth';
import { fetchToken } from '../../http/token';
import { redact } from '../../log';
import type { GoogleSheetsConfig } from './spec';

export const SHEETS_READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** Key files pasted through JSON often carry "\n" as two characters. */
function loadKey(pem: string): KeyObject {
  redact(pem);
  try {
    return createPrivateKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch {
    // Never echo the key or the crypto library's view of it.
    throw new SourceError('auth_failed', 'Authentication Failed: the service account privateKey is not a valid PEM private key');
  }
}

/**
 * The service-account assertion: a JWT signed RS256 with the account's private key, valid one hour.
 * https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
 */
export function serviceAccountJwt(opts: { email: string; privateKey: string; audience: string; scope?: string; nowMs?: number }): string {
  const iat = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: opts.email, scope: opts.scope ?? SHEETS_READONLY_SCOPE, aud: opts.audience, iat, exp: iat + 3600 }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), loadKey(opts.privateKey));
  return `${header}.${claims}.${b64url(signature)}`;
}

/**
 * Bearer auth whose token comes from the JWT-bearer grant, cached until a minute before it expires and
 * fetched again once on a 401 (oauth2Auth). Google issues no refresh token here; a fresh JWT is the refresh.
 */
export function serviceAccountAuth(config: Pick<GoogleSheetsConfig, 'serviceAccountEmail' | 'privateKey' | 'tokenUrl'>): Auth {
  return oauth2Auth({
    tokens: {},
    obtain: () =>
      fetchToken(config.tokenUrl, {
        grant_type: JWT_BEARER_GRANT,
        assertion: serviceAccountJwt({ email: config.serviceAccountEmail, privateKey: config.privateKey, audience: config.tokenUrl }),
      }),
  });
}
