import * as z from 'zod';
import { rotatingRefreshAuth } from '../oauth';
import { restStream, testConnection, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { xeroSpec, type XeroConfig } from './spec';

/**
 * Xero's error bodies: API errors `{ErrorNumber, Type, Message, Elements: [{ValidationErrors: [{Message}]}]}`,
 * auth errors `{Title, Status, Detail}` (401 "AuthenticationUnsuccessful").
 */
const ErrorSchema = z.looseObject({
  Type: z.string().nullish(),
  Message: z.string().optional(),
  Title: z.string().optional(),
  Detail: z.string().optional(),
  Elements: z.array(z.looseObject({ ValidationErrors: z.array(z.looseObject({ Message: z.string() })).optional() })).optional(),
});
export function describeXeroError(_status: number, body: unknown): string | undefined {
  const r = ErrorSchema.safeParse(body);
  if (!r.success) return undefined;
  const validation = (r.data.Elements ?? []).flatMap((e) => (e.ValidationErrors ?? []).map((v) => v.Message));
  return [r.data.Type ?? r.data.Title, r.data.Message ?? r.data.Detail, ...validation].filter(Boolean).join(': ') || undefined;
}

const PAGE_SIZE = 100;

/**
 * A list as data: `page` from 1 with `pageSize`, ordered by UpdatedDateUTC, ended by a short page;
 * `If-Modified-Since` (a UTC timestamp `yyyy-mm-ddThh:mm:ss`, as Xero documents it) on incremental runs.
 * Xero never removes contacts (it archives them) and keeps deleted invoices with status DELETED: both come
 * back from the list and are stored as deletions.
 */
function list(name: 'contacts' | 'invoices', resource: string, id: string, deleted: (r: Record<string, unknown>) => boolean, config: XeroConfig): RestStreamDef<XeroConfig> {
  return {
    name,
    path: `/${resource}`,
    query: { order: 'UpdatedDateUTC ASC', ...(name === 'contacts' ? { includeArchived: true } : {}) },
    pagination: { kind: 'page', param: 'page', sizeParam: 'pageSize', size: PAGE_SIZE, start: 1, in: 'query' },
    records: resource,
    id,
    incremental: { field: 'UpdatedDateUTC', param: 'If-Modified-Since', in: 'header', format: 'naive', lookbackMs: config.lookbackMinutes * 60_000 },
    deleted,
  };
}

export const xero: Connector<typeof xeroSpec.configSchema> = {
  ...xeroSpec,
  http: (config, save) => ({
    baseUrl: config.baseUrl,
    auth: rotatingRefreshAuth(config, save),
    headers: { 'xero-tenant-id': config.tenantId },
    describeError: describeXeroError,
  }),
  streams: (config) => [
    restStream(list('contacts', 'Contacts', 'ContactID', (r) => r.ContactStatus === 'ARCHIVED' || r.ContactStatus === 'GDPRREQUEST', config)),
    restStream(list('invoices', 'Invoices', 'InvoiceID', (r) => r.Status === 'DELETED', config)),
  ],
  // The organisation itself: one cheap call that proves the token and the tenant.
  test: (ctx) => testConnection(ctx, { url: '/Organisation', stream: 'test' }),
};
