import { deliverSlack, formatSlack } from '../../shared/notify';
import { notify } from '../../shared/notify/notify';
import { NotificationStore } from '../../shared/notify/store';
import { fakeClock } from '../helpers/clock';
import type { TestStack } from '../helpers/stack';
import { api, startWebhookStack } from '../webhooks/stack';
import { startReceiver } from './receiver';

const runFailed = { integrationId: 'i-1', integrationName: 'HubSpot EU', type: 'hubspot', runId: 'r-1', error: 'Authentication Failed' };
const message = formatSlack('run.failed', runFailed);

describe('Slack delivery through the one client', () => {
  it('honours a 429 with Retry-After: 4: the next try goes at 4 s or later, and is delivered', async () => {
    const rx = await startReceiver((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '4' }, body: 'rate_limited' } : 200));
    try {
      const clock = fakeClock();
      const log = await deliverSlack({ url: `${rx.url}/services/T0/B0/abcdefghijklmnop1234`, event: 'run.failed', message, allowLoopback: true, ...clock });
      expect(log.outcome).toBe('delivered');
      expect(log.attempts.map((a) => a.status)).toEqual([429, 200]);
      expect(Date.parse(log.attempts[1].at) - Date.parse(log.attempts[0].at)).toBeGreaterThanOrEqual(4000);
      expect(rx.received).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });

  it('stops after its bounded budget when the receiver keeps asking for more time', async () => {
    const rx = await startReceiver(() => ({ status: 429, headers: { 'retry-after': '20' } }));
    try {
      const log = await deliverSlack({ url: rx.url, event: 'run.failed', message, allowLoopback: true, ...fakeClock() });
      expect(log.outcome).toBe('failed');
      // 30 s of budget: one 20 s wait, then the next 429 ends it.
      expect(log.attempts.map((a) => a.status)).toEqual([429, 429]);
    } finally {
      await rx.close();
    }
  });
});

describe('Slack channels that are gone (queued delivery in the stack)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startWebhookStack();
  });
  afterAll(async () => stack?.close());

  it.each([
    [410, 'channel_is_archived'],
    [404, 'no_service'],
  ])('a %s %s is final: one attempt, the channel marked broken, the log says so, nothing more is queued', async (status, reason) => {
    const rx = await startReceiver(() => ({ status, body: reason }));
    try {
      const ch = await api(stack, 'POST', '/api/notifications/channels', { kind: 'slack', url: `${rx.url}/services/T0/B0/${reason}`, events: ['run.failed'] });
      expect(await notify(stack.app, stack.tenantId, 'run.failed', runFailed)).toBe(1);
      await stack.queues.drain();
      expect(rx.received).toHaveLength(1);
      const log = (await api(stack, 'GET', '/api/notifications/deliveries?limit=50')).body.deliveries.filter((d: { channelId: string }) => d.channelId === ch.body.id);
      expect(log).toEqual([expect.objectContaining({ outcome: 'failed', channelBroken: reason, attempts: [expect.objectContaining({ status })] })]);
      const listed = (await api(stack, 'GET', '/api/notifications/channels')).body.channels.find((c: { id: string }) => c.id === ch.body.id);
      expect(listed.broken).toMatchObject({ reason });
      expect(await notify(stack.app, stack.tenantId, 'run.failed', runFailed)).toBe(0);
      await api(stack, 'DELETE', `/api/notifications/channels/${ch.body.id}`);
    } finally {
      await rx.close();
    }
  });

  it('never holds the caller on a slow receiver: notify returns once the delivery is queued', async () => {
    const rx = await startReceiver(() => 'hang');
    try {
      const ch = await api(stack, 'POST', '/api/notifications/channels', { kind: 'slack', url: `${rx.url}/services/T0/B0/slow`, events: ['run.failed'] });
      expect(await notify(stack.app, stack.tenantId, 'run.failed', runFailed)).toBe(1);
      expect(await new NotificationStore(stack.app.db).deliveries(stack.tenantId, 50)).not.toContainEqual(expect.objectContaining({ channelId: ch.body.id }));
      await api(stack, 'DELETE', `/api/notifications/channels/${ch.body.id}`);
    } finally {
      await rx.close();
      await stack.queues.drain();
    }
  });
});
