import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { salesrabbit } from '../../shared/connectors/salesrabbit';
import { SalesRabbitConfigSchema } from '../../shared/connectors/salesrabbit/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeLeads, makeUsers, startSalesRabbitSandbox, type SalesRabbitSandbox, type SalesRabbitSandboxOptions } from '../sandboxes/salesrabbit';

const TOKEN = 'sr-api-token-6f1d0c9e2b7a';
const iso = (t: string) => new Date(Date.parse(t)).toISOString();

const MODIFIED_QUERY = `query GetLeads($cursor: String, $limit: Int, $modifiedSince: String) {
  leads(after: $cursor, first: $limit, modifiedSince: $modifiedSince) {
    edges { node { id prospectName prospectPhone lastModified } cursor }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function testConnection(config: Record<string, unknown>) {
  const http = connectorHttp(salesrabbit, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
  return salesrabbit.test({ config: config as never, http, log: createLogger(), saveSecrets: async () => {} });
}

describe('Connector: salesrabbit', () => {
  let sb: SalesRabbitSandbox;
  const leads = makeLeads(5);
  const users = makeUsers(3);
  const start = async (o: Partial<SalesRabbitSandboxOptions> = {}) => {
    sb = await startSalesRabbitSandbox({ apiToken: TOKEN, leads, users, maxPerPage: 2, ...o });
  };
  const rest = (extra: Record<string, unknown> = {}) => SalesRabbitConfigSchema.parse({ baseUrl: sb.url, apiToken: TOKEN, pageSize: 2, ...extra }) as Record<string, unknown>;
  const gql = (extra: Record<string, unknown> = {}) => rest({ api: 'graphql', graphqlUrl: `${sb.url}/graphql`, ...extra });
  afterEach(() => sb?.close());

  describe('Catalog', () => {
    it('declares the type, data types, the seed rate limit and a write-only token', () => {
      expect(salesrabbit.type).toBe('salesrabbit');
      expect(salesrabbit.defaultDataTypes).toEqual(['leads', 'users']);
      expect(salesrabbit.rateLimit).toEqual({ requests: 50, windowMs: 60_000 });
      expect(secretFields(salesrabbit.configSchema)).toEqual(['apiToken']);
      const schema = z.toJSONSchema(salesrabbit.configSchema, { io: 'input' }) as { properties: Record<string, { writeOnly?: boolean; 'x-secret'?: boolean; default?: unknown }> };
      expect(schema.properties.apiToken).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.baseUrl.default).toBe('https://api.salesrabbit.com');
      expect(schema.properties.graphqlUrl.default).toBe('https://cloud.salesrabbit.com/graphql');
      expect(schema.properties.api.default).toBe('rest');
    });

    it('refuses a lastModifiedVariable that the leads query does not use', () => {
      const noQuery = SalesRabbitConfigSchema.safeParse({ apiToken: 't', api: 'graphql', lastModifiedVariable: 'modifiedSince' });
      expect(noQuery.error?.issues.map((i) => i.path.join('.'))).toEqual(['leadsQuery']);
      const unused = SalesRabbitConfigSchema.safeParse({ apiToken: 't', api: 'graphql', lastModifiedVariable: 'since', leadsQuery: MODIFIED_QUERY });
      expect(unused.error?.issues.map((i) => i.path.join('.'))).toEqual(['lastModifiedVariable']);
      expect(SalesRabbitConfigSchema.safeParse({ apiToken: 't', api: 'graphql', lastModifiedVariable: 'modifiedSince', leadsQuery: MODIFIED_QUERY }).success).toBe(true);
    });
  });

  describe('Method: test', () => {
    it('succeeds over REST and over GraphQL', async () => {
      await start();
      expect(await testConnection(rest())).toEqual({ ok: true, message: 'Connected to SalesRabbit (REST)' });
      expect(sb.requests[0]).toMatchObject({ path: '/leads', authorization: `Bearer ${TOKEN}` });
      expect(await testConnection(gql())).toEqual({ ok: true, message: 'Connected to SalesRabbit (GraphQL)' });
      expect(sb.requests[1].body?.variables).toEqual({ cursor: null, limit: 1 });
    });

    it('fails with "Authentication Failed" for a bad token on either API, without the token', async () => {
      await start();
      const r = await testConnection(rest({ apiToken: 'wrong-token-123' }));
      expect(r).toEqual({ ok: false, message: 'Authentication Failed: salesrabbit GET /leads answered 401 (Unauthenticated.)' });
      const g = await testConnection(gql({ apiToken: 'wrong-token-123' }));
      expect(g).toEqual({ ok: false, message: 'Authentication Failed: salesrabbit POST /graphql answered GraphQL errors (UNAUTHENTICATED: Invalid or expired API token)' });
      expect(r.message + g.message).not.toContain('wrong-token-123');
    });
  });

  describe('REST', () => {
    it('full sync reads every page (page + perPage, {data}) oldest first, and the mark', async () => {
      await start();
      const r = await readStream(salesrabbit, rest(), 'leads');
      expect(r.pages).toHaveLength(3);
      expect(r.records.map((x) => x.data)).toEqual(leads);
      expect(r.records.map((x) => x.id)).toEqual(leads.map((l) => String(l.id)));
      expect(r.records[4].updatedAt).toBe(iso(leads[4].dateModified));
      expect(r.cursor).toMatchObject({ hwm: iso(leads[4].dateModified) });
      expect(sb.requests.map((x) => [x.query.get('page'), x.query.get('perPage'), x.query.get('sortBy'), x.ifModifiedSince])).toEqual([
        ['1', '2', 'dateCreated', undefined],
        ['2', '2', 'dateCreated', undefined],
        ['3', '2', 'dateCreated', undefined],
      ]);
      const u = await readStream(salesrabbit, rest(), 'users');
      expect(u.records.map((x) => x.data)).toEqual(users);
    });

    it('incremental sends If-Modified-Since and gets the changed lead (plus the lookback re-read of the mark)', async () => {
      await start();
      const full = await readStream(salesrabbit, rest(), 'leads');
      const changed = sb.updateLead(leads[1].id, { status: 'Appointment Set' });
      const inc = await readStream(salesrabbit, rest(), 'leads', { mode: 'incremental', cursor: full.cursor });
      // The mark minus one minute of lookback, as an HTTP-date (RFC 9110 IMF-fixdate).
      expect(leads[4].dateModified).toBe('2024-05-01T12:01:00+00:00');
      expect(sb.requests.at(-1)!.ifModifiedSince).toBe('Wed, 01 May 2024 12:00:00 GMT');
      // Nothing older than the mark's minute comes back: leads 1, 3 and 4 are not re-read.
      expect(inc.records.map((x) => x.id)).toEqual([String(leads[1].id), String(leads[4].id)]);
      expect(inc.records[0].data.status).toBe('Appointment Set');
      expect(inc.cursor).toMatchObject({ hwm: iso(changed.dateModified) });
    });

    it('treats 304 as nothing new, keeping the mark', async () => {
      await start();
      const mark = { hwm: iso(leads[4].dateModified) };
      const inc = await readStream(salesrabbit, rest(), 'leads', { mode: 'incremental', cursor: mark, since: '2030-01-01T00:00:00Z' });
      expect(sb.requests.map((x) => x.status)).toEqual([304]);
      expect(inc.records).toEqual([]);
      expect(inc.cursor).toMatchObject(mark);
    });

    it('marks a lead with deletedAt as deleted', async () => {
      await start();
      sb.updateLead(leads[0].id, { deletedAt: '2024-06-01T00:00:00+00:00' });
      const r = await readStream(salesrabbit, rest(), 'leads');
      expect(r.records.filter((x) => x.deleted).map((x) => x.id)).toEqual([String(leads[0].id)]);
    });

    it('honours Retry-After on a 429', async () => {
      await start({ retryAfterSeconds: 1 });
      sb.failNext(1, 429);
      const r = await readStream(salesrabbit, rest(), 'leads');
      expect(r.records).toHaveLength(5);
      expect(r.stats.http429).toBe(1);
      expect(sb.earlyRetries).toBe(0);
    });

    it('retries a 5xx', async () => {
      await start();
      sb.failNext(2, 502);
      const r = await readStream(salesrabbit, rest(), 'leads');
      expect(r.records).toHaveLength(5);
      expect(r.stats.retries).toBe(2);
    });

    it('throws MalformedPageError on a page without data', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(salesrabbit, rest(), 'leads')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });

  describe('GraphQL', () => {
    it('full sync pages the leads connection with after: endCursor while hasNextPage', async () => {
      await start();
      const r = await readStream(salesrabbit, gql(), 'leads');
      expect(r.pages).toHaveLength(3);
      expect(r.records.map((x) => x.id)).toEqual(leads.map((l) => String(l.id)));
      expect(r.records[0].data).toMatchObject({ prospectName: `${leads[0].firstName} ${leads[0].lastName}`, prospectPhone: leads[0].phonePrimary, lastModified: leads[0].dateModified });
      expect(r.cursor).toMatchObject({ hwm: iso(leads[4].dateModified) });
      const vars = sb.requests.map((x) => x.body?.variables);
      expect(vars[0]).toEqual({ cursor: null, limit: 2 });
      expect(vars[1]).toEqual({ cursor: expect.any(String), limit: 2 });
      expect(vars[2]!.cursor).not.toBe(vars[1]!.cursor);
      expect(sb.requests.every((x) => x.method === 'POST' && x.path === '/graphql' && x.authorization === `Bearer ${TOKEN}`)).toBe(true);
    });

    it('reads users as a plain list in one request', async () => {
      await start();
      const r = await readStream(salesrabbit, gql(), 'users');
      expect(r.records.map((x) => x.id)).toEqual(users.map((u) => String(u.id)));
      expect(sb.requests).toHaveLength(1);
    });

    it('reads everything again on an incremental run without lastModifiedVariable', async () => {
      await start();
      const full = await readStream(salesrabbit, gql(), 'leads');
      const inc = await readStream(salesrabbit, gql(), 'leads', { mode: 'incremental', cursor: full.cursor });
      expect(inc.records).toHaveLength(5);
    });

    it('with lastModifiedVariable, an incremental run sends the mark and gets the change (plus the re-read of the mark)', async () => {
      await start();
      const config = gql({ leadsQuery: MODIFIED_QUERY, lastModifiedVariable: 'modifiedSince' });
      const full = await readStream(salesrabbit, config, 'leads');
      expect(sb.requests[0].body?.variables).not.toHaveProperty('modifiedSince');
      const changed = sb.updateLead(leads[2].id, { firstName: 'Changed' });
      const inc = await readStream(salesrabbit, config, 'leads', { mode: 'incremental', cursor: full.cursor });
      expect(sb.requests.at(-1)!.body?.variables).toMatchObject({ modifiedSince: new Date(Date.parse(leads[4].dateModified) - 60_000).toISOString() });
      expect(inc.records.map((x) => x.id)).toEqual([String(leads[2].id), String(leads[4].id)]);
      expect(inc.records[0].data.prospectName).toBe(`Changed ${leads[2].lastName}`);
      expect(inc.cursor).toMatchObject({ hwm: iso(changed.dateModified) });
    });

    it('resumes from the stored endCursor', async () => {
      await start();
      const config = gql();
      const first = await readStream(salesrabbit, config, 'leads', { maxPages: 1 });
      expect(first.cursor).toMatchObject({ next: expect.any(String) });
      const rest2 = await readStream(salesrabbit, config, 'leads', { cursor: first.cursor, resuming: true });
      expect([...first.records, ...rest2.records].map((x) => x.id)).toEqual(leads.map((l) => String(l.id)));
    });

    it('turns a GraphQL errors array into a clear SourceError', async () => {
      await start();
      sb.graphqlErrorNext('Cursor is invalid');
      const err = await readStream(salesrabbit, gql(), 'leads').catch((e: Error) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('graphql_error');
      expect((err as Error).message).toBe('Request failed: salesrabbit/leads POST /graphql answered GraphQL errors (BAD_USER_INPUT: leads: Cursor is invalid)');
    });

    it('honours Retry-After on a 429 and retries a 5xx', async () => {
      await start({ retryAfterSeconds: 1 });
      sb.failNext(1, 429);
      const r = await readStream(salesrabbit, gql(), 'leads');
      expect(r.records).toHaveLength(5);
      expect(sb.earlyRetries).toBe(0);
      sb.failNext(2, 503);
      const again = await readStream(salesrabbit, gql(), 'leads');
      expect(again.records).toHaveLength(5);
      expect(again.stats.retries).toBe(2);
    });

    it.each([
      ['no-end-cursor', /page 2 says more pages follow but gives no pageInfo.endCursor/],
      ['same-cursor', /page 2 gives the same endCursor as the page before; paging would not advance/],
    ] as const)('refuses a page whose pageInfo cannot advance (%s)', async (kind, message) => {
      await start();
      sb.brokenPageInfoNext(kind);
      const err = await readStream(salesrabbit, gql(), 'leads').catch((e: Error) => e);
      expect(err).toBeInstanceOf(MalformedPageError);
      expect((err as Error).message).toMatch(message);
    });

    it('throws MalformedPageError on a connection without pageInfo', async () => {
      await start();
      sb.malformedNext(1);
      const err = await readStream(salesrabbit, gql(), 'leads').catch((e: Error) => e);
      expect(err).toBeInstanceOf(MalformedPageError);
      expect((err as Error).message).toMatch(/page 1 has no connection at "data.leads" \(pageInfo: /);
    });
  });
});
