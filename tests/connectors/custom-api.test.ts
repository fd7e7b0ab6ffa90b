import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { customApi } from '../../shared/connectors/custom-api';
import { CustomApiConfigSchema } from '../../shared/connectors/custom-api/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { type GenericAuth, type GenericRestSandbox, startGenericRestSandbox } from '../sandboxes/generic-rest';

type Input = z.input<typeof CustomApiConfigSchema>;

const STREAMS = {
  cursor: { name: 'cursor_items', path: '/api/cursor/items', query: { limit: 10 }, recordsPath: 'data', pagination: { kind: 'cursor', param: 'starting_after', next: 'meta.next_cursor' } },
  links: { name: 'link_items', path: '/api/links/items', query: { page_size: 10 }, recordsPath: 'items', pagination: { kind: 'next-url', next: 'links.next' } },
  pages: { name: 'page_items', path: '/api/pages/items', recordsPath: 'results', pagination: { kind: 'page', param: 'page', sizeParam: 'per_page', size: 10, hasMore: 'has_more' } },
  offset: { name: 'offset_items', path: '/api/offset/items', recordsPath: 'records', pagination: { kind: 'offset', param: 'offset', sizeParam: 'limit', size: 10 } },
  search: { name: 'searched', path: '/api/search', method: 'POST', body: { limit: 10 }, recordsPath: 'data.rows', pagination: { kind: 'cursor', param: 'cursor', in: 'body', next: 'next' } },
} as const;

function cfg(sb: GenericRestSandbox, extra: Partial<Input> = {}): Record<string, unknown> {
  return CustomApiConfigSchema.parse({ baseUrl: sb.url, streams: Object.values(STREAMS), ...extra }) as unknown as Record<string, unknown>;
}

async function test(config: Record<string, unknown>) {
  const log = createLogger({ test: 'custom_api' });
  const http = connectorHttp(customApi, config, { integrationId: `t-${Math.random()}`, log, save: async () => {}, sleep: async () => {} });
  return customApi.test({ config: config as never, http, log, saveSecrets: async () => {} });
}

describe('Connector: custom_api', () => {
  let sb: GenericRestSandbox;
  afterEach(async () => sb?.close());

  describe('Spec', () => {
    it('is the seed\'s "Custom API" with a secret token and the rest.ts paging options in its catalog schema', () => {
      expect(customApi.type).toBe('custom_api');
      expect(customApi.title).toBe('Custom API');
      expect(customApi.defaultDataTypes).toEqual([]);
      expect(secretFields(customApi.configSchema)).toEqual(['token']);
      const schema = z.toJSONSchema(customApi.configSchema, { io: 'input' }) as { properties: Record<string, any> };
      expect(schema.properties.token).toMatchObject({ writeOnly: true, 'x-secret': true });
      const kinds = JSON.stringify(schema.properties.streams.items.properties.pagination);
      for (const k of ['none', 'cursor', 'next-url', 'page', 'offset']) expect(kinds).toContain(`"${k}"`);
      expect(schema.properties.streams.items.properties.incremental).toBeDefined();
      const parsed = CustomApiConfigSchema.parse({ baseUrl: 'https://api.example.com', streams: [STREAMS.cursor, STREAMS.pages] });
      expect(customApi.dataTypes(parsed)).toEqual(['cursor_items', 'page_items']);
    });

    it('rejects bad configs with zod errors that name the field', () => {
      const bad = (c: Record<string, unknown>) => {
        const r = CustomApiConfigSchema.safeParse({ baseUrl: 'https://api.example.com', streams: [STREAMS.cursor], ...c });
        expect(r.success).toBe(false);
        expect(r.error).toBeInstanceOf(z.ZodError);
        return r.error!.issues.map((i) => i.path.join('.'));
      };
      expect(bad({ streams: [{ ...STREAMS.cursor, pagination: { kind: 'link-header' } }] })).toContain('streams.0.pagination.kind');
      expect(bad({ auth: { kind: 'bearer' } })).toContain('token');
      expect(bad({ auth: { kind: 'basic' }, token: 'pw' })).toContain('auth.username');
      expect(bad({ auth: { kind: 'oauth2_client_credentials' }, token: 's' })).toEqual(expect.arrayContaining(['auth.tokenUrl', 'auth.clientId']));
      expect(bad({ headers: { Authorization: 'Bearer abc' } })).toContain('headers.Authorization');
      expect(bad({ streams: [{ ...STREAMS.cursor, pagination: { kind: 'cursor', param: 'c', in: 'body', next: 'n' } }] })).toContain('streams.0.pagination.in');
      expect(bad({ streams: [{ ...STREAMS.cursor, path: 'https://evil.example.com/x' }] })).toContain('streams.0.path');
      expect(bad({ streams: [STREAMS.cursor, STREAMS.cursor] })).toContain('streams.1.name');
    });
  });

  describe('Method: read — each paging kind', () => {
    it.each([
      ['cursor', STREAMS.cursor.name],
      ['next-url', STREAMS.links.name],
      ['page', STREAMS.pages.name],
      ['offset', STREAMS.offset.name],
      ['cursor in a POST body', STREAMS.search.name],
    ])('reads every item through %s paging', async (_kind, stream) => {
      sb = await startGenericRestSandbox({ items: 57 });
      const r = await readStream(customApi, cfg(sb), stream);
      expect(r.records.map((x) => x.id)).toEqual(sb.items.map((i) => i.id));
      expect(r.records[0].data).toEqual(sb.items[0]);
      expect(r.pages.length).toBeGreaterThanOrEqual(6);
      expect(r.cursor).toEqual({});
    });

    it('applies nested defaults to a config that skipped the schema', async () => {
      sb = await startGenericRestSandbox({ items: 120 });
      const raw = { baseUrl: sb.url, streams: [{ name: 'p', path: '/api/pages/items', recordsPath: 'results', pagination: { kind: 'page', sizeParam: 'per_page' } }] };
      const r = await readStream(customApi, raw, 'p');
      expect(r.records).toHaveLength(120);
      expect(sb.requests.map((q) => q.query)).toEqual([{ page: '1', per_page: '100' }, { page: '2', per_page: '100' }]);
    });

    it('sends POST paging in the body with the stream body merged', async () => {
      sb = await startGenericRestSandbox({ items: 25 });
      await readStream(customApi, cfg(sb), STREAMS.search.name);
      expect(sb.requests.map((q) => [q.method, q.body])).toEqual([
        ['POST', { limit: 10 }],
        ['POST', { limit: 10, cursor: '10' }],
        ['POST', { limit: 10, cursor: '20' }],
      ]);
    });

    it('refuses a next link that points at another host', async () => {
      sb = await startGenericRestSandbox({ items: 30, nextLinkOrigin: 'http://127.0.0.2:9' });
      await expect(readStream(customApi, cfg(sb, { auth: { kind: 'bearer' }, token: 'tok-abc' }), STREAMS.links.name)).rejects.toThrow(/another host/);
      expect(sb.requests).toHaveLength(1);
    });
  });

  describe('Method: read — incremental', () => {
    it('asks only for changes since the high-water mark minus the lookback', async () => {
      sb = await startGenericRestSandbox({ items: 57 });
      const stream = { ...STREAMS.cursor, incremental: { field: 'updated_at', param: 'updated_since', lookbackMs: 3 * 3_600_000 } };
      const config = cfg(sb, { streams: [stream] });
      const full = await readStream(customApi, config, stream.name);
      expect(full.records).toHaveLength(57);
      expect(full.cursor).toEqual({ hwm: sb.items[56].updated_at });
      const changed = sb.setItem('itm_00010', { status: 'won' });
      const inc = await readStream(customApi, config, stream.name, { mode: 'incremental', cursor: full.cursor });
      const sent = sb.requests.filter((q) => q.query.updated_since)[0].query.updated_since;
      expect(sent).toBe(new Date(Date.parse(sb.items[56].updated_at) - 3 * 3_600_000).toISOString());
      // The lookback re-reads the last three hours (items 54–57); the changed item comes with them.
      expect(inc.records.map((x) => x.id)).toEqual(['itm_00010', 'itm_00054', 'itm_00055', 'itm_00056', 'itm_00057']);
      expect(inc.cursor).toEqual({ hwm: changed.updated_at });
    });

    it('sends the lower bound in a POST body as epoch ms when asked', async () => {
      sb = await startGenericRestSandbox({ items: 40 });
      const stream = { ...STREAMS.search, incremental: { field: 'updated_at', param: 'updated_since', in: 'body', format: 'epoch-ms', lookbackMs: 0 } } as const;
      const r = await readStream(customApi, cfg(sb, { streams: [stream] }), stream.name, { mode: 'incremental', since: sb.items[34].updated_at });
      expect(r.records.map((x) => x.id)).toEqual(sb.items.slice(34).map((i) => i.id));
      expect(sb.requests[0].body).toEqual({ limit: 10, updated_since: String(Date.parse(sb.items[34].updated_at)) });
    });
  });

  describe('Auth', () => {
    const cases: Array<[string, GenericAuth, Partial<Input>, Partial<Input>]> = [
      ['bearer', { kind: 'bearer', token: 'tok-123456' }, { auth: { kind: 'bearer' }, token: 'tok-123456' }, { auth: { kind: 'bearer' }, token: 'tok-wrong' }],
      ['api_key_header', { kind: 'api_key_header', header: 'X-Api-Token', key: 'key-123456' }, { auth: { kind: 'api_key_header', headerName: 'X-Api-Token' }, token: 'key-123456' }, { auth: { kind: 'api_key_header', headerName: 'X-Api-Token' }, token: 'key-wrong' }],
      ['api_key_query', { kind: 'api_key_query', param: 'apikey', key: 'key-654321' }, { auth: { kind: 'api_key_query', queryParam: 'apikey' }, token: 'key-654321' }, { auth: { kind: 'api_key_query', queryParam: 'apikey' }, token: 'key-bad' }],
      ['basic', { kind: 'basic', username: 'ann', password: 'pw-123456' }, { auth: { kind: 'basic', username: 'ann' }, token: 'pw-123456' }, { auth: { kind: 'basic', username: 'ann' }, token: 'pw-bad' }],
      ['none', { kind: 'none' }, {}, {}],
    ];

    it.each(cases)('%s: test ok and full read with the right credentials, Authentication Failed without', async (kind, auth, good, wrong) => {
      sb = await startGenericRestSandbox({ items: 15, auth });
      await expect(test(cfg(sb, { testPath: '/api/ping', ...good }))).resolves.toEqual({ ok: true, message: 'Connection successful' });
      const r = await readStream(customApi, cfg(sb, good), STREAMS.offset.name);
      expect(r.records).toHaveLength(15);
      if (kind === 'none') return;
      const bad = await test(cfg(sb, { testPath: '/api/ping', ...wrong }));
      expect(bad.ok).toBe(false);
      expect(bad.message).toMatch(/^Authentication Failed/);
      expect(bad.message).not.toContain(String(wrong.token));
      await expect(readStream(customApi, cfg(sb, wrong), STREAMS.offset.name)).rejects.toThrow(/^Authentication Failed/);
    });

    it('oauth2 client credentials: fetches a token once and uses it for every page', async () => {
      sb = await startGenericRestSandbox({ items: 35, auth: { kind: 'oauth2', clientId: 'cid', clientSecret: 'cs-123456' } });
      const good = { auth: { kind: 'oauth2_client_credentials' as const, tokenUrl: `${sb.url}/oauth/token`, clientId: 'cid', scope: 'read' }, token: 'cs-123456' };
      const r = await readStream(customApi, cfg(sb, good), STREAMS.cursor.name);
      expect(r.records).toHaveLength(35);
      expect(sb.tokensIssued).toBe(1);
      expect(new Set(sb.requests.map((q) => q.authorization)).size).toBe(1);
      const bad = await test(cfg(sb, { ...good, token: 'cs-wrong' }));
      expect(bad).toEqual({ ok: false, message: expect.stringMatching(/^Authentication Failed: token endpoint \/oauth\/token answered 401/) });
    });

    it('falls back to the first stream for the connection test and reports a missing endpoint', async () => {
      sb = await startGenericRestSandbox();
      await expect(test(cfg(sb))).resolves.toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.requests[0].path).toBe('/api/cursor/items');
      const r = await test(cfg(sb, { testPath: '/api/nope' }));
      expect(r.message).toMatch(/^Endpoint Not Found.*No route for GET \/api\/nope/);
    });
  });

  describe('Resilience', () => {
    it.each(['seconds', 'date'] as const)('honours a 429 Retry-After given in %s', async (form) => {
      sb = await startGenericRestSandbox({ items: 30 });
      sb.failNext(429, 1, { seconds: 1, form });
      // A declared limit gives the client its limiter, which parks every request until Retry-After has passed.
      const r = await readStream(customApi, cfg(sb, { rateLimit: { requests: 50, windowMs: 1000 } }), STREAMS.pages.name);
      expect(r.records).toHaveLength(30);
      expect(r.stats.http429).toBe(1);
      expect(sb.earlyRetries).toBe(0);
    });

    it('takes its rate limit from the config', async () => {
      sb = await startGenericRestSandbox({ items: 30 });
      const r = await readStream(customApi, cfg(sb, { rateLimit: { requests: 2, windowMs: 400 } }), STREAMS.pages.name);
      expect(r.records).toHaveLength(30);
      expect(r.stats.rateLimitWaitMs).toBeGreaterThan(0);
      const free = await readStream(customApi, cfg(sb), STREAMS.pages.name);
      expect(free.stats.rateLimitWaitMs).toBe(0);
    });

    it('retries 5xx and then succeeds', async () => {
      sb = await startGenericRestSandbox({ items: 22 });
      sb.failNext(500, 1);
      sb.failNext(503, 2);
      const r = await readStream(customApi, cfg(sb), STREAMS.offset.name);
      expect(r.records.map((x) => x.id)).toEqual(sb.items.map((i) => i.id));
      expect(r.stats.retries).toBe(3);
    });

    it('fails a malformed page with MalformedPageError', async () => {
      sb = await startGenericRestSandbox({ items: 30 });
      const config = cfg(sb);
      const first = await readStream(customApi, config, STREAMS.cursor.name, { maxPages: 1 });
      sb.malformNext(1);
      await expect(readStream(customApi, config, STREAMS.cursor.name, { cursor: first.cursor, resuming: true })).rejects.toBeInstanceOf(MalformedPageError);
      const rest = await readStream(customApi, config, STREAMS.cursor.name, { cursor: first.cursor, resuming: true });
      expect([...first.records, ...rest.records].map((x) => x.id)).toEqual(sb.items.map((i) => i.id));
    });
  });
});
