import { Client } from '@hubspot/api-client';
import * as z from 'zod';
import { hubspot } from '../../shared/connectors/hubspot';
import { staticProperties } from '../../shared/connectors/hubspot/properties';
import { HubspotConfigSchema } from '../../shared/connectors/hubspot/spec';
import { connectorHttp } from '../../shared/connectors/context';
import { fakeClock } from '../helpers/clock';
import { secretFields } from '../../shared/connectors/secret';
import { MalformedPageError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { type HubspotSandbox, startHubspotSandbox } from '../sandboxes/hubspot';

const config = (sb: HubspotSandbox, extra: Record<string, unknown> = {}) =>
  HubspotConfigSchema.parse({ baseUrl: sb.url, accessToken: sb.token, ...extra }) as unknown as Record<string, unknown>;

/** What the connector should store for a sandbox record: properties flattened plus the envelope. */
function expected(sb: HubspotSandbox, type: string) {
  return sb.store[type].all().map((r) => r.id);
}

async function testConnection(cfg: Record<string, unknown>) {
  const log = createLogger({ test: 'hubspot' });
  // As the API's connection test: 20 s to answer in, on a clock that moves only when the client waits.
  const clock = fakeClock();
  const deadline = clock.now() + 20_000;
  const http = connectorHttp(hubspot, cfg, { integrationId: 'i', log, save: async () => {}, ...clock, remainingMs: () => deadline - clock.now() });
  return hubspot.test({ config: cfg as never, http, log, saveSecrets: async () => {} });
}

describe('Connector: hubspot', () => {
  let sb: HubspotSandbox;
  afterEach(async () => sb?.close());

  describe('Spec', () => {
    it('marks the access token write-only and secret in the catalog and lists custom objects', () => {
      const schema = z.toJSONSchema(hubspot.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>>; required?: string[] };
      expect(schema.properties.accessToken).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(schema.properties.baseUrl.default).toBe('https://api.hubapi.com');
      expect(schema.required).toContain('accessToken');
      expect(secretFields(hubspot.configSchema)).toEqual(expect.arrayContaining(['accessToken', 'clientSecret']));
      expect(hubspot.rateLimit).toEqual({ requests: 100, windowMs: 10_000 });
      expect(hubspot.defaultDataTypes).toEqual(['contacts', 'companies', 'deals', 'appointments']);
      const cfg = HubspotConfigSchema.parse({ accessToken: 'x', customObjects: ['genius_users', 'divisions', 'zipcodes'] });
      expect(hubspot.dataTypes(cfg)).toEqual(['contacts', 'companies', 'deals', 'appointments', 'genius_users', 'divisions', 'zipcodes']);
      expect(HubspotConfigSchema.safeParse({ accessToken: 'x', customObjects: ['deals'] }).success).toBe(false);
    });
  });

  describe('Method: test', () => {
    it('answers ok with a good token', async () => {
      sb = await startHubspotSandbox();
      await expect(testConnection(config(sb))).resolves.toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.requests['/crm/v3/objects/contacts']).toBe(1);
    });

    it('answers Authentication Failed with HubSpot category and no token on a 401', async () => {
      sb = await startHubspotSandbox({ token: 'pat-na1-right-token-1234' });
      const r = await testConnection(config(sb, { accessToken: 'pat-na1-wrong-token-5678' }));
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^Authentication Failed/);
      expect(r.message).toContain('INVALID_AUTHENTICATION');
      expect(r.message).not.toContain('pat-na1-wrong-token-5678');
    });

    it('answers Rate Limit Exceeded when HubSpot keeps answering 429', async () => {
      sb = await startHubspotSandbox();
      sb.failNext(429, 20);
      const r = await testConnection(config(sb));
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/^Rate Limit Exceeded.*TEN_SECONDLY_ROLLING/) });
    });
  });

  describe('Method: read (full)', () => {
    it('walks every list page and stores exactly what the sandbox holds, flattened', async () => {
      sb = await startHubspotSandbox({ companies: 234 });
      const r = await readStream(hubspot, config(sb), 'companies');
      expect(r.pages).toHaveLength(3);
      expect(r.records.map((x) => x.id)).toEqual(expected(sb, 'companies'));
      // Every record exactly as the API serves it with our property list, flattened.
      const props = staticProperties('companies')!;
      expect(r.records).toEqual(
        sb.store.companies.all().map((rec) => {
          const wire = sb.store.companies.view(rec, props) as { properties: Record<string, string | null> };
          return { id: rec.id, updatedAt: rec.updatedAt, data: { ...wire.properties, id: rec.id, createdAt: rec.createdAt, updatedAt: rec.updatedAt, archived: false } };
        }),
      );
      expect(r.records[0].data).toMatchObject({ name: expect.any(String), domain: expect.any(String), numberofemployees: expect.stringMatching(/^\d+$/) });
      for (const rec of r.records) for (const v of Object.values(rec.data)) expect(['string', 'boolean'].includes(typeof v) || v === null).toBe(true);
      expect(r.cursor).toEqual({ hwm: expect.any(String) });
      expect(sb.requests['/crm/v3/objects/companies']).toBe(3);
      expect(sb.requests['/crm/v3/objects/companies/search']).toBeUndefined();
    });

    it('applies the schema defaults to a config that skipped the schema', async () => {
      sb = await startHubspotSandbox({ contacts: 30 });
      const r = await readStream(hubspot, { baseUrl: sb.url, accessToken: sb.token }, 'contacts');
      expect(r.records).toHaveLength(30);
      expect(r.records[0].data.associations).toEqual({ deals: expect.any(Array), companies: expect.any(Array) });
    });

    it('attaches deal and company ids to each contact from the list page itself (associations inline), one request per page', async () => {
      sb = await startHubspotSandbox({ contacts: 150, deals: 20, companies: 10 });
      const r = await readStream(hubspot, config(sb), 'contacts');
      expect(r.records).toHaveLength(150);
      for (const rec of r.records) {
        expect(rec.data.associations).toEqual({ deals: sb.associationsOf(rec.id, 'deals'), companies: sb.associationsOf(rec.id, 'companies') });
      }
      expect(r.records.some((x) => (x.data.associations as { deals: string[] }).deals.length === 2)).toBe(true);
      expect(sb.requests['/crm/v3/objects/contacts']).toBe(2);
      expect(sb.requests['/crm/v4/associations/contacts/deals/batch/read']).toBeUndefined();
      expect(sb.requests['/crm/v4/associations/contacts/companies/batch/read']).toBeUndefined();
    });

    it('completes a contact whose inline associations are truncated (over 100, paged) with one batch read for that contact and type only', async () => {
      sb = await startHubspotSandbox({ contacts: 150, deals: 130, companies: 10 });
      const heavy = sb.store.contacts.all()[4].id;
      await sb.close();
      sb = await startHubspotSandbox({ contacts: 150, deals: 130, companies: 10, dealsOfContact: { [heavy]: 125 } });
      const r = await readStream(hubspot, config(sb), 'contacts');
      const got = r.records.find((x) => x.id === heavy)!.data.associations as { deals: string[] };
      expect(got.deals).toHaveLength(sb.associationsOf(heavy, 'deals').length);
      expect(got.deals.length).toBeGreaterThan(100);
      for (const rec of r.records) {
        expect(rec.data.associations).toEqual({ deals: sb.associationsOf(rec.id, 'deals'), companies: sb.associationsOf(rec.id, 'companies') });
      }
      expect(sb.requests['/crm/v4/associations/contacts/deals/batch/read']).toBe(1);
      expect(sb.requests['/crm/v4/associations/contacts/companies/batch/read']).toBeUndefined();
    });

    it('resumes an interrupted run from its cursor without re-reading pages', async () => {
      sb = await startHubspotSandbox({ deals: 350 });
      const cfg = config(sb);
      const first = await readStream(hubspot, cfg, 'deals', { maxPages: 2 });
      expect(first.cursor).toMatchObject({ next: { phase: 'list', after: expect.any(String) } });
      const rest = await readStream(hubspot, cfg, 'deals', { cursor: first.cursor, resuming: true });
      expect([...first.records, ...rest.records].map((x) => x.id)).toEqual(expected(sb, 'deals'));
      expect(sb.requests['/crm/v3/objects/deals']).toBe(4);
      expect(rest.cursor).toEqual({ hwm: (first.cursor as { next: { start: string } }).next.start });
    });

    it('syncs custom objects named in the config', async () => {
      sb = await startHubspotSandbox({ customObjects: { genius_users: 130, divisions: 7, zipcodes: 3 } });
      const cfg = config(sb, { customObjects: ['genius_users', 'divisions', 'zipcodes'] });
      expect(hubspot.streams(cfg as never).map((s) => s.name)).toEqual(['contacts', 'companies', 'deals', 'appointments', 'genius_users', 'divisions', 'zipcodes']);
      const r = await readStream(hubspot, cfg, 'genius_users');
      expect(r.records.map((x) => x.id)).toEqual(expected(sb, 'genius_users'));
      // No property list in the config: the names come from the object's schema (hidden ones left out).
      expect(r.records[0].data).toMatchObject({ name: 'genius_users 1', code: 'GEN-1', hs_lastmodifieddate: r.records[0].updatedAt });
      expect(r.records[0].data).not.toHaveProperty('hs_internal_sandbox_flag');
      expect(sb.requests['/crm/v3/properties/genius_users']).toBe(1);
      const d = await readStream(hubspot, { ...cfg, properties: { divisions: ['name'] } }, 'divisions');
      expect(d.records).toHaveLength(7);
      expect(Object.keys(d.records[0].data).sort()).toEqual(['archived', 'createdAt', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id', 'id', 'name', 'updatedAt']);
      expect(sb.requests['/crm/v3/properties/divisions']).toBeUndefined();
    });
  });

  describe('Method: read (incremental)', () => {
    it('fetches only the records changed since the full run, through search', async () => {
      sb = await startHubspotSandbox({ contacts: 220 });
      const cfg = config(sb);
      const full = await readStream(hubspot, cfg, 'contacts');
      expect(full.records).toHaveLength(220);
      const changed = [sb.setRecord('contacts', full.records[5].id, { firstname: 'Changed' }), sb.setRecord('contacts', full.records[150].id, { phone: '+15125550000' })];
      const inc = await readStream(hubspot, cfg, 'contacts', { mode: 'incremental', cursor: full.cursor });
      expect(inc.records.map((x) => x.id).sort()).toEqual(changed.map((c) => c.id).sort());
      expect(inc.records.find((x) => x.id === changed[0].id)?.data).toMatchObject({ firstname: 'Changed', associations: expect.any(Object) });
      // Three list pages for the full run, one archived-list page for the incremental one.
      expect(sb.requests['/crm/v3/objects/contacts']).toBe(4);
      const body = sb.searches[0] as { filterGroups: Array<{ filters: Array<Record<string, string>> }>; sorts: unknown[]; limit: number };
      expect(body.filterGroups[0].filters[0]).toMatchObject({ propertyName: 'lastmodifieddate', operator: 'GTE' });
      expect(Number(body.filterGroups[0].filters[0].value)).toBeLessThanOrEqual(Date.parse(changed[0].updatedAt));
      expect(body.sorts).toEqual([{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }]);
      expect(body.limit).toBe(200);
      // The mark moved: a second incremental run without changes finds nothing new beyond the lookback.
      expect(Date.parse((inc.cursor as { hwm: string }).hwm)).toBe(Math.max(...changed.map((c) => Date.parse(c.updatedAt))));
    });

    it('moves the search window at the result cap and loses nothing', async () => {
      sb = await startHubspotSandbox({ companies: 310, searchCap: 50 });
      const r = await readStream(hubspot, config(sb), 'companies', { mode: 'incremental', since: '2023-12-31T00:00:00.000Z' });
      expect([...new Set(r.records.map((x) => x.id))].sort()).toEqual(expected(sb, 'companies').sort());
      const starts = new Set(sb.searches.map((b) => (b as { filterGroups: Array<{ filters: Array<{ value: string }> }> }).filterGroups[0].filters[0].value));
      expect(starts.size).toBeGreaterThan(5);
      const newest = sb.store.companies.all().reduce((m, x) => (x.updatedAt > m ? x.updatedAt : m), '');
      expect(r.cursor).toEqual({ hwm: newest });
    });

    it('marks objects archived since the last run as deleted, skipping older archivals', async () => {
      sb = await startHubspotSandbox({ contacts: 30 });
      const cfg = config(sb, { lookbackMinutes: 0 });
      sb.store.contacts.archive('1000003', new Date('2024-01-01T00:00:00.000Z'));
      const full = await readStream(hubspot, cfg, 'contacts');
      sb.deleteRecord('contacts', '1000007');
      sb.setRecord('contacts', '1000009', { firstname: 'Changed' });

      const inc = await readStream(hubspot, cfg, 'contacts', { mode: 'incremental', cursor: full.cursor });

      expect(inc.records.map((r) => [r.id, r.deleted ?? false])).toEqual([['1000009', false], ['1000007', true]]);
      expect(inc.records[1].data).toMatchObject({ id: '1000007', archived: true, archivedAt: expect.any(String) });
      expect(inc.cursor).toEqual({ hwm: sb.store.contacts.get('1000009')!.updatedAt });
    });

    it('resumes in the archived phase from its cursor, after the search is done', async () => {
      sb = await startHubspotSandbox({ contacts: 250 });
      const cfg = config(sb);
      for (let i = 1; i <= 150; i++) sb.deleteRecord('contacts', String(1_000_000 + i));
      const since = '2020-01-01T00:00:00.000Z';
      const a = await readStream(hubspot, cfg, 'contacts', { mode: 'incremental', since, maxPages: 2 });
      expect(a.cursor).toMatchObject({ next: { phase: 'archived', from: since, after: '1000101' } });
      const b = await readStream(hubspot, cfg, 'contacts', { mode: 'incremental', since, cursor: a.cursor, resuming: true });
      const deleted = [...a.records, ...b.records].filter((r) => r.deleted).map((r) => r.id);
      expect(deleted).toHaveLength(150);
      expect(new Set(deleted).size).toBe(150);
      expect(sb.searches).toHaveLength(1);
    });

    it('reads appointments with their properties and hs_lastmodifieddate', async () => {
      sb = await startHubspotSandbox({ appointments: 12 });
      const full = await readStream(hubspot, config(sb), 'appointments');
      expect(full.records).toHaveLength(12);
      expect(full.records[0].data).toMatchObject({ hs_appointment_name: 'Estimate visit 1', hs_appointment_start: expect.any(String), hs_appointment_status: expect.any(String) });
      sb.setRecord('appointments', full.records[2].id, { hs_appointment_status: 'CANCELLED' });
      const inc = await readStream(hubspot, config(sb), 'appointments', { mode: 'incremental', cursor: full.cursor });
      expect(inc.records.map((r) => [r.id, r.data.hs_appointment_status])).toEqual([[full.records[2].id, 'CANCELLED']]);
      expect((sb.searches[0] as { sorts: Array<{ propertyName: string }> }).sorts[0].propertyName).toBe('hs_lastmodifieddate');
    });

    it('uses hs_lastmodifieddate for objects other than contacts and resumes a search mid-run', async () => {
      sb = await startHubspotSandbox({ deals: 450 });
      const cfg = config(sb);
      const a = await readStream(hubspot, cfg, 'deals', { mode: 'incremental', since: '2023-01-01T00:00:00.000Z', maxPages: 1 });
      expect(a.cursor).toMatchObject({ next: { phase: 'search', after: 200 } });
      const b = await readStream(hubspot, cfg, 'deals', { mode: 'incremental', cursor: a.cursor, resuming: true });
      expect([...a.records, ...b.records].map((x) => x.id).sort()).toEqual(expected(sb, 'deals').sort());
      expect(sb.searches.map((s) => s.after)).toEqual([undefined, '200', '400']);
      expect((sb.searches[0] as { sorts: Array<{ propertyName: string }> }).sorts[0].propertyName).toBe('hs_lastmodifieddate');
    });
  });

  describe('Resilience', () => {
    it('gets through a 429 storm with the limiter, counting the 429s apart from retries', async () => {
      sb = await startHubspotSandbox({ companies: 950, rateLimit: { requests: 5, windowMs: 1000 } });
      const fast = { ...hubspot, rateLimit: { requests: 6, windowMs: 1000 } };
      const r = await readStream(fast, config(sb), 'companies');
      expect(r.records.map((x) => x.id)).toEqual(expected(sb, 'companies'));
      expect(sb.http429).toBeGreaterThan(0);
      expect(r.stats.http429).toBe(sb.http429);
      expect(r.stats.retries).toBe(0);
    });

    it('honours Retry-After when one is sent', async () => {
      sb = await startHubspotSandbox({ companies: 150, retryAfterSeconds: 1 });
      sb.failNext(429, 1);
      const r = await readStream(hubspot, config(sb), 'companies');
      expect(r.records).toHaveLength(150);
      expect(r.stats.http429).toBe(1);
      expect(sb.earlyRetries).toBe(0);
    });

    it('retries a burst of 5xx and then succeeds', async () => {
      sb = await startHubspotSandbox({ companies: 120 });
      sb.failNext(502, 2);
      sb.failNext(503, 1);
      const r = await readStream(hubspot, config(sb), 'companies');
      expect(r.records).toHaveLength(120);
      expect(r.stats.retries).toBe(3);
    });

    it('fails a malformed page with MalformedPageError; resuming from the last good cursor re-reads it', async () => {
      sb = await startHubspotSandbox({ companies: 250 });
      const cfg = config(sb);
      const first = await readStream(hubspot, cfg, 'companies', { maxPages: 1 });
      sb.malformNext(1);
      await expect(readStream(hubspot, cfg, 'companies', { cursor: first.cursor, resuming: true })).rejects.toBeInstanceOf(MalformedPageError);
      const rest = await readStream(hubspot, cfg, 'companies', { cursor: first.cursor, resuming: true });
      expect([...first.records, ...rest.records].map((x) => x.id)).toEqual(expected(sb, 'companies'));
    });

    it('fails the run with Authentication Failed when the token is revoked mid-run', async () => {
      sb = await startHubspotSandbox({ companies: 250 });
      const cfg = config(sb);
      const first = await readStream(hubspot, cfg, 'companies', { maxPages: 1 });
      sb.revokeToken();
      await expect(readStream(hubspot, cfg, 'companies', { cursor: first.cursor, resuming: true })).rejects.toThrow(/^Authentication Failed/);
    });
  });

  describe('Sandbox', () => {
    it('serves the official @hubspot/api-client getAll', async () => {
      sb = await startHubspotSandbox({ contacts: 230 });
      const client = new Client({ accessToken: sb.token, basePath: sb.url });
      const all = await client.crm.contacts.getAll(100, undefined, ['email', 'firstname']);
      expect(all.map((c) => c.id)).toEqual(expected(sb, 'contacts'));
      expect(all[0].properties.email).toBe(sb.store.contacts.all()[0].properties.email);
    });
  });
});
