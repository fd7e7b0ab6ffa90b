import { oauth2Auth, type Auth } from '../http/auth';
import type { TokenResponse } from '../http/auth';
import { fetchToken } from '../http/token';
import { redact } from '../log';

/** What a connector with a refresh-token grant stores (RingCentral, QuickBooks, Xero). */
export interface RefreshTokenConfig {
  accessToken: string;
  refreshToken: string;
  clientId: string;
  /** A confidential client authenticates with HTTP Basic; a public one sends `client_id` in the form. */
  clientSecret?: string;
  tokenUrl: string;
}

/**
 * OAuth2 refresh-token grant with rotating refresh tokens: on expiry or a 401 the stored refresh token buys a
 * new access token *and* a new refresh token; the old one stops working, so both are re-sealed at once and
 * the next refresh sends the one just issued.
 * https://datatracker.ietf.org/doc/html/rfc6749#section-6 · RFC 9700 §4.14.2 (refresh token rotation)
 */
export function rotatingRefreshAuth(c: RefreshTokenConfig, save: (patch: { accessToken: string; refreshToken?: string }) => Promise<void>): Auth {
  let refreshToken = c.refreshToken;
  return oauth2Auth({
    tokens: { accessToken: c.accessToken },
    obtain: () => refreshTokenGrant({ ...c, refreshToken }),
    onToken: async (tok) => {
      if (tok.refresh_token) refreshToken = tok.refresh_token;
      await save({ accessToken: tok.access_token, ...(tok.refresh_token ? { refreshToken: tok.refresh_token } : {}) });
    },
  });
}

/** One refresh-token grant: client credentials as HTTP Basic when there is a secret, else `client_id` in the form. */
export function refreshTokenGrant(c: Omit<RefreshTokenConfig, 'accessToken'>): Promise<TokenResponse> {
  const params: Record<string, string> = { grant_type: 'refresh_token', refresh_token: c.refreshToken };
  if (!c.clientSecret) return fetchToken(c.tokenUrl, { ...params, client_id: c.clientId });
  redact(c.clientSecret);
  const basic = 'Basic ' + Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64');
  return fetchToken(c.tokenUrl, params, { headers: { authorization: basic } });
}
