import type { IncomingMessage, ServerResponse } from 'node:http';
import { Faults, jsonSender, readBody, startServer, urlOf } from './kit';

/**
 * A generic REST API for the Custom API connector: the same items behind one path per paging style, each
 * answering in a shape common in the wild.
 * - `GET /api/cursor/items?limit&starting_after&updated_since` → `{ data: [...], meta: { next_cursor } }` (null at the end)
 * - `GET /api/links/items?page_size&page_token&updated_since` → `{ items: [...], links: { next } }` (a link carrying every parameter)
 * - `GET /api/pages/items?page&per_page&updated_since` → `{ results: [...], page, per_page, has_more }`
 * - `GET /api/offset/items?offset&limit&updated_since` → `{ records: [...], total }`
 * - `POST /api/search` with `{ cursor?, limit?, updated_since? }` → `{ data: { rows: [...] }, next }` (body paging)
 * - `GET|POST /api/ping` → `{ status: "ok" }`; `POST /oauth/token` (client credentials) when auth is oauth2
 * `updated_since` takes ISO or epoch seconds/ms. Items are ordered by id; `updated_at` is ISO.
 * Controls: 401 on bad credentials, `failNext(429|5xx, n, retryAfter)` with Retry-After in seconds or as an HTTP
 * date (early retries are counted), `malformNext(n)` cuts a page off mid-JSON.
 */
export type GenericAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'api_key_header'; header: string; key: string }
  | { kind: 'api_key_query'; param: string; key: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth2'; clientId: string; clientSecret: string };

export interface GenericItem {
  id: string;
  name: string;
  email: string;
  status: string;
  amount: number;
  updated_at: string;
}

export interface GenericRestOptions {
  items?: number;
  auth?: GenericAuth;
  /** Origin put in front of `links.next` (default: a relative link). */
  nextLinkOrigin?: string;
}

export interface RetryAfterForm {
  seconds: number;
  form: 'seconds' | 'date';
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
  authorization?: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface GenericRestSandbox {
  url: string;
  close(): Promise<void>;
  items: GenericItem[];
  requests: RecordedRequest[];
  readonly tokensIssued: number;
  readonly earlyRetries: number;
  setItem(id: string, patch: Partial<GenericItem>): GenericItem;
  failNext(status: number, n?: number, retryAfter?: RetryAfterForm): void;
  malformNext(n?: number): void;
}

const BASE = Date.parse('2025-01-01T00:00:00.000Z');
const STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'];

export function makeItems(n: number): GenericItem[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return {
      id: `itm_${String(i).padStart(5, '0')}`,
      name: `Item ${i}`,
      email: `item${i}@example.com`,
      status: STATUSES[i % STATUSES.length],
      amount: (i * 37) % 1000,
      updated_at: new Date(BASE + i * 3_600_000).toISOString(),
    };
  });
}

function sinceMs(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v);
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n < 1e11 ? n * 1000 : n;
  }
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

export async function startGenericRestSandbox(opts: GenericRestOptions = {}): Promise<GenericRestSandbox> {
  const items = makeItems(opts.items ?? 57);
  const auth = opts.auth ?? { kind: 'none' };
  const requests: RecordedRequest[] = [];
  const faults = new Faults<{ status: number; retryAfter?: RetryAfterForm }>();
  const accessTokens = new Set<string>();
  let tokensIssued = 0;
  let earlyRetries = 0;
  let notBefore = 0;

  const send = jsonSender('application/json');

  function authorized(req: IncomingMessage, url: URL): boolean {
    const h = req.headers.authorization;
    switch (auth.kind) {
      case 'none':
        return true;
      case 'bearer':
        return h === `Bearer ${auth.token}`;
      case 'api_key_header':
        return req.headers[auth.header.toLowerCase()] === auth.key;
      case 'api_key_query':
        return url.searchParams.get(auth.param) === auth.key;
      case 'basic':
        return h === 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      case 'oauth2':
        return !!h && h.startsWith('Bearer ') && accessTokens.has(h.slice(7));
    }
  }

  function filtered(since: unknown): GenericItem[] {
    const ms = sinceMs(since);
    return ms === undefined ? items : items.filter((it) => Date.parse(it.updated_at) >= ms);
  }

  function route(method: string, url: URL, body: Record<string, unknown>, res: ServerResponse): void {
    const q = url.searchParams;
    const num = (v: unknown, d: number) => (v === undefined || v === null || v === '' ? d : Number(v));
    const path = url.pathname;
    if (path === '/api/ping') return send(res, 200, { status: 'ok' });
    if (path === '/api/cursor/items' && method === 'GET') {
      const list = filtered(q.get('updated_since'));
      const limit = num(q.get('limit'), 10);
      const after = q.get('starting_after');
      const start = after ? list.findIndex((it) => it.id > Buffer.from(after, 'base64url').toString()) : 0;
      const from = start < 0 ? list.length : start;
      const page = list.slice(from, from + limit);
      const more = from + limit < list.length;
      return send(res, 200, { data: page, meta: { next_cursor: more ? Buffer.from(page[page.length - 1].id).toString('base64url') : null } });
    }
    if (path === '/api/links/items' && method === 'GET') {
      const list = filtered(q.get('updated_since'));
      const size = num(q.get('page_size'), 10);
      const from = num(q.get('page_token'), 0);
      const page = list.slice(from, from + size);
      let next: string | null = null;
      if (from + size < list.length) {
        const nq = new URLSearchParams(q);
        nq.set('page_token', String(from + size));
        nq.set('page_size', String(size));
        next = `${opts.nextLinkOrigin ?? ''}/api/links/items?${nq}`;
      }
      return send(res, 200, { items: page, links: { next } });
    }
    if (path === '/api/pages/items' && method === 'GET') {
      const list = filtered(q.get('updated_since'));
      const page = num(q.get('page'), 1);
      const per = num(q.get('per_page'), 10);
      const rows = list.slice((page - 1) * per, page * per);
      return send(res, 200, { results: rows, page, per_page: per, has_more: page * per < list.length });
    }
    if (path === '/api/offset/items' && method === 'GET') {
      const list = filtered(q.get('updated_since'));
      const offset = num(q.get('offset'), 0);
      const limit = num(q.get('limit'), 10);
      return send(res, 200, { records: list.slice(offset, offset + limit), total: list.length });
    }
    if (path === '/api/search' && method === 'POST') {
      const list = filtered(body.updated_since);
      const limit = num(body.limit, 10);
      const from = num(body.cursor, 0);
      const more = from + limit < list.length;
      return send(res, 200, { data: { rows: list.slice(from, from + limit) }, next: more ? String(from + limit) : null });
    }
    return send(res, 404, { error: 'not_found', message: `No route for ${method} ${path}` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = urlOf(req);
    const raw = await readBody(req);
    const method = req.method ?? 'GET';

    if (url.pathname === '/oauth/token' && method === 'POST' && auth.kind === 'oauth2') {
      const form = new URLSearchParams(raw);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== auth.clientId || form.get('client_secret') !== auth.clientSecret) {
        return send(res, 401, { error: 'invalid_client' });
      }
      const token = `at_${++tokensIssued}_${Math.random().toString(36).slice(2)}`;
      accessTokens.add(token);
      return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') ?? undefined });
    }

    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { error: 'bad_request', message: 'body is not JSON' });
      }
    }
    requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: raw ? body : undefined, authorization: req.headers.authorization, headers: req.headers });
    if (Date.now() < notBefore) earlyRetries++;
    if (!authorized(req, url)) return send(res, 401, { error: 'unauthorized', message: 'Invalid or missing credentials' }, { 'www-authenticate': 'Bearer realm="api"' });
    const f = faults.take();
    if (f) {
      const headers: Record<string, string> = {};
      if (f.retryAfter) {
        if (f.retryAfter.form === 'seconds') {
          headers['retry-after'] = String(f.retryAfter.seconds);
          notBefore = Date.now() + f.retryAfter.seconds * 1000;
        } else {
          // HTTP dates have whole seconds: round up so the wait is at least `seconds`.
          const at = Math.ceil((Date.now() + f.retryAfter.seconds * 1000) / 1000) * 1000;
          headers['retry-after'] = new Date(at).toUTCString();
          notBefore = at;
        }
      }
      return send(res, f.status, { error: f.status === 429 ? 'rate_limited' : 'server_error', message: f.status === 429 ? 'Too many requests' : 'Something went wrong' }, headers);
    }
    if (url.pathname !== '/api/ping' && faults.takeMalformed()) return send(res, 200, '{"data":[{"id":"itm_0');
    route(method, url, body, res);
  }

  const server = await startServer(handle, (res, err) => send(res, 500, { error: 'server_error', message: err.message }), { keepAliveTimeout: 1000 });
  return {
    url: server.url,
    // Closing twice is harmless here, as it always was for this sandbox.
    close: () => server.close().catch(() => undefined),
    items,
    requests,
    get tokensIssued() {
      return tokensIssued;
    },
    get earlyRetries() {
      return earlyRetries;
    },
    setItem(id, patch) {
      const it = items.find((x) => x.id === id);
      if (!it) throw new Error(`no item ${id}`);
      Object.assign(it, patch, { updated_at: new Date().toISOString() });
      return it;
    },
    failNext(status, n = 1, retryAfter) {
      faults.add({ status, retryAfter }, n);
    },
    malformNext(n = 1) {
      faults.addMalformed(n);
    },
  };
}
