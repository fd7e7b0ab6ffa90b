import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, readBody, type RunningServer, startServer, type TokenControls, urlOf } from './kit';
import { compositeWrite } from './salesforce-writes';

/**
 * A fake Salesforce REST API: the SOQL query resource with its real envelope and query locators, the
 * Sforce-Limit-Info header, the vendor's 401/400/403 error arrays, an OAuth token endpoint, and switches for
 * 5xx, 429, malformed pages and expired locators. Deterministic and dependency-free (the local stack's demos
 * use it too). It parses just enough SOQL:
 *   SELECT f1, f2 FROM Obj [WHERE SystemModstamp > <dateTime literal>] ORDER BY SystemModstamp [LIMIT n]
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
 * Writes through sObject Collections as salesforce-writes.ts describes.
 */

export type SfRecord = Record<string, unknown> & { Id: string; SystemModstamp: string };

export interface SalesforceSandboxOptions {
  accessToken: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Records per SObject (`{ Lead: [...] }`); each has Id and SystemModstamp (ISO). */
  records?: Record<string, SfRecord[]>;
  /** Records per query batch (Salesforce: up to 2,000). */
  batchSize?: number;
  /** The org's daily API allowance; past it every call answers 403 REQUEST_LIMIT_EXCEEDED. */
  apiLimit?: number;
  /** API usage already spent today, reported in Sforce-Limit-Info. */
  apiUsage?: number;
}

/** `expireToken` leads to 401 INVALID_SESSION_ID, `failRefresh` to 400 invalid_grant, `failNext(n, 429)` to REQUEST_LIMIT_EXCEEDED. */
export interface SalesforceSandbox extends RunningServer, FaultControls, TokenControls {
  /** SOQL strings received on /query and /queryAll, in order. */
  queries: string[];
  /** Every request: method, path (with query string), status answered. */
  requests: Array<{ method: string; path: string; status: number; authorization?: string }>;
  /** Inserts or replaces a record (SystemModstamp defaults to one second after the newest of its SObject). */
  setRecord(sobject: string, record: Partial<SfRecord> & { Id: string }): SfRecord;
  /** Deletes a record (IsDeleted = true, SystemModstamp moved on): /query no longer returns it, /queryAll does. */
  deleteRecord(sobject: string, id: string): SfRecord;
  /** Drops every open query locator (next `nextRecordsUrl` answers 400 INVALID_QUERY_LOCATOR). */
  dropLocators(): void;
  /** Sets today's API usage (e.g. to the limit, to get 403 REQUEST_LIMIT_EXCEEDED). */
  setApiUsage(n: number): void;
  /** What an SObject holds now (writes included). */
  records(sobject: string): SfRecord[];
}

const SF_TIME = (iso: string) => new Date(Date.parse(iso)).toISOString().replace('Z', '+0000');
const DATETIME_LITERAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const SOQL = /^SELECT\s+(.+?)\s+FROM\s+([A-Za-z][A-Za-z0-9_]*)(?:\s+WHERE\s+SystemModstamp\s*(>=|>)\s*(\S+))?\s+ORDER\s+BY\s+SystemModstamp(?:\s+ASC)?(?:\s+LIMIT\s+(\d+))?\s*$/i;
const FIELD = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

type Parsed = { fields: string[]; sobject: string; op?: string; since?: number; limit?: number } | { error: string; code: string };

function parseSoql(q: string, known: (sobject: string) => Set<string> | undefined): Parsed {
  const m = SOQL.exec(q.trim());
  if (!m) return { code: 'MALFORMED_QUERY', error: `unexpected token in query: ${q.slice(0, 80)}` };
  const [, list, sobject, op, literal, limit] = m;
  const fields = list.split(',').map((f) => f.trim());
  const bad = fields.find((f) => !FIELD.test(f));
  if (bad !== undefined) return { code: 'MALFORMED_QUERY', error: `unexpected token: '${bad}'` };
  const columns = known(sobject);
  if (!columns) return { code: 'INVALID_TYPE', error: `sObject type '${sobject}' is not supported.` };
  const unknown = fields.find((f) => columns.size > 0 && !columns.has(f.split('.')[0]));
  if (unknown) return { code: 'INVALID_FIELD', error: `No such column '${unknown}' on entity '${sobject}'.` };
  if (literal !== undefined && !DATETIME_LITERAL.test(literal)) {
    return { code: 'MALFORMED_QUERY', error: `value of filter criterion for field 'SystemModstamp' must be of type dateTime and should not be enclosed in quotes` };
  }
  return { fields, sobject, op, since: literal ? Date.parse(literal) : undefined, limit: limit ? Number(limit) : undefined };
}

function project(rec: SfRecord, sobject: string, fields: string[], apiVersion: string): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: sobject, url: `/services/data/${apiVersion}/sobjects/${sobject}/${rec.Id}` } };
  for (const f of fields) {
    const [head, sub] = f.split('.');
    if (sub === undefined) {
      const v = head === 'IsDeleted' ? rec.IsDeleted === true : rec[head];
      out[head] = head === 'SystemModstamp' || /Date$/.test(head) ? (typeof v === 'string' && v.includes('T') ? SF_TIME(v) : (v ?? null)) : (v ?? null);
    } else {
      const rel = rec[head] as Record<string, unknown> | null | undefined;
      const prev = (out[head] as Record<string, unknown> | undefined) ?? (rel ? { attributes: { type: head, url: `/services/data/${apiVersion}/sobjects/${head}/x` } } : null);
      if (prev) prev[sub] = rel?.[sub] ?? null;
      out[head] = prev;
    }
  }
  return out;
}

/** Realistic records for a standard object, `n` of them, one hour apart from `start`. */
export function makeSalesforceRecords(sobject: 'Lead' | 'Contact' | 'Account' | 'Opportunity', n: number, start = '2024-05-01T08:00:00.000Z'): SfRecord[] {
  const prefix = { Lead: '00Q', Contact: '003', Account: '001', Opportunity: '006' }[sobject];
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.parse(start) + i * 3_600_000).toISOString();
    const Id = `${prefix}5g00000${String(i + 1).padStart(8, '0')}`;
    const common = { Id, OwnerId: '0055g00000AbCdEAAV', CreatedDate: at, LastModifiedDate: at, SystemModstamp: at };
    const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'][i % 5];
    const last = `Tester${i + 1}`;
    switch (sobject) {
      case 'Lead':
        return { ...common, FirstName: first, LastName: last, Name: `${first} ${last}`, Company: `Acme ${i + 1}`, Email: `lead${i + 1}@example.com`, Phone: `+1555010${String(i).padStart(4, '0')}`, Status: 'Open - Not Contacted', LeadSource: 'Web', IsConverted: false };
      case 'Contact':
        return { ...common, FirstName: first, LastName: last, Name: `${first} ${last}`, Email: `contact${i + 1}@example.com`, Phone: null, MobilePhone: null, Title: 'Buyer', AccountId: '0015g00000XyZ01AAF' };
      case 'Account':
        return { ...common, Name: `Acme ${i + 1}`, Type: 'Customer', Industry: 'Retail', Website: `https://acme${i + 1}.example.com`, Phone: null, BillingCity: 'Austin', BillingState: 'TX', BillingCountry: 'US' };
      default:
        return { ...common, Name: `Deal ${i + 1}`, AccountId: '0015g00000XyZ01AAF', StageName: 'Prospecting', Amount: 1000 * (i + 1), CloseDate: '2024-12-31', Probability: 10, IsClosed: false, IsWon: false };
    }
  });
}

export async function startSalesforceSandbox(opts: SalesforceSandboxOptions): Promise<SalesforceSandbox> {
  const data = new Map<string, SfRecord[]>(Object.entries(opts.records ?? {}).map(([k, v]) => [k, v.map((r) => ({ ...r }))]));
  const batchSize = opts.batchSize ?? 2000;
  const apiLimit = opts.apiLimit ?? 5000;
  let apiUsage = opts.apiUsage ?? 0;
  let token = opts.accessToken;
  let tokenSeq = 0;
  let refreshCount = 0;
  let refreshFails = false;
  const faults = new Faults();
  const locators = new Map<string, { rows: Record<string, unknown>[]; apiVersion: string }>();
  let locatorSeq = 0;
  const queries: string[] = [];
  const requests: SalesforceSandbox['requests'] = [];

  const known = (sobject: string) => {
    const rows = data.get(sobject);
    if (!rows) return undefined;
    return new Set([...rows.flatMap((r) => Object.keys(r)), 'IsDeleted']);
  };

  const send = jsonSender('application/json;charset=UTF-8');
  const limitInfo = () => ({ 'sforce-limit-info': `api-usage=${apiUsage}/${apiLimit}` });
  const sfError = (res: ServerResponse, status: number, errorCode: string, message: string, extra: Record<string, string> = {}) =>
    send(res, status, [{ message, errorCode }], { ...limitInfo(), ...extra });

  const page = (res: ServerResponse, rows: Record<string, unknown>[], offset: number, apiVersion: string, locator?: string) => {
    const slice = rows.slice(offset, offset + batchSize);
    const done = offset + slice.length >= rows.length;
    let id = locator;
    if (!done && !id) {
      id = `01gRO0000016PI${String(++locatorSeq).padStart(4, '0')}`;
      locators.set(id, { rows, apiVersion });
    }
    send(
      res,
      200,
      { totalSize: rows.length, done, ...(done ? {} : { nextRecordsUrl: `/services/data/${apiVersion}/query/${id}-${offset + slice.length}` }), records: slice },
      limitInfo(),
    );
  };

  let writeSeq = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const path = url.pathname;

    if (req.method === 'POST' && path === '/services/oauth2/token') {
      const form = new URLSearchParams(await readBody(req));
      const ok =
        !refreshFails &&
        form.get('grant_type') === 'refresh_token' &&
        form.get('refresh_token') === opts.refreshToken &&
        form.get('client_id') === opts.clientId &&
        (opts.clientSecret === undefined || form.get('client_secret') === opts.clientSecret);
      if (!ok) return send(res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
      refreshCount++;
      token = `00D5g000004SbXE!AQ${++tokenSeq}.refreshed.${opts.accessToken.slice(-4)}`;
      return send(res, 200, {
        access_token: token,
        signature: 'c2lnbmF0dXJl',
        scope: 'refresh_token api',
        instance_url: sandbox.url,
        id: `${sandbox.url}/id/00D5g000004SbXEEA0/0055g00000AbCdEAAV`,
        token_type: 'Bearer',
        issued_at: '1714557600000',
      });
    }

    const m = /^\/services\/data\/(v\d+\.\d)(\/.*)?$/.exec(path);
    if (!m) return sfError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const [, apiVersion, rest = ''] = m;
    if (req.headers.authorization !== `Bearer ${token}`) {
      return sfError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid', { 'www-authenticate': 'Token' });
    }
    apiUsage++;
    if (apiUsage > apiLimit) return sfError(res, 403, 'REQUEST_LIMIT_EXCEEDED', `TotalRequests Limit exceeded.`);
    const status = faults.take();
    // Salesforce documents no Retry-After for REST; the client's backoff applies.
    if (status === 429) return send(res, 429, [{ message: 'Too many requests', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], limitInfo());
    if (status !== undefined) return sfError(res, status, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable');
    if (faults.takeMalformed()) return send(res, 200, '{"totalSize": 3, "done": fal', limitInfo());

    if (rest === '/limits') return send(res, 200, { DailyApiRequests: { Max: apiLimit, Remaining: Math.max(0, apiLimit - apiUsage) } }, limitInfo());
    if (rest === '/query' || rest === '/queryAll') {
      const q = url.searchParams.get('q');
      if (!q) return sfError(res, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
      queries.push(q);
      const parsed = parseSoql(q, known);
      if ('error' in parsed) return sfError(res, 400, parsed.code, parsed.error);
      let rows = [...(data.get(parsed.sobject) ?? [])].filter((r) => rest === '/queryAll' || r.IsDeleted !== true).sort((a, b) => Date.parse(a.SystemModstamp) - Date.parse(b.SystemModstamp) || a.Id.localeCompare(b.Id));
      if (parsed.since !== undefined) {
        const since = parsed.since;
        rows = rows.filter((r) => (parsed.op === '>=' ? Date.parse(r.SystemModstamp) >= since : Date.parse(r.SystemModstamp) > since));
      }
      if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
      return page(res, rows.map((r) => project(r, parsed.sobject, parsed.fields, apiVersion)), 0, apiVersion);
    }
    const composite = /^\/composite\/sobjects(?:\/([A-Za-z][A-Za-z0-9_]*)\/([A-Za-z][A-Za-z0-9_]*))?$/.exec(rest);
    if (composite && (req.method === 'POST' || req.method === 'PATCH')) {
      let body: Parameters<typeof compositeWrite>[3];
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sfError(res, 400, 'JSON_PARSER_ERROR', 'Unexpected character');
      }
      const upsert = composite[1] ? { sobject: composite[1], field: composite[2] } : undefined;
      const a = compositeWrite(data, req.method, upsert, body, (prefix) => `${prefix}5g00001${String(++writeSeq).padStart(8, '0')}`);
      return send(res, a.status, a.body, limitInfo());
    }
    const next = /^\/query\/([A-Za-z0-9]+)-(\d+)$/.exec(rest);
    if (next) {
      const loc = locators.get(next[1]);
      if (!loc) return sfError(res, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      return page(res, loc.rows, Number(next[2]), loc.apiVersion, next[1]);
    }
    return sfError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  };

  const server = await startServer(handle, (res, err) => send(res, 500, [{ message: err.message, errorCode: 'UNKNOWN_EXCEPTION' }]), {
    onFinish: (req, res) => requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: res.statusCode, authorization: req.headers.authorization }),
  });

  const sandbox: SalesforceSandbox = {
    ...server,
    queries,
    requests,
    get accessToken() {
      return token;
    },
    get refreshCount() {
      return refreshCount;
    },
    expireToken() {
      token = `${token}.expired-${++tokenSeq}`;
    },
    failRefresh(on = true) {
      refreshFails = on;
    },
    setRecord(sobject, record) {
      const rows = data.get(sobject) ?? [];
      data.set(sobject, rows);
      const newest = rows.reduce((max, r) => Math.max(max, Date.parse(r.SystemModstamp)), 0);
      const i = rows.findIndex((r) => r.Id === record.Id);
      const merged = { ...(i >= 0 ? rows[i] : {}), ...record, SystemModstamp: record.SystemModstamp ?? new Date(newest + 1000).toISOString() } as SfRecord;
      if (i >= 0) rows[i] = merged;
      else rows.push(merged);
      return merged;
    },
    deleteRecord(sobject, id) {
      return sandbox.setRecord(sobject, { Id: id, IsDeleted: true });
    },
    ...faults.controls(),
    dropLocators() {
      locators.clear();
    },
    setApiUsage(n) {
      apiUsage = n;
    },
    records: (sobject) => data.get(sobject) ?? [],
  };
  return sandbox;
}
