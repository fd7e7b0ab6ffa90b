import * as z from 'zod';
import { oauth2Auth } from '../../http/auth';
import { fetchToken } from '../../http/token';
import { SourceError } from '../../errors';
import { restStream, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { DEFAULT_ACCOUNTS_URL, DEFAULT_BASE_URL, ZOHO_MODULES, zohoSpec, type ZohoConfig, type ZohoDataType } from './spec';

/**
 * Zoho's error body: `{code, details, message, status: "error"}`.
 * https://www.zoho.com/crm/developer/docs/api/v3/status-codes.html
 */
export const ZohoErrorSchema = z.looseObject({ code: z.string(), message: z.string().optional(), details: z.unknown().optional() });

export function describeZohoError(_status: number, body: unknown): string | undefined {
  const r = ZohoErrorSchema.safeParse(body);
  return r.success ? [r.data.code, r.data.message].filter(Boolean).join(': ') : undefined;
}

/** A record must carry its id; the rest is the vendor's, stored as is. */
export const ZohoRecordSchema = z.looseObject({ id: z.union([z.string(), z.number()]), Modified_Time: z.string().nullish() });

/** A page number past the server's limit: the `page-then-token` paging asks again by token. */
function zohoPageLimit(status: number, body: unknown): SourceError | undefined {
  if (status !== 400 || ZohoErrorSchema.safeParse(body).data?.code !== 'DISCRETE_PAGINATION_LIMIT_EXCEEDED') return undefined;
  return new SourceError('page_limit', `Request failed: Zoho refused a page number past its limit (${describeZohoError(status, body)})`, { status });
}

/** One module as data: path, fields, ordering, records and id paths, the If-Modified-Since incremental. */
export function zohoStreamDef(name: ZohoDataType): RestStreamDef<ZohoConfig> {
  const m = ZOHO_MODULES[name];
  return {
    name,
    path: `/crm/v3/${m.module}`,
    // Sorted by Modified_Time ascending so a full run's high-water mark seeds the next incremental run.
    query: { fields: m.fields.join(','), per_page: 200, sort_by: 'Modified_Time', sort_order: 'asc' },
    // Zoho CRM serves `page` up to 2,000 records and wants `page_token` beyond. https://www.zoho.com/crm/developer/docs/api/v3/get-records.html
    pagination: {
      kind: 'page-then-token',
      param: 'page',
      tokenParam: 'page_token',
      tokenPath: 'info.next_page_token',
      perPagePath: 'info.per_page',
      hasMore: 'info.more_records',
      maxRecordsByPage: 2000,
    },
    fault: zohoPageLimit,
    records: 'data',
    id: 'id',
    recordSchema: ZohoRecordSchema,
    // Zoho departs from RFC 9110 here: its If-Modified-Since is ISO 8601 with an offset (`2024-05-01T10:00:00+05:30`),
    // as its Get Records reference and every official SDK send it; an HTTP-date is refused as INVALID_DATA.
    incremental: { field: 'Modified_Time', param: 'If-Modified-Since', in: 'header', format: 'iso-offset', lookbackMs: 60_000 },
    // 304: nothing modified since the header's time; 204: the module has no records. Neither is an error.
    emptyStatuses: [204, 304],
  };
}

export const zoho: Connector<typeof zohoSpec.configSchema> = {
  ...zohoSpec,
  http: (config, save) => ({
    baseUrl: config.baseUrl ?? DEFAULT_BASE_URL,
    describeError: describeZohoError,
    auth: oauth2Auth({
      tokens: { accessToken: config.accessToken },
      scheme: 'Zoho-oauthtoken',
      // The accounts server wants the grant in the query string. https://www.zoho.com/crm/developer/docs/api/v3/refresh.html
      obtain: () =>
        fetchToken(
          `${(config.accountsUrl ?? DEFAULT_ACCOUNTS_URL).replace(/\/+$/, '')}/oauth/v2/token`,
          { refresh_token: config.refreshToken, client_id: config.clientId, client_secret: config.clientSecret, grant_type: 'refresh_token' },
          { inQuery: true },
        ),
      onToken: (tok) => save({ accessToken: tok.access_token }),
    }),
  }),
  streams: () => (Object.keys(ZOHO_MODULES) as ZohoDataType[]).map((name) => restStream(zohoStreamDef(name))),
  /** A one-record Leads read: proves the token, the data centre and the modules scope the sync needs. */
  async test(ctx) {
    try {
      const res = await ctx.http.request({ url: '/crm/v3/Leads', query: { fields: 'Last_Name', per_page: 1 } });
      if (res.status !== 204 && !Array.isArray((res.body as { data?: unknown } | null)?.data)) {
        return { ok: false, message: 'Zoho CRM answered with something that is not a records page' };
      }
      return { ok: true, message: 'Connected to Zoho CRM' };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
};
