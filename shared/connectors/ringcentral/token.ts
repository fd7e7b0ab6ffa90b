import { fetchToken, type TokenResponse } from '../../http/token';
import { redact } from '../../log';

/**
 * RingCentral's refresh-token grant. A confidential app authenticates with HTTP Basic (client id : client
 * secret); a public app sends `client_id` in the form instead. The answer carries a *new* refresh token: the
 * old one stops working, so both are re-sealed.
 * https://developers.ringcentral.com/guide/authentication/refresh-tokens
 */
export function refreshRingCentralToken(
  tokenUrl: string,
  creds: { refreshToken: string; clientId: string; clientSecret?: string },
): Promise<TokenResponse> {
  const params: Record<string, string> = { grant_type: 'refresh_token', refresh_token: creds.refreshToken };
  if (!creds.clientSecret) return fetchToken(tokenUrl, { ...params, client_id: creds.clientId });
  redact(creds.clientSecret);
  const basic = 'Basic ' + Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
  return fetchToken(tokenUrl, params, { headers: { authorization: basic } });
}
