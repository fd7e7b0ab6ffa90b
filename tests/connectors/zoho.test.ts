import { request } from 'undici';
import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { secretFields } from '../../shared/connectors/secret';
import { zoho } from '../../shared/connectors/zoho';
import { ZohoConfigSchema } from '../../shared/connectors/zoho/spec';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeZohoRecords, startZohoSandbox, type ZohoSandbox, type ZohoSandboxOptions } from '../sandboxes/zoho';

const ACCESS = '1000.zoho-access-0001';
const REFRESH = '1000.zoho-refresh-0002';
const CLIENT_ID = '1000.ZOHOCLIENTID';
const CLIENT_SECRET = 'zoho-client-secret-0003';
const iso = (zohoTime: string) => new Date(Date.parse(zohoTime)).toISOString();

function configFor(sb: ZohoSandbox, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return ZohoConfigSchema.parse({
    baseUrl: sb.url,
    accountsUrl: sb.url,
    accessToken: ACCESS,
    refreshToken: REFRESH,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...extra,
  }) as Record<string, unknown>;
}

async function testConnection(config: Record<string, unknown>) {
  const http = connectorHttp(zoho, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
  return zoho.test({ config: config as never, http, log: createLogger(), saveSecrets: async () => {} });
}

describe('Connector: zoho', () => {
  let sb: ZohoSandbox;
  const leads = makeZohoRecords('Leads', 5);
  const start = async (o: Partial<ZohoSandboxOptions> = {}) => {
    sb = await startZohoSandbox({ accessToken: ACCESS, refreshToken: REFRESH, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, maxPerPage: 2, records: { Leads: leads }, ...o });
  };
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('declares the type, data types and write-only secrets', () => {
      expect(zoho.type).toBe('zoho');
      expect(zoho.defaultDataTypes).toEqual(['leads', 'contacts', 'deals']);
      expect(secretFields(zoho.configSchema).sort()).toEqual(['accessToken', 'clientSecret', 'refreshToken']);
      const schema = z.toJSONSchema(zoho.configSchema, { io: 'input' }) as { properties: Record<string, { writeOnly?: boolean; default?: unknown }> };
      expect(schema.properties.refreshToken.writeOnly).toBe(true);
      expect(schema.properties.clientId.writeOnly).toBeUndefined();
      expect(schema.properties.baseUrl.default).toBe('https://www.zohoapis.com');
      expect(schema.properties.accountsUrl.default).toBe('https://accounts.zoho.com');
    });
  });

  describe('Method: test', () => {
    it('succeeds with a one-record Leads read', async () => {
      await start();
      expect(await testConnection(configFor(sb))).toEqual({ ok: true, message: 'Connected to Zoho CRM' });
      expect(sb.requests[0].query.get('per_page')).toBe('1');
      expect(sb.requests[0].authorization).toBe(`Zoho-oauthtoken ${ACCESS}`);
    });

    it('fails with "Authentication Failed" when the token is bad and cannot be refreshed', async () => {
      await start();
      sb.expireToken();
      sb.failRefresh();
      const result = await testConnection(configFor(sb));
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/^Authentication Failed: token endpoint \/oauth\/v2\/token answered 200/);
      for (const s of [ACCESS, REFRESH, CLIENT_SECRET]) expect(result.message).not.toContain(s);
    });
  });

  describe('Stream: full sync', () => {
    it('reads every page, sorted by Modified_Time, with fields on every request', async () => {
      await start();
      const r = await readStream(zoho, configFor(sb), 'leads');
      expect(r.pages).toHaveLength(3);
      expect(r.records.map((x) => x.id)).toEqual(leads.map((l) => l.id));
      expect(r.records[0].data).toMatchObject({ id: leads[0].id, Last_Name: leads[0].Last_Name, Email: leads[0].Email, Owner: leads[0].Owner });
      expect(r.records[4].updatedAt).toBe(iso(leads[4].Modified_Time));
      expect(r.cursor).toEqual({ hwm: iso(leads[4].Modified_Time) });
      for (const q of sb.requests.map((x) => x.query)) {
        expect(q.get('fields')).toContain('Modified_Time');
        expect([q.get('sort_by'), q.get('sort_order'), q.get('per_page')]).toEqual(['Modified_Time', 'asc', '200']);
      }
      expect(sb.requests.map((x) => x.query.get('page'))).toEqual(['1', '2', '3']);
    });

    it('switches from page to page_token beyond the page limit, never sending both', async () => {
      const many = makeZohoRecords('Leads', 9);
      await start({ records: { Leads: many }, pageLimitRecords: 4 });
      const r = await readStream(zoho, configFor(sb), 'leads');
      expect(r.records.map((x) => x.id)).toEqual(many.map((l) => l.id));
      // Pages 1 and 2 by number; page 3 is refused (the sandbox's limit is 4 records, ours 2,000) and asked again by token.
      expect(sb.requests.map((x) => [x.query.get('page'), x.query.get('page_token') ? 'token' : null, x.status])).toEqual([
        ['1', null, 200],
        ['2', null, 200],
        ['3', null, 400],
        [null, 'token', 200],
        [null, 'token', 200],
        [null, 'token', 200],
      ]);
    });

    it('switches to page_token before page 11 at the real 2,000-record boundary', async () => {
      const many = makeZohoRecords('Leads', 2300);
      await start({ records: { Leads: many }, maxPerPage: 200 });
      const r = await readStream(zoho, configFor(sb), 'leads');
      expect(new Set(r.records.map((x) => x.id)).size).toBe(2300);
      expect(sb.requests.map((x) => x.query.get('page') ?? 'token')).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'token', 'token']);
      expect(sb.requests.every((x) => x.status === 200)).toBe(true);
    });

    it('resumes an interrupted run in token mode', async () => {
      const many = makeZohoRecords('Leads', 9);
      await start({ records: { Leads: many }, pageLimitRecords: 4 });
      const first = await readStream(zoho, configFor(sb), 'leads', { maxPages: 3 });
      expect(first.cursor).toMatchObject({ next: { page: 4, byToken: true, token: expect.any(String) } });
      const rest = await readStream(zoho, configFor(sb), 'leads', { cursor: first.cursor, resuming: true });
      expect([...first.records, ...rest.records].map((x) => x.id)).toEqual(many.map((l) => l.id));
    });

    it('treats 204 (no records at all) as an empty stream', async () => {
      await start();
      const r = await readStream(zoho, configFor(sb), 'deals');
      expect(r.records).toEqual([]);
      expect(sb.requests[0].status).toBe(204);
    });
  });

  describe('Stream: incremental', () => {
    it('sends If-Modified-Since and picks up one change (plus the lookback re-read of the mark)', async () => {
      await start();
      const full = await readStream(zoho, configFor(sb), 'leads');
      const changed = sb.setRecord('Leads', { id: leads[1].id, Email: 'changed@zylker.com' });
      const inc = await readStream(zoho, configFor(sb), 'leads', { mode: 'incremental', cursor: full.cursor });
      // The mark is lead 5's Modified_Time (12:00Z); one minute of lookback.
      expect(sb.requests.at(-1)!.ifModifiedSince).toBe('2024-05-01T11:59:00+00:00');
      expect(inc.records.map((x) => x.id)).toEqual([leads[4].id, leads[1].id]);
      expect(inc.records[1].data.Email).toBe('changed@zylker.com');
      expect(inc.cursor).toEqual({ hwm: iso(changed.Modified_Time) });
    });

    it('treats 304 as nothing new: no records, no error, the mark kept', async () => {
      await start();
      const inc = await readStream(zoho, configFor(sb), 'leads', { mode: 'incremental', cursor: { hwm: '2024-05-01T12:00:00.000Z' }, since: '2024-05-02T00:00:00Z' });
      expect(sb.requests.map((x) => [x.status, x.ifModifiedSince])).toEqual([[304, '2024-05-02T00:00:00+00:00']]);
      expect(inc.records).toEqual([]);
      expect(inc.cursor).toEqual({ hwm: '2024-05-01T12:00:00.000Z' });
    });
  });

  describe('Auth: token refresh', () => {
    it('refreshes against the accounts server once, re-seals the token and retries', async () => {
      await start();
      sb.expireToken();
      const r = await readStream(zoho, configFor(sb), 'leads');
      expect(r.records).toHaveLength(5);
      expect(sb.refreshCount).toBe(1);
      expect(r.saved).toEqual([{ accessToken: sb.accessToken }]);
      const token = sb.requests.find((x) => x.path.startsWith('/oauth/v2/token'))!;
      expect(token.method).toBe('POST');
      expect(Object.fromEntries(token.query)).toEqual({ refresh_token: REFRESH, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token' });
      expect(sb.requests.filter((x) => x.path.startsWith('/crm')).map((x) => [x.status, x.authorization])).toEqual([
        [401, `Zoho-oauthtoken ${ACCESS}`],
        [200, `Zoho-oauthtoken ${sb.accessToken}`],
        [200, `Zoho-oauthtoken ${sb.accessToken}`],
        [200, `Zoho-oauthtoken ${sb.accessToken}`],
      ]);
    });

    it('fails with "Authentication Failed" when the refresh is refused', async () => {
      await start();
      sb.expireToken();
      sb.failRefresh();
      const err = await readStream(zoho, configFor(sb), 'leads').catch((e: Error) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('auth_failed');
      expect((err as Error).message).toMatch(/^Authentication Failed/);
    });
  });

  describe('Errors and limits', () => {
    it('waits out a 429 and continues', async () => {
      await start();
      sb.failNext(2, 429);
      const r = await readStream(zoho, configFor(sb), 'leads');
      expect(r.records).toHaveLength(5);
      expect(r.stats.http429).toBe(2);
    });

    it('fails with "Rate Limit Exceeded" when the per-minute limit stays exceeded', async () => {
      await start({ perMinute: 2 });
      const err = await readStream(zoho, configFor(sb), 'leads').catch((e: Error) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).toMatch(/^Rate Limit Exceeded: zoho\/leads GET \/crm\/v3\/Leads answered 429 \(TOO_MANY_REQUESTS/);
    });

    it('retries a 5xx', async () => {
      await start();
      sb.failNext(2, 500);
      const r = await readStream(zoho, configFor(sb), 'leads');
      expect(r.records).toHaveLength(5);
      expect(r.stats.retries).toBe(2);
    });

    it('throws MalformedPageError on a page without data', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(zoho, configFor(sb), 'leads')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });

  describe('Sandbox: vendor rules', () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      request(`${sb.url}${path}`, { headers: { authorization: `Zoho-oauthtoken ${ACCESS}`, ...headers } }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));

    it('requires fields, refuses page with page_token, and pages past the limit', async () => {
      await start({ pageLimitRecords: 4 });
      expect(JSON.parse((await get('/crm/v3/Leads')).body)).toEqual({ code: 'REQUIRED_PARAM_MISSING', details: { param: 'fields' }, message: expect.any(String), status: 'error' });
      expect((await get('/crm/v3/Leads?fields=Email&page=1&page_token=x')).status).toBe(400);
      expect(JSON.parse((await get('/crm/v3/Leads?fields=Email&page=3')).body).code).toBe('DISCRETE_PAGINATION_LIMIT_EXCEEDED');
      const ok = JSON.parse((await get('/crm/v3/Leads?fields=Email&page=1')).body);
      expect(Object.keys(ok.info).sort()).toEqual(['count', 'more_records', 'next_page_token', 'page', 'page_token_expiry', 'per_page', 'previous_page_token', 'sort_by', 'sort_order']);
      expect((await get('/crm/v3/Leads?fields=Email', { authorization: 'Bearer x' })).body).toContain('INVALID_TOKEN');
    });
  });
});
