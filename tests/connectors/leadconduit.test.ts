import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { leadconduit, objectIdBefore } from '../../shared/connectors/leadconduit';
import { LeadconduitConfigSchema } from '../../shared/connectors/leadconduit/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeLeadconduitEvents, startLeadconduitSandbox, type LeadconduitEvent, type LeadconduitSandbox, type LeadconduitSandboxOptions } from '../sandboxes/leadconduit';

const API_KEY = '1f1b96c9150d8050e858c043d543bb4eadae0e6f';
const iso = (ms: number) => new Date(ms).toISOString();

describe('Connector: leadconduit', () => {
  let sb: LeadconduitSandbox;
  const start = async (events: LeadconduitEvent[], o: Partial<LeadconduitSandboxOptions> = {}) => {
    sb = await startLeadconduitSandbox({ apiKey: API_KEY, events, ...o });
  };
  const configFor = (extra: Record<string, unknown> = {}) => LeadconduitConfigSchema.parse({ baseUrl: sb.url, apiKey: API_KEY, ...extra }) as Record<string, unknown>;
  const testConnection = (config: Record<string, unknown>) => {
    const http = connectorHttp(leadconduit, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
    return leadconduit.test({ config: config as never, http, log: createLogger(), saveSecrets: async () => {} });
  };
  const queries = () => sb.requests.map((r) => Object.fromEntries(r.query));
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('declares the type, the events data type, the rate limit and a write-only api key', () => {
      expect(leadconduit.type).toBe('leadconduit');
      expect(leadconduit.defaultDataTypes).toEqual(['events']);
      expect(leadconduit.rateLimit).toEqual({ requests: 60, windowMs: 60_000 });
      expect(secretFields(leadconduit.configSchema)).toEqual(['apiKey']);
      const schema = z.toJSONSchema(leadconduit.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
      expect(schema.properties.apiKey).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.baseUrl).toMatchObject({ default: 'https://app.leadconduit.com' });
      expect(schema.properties.baseUrl.writeOnly).toBeUndefined();
    });
  });

  describe('Method: test', () => {
    it('reads one event with HTTP Basic API:<key>', async () => {
      await start(makeLeadconduitEvents(3));
      expect(await testConnection(configFor())).toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.requests.map((r) => [r.path, r.query.get('limit'), r.authorization])).toEqual([
        ['/events', '1', `Basic ${Buffer.from(`API:${API_KEY}`).toString('base64')}`],
      ]);
    });

    it('fails with "Authentication Failed" and no key in the message when the key is refused', async () => {
      await start([]);
      const result = await testConnection(configFor({ apiKey: 'ffffffffffffffffffffffffffffffffffffffff' }));
      expect(result).toEqual({ ok: false, message: 'Authentication Failed: leadconduit/test GET /events answered 401 (Authorization information is missing or invalid.)' });
    });
  });

  describe('Stream: full sync', () => {
    it('pages oldest first by after_id, 1000 at a time, until a short page', async () => {
      const events = makeLeadconduitEvents(2500);
      await start(events);
      const r = await readStream(leadconduit, configFor(), 'events');
      expect(r.pages.map((p) => p.records.length)).toEqual([1000, 1000, 500]);
      expect(r.records.map((x) => x.id)).toEqual(events.map((e) => e.id));
      expect(r.records[0].data).toEqual(events[0]);
      expect(r.records[0].updatedAt).toBe(iso(events[0].end_timestamp));
      expect(queries()).toEqual([
        { sort: 'asc', limit: '1000' },
        { sort: 'asc', after_id: events[999].id, limit: '1000' },
        { sort: 'asc', after_id: events[1999].id, limit: '1000' },
      ]);
      expect(r.cursor).toEqual({ hwm: iso(events[2499].end_timestamp), last: events[2499].id });
    });

    it('ends on an empty page after a full one and keeps the last id', async () => {
      const events = makeLeadconduitEvents(2000);
      await start(events);
      const r = await readStream(leadconduit, configFor(), 'events');
      expect(r.pages.map((p) => p.records.length)).toEqual([1000, 1000, 0]);
      expect(r.cursor).toMatchObject({ last: events[1999].id });
    });

    it('resumes an interrupted run after the last id it stored', async () => {
      const events = makeLeadconduitEvents(2500);
      await start(events);
      const first = await readStream(leadconduit, configFor(), 'events', { maxPages: 1 });
      expect(first.cursor).toMatchObject({ next: events[999].id });
      const rest = await readStream(leadconduit, configFor(), 'events', { cursor: first.cursor, resuming: true });
      expect([...first.records, ...rest.records].map((x) => x.id)).toEqual(events.map((e) => e.id));
    });
  });

  describe('Stream: incremental', () => {
    it('continues after the last id read, a minute early, and gets the new events plus that minute only', async () => {
      const events = makeLeadconduitEvents(30); // 10:00:00 to 10:04:50, 10 s apart
      await start(events);
      const full = await readStream(leadconduit, configFor(), 'events');
      const added = makeLeadconduitEvents(2, '2024-05-01T10:06:00Z', 30);
      sb.events.push(...added);
      const inc = await readStream(leadconduit, configFor(), 'events', { mode: 'incremental', cursor: full.cursor });
      const rewound = objectIdBefore(events[29].id, 60_000);
      expect(rewound).toBe(Math.floor(Date.parse('2024-05-01T10:03:50Z') / 1000).toString(16) + '0000000000000000');
      expect(queries().at(-1)).toEqual({ sort: 'asc', after_id: rewound, limit: '1000' });
      // 10:03:50 to 10:04:50 is re-read (7 events), then the 2 new ones.
      expect(inc.records.map((x) => x.id)).toEqual([...events.slice(23), ...added].map((e) => e.id));
      expect(inc.cursor).toEqual({ hwm: iso(added[1].end_timestamp), last: added[1].id });
    });

    it('starts at `since` (the start parameter) when one is given', async () => {
      const events = makeLeadconduitEvents(30);
      await start(events);
      const inc = await readStream(leadconduit, configFor(), 'events', { mode: 'incremental', cursor: { last: events[5].id }, since: '2024-05-01T10:04:00Z' });
      expect(queries()).toEqual([{ sort: 'asc', start: '2024-05-01T10:04:00.000Z', limit: '1000' }]);
      expect(inc.records.map((x) => x.id)).toEqual(events.slice(24).map((e) => e.id));
    });
  });

  describe('Errors and limits', () => {
    it('waits out the 429 and its Retry-After, through the rate limiter, then continues', async () => {
      await start(makeLeadconduitEvents(2500), { perWindow: 2, windowMs: 1000 });
      const r = await readStream(leadconduit, configFor(), 'events');
      expect(r.records).toHaveLength(2500);
      expect(sb.requests.map((x) => x.status)).toEqual([200, 200, 429, 200]);
      expect(r.stats.http429).toBe(1);
      expect(r.stats.rateLimitWaitMs).toBeGreaterThan(500);
    });

    it('retries a 5xx, then succeeds', async () => {
      await start(makeLeadconduitEvents(3));
      sb.failNext(2, 500);
      const r = await readStream(leadconduit, configFor(), 'events');
      expect(r.records).toHaveLength(3);
      expect(r.stats.retries).toBe(2);
    });

    it('throws MalformedPageError when a page is not an array', async () => {
      await start(makeLeadconduitEvents(3));
      sb.malformedNext(1);
      await expect(readStream(leadconduit, configFor(), 'events')).rejects.toBeInstanceOf(MalformedPageError);
    });

    it('rejects an event without a 24-hex id, keeping the rest', async () => {
      const events = makeLeadconduitEvents(3);
      events[1] = { ...events[1], id: '5fd4371e940d' };
      await start(events);
      const r = await readStream(leadconduit, configFor(), 'events');
      expect(r.records.map((x) => x.id)).toEqual([events[0].id, events[2].id]);
      expect(r.rejected).toEqual([{ id: '5fd4371e940d', reason: expect.stringContaining('24-hex') }]);
      expect(r.cursor).toMatchObject({ last: events[2].id });
    });
  });
});
