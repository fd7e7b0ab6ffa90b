import * as z from 'zod';
import { connectorHttp } from '../../shared/connectors/context';
import { shopify } from '../../shared/connectors/shopify';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import { makeShopifyNodes, startShopifySandbox, type ShopifySandbox } from '../sandboxes/shopify';

const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';

/** A clock the client's sleeps advance: throttle waits cost no real time and the sandbox's bucket sees them. */
function fakeClock() {
  let t = Date.parse('2024-06-01T00:00:00Z');
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (slept.push(ms), (t += ms)), slept };
}

describe('Connector: shopify', () => {
  let sb: ShopifySandbox;
  const orders = makeShopifyNodes('orders', 230);
  const customers = makeShopifyNodes('customers', 300);
  afterEach(async () => sb?.close());
  const configFor = (extra: Record<string, unknown> = {}) => ({ baseUrl: `${sb.url}/admin`, accessToken: TOKEN, lookbackMinutes: 0, ...extra });

  it('declares the data types, a write-only token and the default API version', () => {
    const schema = z.toJSONSchema(shopify.configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.accessToken).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(shopify.defaultDataTypes).toEqual(['orders', 'customers', 'products']);
    expect(shopify.configSchema.parse({ baseUrl: 'https://acme.myshopify.com', accessToken: 'x' }).apiVersion).toBe('2025-01');
    expect(shopify.configSchema.safeParse({ baseUrl: 'https://acme.myshopify.com', accessToken: 'x', apiVersion: '2025-02' }).success).toBe(false);
  });

  describe('Method: test', () => {
    const test = (raw: Record<string, unknown>) => {
      const log = createLogger({ test: 'shopify' });
      const config = shopify.configSchema.parse(raw);
      return shopify.test({ config, http: connectorHttp(shopify, config, { integrationId: `t-${Math.random()}`, log, save: async () => {}, sleep: async () => {} }), log, saveSecrets: async () => {} });
    };
    it('names the shop', async () => {
      sb = await startShopifySandbox({ token: TOKEN });
      await expect(test(configFor())).resolves.toEqual({ ok: true, message: 'Connected to Shopify (Sandbox Store)' });
    });
    it('fails with Shopify\'s 401 text and never the token', async () => {
      sb = await startShopifySandbox({ token: TOKEN });
      const r = await test(configFor({ accessToken: 'shpat_wrong_wrong_wrong' }));
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/^Authentication Failed.*Invalid API key or access token/) });
      expect(r.message).not.toContain('shpat_wrong_wrong_wrong');
    });
  });

  describe('Stream: full', () => {
    it('pages orders 100 at a time by endCursor until hasNextPage is false, oldest change first', async () => {
      sb = await startShopifySandbox({ token: TOKEN, orders, maximumAvailable: 2000, restoreRate: 100 });
      const r = await readStream(shopify, configFor(), 'orders', { clock: fakeClock() });
      expect(r.records.map((x) => x.id)).toEqual(orders.map((o) => o.id));
      expect(r.records[0]).toEqual({ id: orders[0].id, data: orders[0], updatedAt: new Date(orders[0].updatedAt).toISOString() });
      expect(sb.queries.map((q) => [q.variables.first, q.variables.after === null ? null : 'cursor', q.variables.query])).toEqual([
        [100, null, undefined], [100, 'cursor', undefined], [100, 'cursor', undefined],
      ]);
      expect(r.cursor).toEqual({ hwm: new Date(orders[229].updatedAt).toISOString() });
    });

    it('waits before a query the cost bucket cannot pay for, so Shopify never throttles it', async () => {
      const clock = fakeClock();
      sb = await startShopifySandbox({ token: TOKEN, customers, maximumAvailable: 400, restoreRate: 50, now: clock.now });
      const r = await readStream(shopify, configFor(), 'customers', { clock });
      expect(r.records).toHaveLength(300);
      expect(sb.queries.map((q) => q.throttled)).toEqual([false, false]);
      // 400 − 252 = 148 left after page 1; page 2 needs 252: (252 − 148) / 50 points a second.
      expect(clock.slept).toContain(2080);
      expect(r.stats.rateLimitWaitMs).toBeGreaterThanOrEqual(2080);
    });

    it('waits out a THROTTLED answer (HTTP 200) and asks again', async () => {
      const clock = fakeClock();
      sb = await startShopifySandbox({ token: TOKEN, customers, maximumAvailable: 400, restoreRate: 50, now: clock.now });
      await readStream(shopify, configFor(), 'customers', { clock });
      // A new read knows nothing of the bucket the last one drained (200 left): its first query is refused.
      const r = await readStream(shopify, configFor(), 'customers', { clock });
      expect(r.records).toHaveLength(300);
      expect(sb.queries.slice(2).map((q) => q.throttled)).toEqual([true, false, false]);
      expect(r.stats.http429).toBe(1);
      expect(clock.slept).toContain(1040);
    });

    it('gives up with a retryable Rate Limit Exceeded when the bucket never holds a page', async () => {
      const clock = fakeClock();
      sb = await startShopifySandbox({ token: TOKEN, customers, maximumAvailable: 100, restoreRate: 50, now: clock.now });
      const err = await readStream(shopify, configFor(), 'customers', { clock }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect(err).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(sb.queries.every((q) => q.throttled)).toBe(true);
    });

    it('resumes a crashed run from the stored endCursor', async () => {
      sb = await startShopifySandbox({ token: TOKEN, orders, maximumAvailable: 2000, restoreRate: 100 });
      const a = await readStream(shopify, configFor(), 'orders', { maxPages: 1, clock: fakeClock() });
      const b = await readStream(shopify, configFor(), 'orders', { cursor: a.cursor, resuming: true, clock: fakeClock() });
      expect([...a.records, ...b.records].map((x) => x.id)).toEqual(orders.map((o) => o.id));
      expect(sb.queries).toHaveLength(3);
    });
  });

  describe('Stream: incremental', () => {
    it('filters with updated_at:>= the mark and picks up a change', async () => {
      sb = await startShopifySandbox({ token: TOKEN, products: makeShopifyNodes('products', 20), maximumAvailable: 2000, restoreRate: 100 });
      const full = await readStream(shopify, configFor(), 'products', { clock: fakeClock() });
      const changed = { ...makeShopifyNodes('products', 3)[2], title: 'Window 2 (renamed)', updatedAt: '2024-05-02T00:00:00Z' };
      sb.setNode('products', changed);
      const inc = await readStream(shopify, configFor(), 'products', { mode: 'incremental', cursor: full.cursor, clock: fakeClock() });
      expect(sb.queries.at(-1)!.variables.query).toBe("updated_at:>='2024-05-01T10:19:00.000Z'");
      expect(inc.records.map((x) => [x.id, x.data.title])).toEqual([[makeShopifyNodes('products', 20)[19].id, 'Window 19'], [changed.id, 'Window 2 (renamed)']]);
      expect(inc.cursor).toEqual({ hwm: '2024-05-02T00:00:00.000Z' });
    });
  });

  describe('Errors', () => {
    it('retries a 5xx, then succeeds', async () => {
      sb = await startShopifySandbox({ token: TOKEN, customers, maximumAvailable: 2000, restoreRate: 100 });
      sb.failNext(1, 502);
      const r = await readStream(shopify, configFor(), 'customers', { clock: fakeClock() });
      expect(r.records).toHaveLength(300);
      expect(r.stats.retries).toBe(1);
    });

    it('fails a malformed page with MalformedPageError', async () => {
      sb = await startShopifySandbox({ token: TOKEN, customers });
      sb.malformedNext(1);
      await expect(readStream(shopify, configFor(), 'customers', { clock: fakeClock() })).rejects.toBeInstanceOf(MalformedPageError);
    });

    it('fails a refused token with Authentication Failed (HTTP 401)', async () => {
      sb = await startShopifySandbox({ token: TOKEN, customers });
      const err = await readStream(shopify, configFor({ accessToken: 'shpat_nope' }), 'customers', { clock: fakeClock() }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'auth_failed', status: 401 });
    });
  });
});
