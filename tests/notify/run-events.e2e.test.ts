import type { TestStack } from '../helpers/stack';
import { hubspotIntegration } from '../helpers/hubspot-integration';
import { api, startWebhookStack } from '../webhooks/stack';
import { startReceiver } from './receiver';

/** The engine tells subscribed channels how runs end and when an integration falls into or out of error. */
describe('Run notifications from the engine', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startWebhookStack();
  });
  afterAll(async () => stack?.close());

  it('sends run.succeeded, run.failed, integration.error and integration.recovered to subscribed channels', async () => {
    const rx = await startReceiver(() => 200);
    const { sandbox, integration } = await hubspotIntegration(stack, { contacts: 30 });
    try {
      const ch = await api(stack, 'POST', '/api/notifications/channels', {
        kind: 'webhook',
        url: rx.url,
        events: ['run.succeeded', 'run.failed', 'integration.error', 'integration.recovered'],
      });
      expect(ch.status).toBe(201);
      const events = () => rx.received.map((r) => JSON.parse(r.body.toString()) as { event: string; data: Record<string, unknown> });
      const sync = async () => {
        await stack.svc.requestSync((await stack.app.integrations.get(stack.tenantId, integration.id))!, { mode: 'full', dataTypes: ['contacts'] }, 'manual');
        await stack.queues.drain();
      };

      await sync();
      expect(events().map((e) => e.event)).toEqual(['run.succeeded']);
      expect(events()[0].data).toMatchObject({ integrationId: integration.id, recordsRead: 30, recordsChanged: 30 });

      sandbox.failNext(401, 5);
      for (let n = 0; n < 5; n++) await sync();
      const names = events().map((e) => e.event);
      expect(names.filter((e) => e === 'run.failed')).toHaveLength(5);
      expect(names.filter((e) => e === 'integration.error')).toHaveLength(1);
      expect(events().find((e) => e.event === 'run.failed')!.data.error).toMatch(/Authentication Failed/);
      expect(JSON.stringify(events())).not.toContain(sandbox.token);

      expect((await stack.app.integrations.get(stack.tenantId, integration.id))!.status).toBe('error');
      // Fixed: the user edits the integration; the next good run announces the recovery.
      const fresh = await stack.svc.patch(stack.tenantId, integration.id, { config: { accessToken: sandbox.token } });
      expect(fresh.status).toBe('active');
      rx.received.length = 0;
      await sync();
      expect(events().map((e) => e.event).sort()).toEqual(['integration.recovered', 'run.succeeded']);
    } finally {
      await rx.close();
      await sandbox.close();
    }
  });
});
