import { api } from '../helpers/http';
import { hubspotIntegration } from '../helpers/hubspot-integration';
import { startTestStack, type TestStack } from '../helpers/stack';
import { restTarget, runFlow, storeOnlySource, writeRecords } from '../flows/helpers';
import { startCatchHook, type CatchHook } from '../sandboxes/catch-hook';
import type { HubspotSandbox } from '../sandboxes/hubspot';

/** The tenant-wide activity feed the dashboard's overview shows: every finished sync and flow run, newest first. */
describe('GET /api/activity', () => {
  let stack: TestStack;
  let hook: CatchHook;
  let hs: HubspotSandbox;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    hook = await startCatchHook({});
    call = api(stack.url!, stack.apiKey);
  });
  afterAll(async () => {
    await stack.close();
    await hook.close();
    await hs?.close();
  });

  it('lists sync and flow runs of this tenant only, newest first, a page at a time', async () => {
    expect((await call('GET', '/api/activity')).body).toEqual({ activity: [], nextCursor: null });
    const h = await hubspotIntegration(stack, { contacts: 30 });
    hs = h.sandbox;
    const sync = await call('POST', `/api/integrations/${h.integration.id}/sync`, { mode: 'full' });
    expect(sync.status).toBe(202);
    await stack.queues.drain();

    const sourceId = await storeOnlySource(call);
    const hookId = await restTarget(call, hook.url);
    await writeRecords(stack, sourceId, [{ Id: 'A1', Email: 'a@example.com' }]);
    const flow = await call('POST', '/api/flows', { name: 'to hook', source: { integrationId: sourceId, dataType: 'leads' }, target: { integrationId: hookId, path: '/hooks/catch/1/a/', method: 'POST' }, mapping: { email: '${Email}' } });
    expect(flow.status).toBe(201);
    const flowRun = await runFlow(stack, call, flow.body.id);
    expect(flowRun.status).toBe('succeeded');

    const feed = await call('GET', '/api/activity');
    expect(feed.status).toBe(200);
    expect(feed.body.activity).toEqual([
      expect.objectContaining({ kind: 'flow', runId: flowRun.id, flowId: flow.body.id, name: 'to hook', status: 'succeeded', processed: 1, failed: 0 }),
      expect.objectContaining({ kind: 'sync', runId: sync.body.runId, integrationId: h.integration.id, name: 'hubspot test', status: 'succeeded', created: 30, trigger: 'manual' }),
    ]);
    expect(Date.parse(feed.body.activity[0].finishedAt)).toBeGreaterThanOrEqual(Date.parse(feed.body.activity[1].finishedAt));

    const first = await call('GET', '/api/activity?limit=1');
    expect(first.body.activity.map((a: { runId: string }) => a.runId)).toEqual([flowRun.id]);
    const second = await call('GET', `/api/activity?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.activity.map((a: { runId: string }) => a.runId)).toEqual([sync.body.runId]);

    // Another tenant sees none of it, and cannot page through this tenant's feed with its cursor.
    const other = await stack.app.tenants.createTenant('other');
    const otherCall = api(stack.url!, other.apiKey);
    expect((await otherCall('GET', '/api/activity')).body.activity).toEqual([]);
    expect((await otherCall('GET', `/api/activity?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`)).status).toBe(400);
  });
});
