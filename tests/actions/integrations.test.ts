import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startDatadogSandbox, type DatadogSandbox } from '../sandboxes/datadog';
import { startGa4Sandbox, type Ga4Sandbox } from '../sandboxes/ga4';
import { startSlackSandbox, type SlackSandbox } from '../sandboxes/slack';

/** The destination-only integration types flow actions write to: sealed secrets, never scheduled, a real connection test. */
describe('Destination-only integrations (slack, ga4, datadog)', () => {
  let stack: TestStack;
  let call: ReturnType<typeof api>;
  let slack: SlackSandbox;
  let ga4: Ga4Sandbox;
  let dd: DatadogSandbox;
  const SECRET = 'dd-key-0123456789abcdef';

  beforeAll(async () => {
    stack = await startTestStack({ port: 0 });
    call = api(stack.url!, stack.apiKey);
    [slack, ga4, dd] = await Promise.all([startSlackSandbox(), startGa4Sandbox({ measurementId: 'G-SANDBOX1', apiSecret: 'ga4-secret-xyz' }), startDatadogSandbox({ apiKey: SECRET })]);
  });
  afterAll(async () => {
    await Promise.all([stack.close(), slack.close(), ga4.close(), dd.close()]);
  });

  const create = async (type: string, config: Record<string, unknown>) => {
    const r = await call('POST', '/api/integrations', { name: type, type, config });
    expect([type, r.status]).toEqual([type, 201]);
    return r.body;
  };

  it('stores each with its secret sealed and masked, never due for a sync, and refuses a sync request', async () => {
    const made = [
      await create('slack', { webhookUrl: slack.hookUrl }),
      await create('ga4', { baseUrl: ga4.url, measurementId: 'G-SANDBOX1', apiSecret: 'ga4-secret-xyz' }),
      await create('datadog', { site: 'datadoghq.eu', baseUrl: dd.url, apiKey: SECRET }),
    ];
    expect(made.map((i) => i.config)).toEqual([
      { webhookUrl: '***' },
      { baseUrl: ga4.url, measurementId: 'G-SANDBOX1', apiSecret: '***' },
      { site: 'datadoghq.eu', baseUrl: dd.url, apiKey: '***' },
    ]);
    expect(made.map((i) => i.nextSyncAt)).toEqual([null, null, null]);
    expect(await stack.app.integrations.due(new Date(Date.now() + 86_400_000).toISOString())).toEqual([]);
    const sync = await call('POST', `/api/integrations/${made[0].id}/sync`, {});
    expect([sync.status, sync.body.error.code]).toEqual([400, 'nothing_to_sync']);
    const stored = JSON.stringify(await stack.app.integrations.get(stack.tenantId, made[2].id));
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('sandbox0token');
    const cat = (await call('GET', '/api/integrations/templates')).body.templates.find((t: { type: string }) => t.type === 'slack');
    expect(cat).toMatchObject({ destinationOnly: true, dataTypes: [], secretFields: ['webhookUrl'] });
  });

  it('tests each connection against the vendor without posting anything, and says why a dead one fails', async () => {
    const hook = await create('slack', { webhookUrl: slack.hookUrl });
    const stream = await create('ga4', { baseUrl: ga4.url, measurementId: 'G-SANDBOX1', apiSecret: 'ga4-secret-xyz' });
    const org = await create('datadog', { baseUrl: dd.url, apiKey: SECRET });
    const wrongKey = await create('datadog', { baseUrl: dd.url, apiKey: 'another-key-0123456789' });
    const results = [];
    for (const i of [hook, stream, org, wrongKey]) results.push((await call('POST', `/api/integrations/${i.id}/test`)).body);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3].message).toContain('403');
    expect(slack.received).toEqual([]);
    expect(ga4.events).toEqual([]);
    expect(ga4.requests.map((r) => r.path)).toEqual(['/debug/mp/collect']);
    expect((await stack.app.integrations.get(stack.tenantId, wrongKey.id))!.nextSyncAt).toBeNull();

    slack.revoke();
    const dead = (await call('POST', `/api/integrations/${hook.id}/test`)).body;
    expect(dead).toMatchObject({ ok: false, message: expect.stringContaining('no_service') });
    expect(JSON.stringify(dead) + stack.logs.join('\n')).not.toContain('sandbox0token');
  });
});
