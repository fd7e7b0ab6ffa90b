import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, readBody, RollingLimit, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake SalesRabbit with both faces the connector speaks:
 * - REST (`api.salesrabbit.com`): `GET /leads` and `GET /users` with `page` + `perPage`, `{"data": [...]}`,
 *   leads sortable by `sortBy`/`order`, `If-Modified-Since` (an HTTP-date, refused in any other form) filtering on
 *   `dateModified` with 304 when nothing changed, 401 `{message}` for a bad token.
 * - GraphQL (`POST /graphql`, the seeds' queries): `leads(after: $cursor, first: $limit)` as a connection
 *   (edges/node/cursor, pageInfo), `users` as a plain list, an optional `$modifiedSince` filter, errors in an
 *   `errors` array (UNAUTHENTICATED for a bad token, with HTTP 200 as many GraphQL servers answer).
 * Both: 429 with Retry-After past a per-minute limit (seed 001: about 50), 5xx, malformed-page and
 * GraphQL-error switches. Lead data is shared, so the two faces show the same leads.
 */

export interface SrLead {
  id: number;
  firstName: string;
  lastName: string;
  businessName: string | null;
  email: string;
  phonePrimary: string;
  phoneAlternate: string | null;
  street1: string;
  street2: string | null;
  city: string;
  state: string;
  zip: string;
  country: string;
  latitude: number;
  longitude: number;
  status: string;
  statusId: number;
  campaignId: number | null;
  userId: number;
  userName: string;
  notes: string | null;
  customFields: Record<string, unknown>;
  dateCreated: string;
  dateModified: string;
  statusModified: string;
  ownerModified: string | null;
  deletedAt: string | null;
}

export interface SrUser {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  active: boolean;
  teamId: number;
}

export interface SalesRabbitSandboxOptions {
  apiToken: string;
  leads?: SrLead[];
  users?: SrUser[];
  /** Largest page served (REST perPage / GraphQL first). */
  maxPerPage?: number;
  perMinute?: number;
  windowMs?: number;
  retryAfterSeconds?: number;
}

export interface RecordedSrRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  authorization?: string;
  ifModifiedSince?: string;
  body?: { query?: string; variables?: Record<string, unknown> };
}

export interface SalesRabbitSandbox extends RunningServer, FaultControls {
  requests: RecordedSrRequest[];
  leads: SrLead[];
  readonly earlyRetries: number;
  /** Changes a lead; dateModified moves one minute past the newest. */
  updateLead(id: number, patch: Partial<SrLead>): SrLead;
  graphqlErrorNext(message: string): void;
  /** Breaks the next leads page's pageInfo: more pages but no endCursor, or the cursor it was asked with. */
  brokenPageInfoNext(kind: 'no-end-cursor' | 'same-cursor'): void;
}

/** `2024-05-01T10:00:00+00:00`, as SalesRabbit prints times. */
export const srTime = (ms: number) => new Date(ms).toISOString().slice(0, 19) + '+00:00';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Donald'];
const STATUSES: Array<[number, string]> = [
  [1, 'Not Home'],
  [2, 'Interested'],
  [3, 'Appointment Set'],
  [4, 'Not Interested'],
];

export function makeLeads(n: number, start = '2024-05-01T08:00:00Z'): SrLead[] {
  return Array.from({ length: n }, (_, i) => {
    const t = Date.parse(start) + i * 3_600_000;
    const [statusId, status] = STATUSES[i % STATUSES.length];
    return {
      id: 4746400 + i + 1,
      firstName: FIRST[i % FIRST.length],
      lastName: `Homeowner${i + 1}`,
      businessName: null,
      email: `lead${i + 1}@example.com`,
      phonePrimary: `801555${String(1000 + i).slice(-4)}`,
      phoneAlternate: null,
      street1: `${100 + i} Main St`,
      street2: null,
      city: 'Orem',
      state: 'UT',
      zip: '84057',
      country: 'US',
      latitude: 40.2969 + i / 1000,
      longitude: -111.6946 - i / 1000,
      status,
      statusId,
      campaignId: null,
      userId: 90210 + (i % 2),
      userName: i % 2 ? 'Rep Two' : 'Rep One',
      notes: i % 3 === 0 ? 'Call back after 5pm' : null,
      customFields: { windowCount: String(10 + i), roofAge: i % 4 },
      dateCreated: srTime(t),
      dateModified: srTime(t + 60_000),
      statusModified: srTime(t + 60_000),
      ownerModified: null,
      deletedAt: null,
    };
  });
}

export function makeUsers(n: number): SrUser[] {
  return Array.from({ length: n }, (_, i) => ({
    id: 90210 + i,
    firstName: FIRST[i % FIRST.length],
    lastName: `Rep${i + 1}`,
    email: `rep${i + 1}@example.com`,
    phone: `801555${String(2000 + i).slice(-4)}`,
    active: i % 5 !== 4,
    teamId: 10 + (i % 2),
  }));
}

/** The seeds' GraphQL node shape for a lead. */
function toNode(l: SrLead): Record<string, unknown> {
  return {
    id: String(l.id),
    leadHash: `lh_${l.id.toString(36)}`,
    dispositionId: l.statusId,
    prospectName: `${l.firstName} ${l.lastName}`,
    prospectPhone: l.phonePrimary,
    prospectEmail: l.email,
    prospectAddress: `${l.street1}, ${l.city}, ${l.state} ${l.zip}`,
    latitude: l.latitude,
    longitude: l.longitude,
    createdBy: l.userId,
    createdAt: l.dateCreated,
    lastModified: l.dateModified,
    customFields: l.customFields,
  };
}

/** An IMF-fixdate (RFC 9110 §5.6.7), the form an HTTP-date is sent in: `Fri, 18 Sep 2026 12:02:56 GMT`. */
const IMS = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const cursorOf = (offset: number) => Buffer.from(`arrayconnection:${offset}`).toString('base64');
const offsetOf = (cursor: string) => {
  const m = /^arrayconnection:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  return m ? Number(m[1]) : undefined;
};

export async function startSalesRabbitSandbox(opts: SalesRabbitSandboxOptions): Promise<SalesRabbitSandbox> {
  const leads = (opts.leads ?? []).map((l) => ({ ...l }));
  const users = (opts.users ?? []).map((u) => ({ ...u }));
  const maxPerPage = opts.maxPerPage ?? 1000;
  const limit = new RollingLimit(opts.perMinute ?? 50, opts.windowMs ?? 60_000);
  const retryAfter = opts.retryAfterSeconds ?? 60;
  const faults = new Faults();
  let gqlError: string | undefined;
  let brokenPageInfo: 'no-end-cursor' | 'same-cursor' | undefined;
  let blockedUntil = 0;
  let earlyRetries = 0;
  const requests: RecordedSrRequest[] = [];
  const send = jsonSender('application/json');

  const handleRest = (req: IncomingMessage, url: URL, res: ServerResponse) => {
    const q = url.searchParams;
    const page = Number(q.get('page') ?? 1);
    const perPage = Math.min(Number(q.get('perPage') ?? 25) || 25, maxPerPage);
    if (!Number.isInteger(page) || page < 1) return send(res, 400, { message: 'The page must be at least 1.' });
    if (faults.takeMalformed()) return send(res, 200, { leads: 'unavailable' });
    let rows: Array<Record<string, unknown>>;
    if (url.pathname === '/leads') {
      let list = [...leads];
      const ims = req.headers['if-modified-since'];
      if (ims !== undefined) {
        if (typeof ims !== 'string' || !IMS.test(ims)) return send(res, 400, { message: 'Invalid If-Modified-Since header.' });
        list = list.filter((l) => Date.parse(l.dateModified) > Date.parse(ims));
        if (list.length === 0) return send(res, 304);
      }
      const sortBy = (q.get('sortBy') ?? 'id') as keyof SrLead;
      const dir = q.get('order') === 'desc' ? -1 : 1;
      const key = (l: SrLead) => (typeof l[sortBy] === 'string' ? Date.parse(l[sortBy] as string) : Number(l[sortBy]));
      list.sort((a, b) => dir * (key(a) - key(b) || a.id - b.id));
      rows = list as unknown as Array<Record<string, unknown>>;
    } else if (url.pathname === '/users') {
      rows = users as unknown as Array<Record<string, unknown>>;
    } else {
      return send(res, 404, { message: 'Not Found' });
    }
    return send(res, 200, { data: rows.slice((page - 1) * perPage, page * perPage) });
  };

  const handleGraphql = (body: RecordedSrRequest['body'], res: ServerResponse) => {
    const query = body?.query ?? '';
    const vars = body?.variables ?? {};
    if (gqlError) {
      const message = gqlError;
      gqlError = undefined;
      return send(res, 200, { errors: [{ message, path: ['leads'], extensions: { code: 'BAD_USER_INPUT' } }], data: null });
    }
    if (faults.takeMalformed()) return send(res, 200, { data: { leads: { edges: [{ node: { id: '1' } }] } } });
    if (/\busers\s*\{/.test(query)) return send(res, 200, { data: { users: users.map((u) => ({ ...u, id: String(u.id) })) } });
    if (!/\bleads\s*\(/.test(query)) return send(res, 400, { errors: [{ message: 'Cannot query this field.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    const first = Math.min(Number(vars.limit ?? 50) || 50, maxPerPage);
    const after = typeof vars.cursor === 'string' ? offsetOf(vars.cursor) : -1;
    if (after === undefined) return send(res, 200, { errors: [{ message: 'Cursor is invalid', path: ['leads'], extensions: { code: 'BAD_USER_INPUT' } }], data: null });
    let list = [...leads].sort((a, b) => a.id - b.id);
    if (/\$modifiedSince\b/.test(query) && typeof vars.modifiedSince === 'string') list = list.filter((l) => Date.parse(l.dateModified) > Date.parse(vars.modifiedSince as string));
    const start = after + 1;
    const slice = list.slice(start, start + first);
    const edges = slice.map((l, i) => ({ node: toNode(l), cursor: cursorOf(start + i) }));
    const pageInfo = { hasNextPage: start + slice.length < list.length, endCursor: edges.length ? edges[edges.length - 1].cursor : null };
    if (brokenPageInfo && after >= 0) {
      pageInfo.endCursor = brokenPageInfo === 'same-cursor' ? (vars.cursor as string) : null;
      brokenPageInfo = undefined;
    }
    return send(res, 200, { data: { leads: { edges, pageInfo } } });
  };

  const handle = (req: IncomingMessage, url: URL, body: RecordedSrRequest['body'], res: ServerResponse) => {
    const graphql = req.method === 'POST' && url.pathname === '/graphql';
    if (req.headers.authorization !== `Bearer ${opts.apiToken}`) {
      if (graphql) return send(res, 200, { errors: [{ message: 'Invalid or expired API token', extensions: { code: 'UNAUTHENTICATED' } }], data: null });
      return send(res, 401, { message: 'Unauthenticated.' });
    }
    const now = Date.now();
    if (now < blockedUntil) earlyRetries++;
    const tooMany = () => {
      blockedUntil = Date.now() + retryAfter * 1000;
      return send(res, 429, { message: 'Too Many Attempts.' }, { 'Retry-After': String(retryAfter), 'X-RateLimit-Limit': String(limit.max), 'X-RateLimit-Remaining': '0' });
    };
    if (!limit.take(now)) return tooMany();
    const status = faults.take();
    if (status === 429) return tooMany();
    if (status !== undefined) return send(res, status, { message: 'Server Error' });
    if (graphql) return handleGraphql(body, res);
    if (req.method === 'GET') return handleRest(req, url, res);
    return send(res, 405, { message: 'Method Not Allowed' });
  };

  const server = await startServer(
    async (req, res) => {
      const raw = await readBody(req);
      const url = urlOf(req);
      let body: RecordedSrRequest['body'];
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return send(res, 400, { errors: [{ message: 'Body is not JSON' }] });
      }
      res.on('finish', () => {
        const ims = req.headers['if-modified-since'];
        requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, status: res.statusCode, authorization: req.headers.authorization, ifModifiedSince: typeof ims === 'string' ? ims : undefined, body });
      });
      handle(req, url, body, res);
    },
    (res, err) => send(res, 500, { message: err.message }),
  );

  return {
    ...server,
    requests,
    leads,
    get earlyRetries() {
      return earlyRetries;
    },
    updateLead(id, patch) {
      const i = leads.findIndex((l) => l.id === id);
      const newest = leads.reduce((m, l) => Math.max(m, Date.parse(l.dateModified)), 0);
      leads[i] = { ...leads[i], ...patch, dateModified: patch.dateModified ?? srTime(newest + 60_000) };
      return leads[i];
    },
    ...faults.controls(),
    graphqlErrorNext(message) {
      gqlError = message;
    },
    brokenPageInfoNext(kind) {
      brokenPageInfo = kind;
    },
  };
}
