import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, RollingLimit, type RunningServer, startServer, type TokenControls, urlOf } from './kit';
import { RotatingGrant } from './refresh-grant';

/**
 * A fake Xero Accounting API 2.0 for one organisation (shared/api-facts/xero.md):
 * - `GET /api.xro/2.0/Contacts|Invoices|Organisation`: Bearer token and `xero-tenant-id` (403 otherwise);
 *   `page` (from 1) / `pageSize` (default 100), `order=UpdatedDateUTC ASC`, `includeArchived=true` for
 *   archived contacts; `If-Modified-Since: yyyy-mm-ddThh:mm:ss` (UTC) keeps what changed since; the envelope
 *   `{Id, Status: "OK", ProviderName, DateTimeUTC, pagination {page, pageSize, pageCount, itemCount}, <Resource>: […]}`;
 *   dates as Microsoft JSON dates `/Date(ms+0000)/`;
 * - `POST /connect/token`: refresh grant with HTTP Basic client auth; refresh tokens rotate (the old one answers
 *   400 invalid_grant);
 * - 401 `{Title: "Unauthorized", Status: 401, Detail: "AuthenticationUnsuccessful"}`; 60 calls a minute, then 429
 *   with `Retry-After` and `X-Rate-Limit-Problem: minute`; 5xx and malformed-page switches.
 */
export type XeroRecord = Record<string, unknown> & { UpdatedDateUTC: string };
type Resource = 'Contacts' | 'Invoices';

export interface XeroSandboxOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
  contacts?: XeroRecord[];
  invoices?: XeroRecord[];
  perMinute?: number;
  /** The minute limit's clock (ms); tests advance it in the client's sleep. */
  now?: () => number;
}

export interface XeroSandbox extends RunningServer, FaultControls, TokenControls {
  readonly refreshToken: string;
  requests: Array<{ path: string; query: URLSearchParams; status: number; ifModifiedSince?: string; tenant?: string }>;
  set(resource: Resource, record: XeroRecord): void;
}

export const msDate = (ms: number) => `/Date(${ms}+0000)/`;
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function makeXeroContacts(n: number, start = '2024-05-01T10:00:00Z'): XeroRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    ContactID: uuid(0xc0000 + i), ContactStatus: 'ACTIVE', Name: `Contact ${i}`, EmailAddress: `c${i}@example.com`, IsCustomer: true,
    Phones: [{ PhoneType: 'MOBILE', PhoneNumber: `555${String(1000 + i)}`, PhoneAreaCode: '555', PhoneCountryCode: '1' }],
    UpdatedDateUTC: msDate(Date.parse(start) + i * 60_000),
  }));
}

export function makeXeroInvoices(n: number, start = '2024-05-01T10:00:00Z'): XeroRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    InvoiceID: uuid(0x10000 + i), InvoiceNumber: `INV-${1000 + i}`, Type: 'ACCREC', Status: 'AUTHORISED', Total: 100 + i, AmountDue: 100 + i,
    Contact: { ContactID: uuid(0xc0000 + i) }, DateString: '2024-05-01T00:00:00', UpdatedDateUTC: msDate(Date.parse(start) + i * 60_000),
  }));
}

const msOf = (d: string) => Number(/\/Date\((\d+)/.exec(d)![1]);

export async function startXeroSandbox(opts: XeroSandboxOptions): Promise<XeroSandbox> {
  const data: Record<Resource, XeroRecord[]> = { Contacts: [...(opts.contacts ?? [])], Invoices: [...(opts.invoices ?? [])] };
  const faults = new Faults();
  const limit = new RollingLimit(opts.perMinute ?? 60, 60_000);
  const requests: XeroSandbox['requests'] = [];
  const send = jsonSender('application/json; charset=utf-8');
  const grant = new RotatingGrant({ id: opts.clientId, secret: opts.clientSecret }, { access: opts.accessToken, refresh: opts.refreshToken });
  let seq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    if (req.method === 'POST' && url.pathname === '/connect/token') {
      const r = await grant.answer(req, (access, refresh) => ({ id_token: 'x', access_token: access, expires_in: 1800, token_type: 'Bearer', refresh_token: refresh, scope: 'offline_access accounting.contacts.read' }));
      return send(res, r.status, r.body);
    }
    const m = /^\/api\.xro\/2\.0\/(Contacts|Invoices|Organisation)$/.exec(url.pathname);
    if (!m) return send(res, 404, { Title: 'NotFound', Status: 404, Detail: 'The resource you are looking for cannot be found' });
    if (req.headers.authorization !== `Bearer ${grant.access}`) return send(res, 401, { Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful', Instance: 'x', Extensions: {} });
    if (req.headers['xero-tenant-id'] !== opts.tenantId) return send(res, 403, { Type: null, Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' });
    const t = (opts.now ?? Date.now)();
    if (!limit.take(t)) return send(res, 429, '', { 'retry-after': String(limit.retryAfterSeconds(t)), 'x-rate-limit-problem': 'minute', 'x-minlimit-remaining': '0' });
    const status = faults.take();
    if (status !== undefined) return send(res, status, { Title: 'ServiceUnavailable', Status: status, Detail: 'The Xero API is currently offline for maintenance' });
    if (faults.takeMalformed()) return send(res, 200, { Id: 'x', Status: 'OK', Contacts: { not: 'a list' } });
    const envelope = { Id: `req-${++seq}`, Status: 'OK', ProviderName: 'Switchboard', DateTimeUTC: msDate(Date.now()) };
    if (m[1] === 'Organisation') return send(res, 200, { ...envelope, Organisations: [{ OrganisationID: opts.tenantId, Name: 'Demo Company (US)' }] });
    const resource = m[1] as Resource;
    const since = req.headers['if-modified-since'];
    if (since !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(String(since))) {
      return send(res, 400, { ErrorNumber: 14, Type: 'PostDataInvalidException', Message: 'The If-Modified-Since header is not a valid date' });
    }
    let rows = [...data[resource]].sort((a, b) => msOf(a.UpdatedDateUTC) - msOf(b.UpdatedDateUTC));
    if (resource === 'Contacts' && url.searchParams.get('includeArchived') !== 'true') rows = rows.filter((r) => r.ContactStatus !== 'ARCHIVED');
    if (since) rows = rows.filter((r) => msOf(r.UpdatedDateUTC) >= Date.parse(`${since}Z`));
    const page = Number(url.searchParams.get('page') ?? 1);
    const size = Number(url.searchParams.get('pageSize') ?? 100);
    send(res, 200, {
      ...envelope,
      pagination: { page, pageSize: size, pageCount: Math.ceil(rows.length / size), itemCount: rows.length },
      [resource]: rows.slice((page - 1) * size, page * size),
    }, { 'x-minlimit-remaining': String(limit.remaining), 'x-daylimit-remaining': '4990' });
  };

  const server = await startServer(handle, (res, err) => send(res, 500, { Title: 'InternalError', Status: 500, Detail: err.message }), {
    onFinish: (req, res) => {
      const u = urlOf(req);
      if (u.pathname !== '/connect/token') requests.push({ path: u.pathname, query: u.searchParams, status: res.statusCode, ifModifiedSince: req.headers['if-modified-since'] as string | undefined, tenant: req.headers['xero-tenant-id'] as string | undefined });
    },
  });
  const own: Omit<XeroSandbox, keyof TokenControls | 'refreshToken'> = {
    ...server,
    requests,
    ...faults.controls(),
    set(resource, record) {
      const key = resource === 'Contacts' ? 'ContactID' : 'InvoiceID';
      const rows = data[resource];
      const i = rows.findIndex((r) => r[key] === record[key]);
      if (i >= 0) rows[i] = record;
      else rows.push(record);
    },
  };
  // Getters stay live (a spread would copy today's token).
  return Object.defineProperties(own, Object.getOwnPropertyDescriptors(grant.controls())) as XeroSandbox;
}
