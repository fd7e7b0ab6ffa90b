import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { xero } from '../../shared/connectors/xero';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeXeroContacts, makeXeroInvoices, msDate, startXeroSandbox, type XeroSandbox } from '../sandboxes/xero';

const TENANT = '70784a63-d24b-46a9-a4db-0e70a274b056';
const CLIENT = 'XEROCLIENTID0000';
const SECRET = 'xero-client-secret-9876';

describe('Connector: xero', () => {
  let sb: XeroSandbox;
  const contacts = makeXeroContacts(230);
  const invoices = makeXeroInvoices(40);
  const start = async (extra: { perMinute?: number; now?: () => number } = {}) =>
    (sb = await startXeroSandbox({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, accessToken: 'eyJ.xero.0', refreshToken: 'xero-refresh-0', contacts, invoices, ...extra }));
  const configFor = (extra: Record<string, unknown> = {}) => ({
    baseUrl: `${sb.url}/api.xro/2.0`, tokenUrl: `${sb.url}/connect/token`, tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, accessToken: 'eyJ.xero.0', refreshToken: 'xero-refresh-0', lookbackMinutes: 0, ...extra,
  });
  afterEach(async () => sb?.close());

  it('declares contacts and invoices, its secrets write-only, and needs a tenant id', () => {
    const schema = z.toJSONSchema(xero.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    for (const f of ['accessToken', 'refreshToken', 'clientSecret']) expect(schema.properties[f]).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(schema.required).toContain('tenantId');
    expect(xero.defaultDataTypes).toEqual(['contacts', 'invoices']);
  });

  it('tests the connection on the organisation with the tenant header', async () => {
    await start();
    const log = createLogger({ test: 'xero' });
    const config = xero.configSchema.parse(configFor());
    const http = connectorHttp(xero, config, { integrationId: `t-${Math.random()}`, log, save: async () => {}, sleep: async () => {} });
    await expect(xero.test({ config, http, log, saveSecrets: async () => {} })).resolves.toEqual({ ok: true, message: 'Connection successful' });
    expect(sb.requests[0]).toMatchObject({ path: '/api.xro/2.0/Organisation', tenant: TENANT });
  });

  describe('Streams', () => {
    it('pages contacts by page/pageSize ordered by UpdatedDateUTC, stopping on a short page; reads /Date()/ times', async () => {
      await start();
      const r = await readStream(xero, configFor(), 'contacts');
      expect(r.records.map((x) => x.id)).toEqual(contacts.map((c) => c.ContactID));
      expect(sb.requests.map((x) => [x.query.get('page'), x.query.get('pageSize'), x.query.get('order'), x.query.get('includeArchived')])).toEqual([
        ['1', '100', 'UpdatedDateUTC ASC', 'true'], ['2', '100', 'UpdatedDateUTC ASC', 'true'], ['3', '100', 'UpdatedDateUTC ASC', 'true'],
      ]);
      expect(r.records[0]).toEqual({ id: contacts[0].ContactID, data: contacts[0], updatedAt: '2024-05-01T10:00:00.000Z' });
      expect(sb.requests.every((x) => x.ifModifiedSince === undefined && x.tenant === TENANT)).toBe(true);
    });

    it('asks If-Modified-Since from the mark on an incremental run; archived contacts and deleted invoices are deletions', async () => {
      await start();
      const full = await readStream(xero, configFor(), 'invoices');
      sb.set('Invoices', { ...invoices[5], Status: 'DELETED', UpdatedDateUTC: msDate(Date.parse('2024-05-02T09:00:00Z')) });
      const inc = await readStream(xero, configFor(), 'invoices', { mode: 'incremental', cursor: full.cursor });
      expect(sb.requests.at(-1)!.ifModifiedSince).toBe('2024-05-01T10:39:00');
      expect(inc.records.map((x) => [x.id, x.deleted ?? false])).toEqual([[invoices[39].InvoiceID, false], [invoices[5].InvoiceID, true]]);
      expect(inc.cursor).toEqual({ hwm: '2024-05-02T09:00:00.000Z' });
      sb.set('Contacts', { ...contacts[0], ContactStatus: 'ARCHIVED', UpdatedDateUTC: msDate(Date.parse('2024-05-03T00:00:00Z')) });
      const c = await readStream(xero, configFor(), 'contacts', { mode: 'incremental', cursor: { hwm: '2024-05-02T00:00:00.000Z' } });
      expect(c.records).toEqual([expect.objectContaining({ id: contacts[0].ContactID, deleted: true })]);
    });

    it('resumes a crashed run at the next page', async () => {
      await start();
      const a = await readStream(xero, configFor(), 'contacts', { maxPages: 2 });
      const b = await readStream(xero, configFor(), 'contacts', { cursor: a.cursor, resuming: true });
      expect([...a.records, ...b.records].map((x) => x.id)).toEqual(contacts.map((c) => c.ContactID));
      expect(sb.requests.map((x) => x.query.get('page'))).toEqual(['1', '2', '3']);
    });
  });

  describe('Auth: rotating refresh tokens', () => {
    it('refreshes on a 401, re-seals both tokens and uses the newest refresh token next', async () => {
      await start();
      sb.expireToken();
      const cfg = configFor();
      const r = await readStream(xero, cfg, 'invoices');
      expect(r.records).toHaveLength(40);
      expect(r.saved).toEqual([{ accessToken: sb.accessToken, refreshToken: sb.refreshToken }]);
      sb.expireToken();
      await readStream(xero, cfg, 'invoices');
      expect(sb.refreshCount).toBe(2);
    });

    it('fails with Authentication Failed when the refresh token was already used, leaking nothing', async () => {
      await start();
      sb.expireToken();
      const err = await readStream(xero, configFor({ refreshToken: 'xero-refresh-stale' }), 'invoices').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).toMatch(/^Authentication Failed: token endpoint \/connect\/token answered 400 \(invalid_grant\)/);
      expect((err as Error).message).not.toMatch(/xero-refresh|xero-client-secret|eyJ/);
    });
  });

  describe('Errors', () => {
    it('honours the 429 Retry-After of the minute limit, retries a 5xx, fails a malformed page', async () => {
      let t = Date.now();
      const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
      await start({ perMinute: 2, now: clock.now });
      const r = await readStream(xero, configFor(), 'contacts', { clock });
      expect(r.records).toHaveLength(230);
      expect(r.stats.http429).toBe(1);
      expect(r.stats.rateLimitWaitMs).toBeGreaterThanOrEqual(59_000);
      await sb.close();
      await start();
      sb.failNext(1, 503);
      expect((await readStream(xero, configFor(), 'invoices')).stats.retries).toBe(1);
      sb.malformedNext(1);
      await expect(readStream(xero, configFor(), 'contacts')).rejects.toBeInstanceOf(MalformedPageError);
    });
  });
});
