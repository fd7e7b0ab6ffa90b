import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, readBody, readBuffer, RollingLimit, type RunningServer, startServer, type TokenControls, urlOf } from './kit';
import { zohoSearch, zohoWrite } from './zoho-writes';

/**
 * A fake Zoho CRM v3 API and accounts server: Get Records with its `data` + `info` envelope, `fields`
 * required, page numbers up to a record limit (2,000 at Zoho; configurable so tests stay small) and
 * `page_token` beyond, If-Modified-Since → 304, empty module → 204, the vendor's error bodies
 * (`{code, details, message, status}`), 401 INVALID_TOKEN, 429 TOO_MANY_REQUESTS past a per-minute limit,
 * the refresh-token grant with its parameters in the query string, and 5xx/malformed switches; record writes
 * (insert, update, upsert) and search as zoho-writes.ts describes.
 * https://www.zoho.com/crm/developer/docs/api/v3/get-records.html
 */

export type ZohoRecord = Record<string, unknown> & { id: string; Modified_Time: string };
export type ZohoModule = 'Leads' | 'Contacts' | 'Deals' | 'Notes';

export interface ZohoSandboxOptions {
  accessToken: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  records?: Partial<Record<ZohoModule, ZohoRecord[]>>;
  /** Largest page served (Zoho: 200). */
  maxPerPage?: number;
  /** Records reachable with `page` before `page_token` is required (Zoho: 2,000). */
  pageLimitRecords?: number;
  /** Requests allowed per window before 429 (Zoho: about 100 a minute). */
  perMinute?: number;
  windowMs?: number;
}

export interface ZohoSandbox extends RunningServer, FaultControls, TokenControls {
  /** Every request: path with query string, status, the If-Modified-Since and Authorization it carried. */
  requests: Array<{ method: string; path: string; query: URLSearchParams; status: number; ifModifiedSince?: string; authorization?: string }>;
  /** What a module holds now (writes included). */
  records(module: ZohoModule): ZohoRecord[];
  /** Inserts or updates a record; Modified_Time defaults to one second after the module's newest. */
  setRecord(module: ZohoModule, record: Partial<ZohoRecord> & { id: string }): ZohoRecord;
  /** Files attached with `POST /crm/v3/{Module}/{id}/Attachments` (multipart, one part named `file`). */
  attachments: ZohoAttachment[];
  /** Refuses the records `test` names a field of (INVALID_DATA on that field), as Zoho does a lead it finds invalid. */
  refuseRecords(test: ((rec: Record<string, unknown>) => string | undefined) | undefined): void;
}

export interface ZohoAttachment {
  id: string;
  module: string;
  parentId: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** Zoho's attachment cap per file (api-facts: 20 MB; FILE_SIZE_MORE_THAN_ALLOWED_SIZE above). */
const MAX_FILE = 20 * 1024 * 1024;

/** The `file` part of a multipart/form-data body. */
function filePart(body: Buffer, contentType: string | undefined): { fileName: string; contentType: string; bytes: Buffer } | undefined {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType ?? '')?.[2];
  if (!boundary) return undefined;
  const sep = Buffer.from(`--${boundary}`);
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const part = body.subarray(at + sep.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    if (/name="file"/.test(head)) {
      return { fileName: /filename="([^"]*)"/.exec(head)?.[1] ?? 'file', contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? 'application/octet-stream', bytes: Buffer.from(part.subarray(split + 4)) };
    }
    at = next;
  }
  return undefined;
}

/** Zoho prints times in the account's zone; the sandbox uses India's (+05:30) like the docs. */
export function zohoLocalTime(ms: number): string {
  return new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 19) + '+05:30';
}

/** Realistic records, `n` of them, one hour apart from `start`. */
export function makeZohoRecords(module: ZohoModule, n: number, start = '2024-05-01T08:00:00Z', idBase = 4876876000001000000n): ZohoRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const t = zohoLocalTime(Date.parse(start) + i * 3_600_000);
    const id = String(idBase + BigInt(i + 1));
    const Owner = { name: 'Patricia Boyle', id: '4876876000000327001', email: 'p.boyle@zylker.com' };
    const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'][i % 5];
    const last = `Tester${i + 1}`;
    const common = { id, Owner, Created_Time: t, Modified_Time: t, $currency_symbol: '$', $approved: true };
    if (module === 'Deals') {
      return { ...common, Deal_Name: `Deal ${i + 1}`, Stage: 'Qualification', Amount: 1000 * (i + 1), Closing_Date: '2024-12-31', Account_Name: { name: 'Zylker', id: '4876876000000333001' }, Contact_Name: null, Pipeline: 'Standard', Probability: 10 };
    }
    const person = { ...common, First_Name: first, Last_Name: last, Full_Name: `${first} ${last}`, Email: `${module.toLowerCase()}${i + 1}@zylker.com`, Phone: `+1555020${String(i).padStart(4, '0')}`, Mobile: null };
    return module === 'Leads'
      ? { ...person, Company: `Zylker ${i + 1}`, Lead_Source: 'Web Download', Lead_Status: 'Not Contacted' }
      : { ...person, Account_Name: { name: 'Zylker', id: '4876876000000333001' }, Title: 'Buyer', Mailing_City: 'Austin' };
  });
}

const SORTABLE = new Set(['id', 'Created_Time', 'Modified_Time']);
/** An IMF-fixdate (RFC 9110 §5.6.7), the form an HTTP-date is sent in: `Fri, 18 Sep 2026 12:02:56 GMT`. */
/** Zoho's If-Modified-Since: ISO 8601 to the second with an explicit offset (its docs: `2019-07-25T15:26:49+05:30`). */
const IMS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

export async function startZohoSandbox(opts: ZohoSandboxOptions): Promise<ZohoSandbox> {
  const data = new Map<string, ZohoRecord[]>(['Leads', 'Contacts', 'Deals', 'Notes'].map((m) => [m, (opts.records?.[m as ZohoModule] ?? []).map((r) => ({ ...r }))]));
  const maxPerPage = opts.maxPerPage ?? 200;
  const pageLimit = opts.pageLimitRecords ?? 2000;
  const limit = new RollingLimit(opts.perMinute ?? 100, opts.windowMs ?? 60_000);
  let token = opts.accessToken;
  let tokenSeq = 0;
  let refreshCount = 0;
  let refreshFails = false;
  const faults = new Faults();
  const pageTokens = new Map<string, { module: string; offset: number }>();
  const requests: ZohoSandbox['requests'] = [];
  const attachments: ZohoAttachment[] = [];
  let refuse: ((rec: Record<string, unknown>) => string | undefined) | undefined;

  const send = jsonSender('application/json;charset=utf-8');
  const zError = (res: ServerResponse, status: number, code: string, message: string, details: Record<string, unknown> = {}) =>
    send(res, status, { code, details, message, status: 'error' });

  let idSeq = 0n;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const q = url.searchParams;

    if (req.method === 'POST' && url.pathname === '/oauth/v2/token') {
      const ok =
        !refreshFails &&
        q.get('grant_type') === 'refresh_token' &&
        q.get('refresh_token') === opts.refreshToken &&
        q.get('client_id') === opts.clientId &&
        q.get('client_secret') === opts.clientSecret;
      // Zoho answers a refused grant with 200 and an `error` field.
      if (!ok) return send(res, 200, { error: 'invalid_code' });
      refreshCount++;
      token = `1000.refreshed${++tokenSeq}.${opts.accessToken.slice(-4)}`;
      return send(res, 200, { access_token: token, scope: 'ZohoCRM.modules.ALL', api_domain: sandbox.url, token_type: 'Bearer', expires_in: 3600 });
    }

    const attach = req.method === 'POST' ? /^\/crm\/v3\/(Leads|Contacts|Deals)\/(\d+)\/Attachments$/.exec(url.pathname) : null;
    // A multipart upload is read whole before it is answered, as a server in front of an API does.
    const upload = attach ? await readBuffer(req) : undefined;
    if (req.headers.authorization !== `Zoho-oauthtoken ${token}`) return zError(res, 401, 'INVALID_TOKEN', 'invalid oauth token');
    const now = Date.now();
    const status = limit.take(now) ? faults.take() : 429;
    if (status === 429) return zError(res, 429, 'TOO_MANY_REQUESTS', 'The API call limit has been exceeded');
    if (status !== undefined) return zError(res, status, 'INTERNAL_ERROR', 'Internal Server Error');
    if (faults.takeMalformed()) return send(res, 200, { info: { per_page: 200, count: 0, page: 1, more_records: false } });

    if (url.pathname === '/crm/v3/users' && q.get('type') === 'CurrentUser') {
      return send(res, 200, { users: [{ id: '4876876000000327001', full_name: 'Patricia Boyle', email: 'p.boyle@zylker.com', status: 'active' }], info: { per_page: 200, count: 1, page: 1, more_records: false } });
    }
    if (attach && upload) {
      const parent = data.get(attach[1])!.find((r) => r.id === attach[2]);
      if (!parent) return zError(res, 400, 'INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'id' });
      const file = filePart(upload, req.headers['content-type']);
      if (!file) return zError(res, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'file' });
      if (file.bytes.length > MAX_FILE) return zError(res, 400, 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'Uploaded file size is more than the allowed size', { max_size: MAX_FILE });
      const id = String(4876876000008000000n + BigInt(attachments.length + 1));
      attachments.push({ id, module: attach[1], parentId: attach[2], ...file });
      const t = zohoLocalTime(Date.now());
      return send(res, 200, { data: [{ code: 'SUCCESS', details: { Modified_Time: t, Modified_By: { name: 'Patricia Boyle', id: '4876876000000327001' }, Created_Time: t, id, Created_By: { name: 'Patricia Boyle', id: '4876876000000327001' } }, message: 'attachment uploaded successfully', status: 'success' }] });
    }
    const w = /^\/crm\/v3\/(Leads|Contacts|Deals|Notes)(\/upsert|\/search)?$/.exec(url.pathname);
    if (w && (req.method !== 'GET' || w[2] === '/search')) {
      const rows = data.get(w[1])!;
      if (w[2] === '/search') {
        const a = zohoSearch(rows, q);
        return send(res, a.status, a.body);
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return zError(res, 400, 'INVALID_DATA', 'body is not valid JSON');
      }
      const op = w[2] === '/upsert' ? 'upsert' : req.method === 'PUT' ? 'update' : 'insert';
      const a = zohoWrite(rows, w[1], op, body, () => zohoLocalTime(Date.now()), () => String(4876876000009000000n + ++idSeq), refuse);
      return send(res, a.status, a.body);
    }
    const m = /^\/crm\/v3\/(Leads|Contacts|Deals)$/.exec(url.pathname);
    if (!m) return zError(res, 404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
    const module = m[1];

    const fieldsParam = q.get('fields');
    if (!fieldsParam) return zError(res, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'fields' });
    const fields = fieldsParam.split(',').map((f) => f.trim());
    if (fields.length > 50) return zError(res, 400, 'LIMIT_EXCEEDED', 'Fields limit exceeded.', { param: 'fields', limit: 50 });
    if (q.has('page') && q.has('page_token')) return zError(res, 400, 'AMBIGUITY_DURING_PROCESSING', 'You cannot use both page and page_token.');
    const sortBy = q.get('sort_by') ?? 'id';
    const sortOrder = q.get('sort_order') ?? 'desc';
    if (!SORTABLE.has(sortBy)) return zError(res, 400, 'INVALID_DATA', 'invalid data', { param: 'sort_by' });
    const perPage = Math.min(Number(q.get('per_page') ?? 200) || 200, maxPerPage);

    const all = data.get(module)!;
    if (all.length === 0) return send(res, 204);
    let rows = [...all];
    const ims = req.headers['if-modified-since'];
    if (ims !== undefined) {
      if (typeof ims !== 'string' || !IMS.test(ims)) return zError(res, 400, 'INVALID_DATA', 'invalid data', { header: 'If-Modified-Since' });
      rows = rows.filter((r) => Date.parse(r.Modified_Time) > Date.parse(ims));
      if (rows.length === 0) return send(res, 304);
    }
    const key = (r: ZohoRecord) => (sortBy === 'id' ? BigInt(r.id) : BigInt(Date.parse(String(r[sortBy]))));
    rows.sort((a, b) => {
      const d = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id.localeCompare(b.id);
      return sortOrder === 'asc' ? d : -d;
    });

    let offset: number;
    const pageToken = q.get('page_token');
    if (pageToken) {
      const t = pageTokens.get(pageToken);
      if (!t || t.module !== module) return zError(res, 400, 'INVALID_DATA', 'invalid page_token', { param: 'page_token' });
      offset = t.offset;
    } else {
      const page = Number(q.get('page') ?? 1);
      if (!Number.isInteger(page) || page < 1) return zError(res, 400, 'INVALID_DATA', 'invalid data', { param: 'page' });
      if (page * perPage > pageLimit) {
        return zError(res, 400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', `You can only get the first ${pageLimit} records without using page_token param.`, { limit: pageLimit });
      }
      offset = (page - 1) * perPage;
    }
    const slice = rows.slice(offset, offset + perPage);
    const more = offset + slice.length < rows.length;
    let next: string | null = null;
    if (more) {
      next = `c8582e7f${(pageTokens.size + 1).toString(16).padStart(8, '0')}0d4b6a0e`;
      pageTokens.set(next, { module, offset: offset + slice.length });
    }
    const body = {
      data: slice.map((r) => Object.fromEntries([['id', r.id], ...fields.filter((f) => f !== 'id').map((f) => [f, r[f] ?? null])])),
      info: {
        per_page: perPage,
        count: slice.length,
        page: Math.floor(offset / perPage) + 1,
        sort_by: sortBy,
        sort_order: sortOrder,
        more_records: more,
        next_page_token: next,
        previous_page_token: null,
        page_token_expiry: next ? new Date(now + 86_400_000).toISOString().slice(0, 19) + '+00:00' : null,
      },
    };
    return send(res, 200, body);
  };

  const server = await startServer(handle, (res, err) => zError(res, 500, 'INTERNAL_ERROR', err.message), {
    onFinish: (req, res) => {
      const ims = req.headers['if-modified-since'];
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', query: urlOf(req).searchParams, status: res.statusCode, ifModifiedSince: typeof ims === 'string' ? ims : undefined, authorization: req.headers.authorization });
    },
  });

  const sandbox: ZohoSandbox = {
    ...server,
    requests,
    get accessToken() {
      return token;
    },
    get refreshCount() {
      return refreshCount;
    },
    expireToken() {
      token = `${token}.expired${++tokenSeq}`;
    },
    failRefresh(on = true) {
      refreshFails = on;
    },
    records: (module) => data.get(module)!,
    attachments,
    refuseRecords(test) {
      refuse = test;
    },
    setRecord(module, record) {
      const rows = data.get(module)!;
      const newest = rows.reduce((max, r) => Math.max(max, Date.parse(r.Modified_Time)), 0);
      const i = rows.findIndex((r) => r.id === record.id);
      const merged = { ...(i >= 0 ? rows[i] : {}), ...record, Modified_Time: record.Modified_Time ?? zohoLocalTime(newest + 1000) } as ZohoRecord;
      if (i >= 0) rows[i] = merged;
      else rows.push(merged);
      return merged;
    },
    ...faults.controls(),
  };
  return sandbox;
}
