import * as z from 'zod';
import { SourceError } from '../errors';
import { redact } from '../log';
import { TokenResponseSchema, type TokenResponse } from './auth';
import { HttpClient } from './client';

const ErrorBodySchema = z.object({ error: z.string() });

/**
 * Posts to an OAuth2 token endpoint through the one guarded client (so a tenant's token URL reaches no internal
 * address, and 429/5xx are retried like any request). Errors name the endpoint path and status, never what we
 * sent. `params` go in the form body, or in the query string for vendors that want them there (Zoho);
 * `headers` carry client credentials a vendor wants as HTTP Basic (RingCentral).
 */
export async function fetchToken(
  tokenUrl: string,
  params: Record<string, string>,
  opts: { inQuery?: boolean; headers?: Record<string, string> } = {},
): Promise<TokenResponse> {
  for (const [k, v] of Object.entries(params)) if (/secret|token|assertion/i.test(k)) redact(v);
  for (const v of Object.values(opts.headers ?? {})) redact(v);
  const url = new URL(tokenUrl);
  const form = new URLSearchParams(params).toString();
  if (opts.inQuery) url.search = form;
  const client = new HttpClient({ connector: 'token endpoint', integrationId: url.origin, timeoutMs: 15_000 });
  const res = await client.request({
    method: 'POST',
    url: url.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    body: opts.inQuery ? '' : form,
    // A refused grant is the answer, not a transient failure: read it below.
    okStatuses: Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 429),
  });
  const token = TokenResponseSchema.safeParse(res.body);
  if (res.status >= 400 || !token.success) {
    const error = ErrorBodySchema.safeParse(res.body);
    throw new SourceError('auth_failed', `Authentication Failed: token endpoint ${url.pathname} answered ${res.status}${error.success ? ` (${error.data.error})` : ''}`, {
      status: res.status,
    });
  }
  redact(token.data.access_token);
  if (token.data.refresh_token) redact(token.data.refresh_token);
  return token.data;
}
