import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake LeadConduit events API: `GET /events?after_id&before_id&start&end&limit&sort&type` answering a
 * bare JSON array (limit 1–1000, default 100; sort by creation, default desc), ids as 24-hex ObjectIds
 * whose first 8 hex digits are the creation second, `after_id`/`before_id` exclusive, HTTP Basic with the
 * API key as password, 429 with Retry-After past a configured limit, and 5xx/malformed switches.
 * https://developers.activeprospect.com/api-reference/leads/list-all-events
 */
export type LeadconduitEvent = Record<string, unknown> & { id: string; start_timestamp: number; end_timestamp: number };

export interface LeadconduitSandboxOptions {
  apiKey: string;
  events?: LeadconduitEvent[];
  /** Requests allowed per window before 429 (seed: 60 a minute). */
  perWindow?: number;
  windowMs?: number;
}

export interface LeadconduitSandbox {
  url: string;
  close(): Promise<void>;
  requests: Array<{ path: string; query: URLSearchParams; status: number; authorization?: string }>;
  events: LeadconduitEvent[];
  failNext(count: number, status?: number): void;
  malformedNext(count: number): void;
}

/** An ObjectId created at `ms` (the rest: a fixed machine part and a counter). */
export const objectId = (ms: number, counter: number) => Math.floor(ms / 1000).toString(16).padStart(8, '0') + '5fd4371e94' + counter.toString(16).padStart(6, '0');

/** `n` source events, one every 10 seconds from `start`, ids counting from `first`. */
export function makeLeadconduitEvents(n: number, start = '2024-05-01T10:00:00Z', first = 0): LeadconduitEvent[] {
  return Array.from({ length: n }, (_, k) => {
    const i = first + k;
    const t = Date.parse(start) + k * 10_000;
    const failed = i % 4 === 3;
    return {
      id: objectId(t, i),
      type: 'source',
      outcome: failed ? 'failure' : 'success',
      reason: failed ? 'duplicate lead' : null,
      host: 'app.leadconduit.com',
      module_id: 'leadconduit-default.inbound',
      package_version: '2.11.3',
      vars: {
        lead: { id: objectId(t, i + 1_000_000), first_name: 'Robin', last_name: `Lead${i + 1}`, email: `robin${i + 1}@example.com`, phone_1: `512555${String(1000 + (i % 9000))}`, postal_code: '78701' },
        flow: { id: '5fd4371e940df5a34a3888b2', name: 'Solar leads' },
        source: { id: '5fd4371e940df5a34a3888b3', name: 'Web form' },
      },
      appended: {},
      start_timestamp: t,
      end_timestamp: t + 180,
      ms: 180,
      wait_ms: 120,
      overhead_ms: 60,
      lag_ms: 0,
      total_ms: 180,
      step_count: 3,
      handler_version: '2.29.4',
      version: '2.0.0',
      cap_reached: false,
      ping_limit_reached: false,
      expires_at: new Date(t + 180 * 86_400_000).toISOString(),
    };
  });
}

const ID = /^[0-9a-fA-F]{24}$/;

export async function startLeadconduitSandbox(opts: LeadconduitSandboxOptions): Promise<LeadconduitSandbox> {
  const events = (opts.events ?? []).map((e) => ({ ...e }));
  const perWindow = opts.perWindow ?? 60;
  const windowMs = opts.windowMs ?? 60_000;
  const starts: number[] = [];
  let fail = { count: 0, status: 500 };
  let malformed = 0;
  const requests: LeadconduitSandbox['requests'] = [];

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const q = url.searchParams;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const password = basic ? Buffer.from(basic[1], 'base64').toString().split(':').slice(1).join(':') : undefined;
    if (password !== opts.apiKey) return json(res, 401, { message: 'Authorization information is missing or invalid.' }, { 'www-authenticate': 'Basic realm="LeadConduit"' });
    const now = Date.now();
    while (starts.length && starts[0] <= now - windowMs) starts.shift();
    if (starts.length >= perWindow) {
      return json(res, 429, { message: 'Too Many Requests' }, { 'retry-after': String(Math.max(1, Math.ceil((starts[0] + windowMs - now) / 1000))) });
    }
    starts.push(now);
    if (fail.count > 0) {
      fail.count--;
      return json(res, fail.status, { message: 'Internal Server Error' });
    }
    if (url.pathname !== '/events') return json(res, 404, { message: 'Not Found' });
    if (malformed > 0) {
      malformed--;
      return json(res, 200, { events: [] });
    }

    for (const k of ['after_id', 'before_id']) {
      const v = q.get(k);
      if (v !== null && !ID.test(v)) return json(res, 422, { message: `${k} must be a 24 character hex string` });
    }
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return json(res, 422, { message: 'limit must be between 1 and 1000' });
    const sort = q.get('sort') ?? 'desc';
    if (sort !== 'asc' && sort !== 'desc') return json(res, 422, { message: 'sort must be asc or desc' });
    const created = (e: LeadconduitEvent) => parseInt(e.id.slice(0, 8), 16) * 1000;
    const after = q.get('after_id')?.toLowerCase();
    const before = q.get('before_id')?.toLowerCase();
    const start = q.get('start');
    const end = q.get('end');
    const types = q.getAll('type');
    const rows = events
      .filter((e) => (after === undefined || e.id > after) && (before === undefined || e.id < before))
      .filter((e) => (start === null || created(e) >= Date.parse(start)) && (end === null || created(e) <= Date.parse(end)))
      .filter((e) => !types.length || types.includes(String(e.type)))
      .sort((a, b) => (a.id < b.id ? -1 : 1) * (sort === 'asc' ? 1 : -1));
    return json(res, 200, rows.slice(0, limit));
  };

  const server = createServer((req, res) => {
    res.on('finish', () => {
      const u = new URL(req.url ?? '/', 'http://sandbox');
      requests.push({ path: u.pathname, query: u.searchParams, status: res.statusCode, authorization: req.headers.authorization });
    });
    try {
      handle(req, res);
    } catch (err) {
      json(res, 500, { message: (err as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
    requests,
    events,
    failNext(count, status = 500) {
      fail = { count, status };
    },
    malformedNext(count) {
      malformed = count;
    },
  };
}
