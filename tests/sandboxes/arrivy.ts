import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, Faults, jsonSender, RollingLimit, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake Arrivy API: `GET /api/tasks?from&to&page&items_per_page&unscheduled` answering a bare JSON array
 * (default 500 a page; a short page is the last), `from`/`to` as `YYYY-MM-DDTHH:mm:ssZZ` on the scheduled
 * start (a `+` that was not URL-encoded arrives as a space and is refused), unscheduled tasks only with
 * `unscheduled=true`; `/api/entities`, `/api/groups`, `/api/statuses` as bare arrays; both `X-Auth-Key`
 * and `X-Auth-Token` required; 429 with Retry-After past a configured limit; 5xx and malformed switches.
 * Times come back as Arrivy prints them: UTC without a zone, plus `*_original_iso_str` with the offset.
 */
export type ArrivyTask = Record<string, unknown> & { id: number; start_datetime: string; updated: string };

export interface ArrivySandboxOptions {
  authKey: string;
  authToken: string;
  tasks?: ArrivyTask[];
  /** Requests allowed per window before 429 (seed: about 120 a minute). */
  perWindow?: number;
  windowMs?: number;
}

export interface ArrivySandbox extends RunningServer, FaultControls {
  requests: Array<{ path: string; query: URLSearchParams; status: number; authKey?: string; authToken?: string }>;
  tasks: ArrivyTask[];
  /** Changes a task and moves its `updated` time on (one hour after the newest `updated`, or as given). */
  updateTask(id: number, patch: Partial<ArrivyTask>): ArrivyTask;
}

/** Arrivy's stored form: UTC, no zone. */
export const arrivyUtc = (ms: number) => new Date(ms).toISOString().slice(0, 19);
/** What the user entered, in the task's zone (here US Eastern, -04:00). */
const original = (ms: number) => new Date(ms - 4 * 3_600_000).toISOString().slice(0, 19) + '-04:00';

/** `n` tasks, one a day from `firstStart`, each created and updated two weeks before its start. */
export function makeArrivyTasks(n: number, firstStart = '2024-05-01T14:00:00Z'): ArrivyTask[] {
  return Array.from({ length: n }, (_, i) => {
    const startMs = Date.parse(firstStart) + i * 86_400_000;
    return {
      id: 5348024557502464 + i,
      url_safe_id: `ahBzfmFycml2eS0xNDUwMjFyEQsSBFRhc2sYgICAgID${i}`,
      title: `Install #${i + 1}`,
      details: 'Replace water heater',
      start_datetime: arrivyUtc(startMs),
      start_datetime_original_iso_str: original(startMs),
      end_datetime: arrivyUtc(startMs + 7_200_000),
      end_datetime_original_iso_str: original(startMs + 7_200_000),
      customer_first_name: 'Dana',
      customer_last_name: `Customer${i + 1}`,
      customer_email: `dana${i + 1}@example.com`,
      customer_mobile_number: `+1404555${5000 + i}`,
      customer_city: 'Atlanta',
      customer_state: 'GA',
      customer_zipcode: '30303',
      entity_ids: [5629499534213120],
      group_id: 5066549580791808,
      external_id: `JOB-${1000 + i}`,
      status: 'NOTSTARTED',
      status_title: 'Not Started',
      unscheduled: false,
      extra_fields: { crew_size: 2 },
      created: arrivyUtc(startMs - 14 * 86_400_000),
      updated: arrivyUtc(startMs - 14 * 86_400_000),
    };
  });
}

const ENTITIES = [
  { id: 5629499534213120, name: 'Sam Crew', type: 'CREW', email: 'sam@example.com', phone: '+14045550111', group_id: 5066549580791808, is_active: true },
  { id: 5629499534213121, name: 'Van 2', type: 'VEHICLE', group_id: 5066549580791808, is_active: true },
];
const GROUPS = [{ id: 5066549580791808, name: 'Atlanta', description: 'Metro crews', timezone: 'America/New_York' }];
const STATUSES = ['NOTSTARTED', 'ENROUTE', 'STARTED', 'COMPLETE', 'EXCEPTION', 'CANCELLED'].map((type, i) => ({ id: 4785074604081152 + i, type, title: type[0] + type.slice(1).toLowerCase(), is_active: true }));

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

export async function startArrivySandbox(opts: ArrivySandboxOptions): Promise<ArrivySandbox> {
  const tasks = (opts.tasks ?? []).map((t) => ({ ...t }));
  const limit = new RollingLimit(opts.perWindow ?? 120, opts.windowMs ?? 60_000);
  const faults = new Faults();
  const requests: ArrivySandbox['requests'] = [];
  const utcMs = (s: string) => Date.parse(`${s}Z`);
  const json = jsonSender('application/json');

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = urlOf(req);
    const q = url.searchParams;
    if (req.headers['x-auth-key'] !== opts.authKey || req.headers['x-auth-token'] !== opts.authToken) {
      return json(res, 401, { message: 'Invalid auth key or token', code: 401 });
    }
    const now = Date.now();
    if (!limit.take(now)) return json(res, 429, { message: 'Too many requests' }, { 'retry-after': String(limit.retryAfterSeconds(now)) });
    const status = faults.take();
    if (status !== undefined) return json(res, status, { message: 'Backend error' });
    if (faults.takeMalformed()) return json(res, 200, { message: 'Backend error', tasks: null });

    if (url.pathname === '/api/entities') return json(res, 200, ENTITIES);
    if (url.pathname === '/api/groups') return json(res, 200, GROUPS);
    if (url.pathname === '/api/statuses') return json(res, 200, STATUSES);
    if (url.pathname !== '/api/tasks') return json(res, 404, { message: 'Not found' });

    for (const k of ['from', 'to']) {
      const v = q.get(k);
      if (v !== null && !TIME.test(v)) return json(res, 400, { message: `Invalid ${k} datetime: ${v}` });
    }
    const page = Number(q.get('page') ?? 1);
    const perPage = Number(q.get('items_per_page') ?? 500);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 500) return json(res, 400, { message: 'Invalid paging' });
    const from = q.get('from');
    const to = q.get('to');
    const unscheduled = q.get('unscheduled') === 'true';
    const rows = tasks
      .filter((t) => Boolean(t.unscheduled) === unscheduled)
      .filter((t) => (from === null || utcMs(t.start_datetime) >= Date.parse(from)) && (to === null || utcMs(t.start_datetime) <= Date.parse(to)))
      .sort((a, b) => utcMs(a.start_datetime) - utcMs(b.start_datetime) || a.id - b.id);
    return json(res, 200, rows.slice((page - 1) * perPage, page * perPage));
  };

  const server = await startServer(handle, (res, err) => json(res, 500, { message: err.message }), {
    onFinish: (req, res) => {
      const u = urlOf(req);
      const h = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      requests.push({ path: u.pathname, query: u.searchParams, status: res.statusCode, authKey: h('x-auth-key'), authToken: h('x-auth-token') });
    },
  });

  return {
    ...server,
    requests,
    tasks,
    updateTask(id, patch) {
      const t = tasks.find((x) => x.id === id);
      if (!t) throw new Error(`no task ${id}`);
      const newest = Math.max(...tasks.map((x) => utcMs(x.updated)));
      Object.assign(t, patch, { updated: patch.updated ?? arrivyUtc(newest + 3_600_000) });
      return t;
    },
    ...faults.controls(),
  };
}
