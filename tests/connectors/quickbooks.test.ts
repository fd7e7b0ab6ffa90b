import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { quickbooks } from '../../shared/connectors/quickbooks';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeQboObjects, qboTime, startQuickbooksSandbox, type QuickbooksSandbox } from '../sandboxes/quickbooks';

const REALM = '9130350000000001';
const CLIENT = 'ABclientid0000';
const SECRET = 'qbo-client-secret-1234';

describe('Connector: quickbooks', () => {
  let sb: QuickbooksSandbox;
  const invoices = makeQboObjects('Invoice', 2_300);
  const customers = makeQboObjects('Customer', 30);
  const start = async () =>
    (sb = await startQuickbooksSandbox({ realmId: REALM, clientId: CLIENT, clientSecret: SECRET, accessToken: 'eyJ.access.0', refreshToken: 'AB11refresh0', objects: { Invoice: invoices, Customer: customers } }));
  const configFor = (extra: Record<string, unknown> = {}) => ({
    baseUrl: sb.url, tokenUrl: `${sb.url}/oauth2/v1/tokens/bearer`, realmId: REALM, clientId: CLIENT, clientSecret: SECRET, accessToken: 'eyJ.access.0', refreshToken: 'AB11refresh0', lookbackMinutes: 0, ...extra,
  });
  afterEach(async () => sb?.close());

  it('declares customers, invoices, payments and its secrets write-only', () => {
    const schema = z.toJSONSchema(quickbooks.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
    for (const f of ['accessToken', 'refreshToken', 'clientSecret']) expect(schema.properties[f]).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(quickbooks.defaultDataTypes).toEqual(['customers', 'invoices', 'payments']);
  });

  it('tests the connection by reading the company info, and fails clearly without leaking a token', async () => {
    await start();
    const test = (raw: Record<string, unknown>) => {
      const log = createLogger({ test: 'quickbooks' });
      const config = quickbooks.configSchema.parse(raw);
      return quickbooks.test({ config, http: connectorHttp(quickbooks, config, { integrationId: `t-${Math.random()}`, log, save: async () => {}, sleep: async () => {} }), log, saveSecrets: async () => {} });
    };
    await expect(test(configFor())).resolves.toEqual({ ok: true, message: 'Connection successful' });
    sb.failRefresh();
    const r = await test(configFor({ accessToken: 'eyJ.stale' }));
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/^Authentication Failed: token endpoint \/oauth2\/v1\/tokens\/bearer answered 400 \(invalid_grant\)/) });
    expect(r.message).not.toMatch(/eyJ|AB11|qbo-client-secret/);
  });

  describe('Stream: full', () => {
    it('pages by STARTPOSITION 1,000 at a time, ordered by LastUpdatedTime, stopping on a short page', async () => {
      await start();
      const r = await readStream(quickbooks, configFor(), 'invoices');
      expect(r.records.map((x) => x.id)).toEqual(invoices.map((i) => i.Id));
      expect(sb.queries).toEqual([1, 1001, 2001].map((n) => `SELECT * FROM Invoice ORDERBY Metadata.LastUpdatedTime STARTPOSITION ${n} MAXRESULTS 1000`));
      expect(r.records[0]).toEqual({ id: invoices[0].Id, data: invoices[0], updatedAt: new Date(invoices[0].MetaData.LastUpdatedTime).toISOString() });
      expect(r.cursor).toEqual({ hwm: new Date(invoices[2_299].MetaData.LastUpdatedTime).toISOString() });
    });

    it('reads inactive customers too, as deleted records (QuickBooks never deletes a customer)', async () => {
      await start();
      sb.set('Customer', { ...customers[3], Active: false });
      const r = await readStream(quickbooks, configFor(), 'customers');
      expect(sb.queries[0]).toBe('SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000');
      expect(r.records).toHaveLength(30);
      expect(r.records.filter((x) => x.deleted).map((x) => x.id)).toEqual([customers[3].Id]);
    });

    it('resumes a crashed run at the next STARTPOSITION', async () => {
      await start();
      const a = await readStream(quickbooks, configFor(), 'invoices', { maxPages: 1 });
      expect(a.cursor).toMatchObject({ next: 1001 });
      const b = await readStream(quickbooks, configFor(), 'invoices', { cursor: a.cursor, resuming: true });
      expect([...a.records, ...b.records].map((x) => x.id)).toEqual(invoices.map((i) => i.Id));
      expect(sb.queries.map((q) => q.match(/STARTPOSITION (\d+)/)![1])).toEqual(['1', '1001', '2001']);
    });
  });

  describe('Stream: incremental', () => {
    it('filters on Metadata.LastUpdatedTime from the mark, then asks CDC for deletions', async () => {
      const now = Date.parse('2024-05-03T00:00:00Z');
      sb = await startQuickbooksSandbox({ realmId: REALM, clientId: CLIENT, clientSecret: SECRET, accessToken: 'eyJ.access.0', refreshToken: 'AB11refresh0', objects: { Invoice: invoices.slice(0, 50) }, now: () => now });
      const full = await readStream(quickbooks, configFor(), 'invoices');
      const changed = { ...invoices[10], Balance: 5, MetaData: { ...invoices[10].MetaData, LastUpdatedTime: qboTime(Date.parse('2024-05-02T12:00:00Z')) } };
      sb.set('Invoice', changed);
      sb.remove('Invoice', invoices[20].Id, qboTime(Date.parse('2024-05-02T13:00:00Z')));
      const inc = await readStream(quickbooks, configFor(), 'invoices', { mode: 'incremental', cursor: full.cursor });
      expect(sb.queries.at(-1)).toBe(`SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime >= '2024-05-01T10:49:00+00:00' ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000`);
      expect(sb.requests.at(-1)!.path).toBe(`/v3/company/${REALM}/cdc`);
      expect(inc.records.map((x) => [x.id, x.deleted ?? false])).toEqual([[invoices[49].Id, false], [changed.Id, false], [invoices[20].Id, true]]);
      expect(inc.cursor).toEqual({ hwm: '2024-05-02T12:00:00.000Z' });
    });
  });

  describe('Auth: rotating refresh tokens', () => {
    it('refreshes on a 401, re-seals both tokens, and sends the rotated refresh token next time', async () => {
      await start();
      sb.expireToken();
      const cfg = configFor();
      const r = await readStream(quickbooks, cfg, 'customers');
      expect(r.records).toHaveLength(30);
      expect(r.saved).toEqual([{ accessToken: sb.accessToken, refreshToken: sb.refreshToken }]);
      expect(cfg.refreshToken).toBe(sb.refreshToken);
      sb.expireToken();
      await readStream(quickbooks, cfg, 'customers');
      expect(sb.refreshCount).toBe(2);
    });
  });

  describe('Errors', () => {
    it('waits a 429 out and retries a 5xx', async () => {
      await start();
      sb.failNext(1, 503);
      const r = await readStream(quickbooks, configFor(), 'customers');
      expect(r.records).toHaveLength(30);
      expect(r.stats.retries).toBe(1);
      sb.failNext(1, 429);
      const after429 = await readStream(quickbooks, configFor(), 'customers');
      expect(after429.records).toHaveLength(30);
      // Intuit asks for 60 s after a 429 and sends no Retry-After.
      expect(after429.stats).toMatchObject({ http429: 1, rateLimitWaitMs: 60_000 });
    });

    it('skips CDC when it refuses a mark older than 30 days, keeping the query\'s changes', async () => {
      sb = await startQuickbooksSandbox({ realmId: REALM, clientId: CLIENT, clientSecret: SECRET, accessToken: 'eyJ.access.0', refreshToken: 'AB11refresh0', objects: { Invoice: invoices.slice(0, 5) }, now: () => Date.parse('2024-07-01T00:00:00Z') });
      const inc = await readStream(quickbooks, configFor(), 'invoices', { mode: 'incremental', cursor: { hwm: '2024-05-01T10:02:00.000Z' } });
      expect(inc.records.map((x) => x.id)).toEqual(invoices.slice(2, 5).map((i) => i.Id));
      expect(sb.requests.map((x) => [x.path.split('/').pop(), x.status])).toEqual([['query', 200], ['cdc', 400]]);
      expect(inc.cursor).toEqual({ hwm: new Date(invoices[4].MetaData.LastUpdatedTime).toISOString() });
    });

    it('fails a malformed page with MalformedPageError', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(quickbooks, configFor(), 'customers')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });
});
