import { msToNextHour, previousDay, sendDueSummaries } from '../../shared/notify/summary';
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

  it("sends each channel its summary at the hour it chose in its own zone, with the figures of its yesterday", async () => {
    const ny = await startReceiver(() => 200);
    const tokyo = await startReceiver(() => 200);
    try {
      const add = (url: string, extra: object) => api(stack, 'POST', '/api/notifications/channels', { kind: 'webhook', url, events: ['daily.summary'], ...extra });
      expect((await add(ny.url, { summaryHour: 9, timeZone: 'America/New_York' })).body).toMatchObject({ summaryHour: 9, timeZone: 'America/New_York' });
      expect((await add(tokyo.url, { summaryHour: 8, timeZone: 'Asia/Tokyo' })).status).toBe(201);
      for (const bad of [{ summaryHour: 24 }, { summaryHour: 7.5 }, { timeZone: 'Mars/Olympus_Mons' }]) {
        const r = await add(ny.url, bad);
        expect([r.status, r.body.error.code]).toEqual([400, 'validation_error']);
      }
      const tick = async (at: string) => {
        for (const r of [rx, ny, tokyo, other]) r.received.length = 0;
        const sent = await sendDueSummaries(stack.app, new Date(at));
        await stack.queues.drain();
        return { sent, days: [rx, ny, tokyo, other].map((r) => payloads(r).map((p) => p.data.date)) };
      };
      // 07:00 UTC: the channels that named no hour (this tenant's first and the other tenant's, each its own
      // figures); New York is at 02:00, Tokyo at 16:00.
      expect(await tick('2026-12-03T07:00:00Z')).toEqual({ sent: { tenants: 2, queued: 2 }, days: [['2026-12-02'], [], [], ['2026-12-02']] });
      // 14:00 UTC is 09:00 in New York (EST).
      expect(await tick('2026-12-03T14:00:00Z')).toEqual({ sent: { tenants: 1, queued: 1 }, days: [[], ['2026-12-02'], [], []] });
      // 23:00 UTC on the 2nd is 08:00 on the 3rd in Tokyo: its yesterday is the 2nd, not the UTC day before.
      expect(await tick('2026-12-02T23:00:00Z')).toEqual({ sent: { tenants: 1, queued: 1 }, days: [[], [], ['2026-12-02'], []] });
      expect(await tick('2026-12-03T05:00:00Z')).toEqual({ sent: { tenants: 0, queued: 0 }, days: [[], [], [], []] });
    } finally {
      await ny.close();
      await tokyo.close();
    }
  });
});

describe('Function: msToNextHour', () => {
  it('waits for the top of the next hour (the deployed cron is hourly; each channel picks its hour)', () => {
    expect(msToNextHour(new Date('2026-12-03T02:00:00Z'))).toBe(3_600_000);
    expect(msToNextHour(new Date('2026-12-03T08:30:00Z'))).toBe(1_800_000);
  });
});
