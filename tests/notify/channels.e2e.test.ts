import { createHmac } from 'node:crypto';
import { resetConfig } from '../../shared/config';
import { verifySwitchboardSignature } from '../../shared/notify/sign';
import { notify } from '../../shared/notify/notify';
import { previousDay, sendDailySummaries } from '../../shared/notify/summary';
import type { TestStack } from '../helpers/stack';
import { api, createIntegration, post, startWebhookStack } from '../webhooks/stack';
import { startReceiver } from './receiver';

const runFailed = { integrationId: 'i-1', integrationName: 'HubSpot EU', type: 'hubspot', runId: 'r-1', error: 'Authentication Failed' };

describe('Notifications end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startWebhookStack();
  });
  afterAll(async () => stack?.close());

  it('delivers a signed webhook the receiver can verify, and logs it', async () => {
    const rx = await startReceiver(() => 200);
    try {
      const r = await api(stack, 'POST', '/api/notifications/channels', { kind: 'webhook', url: `${rx.url}/hook`, events: ['run.failed'] });
      expect(r.status).toBe(201);
      const secret = r.body.secret as string;
      expect(secret).toMatch(/^whsec_/);
      const listed = await api(stack, 'GET', '/api/notifications/channels');
      expect(listed.text).not.toContain(secret);
      expect(listed.body.channels.map((c: { id: string }) => c.id)).toContain(r.body.id);

      expect(await notify(stack.app, stack.tenantId, 'run.failed', runFailed)).toBe(1);
      expect(await notify(stack.app, stack.tenantId, 'run.succeeded', runFailed)).toBe(0);
      await stack.queues.drain();
      expect(rx.received).toHaveLength(1);
      const got = rx.received[0];
      expect(verifySwitchboardSignature({ headers: got.headers as Record<string, string>, body: got.body, secret }).ok).toBe(true);
      expect(verifySwitchboardSignature({ headers: got.headers as Record<string, string>, body: got.body, secret: secret + 'x' }).ok).toBe(false);
      expect(JSON.parse(got.body.toString())).toMatchObject({ event: 'run.failed', data: runFailed });
      const log = (await api(stack, 'GET', '/api/notifications/deliveries?limit=10')).body.deliveries;
      expect(log[0]).toMatchObject({ channelId: r.body.id, event: 'run.failed', outcome: 'delivered' });
      expect(JSON.stringify(log)).not.toContain(secret);
      expect((await api(stack, 'DELETE', `/api/notifications/channels/${r.body.id}`)).status).toBe(204);
      expect((await api(stack, 'DELETE', `/api/notifications/channels/${r.body.id}`)).status).toBe(404);
    } finally {
      await rx.close();
    }
  });

  it('retries a receiver that fails twice and logs exactly one delivered delivery', async () => {
    const rx = await startReceiver((n) => (n < 2 ? 503 : 200));
    try {
      const r = await api(stack, 'POST', '/api/notifications/channels', { kind: 'webhook', url: rx.url, events: ['integration.error'] });
      const data = { integrationId: 'i-2', integrationName: 'Zoho', type: 'zoho', error: 'Invalid API Key' };
      await notify(stack.app, stack.tenantId, 'integration.error', data);
      await stack.queues.drain();
      expect(rx.received).toHaveLength(3);
      expect(new Set(rx.received.map((x) => x.headers['x-switchboard-delivery'])).size).toBe(1);
      const mine = (await api(stack, 'GET', '/api/notifications/deliveries?limit=50')).body.deliveries.filter((d: { channelId: string }) => d.channelId === r.body.id);
      expect(mine).toHaveLength(1);
      expect(mine[0].outcome).toBe('delivered');
      expect(mine[0].attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 200]);
      await api(stack, 'DELETE', `/api/notifications/channels/${r.body.id}`);
    } finally {
      await rx.close();
    }
  });

  it('refuses loopback and metadata addresses when ALLOW_LOOPBACK_TARGETS is false', async () => {
    const prev = process.env.ALLOW_LOOPBACK_TARGETS;
    process.env.ALLOW_LOOPBACK_TARGETS = 'false';
    resetConfig();
    try {
      for (const url of ['http://127.0.0.1:8080/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/x', 'http://[::1]/x']) {
        const r = await api(stack, 'POST', '/api/notifications/channels', { kind: 'webhook', url, events: ['run.failed'] });
        expect([url, r.status, r.body.error.code]).toEqual([url, 400, 'undeliverable_url']);
      }
      expect((await api(stack, 'GET', '/api/notifications/channels')).body.channels).toEqual([]);
    } finally {
      process.env.ALLOW_LOOPBACK_TARGETS = prev;
      resetConfig();
    }
  });

  it('sends the daily summary (runs, records changed, failures per integration) to a Slack channel', async () => {
    const rx = await startReceiver(() => 200);
    try {
      const r = await api(stack, 'POST', '/api/notifications/channels', { kind: 'slack', url: `${rx.url}/services/T000/B000/abc`, events: ['daily.summary'] });
      expect(r.status).toBe(201);
      expect(r.body.secret).toBeUndefined();
      const id = await createIntegration(stack, 'cdk', {}, 'Dealer CDK');
      const day = previousDay();
      const at = new Date(`${day}T12:00:00Z`);
      await stack.app.metrics.add(id, { runs: 4, runsFailed: 1, recordsCreated: 5, recordsUpdated: 2 }, at);
      expect(await sendDailySummaries(stack.app, day)).toEqual({ tenants: 1, queued: 1 });
      await stack.queues.drain();
      expect(rx.received).toHaveLength(1);
      const msg = JSON.parse(rx.received[0].body.toString());
      expect(msg.text).toContain(`Daily integration summary ${day}`);
      expect(msg.blocks[0].text.text).toContain('Dealer CDK (cdk) - 4 runs, 7 records changed, 1 failure');
      await api(stack, 'DELETE', `/api/notifications/channels/${r.body.id}`);
    } finally {
      await rx.close();
    }
  });

  it('raises webhook.rejected_burst once when an integration’s rejections reach the threshold in a minute', async () => {
    const rx = await startReceiver(() => 200);
    try {
      const ch = await api(stack, 'POST', '/api/notifications/channels', { kind: 'webhook', url: rx.url, events: ['webhook.rejected_burst'] });
      const id = await createIntegration(stack, 'custom_api', { baseUrl: 'http://127.0.0.1:9', testPath: '/ping' }, 'Probed API');
      await api(stack, 'PUT', `/api/integrations/${id}/webhook`, {});
      // The count is per calendar minute: don't start the burst right before a minute ends.
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
      const ts = String(Math.floor(Date.now() / 1000));
      for (let n = 0; n < 11; n++) {
        const sig = createHmac('sha256', 'wrong-secret').update(`${ts}.{}`).digest('hex');
        expect((await post(stack, `/webhooks/generic/${id}`, '{}', { 'x-signature': sig, 'x-timestamp': ts })).status).toBe(401);
      }
      await stack.queues.drain();
      expect(rx.received).toHaveLength(1);
      expect(JSON.parse(rx.received[0].body.toString())).toMatchObject({ event: 'webhook.rejected_burst', data: { integrationId: id, provider: 'generic', rejected: 10 } });
      await api(stack, 'DELETE', `/api/notifications/channels/${ch.body.id}`);
    } finally {
      await rx.close();
    }
  });
});
