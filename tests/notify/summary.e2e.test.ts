import { msToNextSummary, previousDay } from '../../shared/notify/summary';
import type { TestStack } from '../helpers/stack';
import { api, startWebhookStack } from '../webhooks/stack';
import { startReceiver } from './receiver';

type Rx = Awaited<ReturnType<typeof startReceiver>>;
const payloads = (rx: Rx) => rx.received.map((r) => JSON.parse(r.body.toString()) as { event: string; data: any });

describe('POST /api/notifications/summary (the daily summary on demand)', () => {
  let stack: TestStack;
  let rx: Rx;
  let other: Rx;
  let integrationId: string;
  const yesterday = previousDay();

  beforeAll(async () => {
    stack = await startWebhookStack();
    rx = await startReceiver(() => 200);
    other = await startReceiver(() => 200);
    expect((await api(stack, 'POST', '/api/notifications/channels', { kind: 'webhook', url: rx.url, events: ['daily.summary'] })).status).toBe(201);
    // Another tenant subscribed too: a tenant's request sends its own summary only.
    const t2 = await stack.app.tenants.createTenant('other');
    const res = await fetch(`${stack.url}/api/notifications/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t2.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'webhook', url: other.url, events: ['daily.summary'] }),
    });
    expect(res.status).toBe(201);
    integrationId = (await stack.svc.create(stack.tenantId, { name: 'Orders', type: 'custom_api', config: { baseUrl: 'http://127.0.0.1:9', testPath: '/ping' } })).id;
    await stack.app.metrics.add(integrationId, { runs: 3, runsFailed: 1, recordsCreated: 10, recordsUpdated: 4, recordsDeleted: 1 }, new Date(`${yesterday}T12:00:00Z`));
    await stack.app.metrics.add(integrationId, { runs: 7, recordsCreated: 99 });
  });
  afterAll(async () => {
    await rx?.close();
    await other?.close();
    await stack?.close();
  });
  beforeEach(() => {
    rx.received.length = 0;
    other.received.length = 0;
  });

  it("queues yesterday's figures now to the tenant's subscribed channels and answers what was queued", async () => {
    const r = await api(stack, 'POST', '/api/notifications/summary', {});
    expect(r.status).toBe(202);
    const expected = { date: yesterday, integrations: [{ integrationId, name: 'Orders', type: 'custom_api', runs: 3, failures: 1, recordsChanged: 15 }] };
    expect(r.body).toEqual({ summary: expected, queued: 1 });
    await stack.queues.drain();
    expect(payloads(rx)).toMatchObject([{ event: 'daily.summary', data: expected }]);
    expect(other.received).toHaveLength(0);
  });

  it('summarises the day asked for, and refuses a malformed day or an unknown field with a 400', async () => {
    const r = await api(stack, 'POST', '/api/notifications/summary', { date: '2026-01-01' });
    expect(r.status).toBe(202);
    await stack.queues.drain();
    expect(payloads(rx)[0].data).toMatchObject({ date: '2026-01-01', integrations: [{ runs: 0, failures: 0, recordsChanged: 0 }] });
    for (const body of [{ date: 'yesterday' }, { date: '2026-02-30' }, { when: '2026-01-01' }]) {
      const bad = await api(stack, 'POST', '/api/notifications/summary', body);
      expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_error']);
    }
    await stack.queues.drain();
    expect(rx.received).toHaveLength(1);
  });
});

describe('Function: msToNextSummary', () => {
  it('waits for 07:00 UTC today, or tomorrow once it has passed (the deployed cron hour)', () => {
    expect(msToNextSummary(new Date('2026-12-03T02:00:00Z'))).toBe(5 * 3_600_000);
    expect(msToNextSummary(new Date('2026-12-03T07:00:00Z'))).toBe(24 * 3_600_000);
    expect(msToNextSummary(new Date('2026-12-03T08:30:00Z'))).toBe(22.5 * 3_600_000);
  });
});
