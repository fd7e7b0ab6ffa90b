import { request } from 'undici';
import { z } from 'zod';
import { SourceError } from '../../errors';
import type { TokenResponse } from '../../http/auth';
import { redact } from '../../log';

/**
 * RingCentral's refresh-token grant. A confidential app authenticates with HTTP Basic (client id : client
 * secret); a public app sends `client_id` in the form instead. The answer carries a *new* refresh token: the
 * old one stops working, so both are re-sealed.
 * https://developers.ringcentral.com/guide/authentication/refresh-tokens
 *
 * shared/http/auth.ts `fetchToken` cannot send an Authorization header, hence this small variant with the
 * same error wording ("Authentication Failed: token endpoint <path> answered <status> (<error>)") and the same
 * redaction. With a `headers` option on fetchToken this file reduces to one call.
 */
export const RingCentralTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().optional(),
});

export async function refreshRingCentralToken(
  tokenUrl: string,
  creds: { refreshToken: string; clientId: string; clientSecret?: string },
): Promise<TokenResponse> {
  redact(creds.refreshToken);
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.refreshToken });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (creds.clientSecret) {
    redact(creds.clientSecret);
    headers.authorization = 'Basic ' + Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
    redact(headers.authorization);
  } else {
    form.set('client_id', creds.clientId);
  }
  const url = new URL(tokenUrl);
  const res = await request(url, { method: 'POST', headers, body: form.toString(), headersTimeout: 15_000, bodyTimeout: 15_000 });
  const text = await res.body.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: a failed refresh, below */
  }
  const tok = RingCentralTokenSchema.safeParse(body);
  if (res.statusCode >= 400 || !tok.success) {
    const error = z.object({ error: z.string() }).safeParse(body);
    throw new SourceError('auth_failed', `Authentication Failed: token endpoint ${url.pathname} answered ${res.statusCode}${error.success ? ` (${error.data.error})` : ''}`, {
      status: res.statusCode,
    });
  }
  redact(tok.data.access_token);
  if (tok.data.refresh_token) redact(tok.data.refresh_token);
  return { access_token: tok.data.access_token, expires_in: tok.data.expires_in, refresh_token: tok.data.refresh_token };
}
