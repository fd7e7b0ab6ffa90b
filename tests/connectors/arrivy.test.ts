import { request } from 'undici';
import * as z from 'zod';
import { arrivy } from '../../shared/connectors/arrivy';
import { ArrivyConfigSchema } from '../../shared/connectors/arrivy/spec';
import { connectorHttp } from '../../shared/connectors/context';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeArrivyTasks, startArrivySandbox, type ArrivySandbox, type ArrivySandboxOptions, type ArrivyTask } from '../sandboxes/arrivy';

const AUTH_KEY = 'arrivy-key-0a27a7e3-e6b5';
const AUTH_TOKEN = 'arrivy-token-5730gWxBjDzbQ';

describe('Connector: arrivy', () => {
  let sb: ArrivySandbox;
  const start = async (tasks: ArrivyTask[], o: Partial<ArrivySandboxOptions> = {}) => {
    sb = await startArrivySandbox({ authKey: AUTH_KEY, authToken: AUTH_TOKEN, tasks, ...o });
  };
  const configFor = (extra: Record<string, unknown> = {}) =>
    ArrivyConfigSchema.parse({ baseUrl: `${sb.url}/api`, authKey: AUTH_KEY, authToken: AUTH_TOKEN, ...extra }) as Record<string, unknown>;
  const testConnection = (config: Record<string, unknown>) => {
    const http = connectorHttp(arrivy, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
    return arrivy.test({ config: config as never, http, log: createLogger(), saveSecrets: async () => {} });
  };
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('declares the type, data types, rate limit and both credentials write-only', () => {
      expect(arrivy.type).toBe('arrivy');
      expect(arrivy.defaultDataTypes).toEqual(['tasks', 'entities', 'groups', 'statuses']);
      expect(arrivy.rateLimit).toEqual({ requests: 120, windowMs: 60_000 });
      expect(secretFields(arrivy.configSchema).sort()).toEqual(['authKey', 'authToken']);
      const schema = z.toJSONSchema(arrivy.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
      expect(schema.properties.authKey).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.authToken).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.baseUrl.default).toBe('https://www.arrivy.com/api');
      expect(schema.properties.lookbackDays.writeOnly).toBeUndefined();
    });
  });

  describe('Method: test', () => {
    it('reads one task with both auth headers', async () => {
      await start(makeArrivyTasks(3));
      expect(await testConnection(configFor())).toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.requests.map((r) => [r.path, Object.fromEntries(r.query), r.authKey, r.authToken])).toEqual([
        ['/api/tasks', { page: '1', items_per_page: '1' }, AUTH_KEY, AUTH_TOKEN],
      ]);
    });

    it('fails with "Authentication Failed" and no credential in the message when the token is wrong', async () => {
      await start([]);
      const result = await testConnection(configFor({ authToken: 'wrong-token-1234' }));
      expect(result).toEqual({ ok: false, message: 'Authentication Failed: arrivy/test GET /api/tasks answered 401 (Invalid auth key or token)' });
    });
  });

  describe('Stream: full sync', () => {
    it('reads every page of tasks, 500 at a time, until a short page, with no time window', async () => {
      const tasks = makeArrivyTasks(1200);
      await start(tasks);
      const before = Date.now();
      const r = await readStream(arrivy, configFor(), 'tasks');
      expect(r.pages.map((p) => p.records.length)).toEqual([500, 500, 200, 0]);
      expect(r.records.map((x) => x.id)).toEqual(tasks.map((t) => String(t.id)));
      expect(r.records[0].data).toEqual(tasks[0]);
      // `updated` has no zone: it is UTC.
      expect(r.records[0].updatedAt).toBe(`${tasks[0].updated}.000Z`);
      expect(sb.requests.map((x) => Object.fromEntries(x.query))).toEqual([
        ...['1', '2', '3'].map((page) => ({ page, items_per_page: '500' })),
        { unscheduled: 'true', page: '1', items_per_page: '500' },
      ]);
      // The mark is when this run started, not the newest scheduled start (which is years ahead here).
      const hwm = Date.parse((r.cursor as { hwm: string }).hwm);
      expect(hwm).toBeGreaterThanOrEqual(before);
      expect(hwm).toBeLessThanOrEqual(Date.now());
    });

    it('reads entities, groups and statuses as single bare arrays', async () => {
      await start([]);
      const counts = [];
      for (const s of ['entities', 'groups', 'statuses']) counts.push((await readStream(arrivy, configFor(), s)).records.length);
      expect(counts).toEqual([2, 1, 6]);
      expect(sb.requests.map((x) => [x.path, x.query.size])).toEqual([
        ['/api/entities', 0],
        ['/api/groups', 0],
        ['/api/statuses', 0],
      ]);
    });
  });

  describe('Stream: unscheduled tasks', () => {
    it('reads the unscheduled tasks (listed only with unscheduled=true) in full and incremental runs, and resumes between the two', async () => {
      const tasks = makeArrivyTasks(6);
      for (const t of tasks.slice(4)) Object.assign(t, { unscheduled: true });
      await start(tasks);
      const full = await readStream(arrivy, configFor(), 'tasks');
      expect(full.records.map((x) => x.id).sort()).toEqual(tasks.map((t) => String(t.id)).sort());
      // Incremental: the scheduled window is bounded by `from`; the unscheduled list has no start to filter on.
      const inc = await readStream(arrivy, configFor({ lookbackDays: 0 }), 'tasks', { mode: 'incremental', cursor: { hwm: '2030-01-01T00:00:00.000Z' } });
      expect(inc.records.map((x) => x.id)).toEqual(tasks.slice(4).map((t) => String(t.id)));
      expect(Object.fromEntries(sb.requests.at(-1)!.query)).toEqual({ unscheduled: 'true', page: '1', items_per_page: '500' });
      // A crash after the scheduled partition resumes at the unscheduled one, keeping the run's bound.
      const first = await readStream(arrivy, configFor(), 'tasks', { mode: 'incremental', cursor: { hwm: '2024-05-03T00:00:00.000Z' }, maxPages: 1 });
      expect(first.cursor).toMatchObject({ part: 'unscheduled', since: '2024-04-26T00:00:00.000Z' });
      sb.requests.length = 0;
      const rest = await readStream(arrivy, configFor(), 'tasks', { mode: 'incremental', cursor: first.cursor, resuming: true });
      expect(rest.records.map((x) => x.id)).toEqual(tasks.slice(4).map((t) => String(t.id)));
      expect(sb.requests.map((x) => x.query.get('unscheduled'))).toEqual(['true']);
    });
  });

  describe('Stream: incremental', () => {
    it('re-reads the tasks starting from the last run minus the lookback, which holds the change', async () => {
      const tasks = makeArrivyTasks(10); // 1 to 10 May, 14:00Z
      await start(tasks);
      const completed = sb.updateTask(tasks[7].id, { status: 'COMPLETE', status_title: 'Complete' });
      sb.updateTask(tasks[1].id, { details: 'edited long after it started' });
      const inc = await readStream(arrivy, configFor({ lookbackDays: 2 }), 'tasks', { mode: 'incremental', cursor: { hwm: '2024-05-08T00:00:00.000Z' } });
      // The `+` went URL-encoded (the sandbox refuses a space) and the window has no upper end.
      expect(Object.fromEntries(sb.requests[0].query)).toEqual({ from: '2024-05-06T00:00:00+00:00', page: '1', items_per_page: '500' });
      expect(inc.records.map((x) => x.id)).toEqual(tasks.slice(5).map((t) => String(t.id)));
      const got = inc.records.find((x) => x.id === String(completed.id))!;
      expect(got.data.status).toBe('COMPLETE');
      expect(got.updatedAt).toBe(`${completed.updated}.000Z`);
      // Task 2 started before the window: its edit waits for the next full run (the documented limit).
      expect(inc.records.some((x) => x.id === String(tasks[1].id))).toBe(false);
    });

    it('starts from `since` when one is given', async () => {
      await start(makeArrivyTasks(10));
      const inc = await readStream(arrivy, configFor(), 'tasks', { mode: 'incremental', cursor: { hwm: '2024-05-08T00:00:00.000Z' }, since: '2024-05-09T00:00:00Z' });
      expect(sb.requests[0].query.get('from')).toBe('2024-05-09T00:00:00+00:00');
      expect(inc.records).toHaveLength(2);
    });
  });

  describe('Errors and limits', () => {
    it('waits out the 429 and its Retry-After, through the rate limiter, then continues', async () => {
      await start(makeArrivyTasks(1200), { perWindow: 2, windowMs: 1000 });
      const r = await readStream(arrivy, configFor(), 'tasks');
      expect(r.records).toHaveLength(1200);
      expect(sb.requests.map((x) => x.status)).toEqual([200, 200, 429, 200, 200]);
      expect(r.stats.http429).toBe(1);
      expect(r.stats.rateLimitWaitMs).toBeGreaterThan(500);
    });

    it('retries a 5xx, then succeeds', async () => {
      await start(makeArrivyTasks(3));
      sb.failNext(2, 502);
      const r = await readStream(arrivy, configFor(), 'tasks');
      expect(r.records).toHaveLength(3);
      expect(r.stats.retries).toBe(2);
    });

    it('throws MalformedPageError when a page is not an array', async () => {
      await start(makeArrivyTasks(3));
      sb.malformedNext(1);
      await expect(readStream(arrivy, configFor(), 'tasks')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });

  describe('Sandbox: vendor rules', () => {
    it('refuses a from whose + was not URL-encoded, and hides unscheduled tasks unless asked', async () => {
      const tasks = makeArrivyTasks(3);
      tasks[2].unscheduled = true;
      await start(tasks);
      const get = (qs: string) =>
        request(`${sb.url}/api/tasks?${qs}`, { headers: { 'x-auth-key': AUTH_KEY, 'x-auth-token': AUTH_TOKEN } }).then(async (r) => ({ status: r.statusCode, body: await r.body.json() }));
      expect((await get('from=2024-05-01T00:00:00+00:00')).status).toBe(400);
      expect(((await get('from=2024-05-01T00:00:00%2B00:00')).body as unknown[]).length).toBe(2);
      expect(((await get('unscheduled=true')).body as unknown[]).length).toBe(1);
    });
  });
});
