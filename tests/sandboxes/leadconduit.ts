import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, logEntry, type LoggedRequest, RollingLimit, type RunningServer, startServer, urlOf } from './kit';

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

export interface LeadconduitSandbox extends RunningServer, FaultControls {
  requests: LoggedRequest[];
  events: LeadconduitEvent[];
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
  const limit = new RollingLimit(opts.perWindow ?? 60, opts.windowMs ?? 60_000);
  const faults = new Faults();
  const requests: LeadconduitSandbox['requests'] = [];
  const json = jsonSender('application/json; charset=utf-8');

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const q = url.searchParams;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const password = basic ? Buffer.from(basic[1], 'base64').toString().split(':').slice(1).join(':') : undefined;
    if (password !== opts.apiKey) return json(res, 401, { message: 'Authorization information is missing or invalid.' }, { 'www-authenticate': 'Basic realm="LeadConduit"' });
    const now = Date.now();
    if (!limit.take(now)) return json(res, 429, { message: 'Too Many Requests' }, { 'retry-after': String(limit.retryAfterSeconds(now)) });
    const status = faults.take();
    if (status !== undefined) return json(res, status, { message: 'Internal Server Error' });
    if (url.pathname !== '/events') return json(res, 404, { message: 'Not Found' });
    if (faults.takeMalformed()) return json(res, 200, { events: [] });

    for (const k of ['after_id', 'before_id']) {
      const v = q.get(k);
      if (v !== null && !ID.test(v)) return json(res, 422, { message: `${k} must be a 24 character hex string` });
    }
    const max = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(max) || max < 1 || max > 1000) return json(res, 422, { message: 'limit must be between 1 and 1000' });
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
    return json(res, 200, rows.slice(0, max));
  };

  const server = await startServer(handle, (res, err) => json(res, 500, { message: err.message }), { onFinish: (req, res) => requests.push(logEntry(req, res)) });

  return {
    ...server,
    requests,
    events,
    ...faults.controls(),
  };
}
