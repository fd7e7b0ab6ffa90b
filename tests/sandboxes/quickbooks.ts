import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, type RunningServer, startServer, type TokenControls, urlOf } from './kit';
import { RotatingGrant } from './refresh-grant';

/**
 * A fake QuickBooks Online company (shared/api-facts/quickbooks.md):
 * - `GET /v3/company/{realm}/query?query=…&minorversion=…`: the SQL-like language we send, `SELECT * FROM
 *   <Entity> [WHERE Active IN (true, false)] [AND|WHERE Metadata.LastUpdatedTime >= '<ISO>'] ORDERBY
 *   Metadata.LastUpdatedTime STARTPOSITION n MAXRESULTS m` (m ≤ 1000); answers
 *   `{QueryResponse: {<Entity>: [...], startPosition, maxResults}, time}`, `{QueryResponse: {}}` when empty;
 *   inactive customers only with `Active IN (true, false)`;
 * - `GET /v3/company/{realm}/cdc?entities=…&changedSince=…`: changed and deleted (`status: "Deleted"`) objects,
 *   refusing a changedSince older than 30 days;
 * - `GET /v3/company/{realm}/companyinfo/{realm}`;
 * - `POST /oauth2/v1/tokens/bearer`: refresh grant with HTTP Basic client auth; each refresh rotates the
 *   refresh token (the old one answers 400 invalid_grant);
 * - Fault bodies: 401 AuthenticationFault code 3200, 429 ThrottleExceeded (no Retry-After), 5xx, malformed.
 */
export type QboObject = Record<string, unknown> & { Id: string; MetaData: { CreateTime: string; LastUpdatedTime: string } };
type Entity = 'Customer' | 'Invoice' | 'Payment';

export interface QuickbooksSandboxOptions {
  realmId: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
  objects?: Partial<Record<Entity, QboObject[]>>;
  /** Clock for CDC's 30-day window. */
  now?: () => number;
}

export interface QuickbooksSandbox extends RunningServer, FaultControls, TokenControls {
  readonly refreshToken: string;
  queries: string[];
  requests: Array<{ path: string; status: number }>;
  set(entity: Entity, obj: QboObject): void;
  /** Deletes an object: gone from queries, listed by CDC as `{Id, status: "Deleted", MetaData}`. */
  remove(entity: Entity, id: string, at: string): void;
}

/** QuickBooks prints times with the company's offset: `2024-05-02T10:00:00-07:00`. */
export const qboTime = (ms: number) => new Date(ms - 7 * 3_600_000).toISOString().slice(0, 19) + '-07:00';

export function makeQboObjects(entity: Entity, n: number, start = '2024-05-01T10:00:00Z'): QboObject[] {
  return Array.from({ length: n }, (_, i) => {
    const at = qboTime(Date.parse(start) + i * 60_000);
    const base = { Id: String(100 + i), SyncToken: '0', domain: 'QBO', sparse: false, MetaData: { CreateTime: at, LastUpdatedTime: at } };
    if (entity === 'Customer') return { ...base, DisplayName: `Customer ${i}`, PrimaryEmailAddr: { Address: `c${i}@example.com` }, Balance: i, Active: true };
    if (entity === 'Invoice') return { ...base, DocNumber: String(1001 + i), TotalAmt: 100 + i, Balance: 0, CustomerRef: { value: String(100 + i), name: `Customer ${i}` }, TxnDate: at.slice(0, 10) };
    return { ...base, TotalAmt: 100 + i, CustomerRef: { value: String(100 + i) }, TxnDate: at.slice(0, 10) };
  });
}

const QUERY = /^SELECT \* FROM (Customer|Invoice|Payment)(?: WHERE (.+?))? ORDERBY Metadata\.LastUpdatedTime STARTPOSITION (\d+) MAXRESULTS (\d+)$/;

export async function startQuickbooksSandbox(opts: QuickbooksSandboxOptions): Promise<QuickbooksSandbox> {
  const data: Record<Entity, QboObject[]> = { Customer: [...(opts.objects?.Customer ?? [])], Invoice: [...(opts.objects?.Invoice ?? [])], Payment: [...(opts.objects?.Payment ?? [])] };
  const deleted: Record<Entity, Array<Record<string, unknown>>> = { Customer: [], Invoice: [], Payment: [] };
  const now = opts.now ?? Date.now;
  const faults = new Faults();
  const queries: string[] = [];
  const requests: QuickbooksSandbox['requests'] = [];
  const send = jsonSender('application/json;charset=UTF-8');
  const grant = new RotatingGrant({ id: opts.clientId, secret: opts.clientSecret }, { access: opts.accessToken, refresh: opts.refreshToken });
  let seq = 0;
  const fault = (res: ServerResponse, status: number, type: string, code: string, message: string, detail = message) =>
    send(res, status, { Fault: { Error: [{ Message: message, Detail: detail, code, element: '' }], type }, time: qboTime(now()) }, { intuit_tid: `tid-${++seq}` });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    if (req.method === 'POST' && url.pathname === '/oauth2/v1/tokens/bearer') {
      const r = await grant.answer(req, (access, refresh) => ({ token_type: 'bearer', expires_in: 3600, access_token: access, refresh_token: refresh, x_refresh_token_expires_in: 8_726_400 }));
      return send(res, r.status, r.body);
    }
    const m = /^\/v3\/company\/(\d+)\/(query|cdc|companyinfo\/\d+)$/.exec(url.pathname);
    if (!m || m[1] !== opts.realmId) return fault(res, 404, 'ValidationFault', '610', 'Object Not Found');
    if (req.headers.authorization !== `Bearer ${grant.access}`) return fault(res, 401, 'AuthenticationFault', '3200', 'message=AuthenticationFailed; errorCode=003200; statusCode=401', 'Token expired');
    if (!url.searchParams.get('minorversion')) return fault(res, 400, 'ValidationFault', '4000', 'minorversion is required');
    const status = faults.take();
    if (status === 429) return fault(res, 429, 'ThrottleExceeded', '003001', 'ThrottleExceeded', 'The request limit was reached.');
    if (status !== undefined) return fault(res, status, 'SystemFault', '10000', 'An application error has occurred while processing your request');
    if (faults.takeMalformed()) return send(res, 200, { QueryResponse: { Customer: 'nope' } });
    if (m[2].startsWith('companyinfo')) return send(res, 200, { CompanyInfo: { CompanyName: 'Sandbox Company_US_1', Id: '1' }, time: qboTime(now()) });
    if (m[2] === 'cdc') {
      const since = Date.parse(url.searchParams.get('changedSince') ?? '');
      if (Number.isNaN(since) || now() - since > 30 * 86_400_000) return fault(res, 400, 'ValidationFault', '2010', 'changedSince is more than 30 days ago');
      const out = (url.searchParams.get('entities') ?? '').split(',').map((e) => {
        const ent = e as Entity;
        const rows = [...data[ent], ...deleted[ent]].filter((r) => Date.parse((r.MetaData as { LastUpdatedTime: string }).LastUpdatedTime) >= since);
        return { [ent]: rows, startPosition: 1, maxResults: rows.length };
      });
      return send(res, 200, { CDCResponse: [{ QueryResponse: out }], time: qboTime(now()) });
    }
    const q = url.searchParams.get('query') ?? '';
    queries.push(q);
    const p = QUERY.exec(q);
    if (!p) return fault(res, 400, 'ValidationFault', '4000', 'Error parsing query', `QueryParserError: ${q.slice(0, 60)}`);
    const [, entity, where = '', start, max] = p;
    if (Number(max) > 1000) return fault(res, 400, 'ValidationFault', '4001', 'MAXRESULTS must be at most 1000');
    const since = /Metadata\.LastUpdatedTime >= '([^']+)'/.exec(where)?.[1];
    let rows = [...data[entity as Entity]].sort((a, b) => Date.parse(a.MetaData.LastUpdatedTime) - Date.parse(b.MetaData.LastUpdatedTime) || Number(a.Id) - Number(b.Id));
    if (!/Active IN \(true, ?false\)/.test(where)) rows = rows.filter((r) => r.Active !== false);
    if (since) rows = rows.filter((r) => Date.parse(r.MetaData.LastUpdatedTime) >= Date.parse(since));
    const slice = rows.slice(Number(start) - 1, Number(start) - 1 + Number(max));
    send(res, 200, { QueryResponse: slice.length ? { [entity]: slice, startPosition: Number(start), maxResults: slice.length } : {}, time: qboTime(now()) });
  };

  const server = await startServer(handle, (res, err) => fault(res, 500, 'SystemFault', '10000', err.message), {
    onFinish: (req, res) => {
      const u = urlOf(req);
      if (!u.pathname.startsWith('/oauth2')) requests.push({ path: u.pathname, status: res.statusCode });
    },
  });
  const own: Omit<QuickbooksSandbox, keyof TokenControls | 'refreshToken'> = {
    ...server,
    queries,
    requests,
    ...faults.controls(),
    set(entity, obj) {
      const rows = data[entity];
      const i = rows.findIndex((r) => r.Id === obj.Id);
      if (i >= 0) rows[i] = obj;
      else rows.push(obj);
    },
    remove(entity, id, at) {
      data[entity] = data[entity].filter((r) => r.Id !== id);
      deleted[entity].push({ domain: 'QBO', status: 'Deleted', Id: id, MetaData: { LastUpdatedTime: at } });
    },
  };
  // Getters stay live (a spread would copy today's token).
  return Object.defineProperties(own, Object.getOwnPropertyDescriptors(grant.controls())) as QuickbooksSandbox;
}
