import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, logEntry, type LoggedRequest, RollingLimit, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake CallRail API v3 for one account: `GET /v3/a/{account}.json` and `GET /v3/a/{account}/{resource}.json`
 * with offset pagination (`page`, `per_page`: at most 250 for calls, 100 elsewhere) answering
 * `{page, per_page, total_pages, total_records, <key>: [...]}`, `start_date` (ISO 8601 date or date-time; a
 * `+` that was not URL-encoded arrives as a space and is refused), `sort`/`order` where the resource sorts by
 * time, `date_range` (without it or a `start_date`, time-bound lists hold only the last 30 days, CallRail's
 * `recent`; `all_time` lifts that), `Authorization: Token token="KEY"` (quoted or not, as Rails reads it) and Rails' plain-text 401,
 * 429 past a configured limit (CallRail's carries no Retry-After: its windows are an hour and a day), and
 * 5xx/malformed switches.
 * https://apidocs.callrail.com/
 */
export type CallrailRecord = Record<string, unknown> & { id: string | number };
export type CallrailFile = 'calls.json' | 'companies.json' | 'trackers.json' | 'form_submissions.json' | 'text-messages.json' | 'users.json' | 'tags.json';

/** Array key and the time `start_date`/`sort` act on, per resource. */
const RESOURCES: Record<CallrailFile, { key: string; time?: string; maxPerPage: number }> = {
  'calls.json': { key: 'calls', time: 'start_time', maxPerPage: 250 },
  'companies.json': { key: 'companies', maxPerPage: 100 },
  'trackers.json': { key: 'trackers', maxPerPage: 100 },
  'form_submissions.json': { key: 'form_submissions', time: 'submitted_at', maxPerPage: 100 },
  'text-messages.json': { key: 'conversations', time: 'last_message_at', maxPerPage: 100 },
  'users.json': { key: 'users', maxPerPage: 100 },
  'tags.json': { key: 'tags', maxPerPage: 100 },
};

export interface CallrailSandboxOptions {
  apiKey: string;
  accountId: string;
  records?: Partial<Record<CallrailFile, CallrailRecord[]>>;
  /** Requests allowed per window before 429 (seed: 60 a minute). */
  perWindow?: number;
  windowMs?: number;
  /** The sandbox's clock for the default `recent` window (default: the real time). */
  now?: number;
  /** The clock the sandbox's rate limit counts by (a test's fake clock shared with the client); default Date.now. */
  clock?: () => number;
}

export interface CallrailSandbox extends RunningServer, FaultControls {
  requests: LoggedRequest[];
  /** Inserts or replaces a record (by id). */
  setRecord(file: CallrailFile, record: CallrailRecord): void;
}

/** CallRail prints times in the company's zone with millis: `2024-05-01T06:00:00.000-04:00`. */
export function callrailTime(ms: number): string {
  return new Date(ms - 4 * 3_600_000).toISOString().slice(0, 23) + '-04:00';
}

const hex = (n: number, len = 32) => n.toString(16).padStart(len, '0');

/** `n` realistic calls, one every 10 minutes from `start`. */
export function makeCalls(n: number, start = '2024-05-01T10:00:00Z'): CallrailRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `CAL${hex(0xca11 + i)}`,
    answered: i % 3 !== 0,
    business_phone_number: '+14045550100',
    customer_city: 'Atlanta',
    customer_country: 'US',
    customer_name: `Caller ${i + 1}`,
    customer_phone_number: `+1404555${String(1000 + i)}`,
    customer_state: 'GA',
    direction: 'inbound',
    duration: 30 + i,
    recording: i % 3 !== 0 ? `https://api.callrail.com/v3/a/ACC/calls/CAL${hex(0xca11 + i)}/recording.json` : null,
    recording_duration: i % 3 !== 0 ? 30 + i : null,
    recording_player: null,
    start_time: callrailTime(Date.parse(start) + i * 600_000),
    tracking_phone_number: '+14045550199',
    voicemail: i % 3 === 0,
  }));
}

export function makeFormSubmissions(n: number, start = '2024-05-01T10:00:00Z'): CallrailRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `FOR${hex(0xf0 + i)}`,
    company_id: `COM${hex(1)}`,
    person_id: `PER${hex(0xa0 + i)}`,
    form_data: { name: `Lead ${i + 1}`, email: `lead${i + 1}@example.com`, phone: `404-555-${2000 + i}` },
    form_url: 'https://www.example.com/contact',
    landing_page_url: 'https://www.example.com/',
    referrer: 'google',
    submitted_at: callrailTime(Date.parse(start) + i * 600_000),
  }));
}

export function makeConversations(n: number, start = '2024-05-01T10:00:00Z'): CallrailRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `SMS${hex(0x5a + i)}`,
    company_id: `COM${hex(1)}`,
    customer_name: `Texter ${i + 1}`,
    customer_phone_number: `+1404555${3000 + i}`,
    current_tracking_number: '+14045550199',
    state: 'active',
    last_message_at: callrailTime(Date.parse(start) + i * 600_000),
    recent_messages: [{ direction: 'incoming', content: `Hello ${i + 1}`, created_at: callrailTime(Date.parse(start) + i * 600_000) }],
  }));
}

/** A few of each of the other resources. */
export function makeDirectory(n: number): Partial<Record<CallrailFile, CallrailRecord[]>> {
  const at = (i: number) => callrailTime(Date.parse('2023-01-01T00:00:00Z') + i * 86_400_000);
  return {
    'companies.json': Array.from({ length: n }, (_, i) => ({ id: `COM${hex(i + 1)}`, name: `Company ${i + 1}`, status: 'active', time_zone: 'America/New_York', created_at: at(i) })),
    'trackers.json': Array.from({ length: n }, (_, i) => ({ id: `TRK${hex(i + 1)}`, name: `Tracker ${i + 1}`, type: 'source', status: 'active', tracking_numbers: [`+1404555${4000 + i}`], created_at: at(i) })),
    'users.json': Array.from({ length: n }, (_, i) => ({ id: `USR${hex(i + 1)}`, email: `user${i + 1}@example.com`, first_name: 'User', last_name: `${i + 1}`, role: 'admin', created_at: at(i) })),
    'tags.json': Array.from({ length: n }, (_, i) => ({ id: 1000 + i, name: `Tag ${i + 1}`, tag_level: 'company', color: 'gray1', status: 'enabled', created_at: at(i) })),
  };
}

/** ISO 8601 date or date-time (with an optional offset), as `start_date` takes it. */
const START_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TOKEN = /^Token token=(?:"([^"]*)"|([^\s,]+))$/;

export async function startCallrailSandbox(opts: CallrailSandboxOptions): Promise<CallrailSandbox> {
  const data = new Map<CallrailFile, CallrailRecord[]>(
    (Object.keys(RESOURCES) as CallrailFile[]).map((f) => [f, (opts.records?.[f] ?? []).map((r) => ({ ...r }))]),
  );
  const limit = new RollingLimit(opts.perWindow ?? 60, opts.windowMs ?? 60_000);
  const faults = new Faults();
  const requests: CallrailSandbox['requests'] = [];
  const json = jsonSender('application/json; charset=utf-8');

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const q = url.searchParams;
    const m = TOKEN.exec(req.headers.authorization ?? '');
    if (!m || (m[1] ?? m[2]) !== opts.apiKey) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'www-authenticate': 'Token realm="Application"' });
      return res.end('HTTP Token: Access denied.\n');
    }
    if (!limit.take((opts.clock ?? Date.now)())) return json(res, 429, { error: 'Too many requests' });
    const status = faults.take();
    if (status !== undefined) return json(res, status, { error: 'Internal server error' });

    const base = `/v3/a/${opts.accountId}`;
    if (url.pathname === `${base}.json`) return json(res, 200, { id: opts.accountId, name: 'Peachtree Plumbing', outbound_recording_enabled: true, hipaa_account: false });
    const file = url.pathname.startsWith(`${base}/`) ? (url.pathname.slice(base.length + 1) as CallrailFile) : undefined;
    const resource = file && RESOURCES[file];
    if (!resource) return json(res, 404, { error: 'Not found' });

    const perPage = Number(q.get('per_page') ?? 100);
    const page = Number(q.get('page') ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > resource.maxPerPage) return json(res, 400, { error: `per_page must be between 1 and ${resource.maxPerPage}` });
    if (!Number.isInteger(page) || page < 1) return json(res, 400, { error: 'Invalid page' });
    let rows = [...data.get(file)!];
    const startDate = q.get('start_date');
    const range = q.get('date_range');
    if (startDate !== null) {
      if (!resource.time || !START_DATE.test(startDate)) return json(res, 400, { error: 'Invalid start_date' });
      rows = rows.filter((r) => Date.parse(String(r[resource.time!])) >= Date.parse(startDate));
    } else if (resource.time && range !== 'all_time') {
      if (range !== null && range !== 'recent') return json(res, 400, { error: 'Invalid date_range' });
      const from = (opts.now ?? Date.now()) - 30 * 86_400_000;
      rows = rows.filter((r) => Date.parse(String(r[resource.time!])) >= from);
    }
    const sort = q.get('sort');
    const order = q.get('order') ?? 'desc';
    if (sort !== null && sort !== resource.time) return json(res, 400, { error: `Invalid sort field: ${sort}` });
    if (order !== 'asc' && order !== 'desc') return json(res, 400, { error: 'Invalid order' });
    // Newest first unless asked otherwise, as CallRail lists.
    if (resource.time) rows.sort((a, b) => (Date.parse(String(a[resource.time!])) - Date.parse(String(b[resource.time!]))) * (order === 'asc' ? 1 : -1));

    const totalPages = Math.ceil(rows.length / perPage);
    const envelope = { page, per_page: perPage, total_pages: totalPages, total_records: rows.length };
    if (faults.takeMalformed()) return json(res, 200, envelope);
    return json(res, 200, { ...envelope, [resource.key]: rows.slice((page - 1) * perPage, page * perPage) });
  };

  const server = await startServer(handle, (res, err) => json(res, 500, { error: err.message }), { onFinish: (req, res) => requests.push(logEntry(req, res)) });

  return {
    ...server,
    requests,
    setRecord(file, record) {
      const rows = data.get(file)!;
      const i = rows.findIndex((r) => r.id === record.id);
      if (i >= 0) rows[i] = record;
      else rows.push(record);
    },
    ...faults.controls(),
  };
}
