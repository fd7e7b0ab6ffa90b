import { request } from 'undici';
import * as z from 'zod';
import { callrail } from '../../shared/connectors/callrail';
import { CallrailConfigSchema } from '../../shared/connectors/callrail/spec';
import { connectorHttp } from '../../shared/connectors/context';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import {
  callrailTime,
  makeCalls,
  makeConversations,
  makeDirectory,
  makeFormSubmissions,
  startCallrailSandbox,
  type CallrailSandbox,
  type CallrailSandboxOptions,
} from '../sandboxes/callrail';

const API_KEY = 'cr-key-5a1b2c3d4e5f60718293a4b5c6d7e8f9';
const ACCOUNT = 'ACC8154748ae6bd4e278a7cddd38a662f4f';
const iso = (t: unknown) => new Date(Date.parse(String(t))).toISOString();

describe('Connector: callrail', () => {
  let sb: CallrailSandbox;
  const calls = makeCalls(600);
  const forms = makeFormSubmissions(200);
  const start = async (o: Partial<CallrailSandboxOptions> = {}) => {
    sb = await startCallrailSandbox({
      apiKey: API_KEY,
      accountId: ACCOUNT,
      records: { 'calls.json': calls, 'form_submissions.json': forms, 'text-messages.json': makeConversations(3), ...makeDirectory(4) },
      ...o,
    });
  };
  const configFor = (extra: Record<string, unknown> = {}) =>
    CallrailConfigSchema.parse({ baseUrl: `${sb.url}/v3`, apiKey: API_KEY, accountId: ACCOUNT, ...extra }) as Record<string, unknown>;
  const testConnection = (config: Record<string, unknown>) => {
    const http = connectorHttp(callrail, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
    return callrail.test({ config: config as never, http, log: createLogger(), saveSecrets: async () => {} });
  };
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('declares the type, the seed data types, the rate limit and a write-only api key', () => {
      expect(callrail.type).toBe('callrail');
      expect(callrail.defaultDataTypes).toEqual(['calls', 'companies', 'trackers', 'form_submissions', 'text_messages', 'users', 'tags']);
      expect(callrail.rateLimit).toEqual([
        { requests: 1_000, windowMs: 3_600_000 },
        { requests: 10_000, windowMs: 86_400_000 },
      ]);
      expect(secretFields(callrail.configSchema)).toEqual(['apiKey']);
      const schema = z.toJSONSchema(callrail.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>>; required: string[] };
      expect(schema.properties.apiKey).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.accountId.writeOnly).toBeUndefined();
      expect(schema.properties.baseUrl.default).toBe('https://api.callrail.com/v3');
      expect(schema.required.sort()).toEqual(['accountId', 'apiKey']);
    });
  });

  describe('Method: test', () => {
    it('reads the configured account with the documented Token header', async () => {
      await start();
      expect(await testConnection(configFor())).toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.requests.map((r) => [r.path, r.authorization])).toEqual([[`/v3/a/${ACCOUNT}.json`, `Token token="${API_KEY}"`]]);
    });

    it('fails with "Authentication Failed" and the vendor text, never the key, when the key is refused', async () => {
      await start();
      const result = await testConnection(configFor({ apiKey: 'not-the-key-0000' }));
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/^Authentication Failed: callrail\/test GET \/v3\/a\/ACC[0-9a-f]+\.json answered 401 \(HTTP Token: Access denied\.\)$/);
      expect(result.message).not.toContain('not-the-key-0000');
    });
  });

  describe('Stream: full sync', () => {
    it('reads every page of calls, 250 at a time, oldest first, and stops at total_pages', async () => {
      await start();
      const r = await readStream(callrail, configFor(), 'calls');
      expect(r.pages.map((p) => p.records.length)).toEqual([250, 250, 100]);
      expect(r.records.map((x) => x.id)).toEqual(calls.map((c) => c.id));
      expect(r.records[0].data).toEqual(calls[0]);
      expect(r.records[599].updatedAt).toBe(iso(calls[599].start_time));
      expect(r.cursor).toEqual({ hwm: iso(calls[599].start_time) });
      expect(sb.requests.map((x) => Object.fromEntries(x.query))).toEqual(
        ['1', '2', '3'].map((page) => ({ sort: 'start_time', order: 'asc', date_range: 'all_time', page, per_page: '250' })),
      );
    });

    it('reads the whole history: without a start_date CallRail lists only the last 30 days, so full runs ask for all_time', async () => {
      const recent = { ...makeCalls(1)[0], id: 'CAL0000000000000000000000000recent', start_time: callrailTime(Date.now() - 86_400_000) };
      await start({ records: { 'calls.json': [...calls, recent], 'form_submissions.json': forms, 'text-messages.json': makeConversations(3) } });
      expect((await readStream(callrail, configFor(), 'calls')).records).toHaveLength(601);
      expect((await readStream(callrail, configFor(), 'form_submissions')).records).toHaveLength(200);
      expect((await readStream(callrail, configFor(), 'text_messages')).records).toHaveLength(3);
      // Incremental runs are bounded by start_date, which CallRail does not combine with a date range.
      const inc = await readStream(callrail, configFor(), 'calls', { mode: 'incremental', cursor: { hwm: new Date(Date.now() - 7 * 86_400_000).toISOString() } });
      expect(inc.records.map((r) => r.id)).toEqual([recent.id]);
      expect(sb.requests.at(-1)!.query.has('date_range')).toBe(false);
      expect(sb.requests.filter((r) => !r.query.has('start_date')).every((r) => r.query.get('date_range') === 'all_time')).toBe(true);
    });

    it('makes no extra request when the last page is full (200 form submissions, 100 a page)', async () => {
      await start();
      const r = await readStream(callrail, configFor(), 'form_submissions');
      expect(r.records.map((x) => x.id)).toEqual(forms.map((f) => f.id));
      expect(sb.requests.map((x) => x.query.get('page'))).toEqual(['1', '2']);
    });

    it('reads the other resources under their own array keys (text messages as conversations)', async () => {
      await start();
      for (const [stream, count] of [['companies', 4], ['trackers', 4], ['users', 4], ['tags', 4], ['text_messages', 3]] as const) {
        expect((await readStream(callrail, configFor(), stream)).records).toHaveLength(count);
      }
      expect(sb.requests.map((x) => x.path.split('/').pop())).toEqual(['companies.json', 'trackers.json', 'users.json', 'tags.json', 'text-messages.json']);
      expect(sb.requests.every((x) => x.query.get('per_page') === '100')).toBe(true);
    });
  });

  describe('Stream: incremental', () => {
    it('asks from the mark minus the lookback and gets the new call plus the lookback re-read only', async () => {
      await start();
      const full = await readStream(callrail, configFor({ lookbackMinutes: 15 }), 'calls');
      const added = { ...makeCalls(1)[0], id: 'CAL00000000000000000000000000new1', start_time: callrailTime(Date.parse(String(calls[599].start_time)) + 300_000) };
      sb.setRecord('calls.json', added);
      const inc = await readStream(callrail, configFor({ lookbackMinutes: 15 }), 'calls', { mode: 'incremental', cursor: full.cursor });
      // The mark is the last call's start; calls are 10 minutes apart, so 15 minutes of lookback re-read one more.
      const mark = Date.parse(String(calls[599].start_time));
      expect(sb.requests.at(-1)!.query.get('start_date')).toBe(new Date(mark - 15 * 60_000).toISOString().slice(0, 19) + '+00:00');
      expect(inc.records.map((x) => x.id)).toEqual([calls[598].id, calls[599].id, added.id]);
      expect(inc.cursor).toEqual({ hwm: iso(added.start_time) });
    });

    it('reads the whole of a resource without a time filter in incremental runs too', async () => {
      await start();
      const inc = await readStream(callrail, configFor(), 'tags', { mode: 'incremental', cursor: { hwm: '2024-05-01T00:00:00.000Z' } });
      expect(inc.records).toHaveLength(4);
      expect(sb.requests[0].query.has('start_date')).toBe(false);
    });
  });

  describe('Errors and limits', () => {
    it('answers a 429 (no Retry-After) with a retryable error for when the hour window reopens, not a short backoff', async () => {
      await start({ perWindow: 2, windowMs: 1000 });
      const before = Date.now();
      const err = await readStream(callrail, configFor(), 'calls').catch((e) => e);
      expect(err).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(err.retryAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(sb.requests.map((x) => x.status)).toEqual([200, 200, 429]);
    });

    it('retries a 5xx, then succeeds', async () => {
      await start();
      sb.failNext(2, 503);
      const r = await readStream(callrail, configFor(), 'form_submissions');
      expect(r.records).toHaveLength(200);
      expect(r.stats.retries).toBe(2);
    });

    it('throws MalformedPageError on a page without its array', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(callrail, configFor(), 'calls')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });

  describe('Sandbox: vendor rules', () => {
    const get = (path: string, authorization: string) =>
      request(`${sb.url}${path}`, { headers: { authorization } }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));

    it('accepts the quoted and unquoted Token forms, refuses others in plain text, and an unencoded + in start_date', async () => {
      await start();
      expect((await get(`/v3/a/${ACCOUNT}.json`, `Token token="${API_KEY}"`)).status).toBe(200);
      expect((await get(`/v3/a/${ACCOUNT}.json`, `Token token=${API_KEY}`)).status).toBe(200);
      expect(await get(`/v3/a/${ACCOUNT}.json`, `Bearer ${API_KEY}`)).toEqual({ status: 401, body: 'HTTP Token: Access denied.\n' });
      const raw = await get(`/v3/a/${ACCOUNT}/calls.json?start_date=2024-05-01T10:00:00+00:00`, `Token token=${API_KEY}`);
      expect(raw).toEqual({ status: 400, body: JSON.stringify({ error: 'Invalid start_date' }) });
      const page = JSON.parse((await get(`/v3/a/${ACCOUNT}/calls.json?per_page=250&page=3&date_range=all_time`, `Token token=${API_KEY}`)).body);
      expect(Object.keys(page)).toEqual(['page', 'per_page', 'total_pages', 'total_records', 'calls']);
      expect(page).toMatchObject({ page: 3, per_page: 250, total_pages: 3, total_records: 600 });
    });
  });
});
