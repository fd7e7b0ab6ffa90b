import * as z from 'zod';
import { SourceError } from '../../errors';
import type { HttpClient, HttpResponse } from '../../http/client';

/**
 * Salesforce's error body is a JSON array `[{ message, errorCode, fields? }]`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
export const SalesforceErrorsSchema = z.array(
  z.looseObject({ message: z.string().optional(), errorCode: z.string().optional(), fields: z.array(z.string()).optional() }),
);

/** `INVALID_SESSION_ID: Session expired or invalid` for the client's error messages. */
export function describeSalesforceError(_status: number, body: unknown): string | undefined {
  const r = SalesforceErrorsSchema.safeParse(body);
  if (!r.success || r.data.length === 0) return undefined;
  return r.data.map((e) => [e.errorCode, e.message].filter(Boolean).join(': ')).join('; ');
}

function errorCodes(body: unknown): string[] {
  const r = SalesforceErrorsSchema.safeParse(body);
  return r.success ? r.data.map((e) => e.errorCode ?? '') : [];
}

/**
 * `Sforce-Limit-Info: api-usage=18/5000` (and `per-app-api-usage=17/250(appName=…)` for connected apps
 * with their own allowance). The daily allowance is the limit that matters, so every page reports it.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
 */
export function parseLimitInfo(header: string | undefined): { apiUsage: number; apiLimit: number; appApiUsage?: number; appApiLimit?: number } | undefined {
  if (!header) return undefined;
  const org = /(?:^|[\s,;])api-usage=(\d+)\/(\d+)/.exec(header);
  if (!org) return undefined;
  const app = /per-app-api-usage=(\d+)\/(\d+)/.exec(header);
  return {
    apiUsage: Number(org[1]),
    apiLimit: Number(org[2]),
    ...(app ? { appApiUsage: Number(app[1]), appApiLimit: Number(app[2]) } : {}),
  };
}

export type SalesforceGetResult = { kind: 'ok'; res: HttpResponse } | { kind: 'locator-expired' };

/**
 * A GET against the REST API that understands two Salesforce answers the shared client cannot tell apart
 * from others by status alone:
 * - 403 `REQUEST_LIMIT_EXCEEDED`: the org's daily allowance (or concurrent long-running limit) is used up.
 *   That is a rate limit, not a bad credential; retrying within minutes does not help, so it is not retryable
 *   here and the next scheduled run tries again.
 * - 400 `INVALID_QUERY_LOCATOR` on a `nextRecordsUrl`: the server-side cursor is gone (it lapsed, or the
 *   user opened more than 10 and Salesforce dropped the oldest). The caller restarts the query.
 * Every other status goes through the shared client (401 refresh, 429/5xx retries, seed messages).
 */
export async function salesforceGet(
  http: HttpClient,
  req: { url: string; query?: Record<string, string>; stream?: string; nextPage?: boolean },
): Promise<SalesforceGetResult> {
  const res = await http.request({ url: req.url, query: req.query, stream: req.stream, okStatuses: req.nextPage ? [400, 403] : [403] });
  if (res.status < 300) return { kind: 'ok', res };
  const codes = errorCodes(res.body);
  if (res.status === 400 && codes.includes('INVALID_QUERY_LOCATOR')) return { kind: 'locator-expired' };
  const where = `salesforce${req.stream ? `/${req.stream}` : ''} GET ${http.resolve(req.url).pathname}`;
  const detail = describeSalesforceError(res.status, res.body);
  const suffix = detail ? ` (${detail})` : '';
  if (res.status === 403 && codes.includes('REQUEST_LIMIT_EXCEEDED')) {
    throw new SourceError('rate_limited', `Rate Limit Exceeded: ${where} answered 403${suffix}`, { status: 403, retryable: false });
  }
  // Same codes and seed messages as the shared client gives these statuses.
  if (res.status === 403) throw new SourceError('forbidden', `Invalid API Key: ${where} answered 403${suffix}`, { status: 403 });
  throw new SourceError('source_error', `Request failed: ${where} answered ${res.status}${suffix}`, { status: res.status });
}
