import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HubspotRecord, lastModifiedOf, TYPE_BASE } from './hubspot-data';
import { compareValues, makeStore, type RecordInput, type TypeStore } from './hubspot-store';
import { Faults, jsonSender, readBody, RollingLimit, startServer, urlOf } from './kit';
import { batchWrite, type WriteOptions } from './hubspot-writes';

/**
 * A HubSpot CRM v3 sandbox reproducing the wire formats in shared/api-facts/hubspot.md:
 * - `GET /crm/v3/objects/{contacts|companies|deals|appointments|custom}`: `limit` (max 100, larger is clipped), `after` (the next id), `properties`,
 *   `archived`; `paging.next.{after,link}` absent on the last page; every property value a string or null.
 * - `POST /crm/v3/objects/{type}/search`: filterGroups (OR of ANDs), one sort, `limit` ≤ 200, `after` offset
 *   as an integer string, `total`; 400 when `after` ≥ the result cap (10,000 as HubSpot; `searchCap` to test).
 * - `GET /crm/v3/properties/{type}`: property definitions (one hidden), for custom objects' property discovery.
 * - `POST /crm/v4/associations/contacts/{deals|companies}/batch/read`: `{status, results:[{from:{id}, to:[{toObjectId,
 *   associationTypes}]}]}`; ids without associations land in `errors` with HTTP 207.
 * - `POST /crm/v3/objects/{type}/batch/{create|update|upsert}`: see hubspot-writes.ts (207 partial answers).
 * - Bearer auth with HubSpot's 401 body; the rolling window limit (default 100 / 10 s) answered with HubSpot's
 *   429 body; `X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds` on every response.
 * HubSpot documents no `Retry-After` on its 10-secondly 429 (its own SDK waits a fixed 10 s instead), so none is
 * sent unless `retryAfterSeconds` asks for one to exercise the client.
 * Generated records are deterministic (`seed`) and lazy: 100,000 contacts cost nothing until read.
 */
export interface HubspotSandboxOptions {
  token?: string;
  contacts?: number | RecordInput[];
  companies?: number | RecordInput[];
  deals?: number | RecordInput[];
  appointments?: number | RecordInput[];
  customObjects?: Record<string, number | RecordInput[]>;
  rateLimit?: { requests: number; windowMs: number } | false;
  /** Search result cap; HubSpot's is 10,000. */
  searchCap?: number;
  /** Adds `Retry-After: <s>` to 429s (HubSpot doesn't) and counts retries that come earlier. */
  retryAfterSeconds?: number;
  seed?: number;
  /** Refuses chosen records in batch writes (a 400 error item with this text). */
  reject?: WriteOptions['reject'];
  /** Runs after a batch write is applied and before it is answered (a test kills the writer there). */
  beforeReply?: (path: string) => Promise<void> | void;
  /**
   * Contacts associated with many deals: contact id → how many (the first n deals of the store, beyond its
   * usual one or two), to see the list endpoint's inline associations truncated at 100.
   */
  dealsOfContact?: Record<string, number>;
  /** Idle keep-alive sockets close after this many ms (default 1 s, so tests end fast; undici reuses a socket only when this is above 2 s). */
  keepAliveTimeout?: number;
}

export interface HubspotSandbox {
  url: string;
  token: string;
  close(): Promise<void>;
  /** Requests received, by path. */
  requests: Record<string, number>;
  readonly http429: number;
  /** Requests that arrived before a Retry-After we sent had elapsed. */
  readonly earlyRetries: number;
  /** Bodies of the search requests received, in order. */
  searches: Array<Record<string, unknown>>;
  store: Record<string, TypeStore>;
  setRecord(type: string, id: string | undefined, props: Record<string, string | null>): HubspotRecord;
  deleteRecord(type: string, id: string): boolean;
  /** The next `n` requests answer `status` (429 with HubSpot's rate-limit body, else an error body). */
  failNext(status: number, n?: number): void;
  /** The next `n` list/search pages are cut off mid-JSON. */
  malformNext(n?: number): void;
  revokeToken(): void;
  /** Ids associated with a contact (deterministic; what the v4 batch read answers). */
  associationsOf(contactId: string, to: 'deals' | 'companies'): string[];
}

const ASSOC_TYPE_ID: Record<string, number> = { deals: 4, companies: 279 };

export async function startHubspotSandbox(opts: HubspotSandboxOptions = {}): Promise<HubspotSandbox> {
  const seed = opts.seed ?? 1;
  let token: string | null = opts.token ?? 'pat-na1-00000000-0000-4000-8000-000000000001';
  const issuedToken = token;
  const rate = opts.rateLimit === false ? undefined : (opts.rateLimit ?? { requests: 100, windowMs: 10_000 });
  const limit = rate && new RollingLimit(rate.requests, rate.windowMs);
  const cap = opts.searchCap ?? 10_000;
  const store: Record<string, TypeStore> = {
    contacts: makeStore('contacts', 0, opts.contacts, 250, seed),
    companies: makeStore('companies', 0, opts.companies, 40, seed),
    deals: makeStore('deals', 0, opts.deals, 60, seed),
    // None unless a test asks: most tests count records across all types.
    appointments: makeStore('appointments', 0, opts.appointments, 0, seed),
  };
  Object.entries(opts.customObjects ?? {}).forEach(([name, input], i) => (store[name] = makeStore(name, i, input, 20, seed)));

  const faults = new Faults();
  let http429 = 0;
  let earlyRetries = 0;
  let notBefore = 0;
  let seq = 0;
  const requests: Record<string, number> = {};
  const searches: Array<Record<string, unknown>> = [];
  const correlationId = () => `4b1c0d7e-0000-4000-8000-${(++seq).toString(16).padStart(12, '0')}`;

  function associationsOf(contactId: string, to: 'deals' | 'companies'): string[] {
    const target = store[to];
    const i = Number(contactId) - TYPE_BASE.contacts;
    if (!target.count || !Number.isInteger(i) || i < 1) return [];
    // Two of three contacts have a deal; every other contact has a company.
    if (to === 'deals' && i % 3 === 0) return [];
    if (to === 'companies' && i % 2 === 1) return [];
    const ids = [String(target.base + ((i - 1) % target.count) + 1)];
    if (to === 'deals' && i % 5 === 0 && target.count > 1) ids.push(String(target.base + (i % target.count) + 1));
    const many = to === 'deals' ? (opts.dealsOfContact?.[contactId] ?? 0) : 0;
    for (let d = 1; d <= Math.min(many, target.count); d++) ids.push(String(target.base + d));
    return [...new Set(ids)].filter((id) => target.get(id));
  }

  /** Inline associations hold at most this many rows per associated type; more are paged (`paging.next`). */
  const INLINE_ASSOCIATIONS = 100;

  /**
   * `associations=companies,deals` on the list endpoint: per object, per requested type, `{ results: [{ id,
   * type }], paging? }`. A primary company is listed twice (its label and the unlabeled type), as HubSpot does;
   * past 100 rows the rest is paged behind `paging.next.after`; a type with none is left out.
   * https://developers.hubspot.com/changelog/announcing-a-change-to-how-v3-crm-apis-return-association-data
   */
  function inlineAssociations(type: string, id: string, wanted: string[]): Record<string, unknown> | undefined {
    if (type !== 'contacts') return undefined;
    const out: Record<string, unknown> = {};
    for (const to of wanted) {
      if (to !== 'deals' && to !== 'companies') continue;
      const rows = associationsOf(id, to).flatMap((t) =>
        to === 'companies' ? [{ id: t, type: 'contact_to_company' }, { id: t, type: 'contact_to_company_unlabeled' }] : [{ id: t, type: 'contact_to_deal' }],
      );
      if (!rows.length) continue;
      const after = rows.length > INLINE_ASSOCIATIONS ? Buffer.from(`${id}:${INLINE_ASSOCIATIONS}`).toString('base64url') : undefined;
      out[to] = {
        results: rows.slice(0, INLINE_ASSOCIATIONS),
        ...(after ? { paging: { next: { after, link: `https://api.hubapi.com/crm/v3/objects/contacts/${id}/associations/${to}?after=${after}` } } } : {}),
      };
    }
    return Object.keys(out).length ? out : undefined;
  }

  const send = jsonSender('application/json;charset=utf-8');
  const error = (res: ServerResponse, status: number, message: string, category: string, headers?: Record<string, string>) =>
    send(res, status, { status: 'error', message, correlationId: correlationId(), category }, headers);

  function rateLimited(res: ServerResponse, headers: Record<string, string>): void {
    http429++;
    if (opts.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(opts.retryAfterSeconds);
      notBefore = Date.now() + opts.retryAfterSeconds * 1000;
    }
    send(
      res,
      429,
      {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        correlationId: correlationId(),
        policyName: 'TEN_SECONDLY_ROLLING',
        requestId: correlationId(),
      },
      headers,
    );
  }

  /** `GET /crm/v3/properties/{type}`: one definition per property the type's records carry, plus a hidden one. */
  function propertyDefinitions(type: string): Array<Record<string, unknown>> {
    const sample = store[type].all()[0]?.properties ?? {};
    const names = [...new Set([...Object.keys(sample), 'hs_object_id'])];
    const def = (name: string, hidden: boolean) => ({
      name,
      label: name.replace(/_/g, ' '),
      type: /date$/.test(name) ? 'datetime' : 'string',
      fieldType: /date$/.test(name) ? 'date' : 'text',
      groupName: `${type}_information`,
      hidden,
      calculated: false,
      hasUniqueValue: name === 'hs_object_id',
    });
    return [...names.map((n) => def(n, false)), def('hs_internal_sandbox_flag', true)];
  }

  function list(res: ServerResponse, type: string, q: URLSearchParams, headers: Record<string, string>): void {
    const s = store[type];
    const lim = Math.min(Math.max(Number(q.get('limit') ?? 10) || 10, 1), 100);
    const props = q.get('properties')?.split(',').filter(Boolean);
    const page = s.page(q.get('after') ?? undefined, lim, q.get('archived') === 'true');
    const wanted = q.getAll('associations').flatMap((a) => a.split(',')).filter(Boolean);
    const body: Record<string, unknown> = {
      results: page.records.map((r) => {
        const view = s.view(r, props) as Record<string, unknown>;
        const associations = wanted.length ? inlineAssociations(type, r.id, wanted) : undefined;
        return associations ? { ...view, associations } : view;
      }),
    };
    if (page.next) body.paging = { next: { after: page.next, link: `?after=${page.next}` } };
    send(res, 200, body, headers);
  }

  function matches(rec: HubspotRecord, f: Record<string, unknown>): boolean {
    const name = String(f.propertyName ?? '');
    const v = name === 'hs_object_id' ? rec.id : rec.properties[name];
    const value = f.value === undefined ? undefined : String(f.value);
    const c = (x: string | undefined) => compareValues(v, x);
    switch (f.operator) {
      case 'EQ': return c(value) === 0;
      case 'NEQ': return c(value) !== 0;
      case 'GT': return v != null && c(value) > 0;
      case 'GTE': return v != null && c(value) >= 0;
      case 'LT': return v != null && c(value) < 0;
      case 'LTE': return v != null && c(value) <= 0;
      case 'BETWEEN': return v != null && c(value) >= 0 && compareValues(v, String(f.highValue)) <= 0;
      case 'IN': return Array.isArray(f.values) && f.values.some((x) => compareValues(v, String(x)) === 0);
      case 'NOT_IN': return !Array.isArray(f.values) || !f.values.some((x) => compareValues(v, String(x)) === 0);
      case 'HAS_PROPERTY': return v != null && v !== '';
      case 'NOT_HAS_PROPERTY': return v == null || v === '';
      default: return false;
    }
  }

  function search(res: ServerResponse, type: string, body: Record<string, unknown>, headers: Record<string, string>): void {
    searches.push(body);
    // HubSpot rejects search bodies over 3,000 characters.
    if (JSON.stringify(body).length > 3000) return error(res, 400, 'Request body is too large: max 3000 characters', 'VALIDATION_ERROR', headers);
    const s = store[type];
    const lim = body.limit === undefined ? 10 : Number(body.limit);
    const after = body.after === undefined ? 0 : Number(body.after);
    if (!Number.isInteger(lim) || lim < 1 || lim > 200) return error(res, 400, `limit must be between 1 and 200 (was ${String(body.limit)})`, 'VALIDATION_ERROR', headers);
    if (!Number.isInteger(after) || after < 0) return error(res, 400, 'after must be a non-negative integer', 'VALIDATION_ERROR', headers);
    if (after >= cap) return error(res, 400, `There was a problem with the request: paging past ${cap} results is not supported.`, 'VALIDATION_ERROR', headers);
    const groups = Array.isArray(body.filterGroups) ? (body.filterGroups as Array<{ filters?: Array<Record<string, unknown>> }>) : [];
    let hits = s.all().filter((r) => !groups.length || groups.some((g) => (g.filters ?? []).every((f) => matches(r, f))));
    const sort = Array.isArray(body.sorts) ? (body.sorts[0] as { propertyName?: string; direction?: string } | undefined) : undefined;
    const byId = (a: HubspotRecord, b: HubspotRecord) => compareValues(a.id, b.id);
    if (sort?.propertyName) {
      const dir = sort.direction === 'DESCENDING' ? -1 : 1;
      const p = sort.propertyName;
      hits = [...hits].sort((a, b) => dir * compareValues(a.properties[p], b.properties[p]) || byId(a, b));
    } else hits = [...hits].sort(byId);
    const end = Math.min(after + lim, cap, hits.length);
    const props = Array.isArray(body.properties) ? (body.properties as string[]) : undefined;
    const out: Record<string, unknown> = { total: hits.length, results: hits.slice(after, end).map((r) => s.view(r, props)) };
    if (end < hits.length) out.paging = { next: { after: String(end) } };
    send(res, 200, out, headers);
  }

  function associations(res: ServerResponse, from: string, to: string, body: Record<string, unknown>, headers: Record<string, string>): void {
    const inputs = Array.isArray(body.inputs) ? (body.inputs as Array<{ id?: unknown }>) : [];
    if (!inputs.length) return error(res, 400, 'inputs must not be empty', 'VALIDATION_ERROR', headers);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = String(input.id);
      const ids = from === 'contacts' && (to === 'deals' || to === 'companies') ? associationsOf(id, to) : [];
      if (ids.length) {
        results.push({
          from: { id },
          to: ids.map((t) => ({ toObjectId: Number(t), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: ASSOC_TYPE_ID[to] ?? 1, label: null }] })),
        });
      } else {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          context: { fromObjectId: [id] },
          message: `No ${to} is associated with ${from} ${id}.`,
        });
      }
    }
    const now = new Date().toISOString();
    const out: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: now, completedAt: now };
    if (errors.length) Object.assign(out, { numErrors: errors.length, errors });
    send(res, errors.length ? 207 : 200, out, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = urlOf(req);
    const path = url.pathname;
    requests[path] = (requests[path] ?? 0) + 1;
    const raw = await readBody(req);
    const now = Date.now();
    if (now < notBefore) earlyRetries++;

    const headers: Record<string, string> = {};
    if (limit) {
      headers['x-hubspot-ratelimit-max'] = String(limit.max);
      headers['x-hubspot-ratelimit-interval-milliseconds'] = String(limit.windowMs);
      const allowed = limit.take(now);
      headers['x-hubspot-ratelimit-remaining'] = String(limit.remaining);
      if (!allowed) return rateLimited(res, headers);
    }
    if (!token || req.headers.authorization !== `Bearer ${token}`) {
      return error(
        res,
        401,
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        'INVALID_AUTHENTICATION',
        headers,
      );
    }
    const status = faults.take();
    if (status !== undefined) {
      if (status === 429) return rateLimited(res, headers);
      return error(res, status, status >= 500 ? 'internal error' : 'There was a problem with the request.', status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR', headers);
    }
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return error(res, 400, 'Invalid input JSON on line 1', 'VALIDATION_ERROR', headers);
      }
    }
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/crm\/v3\/objects\/([^/]+)\/batch\/(create|update|upsert)$/)) && req.method === 'POST') {
      const type = decodeURIComponent(m[1]);
      if (!store[type]) return error(res, 400, `Unable to infer object type from: ${type}`, 'OBJECT_NOT_FOUND', headers);
      const answer = batchWrite(store[type], m[2], body, { reject: opts.reject });
      await opts.beforeReply?.(path);
      return send(res, answer.status, answer.body, headers);
    }
    if ((m = path.match(/^\/crm\/v3\/objects\/([^/]+)(\/search)?$/))) {
      const type = decodeURIComponent(m[1]);
      if (!store[type]) return error(res, 400, `Unable to infer object type from: ${type}`, 'OBJECT_NOT_FOUND', headers);
      const isSearch = !!m[2];
      if ((isSearch && req.method !== 'POST') || (!isSearch && req.method !== 'GET')) return error(res, 405, 'Method not allowed', 'VALIDATION_ERROR', headers);
      if (faults.takeMalformed()) return send(res, 200, '{"results":[{"id":"1","properties":{"email":"a@', headers);
      return isSearch ? search(res, type, body, headers) : list(res, type, url.searchParams, headers);
    }
    if ((m = path.match(/^\/crm\/v3\/properties\/([^/]+)$/)) && req.method === 'GET') {
      const type = decodeURIComponent(m[1]);
      if (!store[type]) return error(res, 400, `Unable to infer object type from: ${type}`, 'OBJECT_NOT_FOUND', headers);
      return send(res, 200, { results: propertyDefinitions(type) }, headers);
    }
    if ((m = path.match(/^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/)) && req.method === 'POST') {
      return associations(res, m[1], m[2], body, headers);
    }
    return send(res, 404, '', headers);
  }

  const server = await startServer(handle, (res, err) => send(res, 500, { status: 'error', message: err.message, category: 'INTERNAL_ERROR' }), { keepAliveTimeout: opts.keepAliveTimeout ?? 1000 });

  return {
    url: server.url,
    token: issuedToken,
    // Closing twice is harmless here, as it always was for this sandbox.
    close: () => server.close().catch(() => undefined),
    requests,
    get http429() {
      return http429;
    },
    get earlyRetries() {
      return earlyRetries;
    },
    searches,
    store,
    setRecord: (type, id, props) => store[type].set(id, props),
    deleteRecord: (type, id) => store[type].archive(id),
    failNext: (status, n = 1) => faults.add(status, n),
    malformNext: (n = 1) => faults.addMalformed(n),
    revokeToken: () => {
      token = null;
    },
    associationsOf,
  };
}

export { lastModifiedOf };
