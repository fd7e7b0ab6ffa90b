import * as z from 'zod';
import { cdk } from '../../shared/connectors/cdk';
import { CdkConfigSchema } from '../../shared/connectors/cdk/spec';
import { connectorHttp } from '../../shared/connectors/context';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeCdkAppointments, makeCdkCustomers, startCdkSandbox, TOKEN_PATH, type CdkSandbox } from '../sandboxes/cdk';

const KEY = 'fortellis-api-key-1234';
const SECRET = 'fortellis-api-secret-5678';
const SUB = '7a7c2f54-1b2e-4c1e-9d7a-0f3b1b2c3d4e';

describe('Connector: cdk (Fortellis APIs)', () => {
  let sb: CdkSandbox;
  const customers = makeCdkCustomers(230);
  const appointments = makeCdkAppointments(12);
  const start = async () => (sb = await startCdkSandbox({ clientId: KEY, clientSecret: SECRET, subscriptionId: SUB, customers, appointments }));
  const configFor = (extra: Record<string, unknown> = {}) => ({ baseUrl: sb.url, tokenUrl: sb.url + TOKEN_PATH, clientId: KEY, clientSecret: SECRET, subscriptionId: SUB, ...extra });
  afterEach(async () => sb?.close());

  describe('Spec', () => {
    it('keeps a webhook-only config valid and asks for the subscription once API credentials are given', () => {
      expect(cdk.streams(CdkConfigSchema.parse({}))).toEqual([]);
      expect(CdkConfigSchema.safeParse({ clientId: KEY }).success).toBe(false);
      const noSub = CdkConfigSchema.safeParse({ clientId: KEY, clientSecret: SECRET });
      expect(noSub.success ? [] : noSub.error.issues.map((i) => i.path.join('.'))).toEqual(['subscriptionId']);
      const schema = z.toJSONSchema(cdk.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
      expect(schema.properties.clientSecret).toMatchObject({ writeOnly: true, 'x-secret': true });
      expect(cdk.streams(CdkConfigSchema.parse({ clientId: KEY, clientSecret: SECRET, subscriptionId: SUB })).map((s) => s.name)).toEqual(['customers', 'appointments']);
    });
  });

  describe('Method: test', () => {
    const test = (raw: Record<string, unknown>) => {
      const log = createLogger({ test: 'cdk' });
      const config = CdkConfigSchema.parse(raw);
      return cdk.test({ config, http: connectorHttp(cdk, config, { integrationId: `t-${Math.random()}`, log, save: async () => {}, sleep: async () => {} }), log, saveSecrets: async () => {} });
    };
    it('gets a token and reads one customer with the subscription', async () => {
      await start();
      await expect(test(configFor())).resolves.toEqual({ ok: true, message: 'Connection successful' });
      expect(sb.requests[0]).toMatchObject({ path: '/cdkdrive/crm/v1/customers', subscriptionId: SUB, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });
    it('fails with Authentication Failed when the key is refused, never showing the secret', async () => {
      await start();
      const r = await test(configFor({ clientSecret: 'wrong-secret-0000' }));
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/^Authentication Failed: token endpoint .* answered 401 \(invalid_client\)/) });
      expect(r.message).not.toContain('wrong-secret-0000');
    });
    it('names Fortellis\' gateway code when the subscription is not active', async () => {
      await start();
      const r = await test(configFor({ subscriptionId: 'another-subscription' }));
      expect(r).toEqual({ ok: false, message: expect.stringContaining('API-SUBSCRIPTION-INACTIVE') });
    });
  });

  describe('Streams', () => {
    it('pages customers by page/pageSize to totalPages, with the event copy\'s shape and ids', async () => {
      await start();
      const r = await readStream(cdk, configFor(), 'customers');
      expect(r.records.map((x) => x.id)).toEqual(customers.map((c) => c.customerId));
      expect(r.records[0].data).toEqual({ ...customers[0], id: customers[0].customerId });
      expect(sb.requests.map((x) => [x.query.get('page'), x.query.get('pageSize')])).toEqual([['1', '100'], ['2', '100'], ['3', '100']]);
      expect(new Set(sb.requests.map((x) => x.requestId)).size).toBe(3);
      expect(sb.refreshCount).toBe(1);
    });

    it('reads appointments in one page, and again in full on an incremental run (no modified filter exists)', async () => {
      await start();
      const full = await readStream(cdk, configFor(), 'appointments');
      expect(full.records.map((x) => x.id)).toEqual(appointments.map((a) => a.appointmentId));
      const inc = await readStream(cdk, configFor(), 'appointments', { mode: 'incremental', cursor: full.cursor });
      expect(inc.records).toHaveLength(12);
      expect(sb.requests).toHaveLength(2);
    });

    it('resumes a crashed run at the next page', async () => {
      await start();
      const a = await readStream(cdk, configFor(), 'customers', { maxPages: 1 });
      expect(a.cursor).toMatchObject({ next: 2 });
      const b = await readStream(cdk, configFor(), 'customers', { cursor: a.cursor, resuming: true });
      expect([...a.records, ...b.records].map((x) => x.id)).toEqual(customers.map((c) => c.customerId));
      expect(sb.requests.map((x) => x.query.get('page'))).toEqual(['1', '2', '3']);
    });

    it('fetches a new token when the current one expires mid-run', async () => {
      await start();
      const a = await readStream(cdk, configFor(), 'customers', { maxPages: 1 });
      sb.expireToken();
      const b = await readStream(cdk, configFor(), 'customers', { cursor: a.cursor, resuming: true });
      expect(b.records).toHaveLength(130);
      expect(sb.requests.map((x) => x.status)).toEqual([200, 200, 200]);
      expect(sb.refreshCount).toBe(2);
    });
  });

  describe('Errors', () => {
    it('ends a run on QUOTA-EXCEEDED (429, no Retry-After) as retryable when the hourly window reopens; retries a 5xx', async () => {
      await start();
      sb.failNext(1, 429);
      const before = Date.now();
      const err = await readStream(cdk, configFor(), 'appointments').catch((e: unknown) => e);
      // The declared limit is 1,000 an hour: the quota is back when the window's first request leaves it.
      expect(err).toMatchObject({ code: 'rate_limited', retryable: true, status: 429 });
      expect((err as SourceError).retryAt).toBeGreaterThan(before + 50 * 60_000);
      expect((err as Error).message).toContain('QUOTA-EXCEEDED');
      sb.failNext(1, 503);
      const again = await readStream(cdk, configFor(), 'appointments');
      expect(again.records).toHaveLength(12);
      expect(again.stats.retries).toBe(1);
    });

    it('fails a malformed page with MalformedPageError', async () => {
      await start();
      sb.malformedNext(1);
      await expect(readStream(cdk, configFor(), 'customers')).rejects.toBeInstanceOf(MalformedPageError);
    });

    it('fails with Authentication Failed when the token endpoint refuses', async () => {
      await start();
      sb.failRefresh();
      const err = await readStream(cdk, configFor(), 'customers').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).toMatch(/^Authentication Failed/);
      expect((err as Error).message).not.toContain(SECRET);
    });
  });
});
