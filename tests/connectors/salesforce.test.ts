import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { salesforce, stripAttributes } from '../../shared/connectors/salesforce';
import { buildSoql } from '../../shared/connectors/salesforce/soql';
import { SalesforceConfigSchema } from '../../shared/connectors/salesforce/spec';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError, SourceError, ValidationError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeSalesforceRecords, startSalesforceSandbox, type SalesforceSandbox } from '../sandboxes/salesforce';

const ACCESS = 'sf-access-token-0001';
const REFRESH = 'sf-refresh-token-0002';
const CLIENT_ID = '3MVG9sandbox-client';
const CLIENT_SECRET = 'sf-client-secret-0003';

function configFor(sb: SalesforceSandbox, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return SalesforceConfigSchema.parse({
    instanceUrl: sb.url,
    accessToken: ACCESS,
    refreshToken: REFRESH,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokenUrl: `${sb.url}/services/oauth2/token`,
    ...extra,
  }) as Record<string, unknown>;
}

async function testConnection(config: Record<string, unknown>) {
  const http = connectorHttp(salesforce, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
  return salesforce.test({ config: config as never, http, log: createLogger(), saveSecrets: async () => {} });
}

describe('Connector: salesforce', () => {
  let sb: SalesforceSandbox;
  const leads = makeSalesforceRecords('Lead', 7);

  beforeEach(async () => {
    sb = await startSalesforceSandbox({
      accessToken: ACCESS,
      refreshToken: REFRESH,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      batchSize: 3,
      apiUsage: 17,
      records: { Lead: leads, Contact: makeSalesforceRecords('Contact', 2), Account: [], Opportunity: [] },
    });
  });
  afterEach(() => sb.close());

  describe('Catalog', () => {
    it('declares the type, data types and write-only secrets', () => {
      expect(salesforce.type).toBe('salesforce');
      expect(salesforce.defaultDataTypes).toEqual(['leads', 'contacts', 'accounts', 'opportunities']);
      expect(secretFields(salesforce.configSchema).sort()).toEqual(['accessToken', 'clientSecret', 'refreshToken']);
      const schema = z.toJSONSchema(salesforce.configSchema, { io: 'input' }) as { properties: Record<string, { writeOnly?: boolean }>; required: string[] };
      expect(schema.properties.accessToken.writeOnly).toBe(true);
      expect(schema.properties.clientSecret.writeOnly).toBe(true);
      expect(schema.properties.instanceUrl.writeOnly).toBeUndefined();
      expect(schema.required).toEqual(expect.arrayContaining(['instanceUrl', 'accessToken']));
    });

    it('adds configured objects as data types', () => {
      const config = configFor(sb, { objects: [{ name: 'invoices', sobject: 'Invoice__c', fields: ['Name', 'Amount__c'] }] });
      expect(salesforce.dataTypes(config as never)).toEqual(['leads', 'contacts', 'accounts', 'opportunities', 'invoices']);
    });
  });

  describe('Method: test', () => {
    it('succeeds with a valid token and reports API usage', async () => {
      const result = await testConnection(configFor(sb));
      expect(result).toEqual({ ok: true, message: expect.stringMatching(/API usage 18\/5000/) });
      expect(sb.queries).toEqual(['SELECT Id, SystemModstamp FROM Lead ORDER BY SystemModstamp LIMIT 1']);
    });

    it('fails with a clear message on a bad token that cannot be refreshed', async () => {
      const result = await testConnection(configFor(sb, { accessToken: 'wrong-token-xyz', refreshToken: undefined }));
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/^Authentication Failed: .*answered 401 \(INVALID_SESSION_ID: Session expired or invalid\)/);
      expect(result.message).not.toContain('wrong-token-xyz');
    });
  });

  describe('Stream: full sync', () => {
    it('follows nextRecordsUrl over several batches and returns exactly the sandbox records', async () => {
      const r = await readStream(salesforce, configFor(sb), 'leads');
      expect(r.pages).toHaveLength(3);
      expect(r.records.map((x) => x.id)).toEqual(leads.map((l) => l.Id));
      expect(r.records[0].data).not.toHaveProperty('attributes');
      expect(r.records[0].data).toMatchObject({ Id: leads[0].Id, Email: leads[0].Email, Company: leads[0].Company, IsConverted: false });
      expect(r.records[6].updatedAt).toBe(leads[6].SystemModstamp);
      expect(r.cursor).toEqual({ hwm: leads[6].SystemModstamp });
      // One SOQL query, then the two locator pages; the full sync is ordered so its mark seeds incrementals.
      expect(sb.queries).toHaveLength(1);
      expect(sb.queries[0]).toMatch(/^SELECT Id, SystemModstamp, FirstName, .* FROM Lead ORDER BY SystemModstamp$/);
      expect(sb.requests.filter((q) => q.path.includes('/query/01gRO'))).toHaveLength(2);
    });

    it('surfaces Sforce-Limit-Info in each page info', async () => {
      const r = await readStream(salesforce, configFor(sb), 'leads');
      expect(r.pages.map((p) => p.info)).toEqual([
        { apiUsage: 18, apiLimit: 5000, totalSize: 7 },
        { apiUsage: 19, apiLimit: 5000, totalSize: 7 },
        { apiUsage: 20, apiLimit: 5000, totalSize: 7 },
      ]);
    });

    it('resumes an interrupted run from the stored query locator', async () => {
      const first = await readStream(salesforce, configFor(sb), 'leads', { maxPages: 1 });
      expect(first.cursor).toMatchObject({ next: expect.stringMatching(/^\/services\/data\/v58\.0\/query\/01gRO\w+-3$/) });
      const rest = await readStream(salesforce, configFor(sb), 'leads', { cursor: first.cursor, resuming: true });
      expect(rest.records.map((x) => x.id)).toEqual(leads.slice(3).map((l) => l.Id));
      expect(sb.queries).toHaveLength(1);
    });

    it('restarts the query from the high-water mark when the locator has expired', async () => {
      const first = await readStream(salesforce, configFor(sb), 'leads', { maxPages: 1 });
      sb.dropLocators();
      const rest = await readStream(salesforce, configFor(sb), 'leads', { cursor: first.cursor, resuming: true });
      // Re-reads from 5 minutes below the mark (lead 3 at 10:00) rather than from the start.
      expect(sb.queries[1]).toMatch(/ WHERE SystemModstamp > 2024-05-01T09:55:00Z ORDER BY SystemModstamp$/);
      expect(rest.records.map((x) => x.id)).toEqual(leads.slice(2).map((l) => l.Id));
    });

    it('reads a configured custom object with relationship fields', async () => {
      await sb.close();
      sb = await startSalesforceSandbox({
        accessToken: ACCESS,
        records: {
          Invoice__c: [
            { Id: 'a015g00000Inv01', Name: 'INV-1', Amount__c: 12.5, Account__r: { Name: 'Acme' }, SystemModstamp: '2024-05-01T08:00:00.000Z' },
          ],
        },
      });
      const config = configFor(sb, { refreshToken: undefined, objects: [{ name: 'invoices', sobject: 'Invoice__c', fields: ['Name', 'Amount__c', 'Account__r.Name'] }] });
      const r = await readStream(salesforce, config, 'invoices');
      expect(sb.queries[0]).toBe('SELECT Id, SystemModstamp, Name, Amount__c, Account__r.Name FROM Invoice__c ORDER BY SystemModstamp');
      expect(r.records).toEqual([
        {
          id: 'a015g00000Inv01',
          data: { Id: 'a015g00000Inv01', SystemModstamp: '2024-05-01T08:00:00.000+0000', Name: 'INV-1', Amount__c: 12.5, Account__r: { Name: 'Acme' } },
          updatedAt: '2024-05-01T08:00:00.000Z',
        },
      ]);
    });
  });

  describe('Stream: incremental', () => {
    it('picks up one change (plus the lookback re-read of the mark) and nothing older', async () => {
      const full = await readStream(salesforce, configFor(sb), 'leads');
      const changed = sb.setRecord('Lead', { Id: leads[2].Id, Email: 'changed@example.com' });
      const inc = await readStream(salesforce, configFor(sb), 'leads', { mode: 'incremental', cursor: full.cursor });
      expect(sb.queries[1]).toMatch(/, IsDeleted FROM Lead WHERE SystemModstamp > 2024-05-01T13:55:00Z ORDER BY SystemModstamp$/);
      // Lead 7 sits at the previous mark and is re-read by the 5-minute lookback; lead 3 is the change.
      expect(inc.records.map((x) => x.id)).toEqual([leads[6].Id, leads[2].Id]);
      expect(inc.records[1].data.Email).toBe('changed@example.com');
      expect(inc.cursor).toEqual({ hwm: changed.SystemModstamp });
    });

    it('catches deletions through queryAll (IsDeleted) and stores the same data shape as a full run', async () => {
      const full = await readStream(salesforce, configFor(sb), 'leads');
      const gone = sb.deleteRecord('Lead', leads[1].Id);
      const inc = await readStream(salesforce, configFor(sb), 'leads', { mode: 'incremental', cursor: full.cursor });
      expect(sb.requests.map((r) => r.path.split('?')[0]).filter((p) => !p.includes('/query/'))).toEqual(['/services/data/v58.0/query', '/services/data/v58.0/queryAll']);
      const deleted = inc.records.find((x) => x.id === leads[1].Id)!;
      expect(deleted.deleted).toBe(true);
      expect(deleted.data).toEqual({ ...full.records.find((x) => x.id === leads[1].Id)!.data, SystemModstamp: gone.SystemModstamp.replace('Z', '+0000') });
      expect(inc.records.filter((x) => x.id !== leads[1].Id).every((x) => !x.deleted && !('IsDeleted' in x.data))).toBe(true);
      // A full run asks /query, which no longer returns the deleted lead: the deletion pass covers it there.
      const again = await readStream(salesforce, configFor(sb), 'leads');
      expect(again.records.map((x) => x.id)).not.toContain(leads[1].Id);
    });

    it('honours ctx.since over the stored mark', async () => {
      await readStream(salesforce, configFor(sb), 'leads', { mode: 'incremental', cursor: { hwm: '2030-01-01T00:00:00.000Z' }, since: '2024-05-01T12:30:00Z' });
      expect(sb.queries[0]).toMatch(/WHERE SystemModstamp > 2024-05-01T12:30:00Z ORDER BY/);
    });
  });

  describe('Auth: token refresh', () => {
    it('refreshes an expired token once, re-seals it and retries', async () => {
      sb.expireToken();
      const config = configFor(sb);
      const r = await readStream(salesforce, config, 'contacts');
      expect(r.records).toHaveLength(2);
      expect(sb.refreshCount).toBe(1);
      expect(r.saved).toEqual([{ accessToken: sb.accessToken }]);
      expect(sb.requests.map((q) => q.status)).toEqual([401, 200, 200]);
      expect(sb.requests[2].authorization).toBe(`Bearer ${sb.accessToken}`);
    });

    it('fails with "Authentication Failed" when the refresh is refused, without leaking secrets', async () => {
      sb.expireToken();
      sb.failRefresh();
      const err = await readStream(salesforce, configFor(sb), 'contacts').catch((e: Error) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('auth_failed');
      expect((err as Error).message).toMatch(/^Authentication Failed: token endpoint \/services\/oauth2\/token answered 400 \(invalid_grant\)/);
      for (const s of [ACCESS, REFRESH, CLIENT_SECRET]) expect((err as Error).message).not.toContain(s);
    });
  });

  describe('Errors and limits', () => {
    it('turns 403 REQUEST_LIMIT_EXCEEDED into a Rate Limit Exceeded error', async () => {
      sb.setApiUsage(5000);
      const err = await readStream(salesforce, configFor(sb), 'leads').catch((e: Error) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('rate_limited');
      expect((err as Error).message).toMatch(/^Rate Limit Exceeded: salesforce\/leads GET \/services\/data\/v58\.0\/query answered 403 \(REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded\.\)/);
    });

    it('waits out a 429 and continues', async () => {
      sb.failNext(2, 429);
      const r = await readStream(salesforce, configFor(sb), 'leads');
      expect(r.records).toHaveLength(7);
      expect(r.stats.http429).toBe(2);
    });

    it('retries a 5xx', async () => {
      sb.failNext(2, 503);
      const r = await readStream(salesforce, configFor(sb), 'leads');
      expect(r.records).toHaveLength(7);
      expect(r.stats.retries).toBe(2);
    });

    it('throws MalformedPageError on a page that is not a query result', async () => {
      sb.malformedNext(1);
      await expect(readStream(salesforce, configFor(sb), 'leads')).rejects.toBeInstanceOf(MalformedPageError);
    });

    it('answers MALFORMED_QUERY with the vendor error in the message', async () => {
      const config = configFor(sb, { objects: [{ name: 'leads', sobject: 'Lead', fields: ['NoSuchField__c'] }] });
      await expect(readStream(salesforce, config, 'leads')).rejects.toThrow(/answered 400 \(INVALID_FIELD: No such column 'NoSuchField__c' on entity 'Lead'\.\)/);
    });
  });

  describe('SOQL safety', () => {
    const injections = [
      "Id FROM Lead WHERE Name != ''",
      'Id, Email',
      'COUNT(Id)',
      "Name' OR Name != '",
      'Email)--',
      '(SELECT Id FROM Contacts)',
      'FROM',
      '',
    ];

    it.each(injections)('refuses field %p at config parse time', (field) => {
      const r = SalesforceConfigSchema.safeParse({ instanceUrl: sb.url, accessToken: ACCESS, objects: [{ name: 'leads', sobject: 'Lead', fields: [field] }] });
      expect(r.success).toBe(false);
    });

    it.each(['Lead WHERE Id != null', 'Lead;', 'Le ad', '1Lead'])('refuses sobject %p at config parse time', (sobject) => {
      const r = SalesforceConfigSchema.safeParse({ instanceUrl: sb.url, accessToken: ACCESS, objects: [{ name: 'x', sobject, fields: ['Id'] }] });
      expect(r.success).toBe(false);
    });

    it('refuses bad names in the SOQL builder too', () => {
      expect(() => buildSoql({ sobject: 'Lead', fields: ["Id FROM Lead WHERE Name != ''"] })).toThrow(ValidationError);
      expect(() => buildSoql({ sobject: 'Lead WHERE', fields: ['Id'] })).toThrow(ValidationError);
      expect(buildSoql({ sobject: 'Lead', fields: ['id', 'Email'], since: '2024-05-01T10:00:00.123+02:00' })).toBe(
        'SELECT Id, SystemModstamp, Email FROM Lead WHERE SystemModstamp > 2024-05-01T08:00:00Z ORDER BY SystemModstamp',
      );
    });
  });

  it('strips attributes from nested relationship records', () => {
    expect(stripAttributes({ attributes: { type: 'Lead' }, Id: '1', Owner: { attributes: { type: 'User' }, Name: 'A' }, Tags: ['x'] })).toEqual({
      Id: '1',
      Owner: { Name: 'A' },
      Tags: ['x'],
    });
  });
});
